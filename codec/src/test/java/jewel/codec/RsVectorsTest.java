package jewel.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Byte-exact compatibility with Backblaze, pinned by shared/testdata/rs-vectors.jsonl. */
class RsVectorsTest {

  static Stream<TestSupport.Vector> vectors() throws IOException {
    return TestSupport.vectors().stream();
  }

  @Test
  void theFileHasAllFortyVectors() throws IOException {
    assertEquals(40, TestSupport.vectors().size());
  }

  @Test
  void vectorKernelRunsUnderSurefire() {
    // surefire passes --add-modules jdk.incubator.vector, so both kernels are exercised here
    assertTrue(
        ReedSolomonCodec.vectorAvailable(), "the vector kernel should be available in tests");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void dataShardsComeFromTheSeedGenerator(TestSupport.Vector v) {
    byte[] stream = TestSupport.stream(v.seed(), v.k() * v.size());
    assertEquals(v.k() + v.m(), v.shards().length);
    for (int i = 0; i < v.k(); i++) {
      assertArrayEquals(
          Arrays.copyOfRange(stream, i * v.size(), (i + 1) * v.size()),
          v.shards()[i],
          "data shard " + i);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void everyCodecReproducesTheParity(TestSupport.Vector v) {
    for (ErasureCodec codec : TestSupport.allCodecs(v.k(), v.m())) {
      byte[][] shards = TestSupport.deepCopy(v.shards());
      for (int p = v.k(); p < shards.length; p++) {
        Arrays.fill(shards[p], (byte) 0x5A);
      }
      codec.encodeParity(shards, 0, v.size());
      for (int i = 0; i < shards.length; i++) {
        assertArrayEquals(v.shards()[i], shards[i], codec + " shard " + i);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void everyCodecRestoresEveryPatternOfMErasures(TestSupport.Vector v) {
    int n = v.k() + v.m();
    List<int[]> patterns = TestSupport.erasurePatterns(n, v.m(), 200, new Random(v.seed()));
    for (ErasureCodec codec : TestSupport.allCodecs(v.k(), v.m())) {
      for (int[] erased : patterns) {
        byte[][] shards = TestSupport.deepCopy(v.shards());
        boolean[] present = new boolean[n];
        Arrays.fill(present, true);
        for (int e : erased) {
          present[e] = false;
          Arrays.fill(shards[e], (byte) 0xC3);
        }
        codec.decodeMissing(shards, present, 0, v.size());
        for (int i = 0; i < n; i++) {
          assertArrayEquals(
              v.shards()[i],
              shards[i],
              codec + " erased " + Arrays.toString(erased) + " shard " + i);
        }
      }
    }
  }
}
