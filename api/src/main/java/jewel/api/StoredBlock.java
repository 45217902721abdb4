package jewel.api;

import java.util.List;

/**
 * One block of a stored file: its place in the file's block tree ({@code index}: shard or jewel
 * number, 0 for a whole copy), its id and length, the peers that hold it (the block book's view
 * when this record was made), and the Merkle root over its 64 KiB chunks that audits check a
 * holder's answers against (null where not recorded).
 */
public record StoredBlock(
    int index, BlockId id, long length, List<PeerId> holders, String merkleRoot) {
  public StoredBlock {
    holders = List.copyOf(holders == null ? List.of() : holders);
  }

  public StoredBlock(int index, BlockId id, long length, List<PeerId> holders) {
    this(index, id, length, holders, null);
  }

  public StoredBlock withHolders(List<PeerId> newHolders) {
    return new StoredBlock(index, id, length, newHolders, merkleRoot);
  }

  public StoredBlock withMerkleRoot(String root) {
    return new StoredBlock(index, id, length, holders, root);
  }
}
