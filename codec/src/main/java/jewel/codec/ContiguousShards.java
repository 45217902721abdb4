package jewel.codec;

/**
 * The {@code shard} scheme's arithmetic: a block of {@code length} bytes is cut into k contiguous
 * shards of {@code s = ceil(length / k)} bytes (0 for an empty block); shard i is the block's bytes
 * {@code [i·s, (i+1)·s)} clipped to the length, so the last shards may be shorter or empty. Nothing
 * is padded and trailing zeros are never stripped: the true length is part of the record and is
 * what joining uses.
 *
 * @param length the block's true length, ≥ 0
 * @param k the number of shards, ≥ 1
 */
public record ContiguousShards(long length, int k) {

  public ContiguousShards {
    if (length < 0) {
      throw new IllegalArgumentException("length must not be negative, got " + length);
    }
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
  }

  /** s = ceil(length / k): the length of every full shard. */
  public long shardSize() {
    return SegmentLayout.ceilDiv(length, k);
  }

  /** Where shard i starts in the block (clipped to the length). */
  public long shardOffset(int i) {
    checkIndex(i);
    return Math.min(length, i * shardSize());
  }

  /** Shard i's true length: s, less for the shard holding the end, 0 for shards past it. */
  public long shardLength(int i) {
    checkIndex(i);
    return Math.min(length, (i + 1) * shardSize()) - shardOffset(i);
  }

  /** The shard holding byte {@code offset} of the block. */
  public int shardOf(long offset) {
    if (offset < 0 || offset >= length) {
      throw new IllegalArgumentException(
          "offset " + offset + " is outside the block of " + length + " bytes");
    }
    return (int) (offset / shardSize());
  }

  /** Cuts an in-memory block into its k shards (copies). */
  public static byte[][] split(byte[] block, int k) {
    ContiguousShards layout = new ContiguousShards(block.length, k);
    byte[][] shards = new byte[k][];
    for (int i = 0; i < k; i++) {
      int from = (int) layout.shardOffset(i);
      shards[i] = java.util.Arrays.copyOfRange(block, from, from + (int) layout.shardLength(i));
    }
    return shards;
  }

  /** Joins shards back into the block; each must have exactly its {@link #shardLength} bytes. */
  public byte[] join(byte[][] shards) {
    if (shards.length != k) {
      throw new IllegalArgumentException("expected " + k + " shards, got " + shards.length);
    }
    if (length > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(
          "a block of " + length + " bytes does not fit in memory; join it as a stream");
    }
    byte[] out = new byte[(int) length];
    for (int i = 0; i < k; i++) {
      if (shards[i].length != shardLength(i)) {
        throw new IllegalArgumentException(
            "shard " + i + " has " + shards[i].length + " bytes, expected " + shardLength(i));
      }
      System.arraycopy(shards[i], 0, out, (int) shardOffset(i), shards[i].length);
    }
    return out;
  }

  private void checkIndex(int i) {
    if (i < 0 || i >= k) {
      throw new IndexOutOfBoundsException("shard " + i + " does not exist: there are " + k);
    }
  }
}
