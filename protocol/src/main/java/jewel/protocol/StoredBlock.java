package jewel.protocol;

import java.util.List;

/**
 * One block of a stored file: its place in the file's block tree ({@code index}: shard
 * or jewel number, 0 for a whole copy), its id and length, and the peers that hold it
 * (the block book's view when this record was made).
 */
public record StoredBlock(int index, BlockId id, long length, List<PeerId> holders)
    implements JewelSerializable {
  public StoredBlock {
    holders = List.copyOf(holders == null ? List.of() : holders);
  }

  public StoredBlock withHolders(List<PeerId> newHolders) {
    return new StoredBlock(index, id, length, newHolders);
  }
}
