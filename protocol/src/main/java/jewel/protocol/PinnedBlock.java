package jewel.protocol;

import java.util.List;
import jewel.api.BlockId;
import jewel.api.FileName;
import jewel.api.PeerId;

/**
 * One block of a fractionally pinned file, as peers need it to decide alone whether they hold it:
 * its id, size, current salt and fraction, where copies are now, and the Merkle root audits check
 * answers against.
 *
 * @param merkleRoot hex SHA-256 Merkle root over the block's 64 KiB chunks (null if unknown)
 * @param usedUnpinned a file without a pin uses the block too (same content): its holders are that
 *     file's placement, so no peer drops it for the pin's sake
 */
public record PinnedBlock(
    FileName file,
    BlockId id,
    long length,
    long salt,
    double fraction,
    List<PeerId> holders,
    String merkleRoot,
    boolean usedUnpinned)
    implements JewelSerializable {
  public PinnedBlock {
    holders = List.copyOf(holders);
  }
}
