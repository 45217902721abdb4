package jewel.codec;

/**
 * Rebuilds one segment at a time from any k of its n chunks (see {@link SegmentLayout} and
 * {@link SegmentEncoder}), so a stream stage holds one segment in memory. Thread-safe if the codec is.
 */
public final class SegmentDecoder {

    private final ErasureCodec codec;

    public SegmentDecoder(ErasureCodec codec) {
        this.codec = codec;
    }

    public int dataShards() {
        return codec.dataShards();
    }

    public int totalShards() {
        return codec.totalShards();
    }

    /** Rebuilds segment s of {@code layout}; see {@link #decode(byte[][], int)}. */
    public byte[] decode(SegmentLayout layout, long segment, byte[][] chunks) {
        if (layout.k() != codec.dataShards() || layout.n() != codec.totalShards()) {
            throw new IllegalArgumentException("codec " + codec + " does not match layout k = " + layout.k()
                    + ", n = " + layout.n());
        }
        return decode(chunks, layout.segmentLength(segment));
    }

    /**
     * Rebuilds a segment of {@code segmentLength} true bytes.
     *
     * @param chunks        n elements, chunk i or {@code null} where it is not available; at least k
     *                      non-null, each of {@code ceil(segmentLength / k)} bytes. Neither the array
     *                      nor the chunks are modified.
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
     * The k data chunks of a segment of {@code segmentLength} true bytes, the missing ones
     * rebuilt: the segment is their concatenation, trimmed to {@code segmentLength}. Chunks
     * given are returned as they are, not copied; see {@link #decode(byte[][], int)} for the
     * arguments.
     */
    public byte[][] dataChunks(byte[][] chunks, int segmentLength) {
        int k = codec.dataShards();
        int n = codec.totalShards();
        if (chunks.length != n) {
            throw new IllegalArgumentException("expected an array of n = " + n + " chunks (null where missing), got "
                    + chunks.length);
        }
        if (segmentLength < 0) {
            throw new IllegalArgumentException("segment length must not be negative, got " + segmentLength);
        }
        int c = SegmentLayout.chunkLengthFor(segmentLength, k);
        boolean[] present = new boolean[n];
        int count = 0;
        boolean dataComplete = true;
        for (int i = 0; i < n; i++) {
            if (chunks[i] != null) {
                if (chunks[i].length != c) {
                    throw new IllegalArgumentException("chunk " + i + " has " + chunks[i].length
                            + " bytes, but a segment of " + segmentLength + " bytes has chunks of " + c);
                }
                present[i] = true;
                count++;
            } else if (i < k) {
                dataComplete = false;
            }
        }
        if (count < k) {
            throw new IllegalArgumentException("need any k = " + k + " of the n = " + n
                    + " chunks to rebuild a segment, got " + count);
        }
        byte[][] shards = chunks.clone();
        if (!dataComplete) {
            for (int i = 0; i < n; i++) {
                if (shards[i] == null) {
                    shards[i] = new byte[c];
                }
            }
            codec.decodeMissingData(shards, present, 0, c);
        }
        return java.util.Arrays.copyOf(shards, k);
    }
}
