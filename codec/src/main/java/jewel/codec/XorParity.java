package jewel.codec;

/**
 * The {@code parity} scheme's code: k data shards and one parity shard that is their byte-wise XOR.
 * Any one missing shard (data or parity) is the XOR of all the others.
 *
 * <p>As an {@link ErasureCodec} it has {@code m = 1}, {@code k + 1 ≤ 256}. Shards to be written may
 * be {@code null} (allocated with {@code offset + length} bytes). Stateless and thread-safe.
 */
public final class XorParity implements ErasureCodec {

  private final int k;

  public XorParity(int dataShards) {
    CodecChecks.checkShape(dataShards, 1);
    this.k = dataShards;
  }

  @Override
  public int dataShards() {
    return k;
  }

  @Override
  public int parityShards() {
    return 1;
  }

  @Override
  public void encodeParity(byte[][] shards, int offset, int length) {
    CodecChecks.checkShardArray(shards, k + 1);
    CodecChecks.checkRange(offset, length);
    for (int i = 0; i < k; i++) {
      CodecChecks.checkReadable(shards, i, offset, length);
    }
    CodecChecks.ensureWritable(shards, k, offset, length);
    xorInto(shards, k, offset, length);
  }

  @Override
  public void decodeMissing(byte[][] shards, boolean[] present, int offset, int length) {
    CodecChecks.checkShardArray(shards, k + 1);
    CodecChecks.checkPresentArray(present, k + 1);
    CodecChecks.checkRange(offset, length);
    int count = CodecChecks.countPresent(present);
    if (count < k) {
      throw new IllegalArgumentException(
          "XOR parity rebuilds only one missing shard: need at least k = "
              + k
              + " of the "
              + (k + 1)
              + " shards present, but only "
              + count
              + " are present");
    }
    int missing = -1;
    for (int i = 0; i <= k; i++) {
      if (present[i]) {
        CodecChecks.checkReadable(shards, i, offset, length);
      } else {
        missing = i;
      }
    }
    if (missing < 0) {
      return;
    }
    CodecChecks.ensureWritable(shards, missing, offset, length);
    xorInto(shards, missing, offset, length);
  }

  /** {@code shards[target]} = XOR of every other shard, over the range. */
  private static void xorInto(byte[][] shards, int target, int offset, int length) {
    byte[] out = shards[target];
    int end = offset + length;
    boolean first = true;
    for (int i = 0; i < shards.length; i++) {
      if (i == target) {
        continue;
      }
      byte[] in = shards[i];
      if (first) {
        System.arraycopy(in, offset, out, offset, length);
        first = false;
      } else {
        for (int p = offset; p < end; p++) {
          out[p] ^= in[p];
        }
      }
    }
    if (first) {
      java.util.Arrays.fill(out, offset, end, (byte) 0);
    }
  }

  /**
   * The XOR of equal-length shards (a convenience for callers outside the {@link ErasureCodec}
   * API).
   */
  public static byte[] xor(byte[]... data) {
    if (data.length == 0) {
      throw new IllegalArgumentException("need at least one shard to XOR");
    }
    int len = data[0].length;
    byte[] out = data[0].clone();
    for (int i = 1; i < data.length; i++) {
      if (data[i].length != len) {
        throw new IllegalArgumentException(
            "shard " + i + " has " + data[i].length + " bytes, shard 0 has " + len);
      }
      byte[] in = data[i];
      for (int p = 0; p < len; p++) {
        out[p] ^= in[p];
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "XorParity[k=" + k + "]";
  }
}
