package jewel.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every vector width this JVM can run (128 and 512 bits, as far as its vectors reach) against the
 * scalar kernel and Backblaze, whatever width the machine would pick by itself; and the rule that
 * picks it.
 */
class KernelWidthsTest {

  /** Sizes around one and two vectors of every width, so the loops and the scalar tail all run. */
  private static final int[] SIZES = {
    1,
    15,
    16,
    17,
    31,
    32,
    33,
    48,
    63,
    64,
    65,
    127,
    128,
    129,
    191,
    192,
    255,
    256,
    257,
    1000,
    4099,
    65_536 + 7
  };

  @Test
  void atLeastThe128BitWidthRunsUnderSurefire() {
    // surefire passes --add-modules jdk.incubator.vector; every x86-64 and arm64 JVM has 128-bit
    // vectors
    assertTrue(GfKernels.vectorWidths().contains(128), GfKernels.vectorWidths().toString());
  }

  @Test
  void eachWidthIsNamedByItsBits() {
    for (int bits : GfKernels.vectorWidths()) {
      assertEquals("vector-" + bits, GfKernels.vector(bits).name());
    }
  }

  @Test
  void everyWidthEncodesAndDecodesLikeScalarAndBackblaze() {
    Random random = new Random(128_256_512);
    int[][] shapes = {{10, 4}, {1, 1}, {3, 2}, {5, 3}, {7, 9}, {17, 8}, {64, 16}};
    for (int bits : GfKernels.vectorWidths()) {
      for (int[] shape : shapes) {
        int k = shape[0];
        int m = shape[1];
        ReedSolomonCodec vector = new ReedSolomonCodec(k, m, GfKernels.vector(bits));
        ReedSolomonCodec scalar = ReedSolomonCodec.scalar(k, m);
        BackblazeCodec backblaze = new BackblazeCodec(k, m);
        for (int size : SIZES) {
          int offset = random.nextBoolean() ? 0 : 1 + random.nextInt(40);
          byte[][] expected = TestSupport.randomShards(random, k + m, offset + size);
          byte[][] fromScalar = TestSupport.deepCopy(expected);
          byte[][] fromVector = TestSupport.deepCopy(expected);
          backblaze.encodeParity(expected, offset, size);
          scalar.encodeParity(fromScalar, offset, size);
          vector.encodeParity(fromVector, offset, size);
          String what = vector + " size " + size + " offset " + offset;
          assertTrue(
              Arrays.deepEquals(expected, fromScalar), "scalar disagrees with Backblaze: " + what);
          assertTrue(Arrays.deepEquals(expected, fromVector), "encode " + what);

          boolean[] present = new boolean[k + m];
          Arrays.fill(present, true);
          byte[][] damaged = TestSupport.deepCopy(expected);
          for (int e : TestSupport.erasurePatterns(k + m, m, 1, random).get(0)) {
            present[e] = false;
            Arrays.fill(damaged[e], (byte) 0xA5);
          }
          vector.decodeMissing(damaged, present, offset, size);
          for (int i = 0; i < k + m; i++) {
            if (present[i]) {
              continue;
            }
            // outside the range the erased shard keeps its filler; inside, it is rebuilt
            byte[] want = expected[i].clone();
            Arrays.fill(want, 0, offset, (byte) 0xA5);
            assertArrayEquals(want, damaged[i], "decode " + what + " shard " + i);
          }
        }
      }
    }
  }

  @Test
  void autoTakes512BitsOnlyWithVbmiAndAvx512OnInTheJit() {
    Set<String> vbmi = Set.of("avx2", "avx512f", "avx512bw", "avx512vbmi");
    Set<String> avx512NoVbmi = Set.of("avx2", "avx512f", "avx512bw");
    Set<String> avx2 = Set.of("sse4_2", "avx", "avx2");
    assertEquals(512, GfKernels.autoBits(512, vbmi));
    assertEquals(
        128,
        GfKernels.autoBits(512, avx512NoVbmi),
        "AVX-512 without VBMI emulates 64-byte shuffles");
    assertEquals(
        128, GfKernels.autoBits(256, avx2), "AVX2 shuffles bytes only within 128-bit halves");
    assertEquals(
        128, GfKernels.autoBits(256, vbmi), "-XX:UseAVX=2 on a VBMI CPU: the JIT uses no VBMI");
    assertEquals(128, GfKernels.autoBits(128, Set.of()), "NEON, or flags that could not be read");
    assertEquals(0, GfKernels.autoBits(64, avx2));
  }

  @Test
  void widthsBeyondTheJvmsVectorsAreRefused() {
    List<Integer> widths = GfKernels.vectorWidths();
    for (int bits : GfKernels.VECTOR_BITS) {
      if (!widths.contains(bits)) {
        UnsupportedOperationException e =
            assertThrows(UnsupportedOperationException.class, () -> GfKernels.vector(bits));
        assertTrue(e.getMessage().contains("at most"), e.getMessage());
      }
    }
    assertThrows(IllegalArgumentException.class, () -> GfKernels.vector(64));
  }

  @Test
  void cpuFlagsAreReadWithoutFailing() {
    // on Linux x86 the list is long; elsewhere it may be empty, but reading must never throw
    assertFalse(GfKernels.cpuFlags().contains(""));
  }
}
