package jewel.api;

import java.util.List;

/**
 * A file as the registry knows it: the index entry (name, size, root block, scheme), its block tree
 * (layout and blocks in order) and, per block, the holders from the block book.
 *
 * @param root the SHA-256 of the whole file's content
 * @param storedAtMillis when the store was committed (epoch milliseconds)
 * @param object what an S3 client said about the file and its ETag, if it was stored as an object
 *     (null otherwise, and in journals from before objects); a composite's parts (see {@link
 *     ObjectAttributes})
 */
public record FileEntry(
    FileName name,
    long size,
    BlockId root,
    SchemeSpec scheme,
    BlockLayout layout,
    List<StoredBlock> blocks,
    long storedAtMillis,
    ObjectAttributes object) {
  public FileEntry {
    blocks = List.copyOf(blocks);
  }

  /** A file stored without object attributes (by the CLI, the HTTP API, a repair). */
  public FileEntry(
      FileName name,
      long size,
      BlockId root,
      SchemeSpec scheme,
      BlockLayout layout,
      List<StoredBlock> blocks,
      long storedAtMillis) {
    this(name, size, root, scheme, layout, blocks, storedAtMillis, null);
  }

  public FileEntry withBlocks(List<StoredBlock> newBlocks) {
    return new FileEntry(name, size, root, scheme, layout, newBlocks, storedAtMillis, object);
  }

  /** Whether its bytes are those of other files, its parts (a multipart object). */
  public boolean composite() {
    return object != null && object.composite();
  }

  /** Bytes stored on peers, counting every copy. */
  public long storedBytes() {
    return blocks.stream().mapToLong(b -> b.length() * b.holders().size()).sum();
  }
}
