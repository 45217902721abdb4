package jewel.codec;

/**
 * A systematic erasure code over equal-length byte shards: {@code k} data shards followed by {@code
 * m} parity shards, {@code 1 ≤ k}, {@code 0 ≤ m}, {@code k + m ≤ 256}. Any {@code k} of the {@code
 * k + m} shards rebuild all the others.
 *
 * <p>Every call works on the same byte range {@code [offset, offset + length)} of every shard.
 * Shards that are read must be non-null and hold at least {@code offset + length} bytes; the {@link
 * BackblazeCodec} adapter additionally requires all shards to have the same length. Implementations
 * are immutable and thread-safe; concurrent calls must use different shard arrays.
 *
 * <p>The Reed-Solomon implementations ({@link ReedSolomonCodec}, {@link BackblazeCodec}) are
 * byte-compatible with Backblaze's JavaReedSolomon: GF(2^8) with polynomial 0x11D, encoding matrix
 * derived from a Vandermonde matrix. {@link XorParity} is the {@code m = 1} XOR code of the {@code
 * parity} scheme (not the same parity as Reed-Solomon with {@code m = 1}).
 */
public interface ErasureCodec {

  /** k, the number of data shards. */
  int dataShards();

  /** m, the number of parity shards. */
  int parityShards();

  /** k + m. */
  default int totalShards() {
    return dataShards() + parityShards();
  }

  /**
   * Computes the parity: reads {@code shards[0..k)} and writes {@code shards[k..k+m)} over {@code
   * [offset, offset + length)}. {@code shards.length} must be {@code k + m}.
   */
  void encodeParity(byte[][] shards, int offset, int length);

  /**
   * Computes only the parity shards from {@code from} on ({@code k ≤ from ≤ k + m}): reads {@code
   * shards[0..k)} and writes {@code shards[from..k+m)}; the shards before {@code from} past the
   * data are neither read nor written. What {@code retune} needs to add jewels: in a systematic
   * Reed-Solomon code parity row i depends on i and k only. The default computes all the parity
   * (into scratch shards as long as data shard 0 where {@code shards} has none).
   */
  default void encodeParityFrom(byte[][] shards, int from, int offset, int length) {
    byte[][] all = shards.clone();
    for (int i = dataShards(); i < from; i++) {
      all[i] = new byte[shards[0].length];
    }
    encodeParity(all, offset, length);
    System.arraycopy(all, from, shards, from, shards.length - from);
  }

  /**
   * Rebuilds every shard whose {@code present} flag is false (data and parity) over {@code [offset,
   * offset + length)} from the present ones. {@code present} is not modified.
   *
   * @throws IllegalArgumentException if fewer than {@code k} shards are present, or the arrays do
   *     not have {@code k + m} elements, or a shard is too short
   */
  void decodeMissing(byte[][] shards, boolean[] present, int offset, int length);

  /**
   * Like {@link #decodeMissing} but only data shards need to be rebuilt; missing parity shards may
   * be left untouched. The default rebuilds everything.
   */
  default void decodeMissingData(byte[][] shards, boolean[] present, int offset, int length) {
    decodeMissing(shards, present, offset, length);
  }
}
