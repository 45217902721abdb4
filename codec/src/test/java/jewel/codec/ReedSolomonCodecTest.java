package jewel.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Randomised cross-checks of the own codec (both kernels) against Backblaze's, and edge cases. */
class ReedSolomonCodecTest {

  private static final int[] SIZES = {
    0, 1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 1000, 4096, 4099, 10_000
  };

  /**
   * Encodes with Backblaze (the oracle) and every own kernel; decodes random erasures with all of
   * them.
   */
  private static void crossCheck(int k, int m, int size, int offset, Random random) {
    int n = k + m;
    int total = offset + size + (offset > 0 ? 3 : 0); // leave some bytes after the range too
    byte[][] expected = TestSupport.randomShards(random, n, total);
    new BackblazeCodec(k, m).encodeParity(expected, offset, size);
    for (ErasureCodec codec : TestSupport.allCodecs(k, m)) {
      byte[][] shards = TestSupport.deepCopy(expected);
      for (int p = k; p < n; p++) {
        // bytes outside the range must survive untouched: scramble only the range
        for (int b = offset; b < offset + size; b++) {
          shards[p][b] = (byte) random.nextInt();
        }
      }
      codec.encodeParity(shards, offset, size);
      for (int i = 0; i < n; i++) {
        assertArrayEquals(
            expected[i], shards[i], codec + " size " + size + " offset " + offset + " shard " + i);
      }
      int erase = m == 0 ? 0 : 1 + random.nextInt(m);
      for (int round = 0; round < 2; round++) {
        byte[][] damaged = TestSupport.deepCopy(expected);
        boolean[] present = new boolean[n];
        Arrays.fill(present, true);
        for (int[] p : TestSupport.erasurePatterns(n, erase, 1, random)) {
          for (int e : p) {
            present[e] = false;
            for (int b = offset; b < offset + size; b++) {
              damaged[e][b] = (byte) ~damaged[e][b];
            }
          }
        }
        codec.decodeMissing(damaged, present, offset, size);
        for (int i = 0; i < n; i++) {
          assertArrayEquals(
              expected[i],
              damaged[i],
              codec
                  + " decode size "
                  + size
                  + " offset "
                  + offset
                  + " present "
                  + Arrays.toString(present)
                  + " shard "
                  + i);
        }
        erase = m;
      }
    }
  }

  @Test
  void matchesBackblazeOnRandomShapesAndSizes() {
    Random random = new Random(20240501);
    for (int trial = 0; trial < 60; trial++) {
      int k = 1 + random.nextInt(20);
      int m = random.nextInt(9);
      int size = SIZES[random.nextInt(SIZES.length)];
      int offset = random.nextBoolean() ? 0 : 1 + 2 * random.nextInt(20);
      crossCheck(k, m, size, offset, random);
    }
  }

  @Test
  void matchesBackblazeOnEverySizeWithTenPlusFour() {
    Random random = new Random(7);
    for (int size : SIZES) {
      crossCheck(10, 4, size, 0, random);
      crossCheck(10, 4, size, 13, random);
    }
  }

  @Test
  void matchesBackblazeWithManyOutputs() {
    // 5..9 outputs exercise the groups of four accumulators plus every remainder
    Random random = new Random(99);
    for (int m = 5; m <= 9; m++) {
      crossCheck(7, m, 200, 3, random);
    }
  }

  @Test
  void matchesBackblazeAtTheLargestShapes() {
    Random random = new Random(256);
    crossCheck(200, 56, 130, 0, random);
    crossCheck(128, 128, 70, 5, random);
    crossCheck(255, 1, 65, 0, random);
    crossCheck(1, 255, 17, 1, random);
    crossCheck(256, 0, 33, 0, random);
  }

  @Test
  void kernelsCanBeChosenExplicitly() {
    assertEquals("scalar", ReedSolomonCodec.scalar(3, 2).kernel());
    assertTrue(ReedSolomonCodec.vector(3, 2).kernel().startsWith("vector-"));
    assertEquals(3, ReedSolomonCodec.scalar(3, 2).dataShards());
    assertEquals(2, ReedSolomonCodec.scalar(3, 2).parityShards());
    assertEquals(5, ReedSolomonCodec.scalar(3, 2).totalShards());
  }

  @Test
  void rejectsImpossibleShapes() {
    assertThrows(IllegalArgumentException.class, () -> new ReedSolomonCodec(0, 2));
    assertThrows(IllegalArgumentException.class, () -> new ReedSolomonCodec(2, -1));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new ReedSolomonCodec(200, 57));
    assertTrue(e.getMessage().contains("256"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new BackblazeCodec(200, 57));
    assertThrows(IllegalArgumentException.class, () -> new XorParity(256));
  }

