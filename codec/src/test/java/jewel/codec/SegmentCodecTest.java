package jewel.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** SegmentEncoder / SegmentDecoder over whole blocks: any k jewels rebuild the exact bytes. */
class SegmentCodecTest {

  /** Encodes a block segment by segment into n jewels (the tessellation). */
  static byte[][] encodeBlock(SegmentLayout layout, ErasureCodec codec, byte[] block) {
    SegmentEncoder encoder = new SegmentEncoder(layout, codec);
    ByteArrayOutputStream[] jewels = new ByteArrayOutputStream[layout.n()];
    for (int i = 0; i < jewels.length; i++) {
      jewels[i] = new ByteArrayOutputStream();
    }
    for (long s = 0; s < layout.segmentCount(); s++) {
      byte[][] chunks =
          encoder.encode(block, (int) layout.segmentOffset(s), layout.segmentLength(s));
      for (int i = 0; i < chunks.length; i++) {
        assertEquals(layout.chunkLength(s), chunks[i].length);
        jewels[i].writeBytes(chunks[i]);
      }
    }
    byte[][] out = new byte[layout.n()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = jewels[i].toByteArray();
      assertEquals(layout.jewelLength(), out[i].length);
    }
    return out;
  }

  /** Decodes a block from the jewels whose entries are non-null. */
  static byte[] decodeBlock(SegmentLayout layout, ErasureCodec codec, byte[][] jewels) {
    SegmentDecoder decoder = new SegmentDecoder(codec);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (long s = 0; s < layout.segmentCount(); s++) {
      int from = (int) layout.chunkOffset(s);
      int to = from + layout.chunkLength(s);
      byte[][] chunks = new byte[layout.n()][];
      for (int i = 0; i < chunks.length; i++) {
        chunks[i] = jewels[i] == null ? null : Arrays.copyOfRange(jewels[i], from, to);
      }
      byte[] segment = decoder.decode(layout, s, chunks);
      assertEquals(layout.segmentLength(s), segment.length);
      out.writeBytes(segment);
    }
    return out.toByteArray();
  }

  private static void roundTrip(
      int k, int n, int chunk, int length, ErasureCodec codec, Random random) {
    byte[] block = new byte[length];
    random.nextBytes(block);
    SegmentLayout layout = new SegmentLayout(k, n, chunk, length);
    byte[][] jewels = encodeBlock(layout, codec, block);
    List<int[]> patterns = TestSupport.erasurePatterns(n, n - k, 12, random);
    for (int[] erased : patterns) {
      byte[][] some = jewels.clone();
      for (int e : erased) {
        some[e] = null;
      }
      assertArrayEquals(
          block,
          decodeBlock(layout, codec, some),
          "k="
              + k
              + " n="
              + n
              + " chunk="
              + chunk
              + " length="
              + length
              + " erased "
              + Arrays.toString(erased));
    }
  }

  @Test
  void anyKJewelsRebuildTheBlock() {
    Random random = new Random(31);
    for (int trial = 0; trial < 40; trial++) {
      int k = 1 + random.nextInt(8);
      int n = k + random.nextInt(5);
      int chunk = 1 + random.nextInt(40);
      int kc = k * chunk;
      int[] lengths = {
        0,
        1,
        chunk - 1,
        chunk,
        chunk + 1,
        kc - 1,
        kc,
        kc + 1,
        3 * kc - 1,
        3 * kc,
        3 * kc + 5,
        random.nextInt(10 * kc + 1)
      };
      for (int length : lengths) {
        if (length >= 0) {
          roundTrip(k, n, chunk, length, Codecs.reedSolomon(k, n - k), random);
        }
      }
    }
  }

  @Test
  void worksWithTheBackblazeCodecAndXorParity() {
    Random random = new Random(32);
    for (int length : new int[] {0, 1, 99, 100, 101, 1000}) {
      roundTrip(4, 7, 25, length, Codecs.reedSolomon("backblaze", 4, 3), random);
      roundTrip(4, 5, 25, length, new XorParity(4), random);
      roundTrip(4, 4, 25, length, Codecs.reedSolomon(4, 0), random);
    }
  }

  @Test
  void jewelsAreTheSameWhicheverRsCodecEncodes() {
    Random random = new Random(33);
    byte[] block = new byte[12345];
    random.nextBytes(block);
    SegmentLayout layout = new SegmentLayout(5, 8, 512, block.length);
    assertArrayEquals(
        encodeBlock(layout, Codecs.reedSolomon("jewel", 5, 3), block),
        encodeBlock(layout, Codecs.reedSolomon("backblaze", 5, 3), block));
  }

  @Test
  void dataChunksAreTheSegmentBytesZeroPadded() {
    SegmentEncoder encoder = new SegmentEncoder(Codecs.reedSolomon(3, 2), 4);
    byte[][] chunks = encoder.encode(new byte[] {1, 2, 3, 4, 5, 6, 7});
    assertArrayEquals(new byte[] {1, 2, 3}, chunks[0]);
    assertArrayEquals(new byte[] {4, 5, 6}, chunks[1]);
    assertArrayEquals(new byte[] {7, 0, 0}, chunks[2]);
    assertEquals(5, chunks.length);
    assertEquals(12, encoder.maxSegmentSize());
  }

