package jewel.api;

/**
 * How a file's blocks rebuild it, recorded in the block tree so that any reader can decode without
 * knowing the scheme's defaults at the time of the store.
 *
 * @param kind {@code whole} (every block is a full copy), {@code shards} (k contiguous shards,
 *     possibly with copies), {@code segments} (segment tessellation: k data + n-k coded chunks per
 *     segment, jewel i = chunk i of every segment)
 * @param k blocks needed to rebuild (1 for whole copies)
 * @param n distinct blocks in the tree
 * @param chunkSize bytes per chunk within a segment (0 where it does not apply)
 * @param codec the erasure codec that made coded blocks ({@code none}, {@code xor}, {@code jewel},
 *     {@code backblaze}; the Reed-Solomon ones are byte-compatible)
 */
public record BlockLayout(String kind, int k, int n, int chunkSize, String codec) {
  public static BlockLayout whole() {
    return new BlockLayout("whole", 1, 1, 0, "none");
  }
}
