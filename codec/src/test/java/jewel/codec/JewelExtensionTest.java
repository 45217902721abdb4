package jewel.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What {@code retune} rests on: with Backblaze's systematic construction, parity row i of the
 * coding matrix depends on i and k only, never on n. So a block encoded into n jewels and extended
 * later to n2 (the new jewels encoded from any k of the old ones) is, jewel for jewel, the block
 * encoded into n2 jewels from the start; the segment layout (k × chunk bytes per segment, the last
 * segment shorter) does not depend on n once the chunk size is fixed.
 */
class JewelExtensionTest {

  /** (k, n, n2) shapes: small, odd, and up to the codec's 256 shards. */
  private static final int[][] SHAPES = {
    {1, 1, 2},
    {1, 2, 256},
    {2, 2, 3},
    {3, 5, 7},
    {3, 5, 6},
    {4, 4, 9},
    {5, 8, 13},
    {10, 14, 20},
    {17, 20, 64},
    {100, 120, 200},
    {128, 130, 256},
    {200, 210, 256},
    {255, 255, 256},
  };

  @Test
  void extendingToN2IsEncodingWithN2FromTheStart() {
    Random random = new Random(14);
    for (int[] shape : SHAPES) {
      int k = shape[0];
      int n = shape[1];
      int n2 = shape[2];
      for (int chunk : k >= 100 ? new int[] {1, 7} : new int[] {1, 7, 64}) {
        int kc = k * chunk;
        // empty, shorter than a segment, one segment, and several with a padded last one
        for (int length : new int[] {0, 1, kc - 1, kc, 2 * kc + 1, 3 * kc + kc / 2 + 1}) {
          if (length < 0) {
            continue;
          }
          byte[] block = new byte[length];
          random.nextBytes(block);
          check(k, n, n2, chunk, block, random);
        }
      }
    }
  }

  private static void check(int k, int n, int n2, int chunk, byte[] block, Random random) {
    String what =
        "k=" + k + " n=" + n + " n2=" + n2 + " chunk=" + chunk + " length=" + block.length;
    SegmentLayout small = new SegmentLayout(k, n, chunk, block.length);
    SegmentLayout large = new SegmentLayout(k, n2, chunk, block.length);
    assertEquals(small.jewelLength(), large.jewelLength(), what);
    assertEquals(small.segmentCount(), large.segmentCount(), what);

    byte[][] before = SegmentCodecTest.encodeBlock(small, Codecs.reedSolomon(k, n - k), block);
    byte[][] fromStart = SegmentCodecTest.encodeBlock(large, Codecs.reedSolomon(k, n2 - k), block);
    byte[][] oracle = backblaze(large, block);
    for (int i = 0; i < n2; i++) {
      assertArrayEquals(oracle[i], fromStart[i], "jewel " + i + " against Backblaze: " + what);
    }
    for (int i = 0; i < n; i++) {
      assertArrayEquals(fromStart[i], before[i], "old jewel " + i + " unchanged: " + what);
    }

    // The extension as retune makes it: rebuild from any k of the old jewels, encode with n2,
    // keep only the new ones.
    byte[][] someK = keepOnly(before, pick(n, k, random));
    byte[] rebuilt = SegmentCodecTest.decodeBlock(small, Codecs.reedSolomon(k, n - k), someK);
    assertArrayEquals(block, rebuilt, what);
    byte[][] extended = extend(large, Codecs.reedSolomon(k, n2 - k), rebuilt, n);
    byte[][] all = Arrays.copyOf(before, n2);
    for (int i = n; i < n2; i++) {
      assertArrayEquals(oracle[i], extended[i - n], "new jewel " + i + ": " + what);
      all[i] = extended[i - n];
    }

    // Any k of the n2 jewels, new ones among them, rebuild the block.
    List<Integer> mix = new ArrayList<>();
    mix.add(n + random.nextInt(n2 - n)); // at least one new jewel
    for (int i : pick(n2, n2, random)) {
      if (mix.size() < k && i != mix.get(0)) {
        mix.add(i);
      }
    }
    assertArrayEquals(
        block,
        SegmentCodecTest.decodeBlock(
            large,
            Codecs.reedSolomon("backblaze", k, n2 - k),
            keepOnly(all, mix.stream().mapToInt(Integer::intValue).toArray())),
        "read from jewels " + mix + ": " + what);
  }

