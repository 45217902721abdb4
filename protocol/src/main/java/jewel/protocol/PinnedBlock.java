package jewel.protocol;

import java.util.List;

/**
 * One block of a fractionally pinned file, as peers need it to decide alone whether they
 * hold it: its id, size, current salt and fraction, where copies are now, and the Merkle
 * root audits check answers against.
 *
 * @param merkleRoot hex SHA-256 Merkle root over the block's 64 KiB chunks (null if unknown)
 */
public record PinnedBlock(
    FileName file, BlockId id, long length, long salt, double fraction, List<PeerId> holders, String merkleRoot)
    implements JewelSerializable {
  public PinnedBlock {
    holders = List.copyOf(holders);
  }
}
