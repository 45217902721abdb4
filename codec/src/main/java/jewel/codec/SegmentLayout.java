package jewel.codec;

/**
 * The "tessellation" of a block into jewels, for streaming: the block is cut into segments of
 * {@code k × chunkSize} bytes; each segment is cut into k data chunks and encoded into n chunks;
 * jewel i is chunk i of every segment, concatenated in segment order.
 *
 * <p>The last segment: when the block length is not a multiple of {@code k × chunkSize}, the
 * remaining {@code r} bytes form a last, shorter segment whose chunks are {@code ceil(r / k)} bytes
 * long (not {@code chunkSize}), its data zero-padded to {@code k × ceil(r / k)} bytes. So a small
 * block costs at most {@code k − 1} padding bytes per jewel set instead of a whole segment. In
 * general, a segment of {@code len} bytes has chunks of {@code ceil(len / k)} bytes, and data chunk
 * i holds its bytes {@code [i·c, (i+1)·c)}.
 *
 * <p>A block of length 0 has no segments and jewels of length 0. All jewels of a block have the
 * same length, {@link #jewelLength()}; segment s's chunk sits at {@link #chunkOffset(long)} in
 * every jewel.
 *
 * @param k data chunks per segment, {@code 1 ≤ k ≤ n}
 * @param n chunks per segment (jewels), {@code n ≤ 256}
 * @param chunkSize bytes per chunk of a full segment, ≥ 1, with {@code k × chunkSize} fitting a
 *     Java array
 * @param trueLength the block's length in bytes, ≥ 0
 */
public record SegmentLayout(int k, int n, int chunkSize, long trueLength) {

  /** The largest segment (k × chunkSize) a byte array holds comfortably. */
  public static final int MAX_SEGMENT_BYTES = Integer.MAX_VALUE - 16;

  public SegmentLayout {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    if (n < k) {
      throw new IllegalArgumentException("n must be at least k = " + k + ", got " + n);
    }
    if (n > 256) {
      throw new IllegalArgumentException("n must be at most 256, got " + n);
    }
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunk size must be at least 1 byte, got " + chunkSize);
    }
    if ((long) k * chunkSize > MAX_SEGMENT_BYTES) {
      throw new IllegalArgumentException(
          "a segment of k × chunk size = "
              + k
              + " × "
              + chunkSize
              + " bytes is too large (at most "
              + MAX_SEGMENT_BYTES
              + ")");
    }
    if (trueLength < 0) {
      throw new IllegalArgumentException("length must not be negative, got " + trueLength);
    }
  }

  /** A half-open range of segment indexes {@code [first, end)}. */
  public record Span(long first, long end) {
    public long count() {
      return end - first;
    }

    public boolean isEmpty() {
      return end <= first;
    }
  }

  /** Bytes of a full segment: k × chunkSize. */
  public int segmentSize() {
    return k * chunkSize;
  }

  private long fullSegments() {
    return trueLength / segmentSize();
  }

  private int remainder() {
    return (int) (trueLength % segmentSize());
  }

  public long segmentCount() {
    return fullSegments() + (remainder() > 0 ? 1 : 0);
  }

  /** Bytes in every jewel. */
  public long jewelLength() {
    return fullSegments() * chunkSize + ceilDiv(remainder(), k);
  }

  /** Where segment s's bytes start in the block. */
  public long segmentOffset(long s) {
    checkSegment(s);
    return s * segmentSize();
  }

  /** Segment s's true length in the block (without padding). */
  public int segmentLength(long s) {
    checkSegment(s);
    return (int) Math.min(segmentSize(), trueLength - s * segmentSize());
  }

  /** Where segment s's chunk starts inside every jewel. */
  public long chunkOffset(long s) {
    checkSegment(s);
    return s * chunkSize;
  }

  /** Length of segment s's chunk: chunkSize, or ceil(remainder / k) for a short last segment. */
  public int chunkLength(long s) {
    return chunkLengthFor(segmentLength(s), k);
  }

  /** The chunk length of a segment of {@code segmentLength} bytes: ceil(segmentLength / k). */
  public static int chunkLengthFor(int segmentLength, int k) {
    return ceilDiv(segmentLength, k);
  }

  /** The segment that holds byte {@code offset} of the block. */
  public long segmentOf(long offset) {
    if (offset < 0 || offset >= trueLength) {
      throw new IllegalArgumentException(
          "offset " + offset + " is outside the block of " + trueLength + " bytes");
    }
    return offset / segmentSize();
  }

  /**
   * The segments that cover the block's bytes {@code [offset, offset + length)}, which must lie
   * within the block; empty for {@code length == 0}.
   */
  public Span segmentsCovering(long offset, long length) {
    if (offset < 0 || length < 0 || offset > trueLength || length > trueLength - offset) {
      throw new IllegalArgumentException(
          "range ["
              + offset
              + ", "
              + offset
              + " + "
              + length
              + ") is outside the block of "
              + trueLength
              + " bytes");
    }
    if (length == 0) {
      long at = Math.min(offset / segmentSize(), segmentCount());
      return new Span(at, at);
    }
    return new Span(offset / segmentSize(), (offset + length - 1) / segmentSize() + 1);
  }

  private void checkSegment(long s) {
    if (s < 0 || s >= segmentCount()) {
      throw new IndexOutOfBoundsException(
          "segment " + s + " does not exist: the block has " + segmentCount() + " segments");
    }
  }

  static int ceilDiv(int a, int b) {
    return a == 0 ? 0 : (a - 1) / b + 1;
  }

  static long ceilDiv(long a, long b) {
    return a == 0 ? 0 : (a - 1) / b + 1;
  }
}