  /**
   * Only jewels {@code from..n−1} of the block, segment by segment, from its data chunks ({@link
   * SegmentEncoder#chunksFrom}), in pieces as they come off the network.
   */
  static byte[][] extend(SegmentLayout layout, ErasureCodec codec, byte[] block, int from) {
    SegmentEncoder encoder = new SegmentEncoder(layout, codec);
    int k = layout.k();
    byte[][] jewels = new byte[layout.n() - from][(int) layout.jewelLength()];
    for (long s = 0; s < layout.segmentCount(); s++) {
      byte[][] all = encoder.encode(block, (int) layout.segmentOffset(s), layout.segmentLength(s));
      ByteBuffer[][] data = new ByteBuffer[k][];
      for (int i = 0; i < k; i++) {
        data[i] = SegmentCodecTest.pieces(all[i], 1 + (int) (s % 5));
      }
      byte[][] chunks = encoder.chunksFrom(data, from);
      assertEquals(layout.n() - from, chunks.length);
      for (int i = 0; i < chunks.length; i++) {
        System.arraycopy(chunks[i], 0, jewels[i], (int) layout.chunkOffset(s), chunks[i].length);
      }
    }
    return jewels;
  }

  @Test
  void onlyTheShardsFromTheFirstWantedAreWritten() {
    Random random = new Random(15);
    for (ErasureCodec codec : TestSupport.allCodecs(4, 5)) {
      byte[][] full = new byte[9][];
      for (int i = 0; i < 4; i++) {
        full[i] = new byte[100];
        random.nextBytes(full[i]);
      }
      byte[][] some = full.clone();
      codec.encodeParity(full, 0, 100);
      codec.encodeParityFrom(some, 6, 0, 100);
      for (int i = 4; i < 6; i++) {
        assertEquals(null, some[i], codec + ": shard " + i + " is left alone");
      }
      for (int i = 6; i < 9; i++) {
        assertArrayEquals(full[i], some[i], codec + ": shard " + i);
      }
    }
    for (ErasureCodec codec : List.of(new XorParity(3), Codecs.reedSolomon("backblaze", 3, 2))) {
      SegmentEncoder encoder = new SegmentEncoder(codec, 64);
      byte[] segment = new byte[150];
      random.nextBytes(segment);
      byte[][] all = encoder.encode(segment);
      ByteBuffer[][] data = new ByteBuffer[3][];
      for (int i = 0; i < 3; i++) {
        data[i] = new ByteBuffer[] {ByteBuffer.wrap(all[i])};
      }
      byte[][] last = encoder.chunksFrom(data, codec.totalShards() - 1);
      assertEquals(1, last.length);
      assertArrayEquals(all[codec.totalShards() - 1], last[0], codec.toString());
      assertEquals(0, encoder.chunksFrom(data, codec.totalShards()).length);
    }
  }

  /** The n2 jewels of the block as Backblaze's own classes encode each segment. */
  private static byte[][] backblaze(SegmentLayout layout, byte[] block) {
    int k = layout.k();
    int n = layout.n();
    com.backblaze.erasure.ReedSolomon rs =
        n == k ? null : com.backblaze.erasure.ReedSolomon.create(k, n - k);
    byte[][] jewels = new byte[n][(int) layout.jewelLength()];
    for (long s = 0; s < layout.segmentCount(); s++) {
      int c = layout.chunkLength(s);
      byte[][] shards = new byte[n][c];
      int from = (int) layout.segmentOffset(s);
      int len = layout.segmentLength(s);
      for (int i = 0; i < k; i++) {
        int copy = Math.max(0, Math.min(c, len - i * c));
        if (copy > 0) {
          System.arraycopy(block, from + i * c, shards[i], 0, copy);
        }
      }
      if (rs != null) {
        rs.encodeParity(shards, 0, c);
      }
      for (int i = 0; i < n; i++) {
        System.arraycopy(shards[i], 0, jewels[i], (int) layout.chunkOffset(s), c);
      }
    }
    return jewels;
  }

  /** {@code count} distinct indexes of {@code [0, n)}, in random order. */
  private static int[] pick(int n, int count, Random random) {
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(i);
    }
    Collections.shuffle(all, random);
    return all.subList(0, count).stream().mapToInt(Integer::intValue).toArray();
  }

  private static byte[][] keepOnly(byte[][] jewels, int[] indexes) {
    byte[][] some = new byte[jewels.length][];
    for (int i : indexes) {
      some[i] = jewels[i];
    }
    return some;
  }
}
