package jewel.codec;

import com.backblaze.erasure.OutputInputByteTableCodingLoop;
import com.backblaze.erasure.ReedSolomon;

/**
 * {@link ErasureCodec} over Backblaze's JavaReedSolomon ({@code com.backblaze.erasure.ReedSolomon},
 * from {@code com.github.l42111996:kcp-fec}) with the {@code OutputInputByteTableCodingLoop}, the
 * fastest of its coding loops on our machines. Named {@code backblaze} in {@link Codecs}: the
 * reference the own codec is checked against, and a fallback.
 *
 * <p>As the library requires, all shards must have the same length, also the ones to be written
 * (null shards to be written are allocated here with {@code offset + length} bytes, which then must
 * be the length of all of them). {@code m = 0} is handled here without calling the library.
 */
public final class BackblazeCodec implements ErasureCodec {

  private final int k;
  private final int m;
  private final ReedSolomon rs;

  public BackblazeCodec(int dataShards, int parityShards) {
    CodecChecks.checkShape(dataShards, parityShards);
    this.k = dataShards;
    this.m = parityShards;
    this.rs =
        parityShards == 0
            ? null
            : new ReedSolomon(dataShards, parityShards, new OutputInputByteTableCodingLoop());
  }

  @Override
  public int dataShards() {
    return k;
  }

  @Override
  public int parityShards() {
    return m;
  }

  @Override
  public void encodeParity(byte[][] shards, int offset, int length) {
    CodecChecks.checkEncode(shards, k, m, offset, length);
    if (rs != null) {
      rs.encodeParity(shards, offset, length);
    }
  }

  @Override
  public void decodeMissing(byte[][] shards, boolean[] present, int offset, int length) {
    int total = k + m;
    CodecChecks.checkShardArray(shards, total);
    CodecChecks.checkPresentArray(present, total);
    CodecChecks.checkRange(offset, length);
    int count = CodecChecks.countPresent(present);
    if (count < k) {
      throw CodecChecks.tooFew(k, total, count);
    }
    if (count == total) {
      return;
    }
    for (int i = 0; i < total; i++) {
      if (present[i]) {
        CodecChecks.checkReadable(shards, i, offset, length);
      } else {
        CodecChecks.ensureWritable(shards, i, offset, length);
      }
    }
    rs.decodeMissing(shards, present, offset, length);
  }

  @Override
  public String toString() {
    return "BackblazeCodec[k=" + k + ", m=" + m + "]";
  }
}
