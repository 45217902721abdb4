package jewel.codec;

import java.nio.ByteBuffer;

/**
 * Rebuilds one segment at a time from any k of its n chunks (see {@link SegmentLayout} and {@link
 * SegmentEncoder}), so a stream stage holds one segment in memory. Thread-safe if the codec is.
 */
public final class SegmentDecoder {

  private final ErasureCodec codec;

  public SegmentDecoder(ErasureCodec codec) {
    this.codec = codec;
  }

  /** Rebuilds segment s of {@code layout}; see {@link #decode(byte[][], int)}. */
  public byte[] decode(SegmentLayout layout, long segment, byte[][] chunks) {
    if (layout.k() != codec.dataShards() || layout.n() != codec.totalShards()) {
      throw new IllegalArgumentException(
          "codec " + codec + " does not match layout k = " + layout.k() + ", n = " + layout.n());
    }
    return decode(chunks, layout.segmentLength(segment));
  }

  /**
   * Rebuilds a segment of {@code segmentLength} true bytes.
   *
   * @param chunks n elements, chunk i or {@code null} where it is not available; at least k
   *     non-null, each of {@code ceil(segmentLength / k)} bytes. Neither the array nor the chunks
   *     are modified.
   * @return the segment's bytes, trimmed to {@code segmentLength}
   * @throws IllegalArgumentException if fewer than k chunks are given or one has the wrong length
   */
  public byte[] decode(byte[][] chunks, int segmentLength) {
    byte[][] data = dataChunks(chunks, segmentLength);
    int c = SegmentLayout.chunkLengthFor(segmentLength, codec.dataShards());
    byte[] out = new byte[segmentLength];
    for (int i = 0, at = 0; i < data.length && at < segmentLength; i++, at += c) {
      System.arraycopy(data[i], 0, out, at, Math.min(c, segmentLength - at));
    }
    return out;
  }

  /**
   * The k data chunks of a segment of {@code segmentLength} true bytes, the missing ones rebuilt:
   * the segment is their concatenation, trimmed to {@code segmentLength}. Chunks given are returned
   * as they are, not copied; see {@link #decode(byte[][], int)} for the arguments.
   */
  public byte[][] dataChunks(byte[][] chunks, int segmentLength) {
    int k = codec.dataShards();
    int n = codec.totalShards();
    if (chunks.length != n) {
      throw new IllegalArgumentException(
          "expected an array of n = " + n + " chunks (null where missing), got " + chunks.length);
    }
    if (segmentLength < 0) {
      throw new IllegalArgumentException(
          "segment length must not be negative, got " + segmentLength);
    }
    int c = SegmentLayout.chunkLengthFor(segmentLength, k);
    boolean[] present = new boolean[n];
    int count = 0;
    boolean dataComplete = true;
    for (int i = 0; i < n; i++) {
      if (chunks[i] != null) {
        if (chunks[i].length != c) {
          throw new IllegalArgumentException(
              "chunk "
                  + i
                  + " has "
                  + chunks[i].length
                  + " bytes, but a segment of "
                  + segmentLength
                  + " bytes has chunks of "
                  + c);
        }
        present[i] = true;
        count++;
      } else if (i < k) {
        dataComplete = false;
      }
    }
    if (count < k) {
      throw new IllegalArgumentException(
          "need any k = " + k + " of the n = " + n + " chunks to rebuild a segment, got " + count);
    }
    byte[][] shards = chunks.clone();
    if (!dataComplete) {
      // The codec allocates what it rebuilds.
      codec.decodeMissingData(shards, present, 0, c);
    }
    return java.util.Arrays.copyOf(shards, k);
  }

  /** How many bytes of each chunk {@link #missingDataChunks} decodes at a time. */
  static final int STRIPE = 64 * 1024;

  /**
   * Rebuilds the data chunks missing from a segment of {@code segmentLength} true bytes whose
   * chunks are given as the buffers they came in (a network's pieces), so that they need not be
   * joined into arrays first: it decodes {@value #STRIPE} bytes of each chunk at a time, through
   * small arrays of its own. The buffers' positions are left as they were.
   *
   * @param chunks n elements, the buffers of chunk i in order or {@code null} where it is not
   *     available; at least k non-null, each holding {@code ceil(segmentLength / k)} bytes in all
   * @return k elements: data chunk i rebuilt where it was missing, {@code null} where it was given
   */
  public byte[][] missingDataChunks(ByteBuffer[][] chunks, int segmentLength) {
    int k = codec.dataShards();
    int n = codec.totalShards();
    if (chunks.length != n) {
      throw new IllegalArgumentException(
          "expected an array of n = " + n + " chunks (null where missing), got " + chunks.length);
    }
    int c = SegmentLayout.chunkLengthFor(segmentLength, k);
    boolean[] present = new boolean[n];
    int count = 0;
    ByteBuffer[][] readers = new ByteBuffer[n][];
    for (int i = 0; i < n; i++) {
      if (chunks[i] == null) {
        continue;
      }
      long bytes = 0;
      readers[i] = new ByteBuffer[chunks[i].length];
      for (int b = 0; b < chunks[i].length; b++) {
        readers[i][b] = chunks[i][b].duplicate();
        bytes += readers[i][b].remaining();
      }
      if (bytes != c) {
        throw new IllegalArgumentException(
            "chunk "
                + i
                + " has "
                + bytes
                + " bytes, but a segment of "
                + segmentLength
                + " bytes has chunks of "
                + c);
      }
      present[i] = true;
      count++;
    }
    if (count < k) {
      throw new IllegalArgumentException(
          "need any k = " + k + " of the n = " + n + " chunks to rebuild a segment, got " + count);
    }
    byte[][] out = new byte[k][];
    boolean missing = false;
    for (int i = 0; i < k; i++) {
      if (!present[i]) {
        out[i] = new byte[c];
        missing = true;
      }
    }
    if (!missing) {
      return out;
    }
    int stripe = Math.min(STRIPE, c);
    byte[][] scratch = new byte[n][stripe];
    int[] next = new int[n]; // each chunk's next buffer
    for (int at = 0; at < c; at += stripe) {
      int len = Math.min(stripe, c - at);
      for (int i = 0; i < n; i++) {
        if (present[i]) {
          read(readers[i], next, i, scratch[i], len);
        }
      }
      codec.decodeMissingData(scratch, present, 0, len);
      for (int i = 0; i < k; i++) {
        if (out[i] != null) {
          System.arraycopy(scratch[i], 0, out[i], at, len);
        }
      }
    }
    return out;
  }

  /**
   * Reads {@code len} bytes from chunk i's buffers, from its buffer {@code next[i]} on, into {@code
   * into}.
   */
  static void read(ByteBuffer[] buffers, int[] next, int i, byte[] into, int len) {
    int done = 0;
    while (done < len) {
      ByteBuffer b = buffers[next[i]];
      int take = Math.min(len - done, b.remaining());
      b.get(into, done, take);
      done += take;
      if (!b.hasRemaining()) {
        next[i]++;
      }
    }
  }
}