  @Test
  void parityOfDataChunksInPiecesIsWhatEncodingTheSegmentGives() {
    Random random = new Random(34);
    for (ErasureCodec codec :
        List.of(
            Codecs.reedSolomon(3, 2), Codecs.reedSolomon("backblaze", 3, 2), new XorParity(3))) {
      SegmentEncoder encoder = new SegmentEncoder(codec, 200_000);
      for (int length : new int[] {1, 2, 7, 23, 24, 3 * 70_001, 600_000}) {
        byte[] segment = new byte[length];
        random.nextBytes(segment);
        byte[][] expected = encoder.encode(segment);
        java.nio.ByteBuffer[][] data = new java.nio.ByteBuffer[3][];
        for (int i = 0; i < 3; i++) {
          data[i] = pieces(expected[i], 1 + random.nextInt(50_000));
        }
        byte[][] parity = encoder.parityChunks(data);
        assertEquals(expected.length - 3, parity.length);
        for (int p = 0; p < parity.length; p++) {
          assertArrayEquals(
              expected[3 + p], parity[p], "parity chunk " + p + " of a segment of " + length);
        }
        assertEquals(0, data[0][0].position(), "buffers are left as they were");
      }
    }
  }

  @Test
  void dataChunksOfADecodedSegmentJoinToTheSegment() {
    ErasureCodec codec = Codecs.reedSolomon(3, 2);
    SegmentEncoder encoder = new SegmentEncoder(codec, 8);
    SegmentDecoder decoder = new SegmentDecoder(codec);
    byte[] segment = new byte[20];
    new Random(35).nextBytes(segment);
    byte[][] chunks = encoder.encode(segment);
    chunks[1] = null;
    byte[][] data = decoder.dataChunks(chunks, segment.length);
    assertEquals(3, data.length);
    assertTrue(data[0] == chunks[0], "a chunk given is not copied");
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (byte[] d : data) {
      joined.writeBytes(d);
    }
    assertArrayEquals(segment, Arrays.copyOf(joined.toByteArray(), segment.length));
    assertArrayEquals(segment, decoder.decode(chunks, segment.length));
  }

  @Test
  void missingDataChunksAreRebuiltFromChunksInPieces() {
    Random random = new Random(36);
    for (ErasureCodec codec :
        List.of(
            Codecs.reedSolomon(3, 2), Codecs.reedSolomon("backblaze", 3, 2), new XorParity(3))) {
      SegmentEncoder encoder = new SegmentEncoder(codec, 200_000);
      SegmentDecoder decoder = new SegmentDecoder(codec);
      for (int length : new int[] {1, 100, 3 * 70_001, 600_000}) {
        byte[] segment = new byte[length];
        random.nextBytes(segment);
        byte[][] chunks = encoder.encode(segment);
        int n = chunks.length;
        for (int gone = 0; gone < 3; gone++) {
          java.nio.ByteBuffer[][] given = new java.nio.ByteBuffer[n][];
          for (int i = 0; i < n; i++) {
            if (i != gone) {
              given[i] = pieces(chunks[i], 1 + random.nextInt(50_000));
            }
          }
          byte[][] data = decoder.missingDataChunks(given, length);
          for (int i = 0; i < 3; i++) {
            if (i == gone) {
              assertArrayEquals(chunks[i], data[i], "rebuilt chunk " + i + " of " + length);
            } else {
              assertEquals(null, data[i]);
            }
          }
          for (int i = 0; i < n; i++) {
            if (given[i] != null) {
              assertEquals(0, given[i][0].position(), "buffers are left as they were");
            }
          }
        }
      }
    }
  }

  static java.nio.ByteBuffer[] pieces(byte[] chunk, int piece) {
    List<java.nio.ByteBuffer> out = new java.util.ArrayList<>();
    for (int at = 0; at < chunk.length; at += piece) {
      out.add(java.nio.ByteBuffer.wrap(chunk, at, Math.min(piece, chunk.length - at)).slice());
    }
    return out.toArray(java.nio.ByteBuffer[]::new);
  }

  @Test
  void badInputsAreClearErrors() {
    ErasureCodec codec = Codecs.reedSolomon(3, 2);
    SegmentEncoder encoder = new SegmentEncoder(codec, 4);
    assertThrows(IllegalArgumentException.class, () -> encoder.encode(new byte[13]));
    SegmentDecoder decoder = new SegmentDecoder(codec);
    byte[][] chunks = encoder.encode(new byte[] {1, 2, 3, 4, 5, 6, 7});
    IllegalArgumentException few =
        assertThrows(
            IllegalArgumentException.class,
            () -> decoder.decode(new byte[][] {chunks[0], null, null, chunks[3], null}, 7));
    assertTrue(few.getMessage().contains("got 2"), few.getMessage());
    IllegalArgumentException wrong =
        assertThrows(IllegalArgumentException.class, () -> decoder.decode(chunks, 10));
    assertTrue(wrong.getMessage().contains("chunk 0"), wrong.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new SegmentEncoder(new SegmentLayout(3, 6, 4, 10), codec));
    // the decoder does not modify its input
    byte[][] some = {null, chunks[1], chunks[2], chunks[3], null};
    byte[][] copy = some.clone();
    assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7}, decoder.decode(some, 7));
    assertArrayEquals(copy, some);
  }
}
