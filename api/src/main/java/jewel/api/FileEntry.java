package jewel.api;

import java.util.List;

/**
 * A file as the registry knows it: the index entry (name, size, root block, scheme), its block tree
 * (layout and blocks in order) and, per block, the holders from the block book.
 *
 * @param root the SHA-256 of the whole file's content
 * @param storedAtMillis when the store was committed (epoch milliseconds)
 */
public record FileEntry(
    FileName name,
    long size,
    BlockId root,
    SchemeSpec scheme,
    BlockLayout layout,
    List<StoredBlock> blocks,
    long storedAtMillis) {
  public FileEntry {
    blocks = List.copyOf(blocks);
  }

  public FileEntry withBlocks(List<StoredBlock> newBlocks) {
    return new FileEntry(name, size, root, scheme, layout, newBlocks, storedAtMillis);
  }

  /** Bytes stored on peers, counting every copy. */
  public long storedBytes() {
    return blocks.stream().mapToLong(b -> b.length() * b.holders().size()).sum();
  }
}