  @Test
  void tooFewPresentIsAClearError() {
    for (ErasureCodec codec : TestSupport.allCodecs(4, 2)) {
      byte[][] shards = new byte[6][8];
      boolean[] present = {true, false, true, false, false, true};
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> codec.decodeMissing(shards, present, 0, 8));
      assertEquals(
          "need at least k = 4 of the 6 shards present to decode, but only 3 are present",
          e.getMessage(),
          codec.toString());
    }
  }

  @Test
  void badArgumentsAreClearErrors() {
    ReedSolomonCodec codec = new ReedSolomonCodec(3, 2);
    assertThrows(IllegalArgumentException.class, () -> codec.encodeParity(new byte[4][8], 0, 8));
    assertThrows(IllegalArgumentException.class, () -> codec.encodeParity(new byte[5][8], 4, 8));
    assertThrows(IllegalArgumentException.class, () -> codec.encodeParity(new byte[5][8], -1, 2));
    byte[][] nullData = new byte[5][8];
    nullData[1] = null;
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> codec.encodeParity(nullData, 0, 8));
    assertTrue(e.getMessage().contains("shard 1"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> codec.decodeMissing(new byte[5][8], new boolean[4], 0, 8));
  }

  @Test
  void missingShardsToWriteMayBeNull() {
    Random random = new Random(3);
    ReedSolomonCodec codec = new ReedSolomonCodec(5, 3);
    byte[][] expected = TestSupport.randomShards(random, 8, 100);
    codec.encodeParity(expected, 0, 100);
    byte[][] shards = Arrays.copyOf(TestSupport.deepCopy(expected), 8);
    shards[5] = null;
    shards[6] = null;
    shards[7] = null;
    codec.encodeParity(shards, 0, 100);
    assertArrayEquals(expected, shards);
    boolean[] present = {true, false, true, true, false, true, false, true};
    shards[1] = null;
    shards[4] = null;
    shards[6] = null;
    codec.decodeMissing(shards, present, 0, 100);
    assertArrayEquals(expected, shards);
  }

  @Test
  void decodeMissingDataLeavesParityAlone() {
    Random random = new Random(4);
    ReedSolomonCodec codec = new ReedSolomonCodec(6, 3);
    byte[][] expected = TestSupport.randomShards(random, 9, 333);
    codec.encodeParity(expected, 0, 333);
    byte[][] shards = TestSupport.deepCopy(expected);
    boolean[] present = {false, true, true, true, true, true, true, false, true};
    shards[0] = new byte[333];
    shards[7] = null;
    codec.decodeMissingData(shards, present, 0, 333);
    assertArrayEquals(expected[0], shards[0]);
    assertEquals(null, shards[7]);
  }

  @Test
  void parityOnlyLossIsAReEncodeAndPlansAreCached() {
    Random random = new Random(5);
    ReedSolomonCodec codec = new ReedSolomonCodec(10, 4);
    byte[][] expected = TestSupport.randomShards(random, 14, 1 << 12);
    codec.encodeParity(expected, 0, 1 << 12);
    for (int round = 0; round < 3; round++) {
      byte[][] shards = TestSupport.deepCopy(expected);
      boolean[] present = new boolean[14];
      Arrays.fill(present, true);
      present[11] = false;
      present[13] = false;
      Arrays.fill(shards[11], (byte) 0);
      Arrays.fill(shards[13], (byte) 0);
      codec.decodeMissing(shards, present, 0, 1 << 12);
      assertArrayEquals(expected, shards);
    }
    assertEquals(1, codec.cachedPlans());
    boolean[] all = new boolean[14];
    Arrays.fill(all, true);
    codec.decodeMissing(
        expected, all, 0, 1 << 12); // nothing missing: nothing to do, nothing cached
    assertEquals(1, codec.cachedPlans());
  }

  @Test
  void thePlanCacheStaysBounded() {
    ReedSolomonCodec codec = ReedSolomonCodec.scalar(7, 7);
    byte[][] shards = new byte[14][4];
    List<int[]> patterns =
        TestSupport.erasurePatterns(14, 7, ReedSolomonCodec.MAX_PLANS + 10, new Random(1));
    for (int[] p : patterns) {
      boolean[] present = new boolean[14];
      Arrays.fill(present, true);
      for (int e : p) {
        present[e] = false;
      }
      codec.decodeMissing(shards, present, 0, 4);
    }
    assertTrue(
        codec.cachedPlans() <= ReedSolomonCodec.MAX_PLANS, "cache size " + codec.cachedPlans());
    assertEquals(ReedSolomonCodec.MAX_PLANS + 10, patterns.size());
  }

  @Test
  void mEqualsZeroIsACopyOfTheData() {
    for (ErasureCodec codec : TestSupport.allCodecs(3, 0)) {
      byte[][] shards = TestSupport.randomShards(new Random(8), 3, 10);
      codec.encodeParity(shards, 0, 10);
      boolean[] present = {true, true, true};
      codec.decodeMissing(shards, present, 0, 10);
      boolean[] missing = {true, false, true};
      assertThrows(
          IllegalArgumentException.class, () -> codec.decodeMissing(shards, missing, 0, 10));
    }
  }

  @Test
  void concurrentUseGivesTheSameBytes() throws Exception {
    ReedSolomonCodec codec = new ReedSolomonCodec(8, 4);
    byte[][] expected = TestSupport.randomShards(new Random(12), 12, 5000);
    new BackblazeCodec(8, 4).encodeParity(expected, 0, 5000);
    Thread[] threads = new Thread[4];
    Throwable[] failure = new Throwable[1];
    for (int t = 0; t < threads.length; t++) {
      int seed = t;
      threads[t] =
          new Thread(
              () -> {
                try {
                  Random random = new Random(seed);
                  for (int round = 0; round < 50; round++) {
                    byte[][] shards = TestSupport.deepCopy(expected);
                    boolean[] present = new boolean[12];
                    Arrays.fill(present, true);
                    for (int e : TestSupport.erasurePatterns(12, 4, 1, random).get(0)) {
                      present[e] = false;
                      shards[e] = null;
                    }
                    codec.decodeMissing(shards, present, 0, 5000);
                    assertArrayEquals(expected, shards);
                  }
                } catch (Throwable e) {
                  failure[0] = e;
                }
              });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    if (failure[0] != null) {
      throw new AssertionError(failure[0]);
    }
    assertNotNull(codec.toString());
  }
}
