package jewel.codec;

import java.nio.ByteBuffer;

/**
 * Encodes one segment at a time into its n chunks (see {@link SegmentLayout}), so a stream stage
 * holds one segment and its chunks in memory, never the whole block.
 *
 * <p>A segment of {@code len} bytes ({@code 0 ≤ len ≤ k × chunkSize}) gives n chunks of {@code
 * ceil(len / k)} bytes: data chunk i is the segment's bytes {@code [i·c, (i+1)·c)}, zero-padded,
 * followed by the codec's parity chunks. Full segments therefore have chunks of exactly {@code
 * chunkSize} bytes, and only the last segment of a block can be shorter; the encoder needs no other
 * knowledge of the block. Thread-safe if the codec is.
 */
public final class SegmentEncoder {

  private final ErasureCodec codec;
  private final int chunkSize;

  /** An encoder for segments of up to {@code codec.dataShards() × chunkSize} bytes. */
  public SegmentEncoder(ErasureCodec codec, int chunkSize) {
    this.codec = codec;
    this.chunkSize = chunkSize;
    // validates chunkSize and the segment size
    new SegmentLayout(codec.dataShards(), codec.totalShards(), chunkSize, 0);
  }

  /** An encoder for the segments of {@code layout}; the codec must have k and n as the layout. */
  public SegmentEncoder(SegmentLayout layout, ErasureCodec codec) {
    this(codec, layout.chunkSize());
    if (codec.dataShards() != layout.k() || codec.totalShards() != layout.n()) {
      throw new IllegalArgumentException(
          "codec " + codec + " does not match layout k = " + layout.k() + ", n = " + layout.n());
    }
  }

  /** The largest segment this encoder takes: k × chunkSize. */
  public int maxSegmentSize() {
    return codec.dataShards() * chunkSize;
  }

  public byte[][] encode(byte[] segment) {
    return encode(segment, 0, segment.length);
  }

  /**
   * Encodes {@code segment[offset, offset + length)} and returns n new chunks of {@code ceil(length
   * / k)} bytes each, data chunks first.
   */
  public byte[][] encode(byte[] segment, int offset, int length) {
    if (offset < 0 || length < 0 || length > segment.length - offset) {
      throw new IllegalArgumentException(
          "bad range ["
              + offset
              + ", "
              + offset
              + " + "
              + length
              + ") of "
              + segment.length
              + " bytes");
    }
    if (length > maxSegmentSize()) {
      throw new IllegalArgumentException(
          "segment of " + length + " bytes is larger than k × chunk size = " + maxSegmentSize());
    }
    int k = codec.dataShards();
    int c = SegmentLayout.chunkLengthFor(length, k);
    byte[][] chunks = new byte[codec.totalShards()][];
    for (int i = 0; i < k; i++) {
      byte[] chunk = new byte[c];
      int from = i * c;
      int copy = Math.max(0, Math.min(c, length - from));
      if (copy > 0) {
        System.arraycopy(segment, offset + from, chunk, 0, copy);
      }
      chunks[i] = chunk;
    }
    for (int i = k; i < chunks.length; i++) {
      chunks[i] = new byte[c];
    }
    codec.encodeParity(chunks, 0, c);
    return chunks;
  }

  /** How many bytes of each chunk {@link #parityChunks} encodes at a time. */
  static final int STRIPE = 64 * 1024;

  /**
   * The parity chunks of a segment given as its k data chunks (each of {@code ceil(length / k)}
   * bytes, zero past the segment's end) in the buffers they came in, so that they need not be
   * joined into arrays first: it encodes {@value #STRIPE} bytes of each chunk at a time, through
   * small arrays of its own. The buffers' positions are left as they were.
   *
   * @return the n − k parity chunks
   */
  public byte[][] parityChunks(ByteBuffer[][] data) {
    return chunksFrom(data, codec.dataShards());
  }

  /**
   * Like {@link #parityChunks} but only the chunks from {@code from} on ({@code k ≤ from ≤ n}):
   * what {@code retune} adds to jewels that exist. Chunks before {@code from} are not computed
   * where the codec can skip them ({@link ErasureCodec#encodeParityFrom}).
   *
   * @return the n − from chunks {@code from..n−1}
   */
  public byte[][] chunksFrom(ByteBuffer[][] data, int from) {
    int k = codec.dataShards();
    int n = codec.totalShards();
    if (data.length != k) {
      throw new IllegalArgumentException("expected k = " + k + " data chunks, got " + data.length);
    }
    long[] sizes = new long[k];
    ByteBuffer[][] readers = new ByteBuffer[k][];
    for (int i = 0; i < k; i++) {
      readers[i] = new ByteBuffer[data[i].length];
      for (int b = 0; b < data[i].length; b++) {
        readers[i][b] = data[i][b].duplicate();
        sizes[i] += readers[i][b].remaining();
      }
      if (sizes[i] != sizes[0]) {
        throw new IllegalArgumentException(
            "data chunk " + i + " has " + sizes[i] + " bytes, chunk 0 has " + sizes[0]);
      }
    }
    if (sizes[0] > chunkSize) {
      throw new IllegalArgumentException(
          "data chunks of " + sizes[0] + " bytes are larger than the chunk size " + chunkSize);
    }
    if (from < k || from > n) {
      throw new IllegalArgumentException(
          "the first chunk to encode must be in " + k + ".." + n + ", got " + from);
    }
    int c = (int) sizes[0];
    byte[][] out = new byte[n - from][c];
    int stripe = Math.max(1, Math.min(STRIPE, c));
    byte[][] scratch = new byte[n][];
    for (int i = 0; i < n; i++) {
      scratch[i] = i < k || i >= from ? new byte[stripe] : null;
    }
    int[] next = new int[k];
    for (int at = 0; at < c; at += stripe) {
      int len = Math.min(stripe, c - at);
      for (int i = 0; i < k; i++) {
        SegmentDecoder.read(readers[i], next, i, scratch[i], len);
      }
      codec.encodeParityFrom(scratch, from, 0, len);
      for (int p = 0; p < n - from; p++) {
        System.arraycopy(scratch[from + p], 0, out[p], at, len);
      }
    }
    return out;
  }
}
