package jewel.node.store;

import com.typesafe.config.ConfigFactory;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import jewel.api.BlockId;
import jewel.api.Digests;
import jewel.node.NodeSettings;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/** Test data and helpers. */
final class TestBytes {
  private TestBytes() {}

  static ByteString bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 7 + (i >>> 9) + seed * 131);
    }
    return ByteString.fromArrayUnsafe(b);
  }

  /** {@code n} bytes in fresh chunks of {@code chunk}, generated as they are pulled. */
  static Source<ByteString, NotUsed> generated(long n, int chunk, int seed) {
    return Source.unfold(
        0L,
        at -> {
          if (at >= n) {
            return Optional.empty();
          }
          int size = (int) Math.min(chunk, n - at);
          byte[] b = new byte[size];
          for (int i = 0; i < size; ) {
            int run = (int) Math.min(size - i, 4096 - ((at + i) & 4095));
            Arrays.fill(b, i, i + run, (byte) (((at + i) >>> 12) * 31 + seed));
            i += run;
          }
          return Optional.of(Pair.create(at + size, ByteString.fromArrayUnsafe(b)));
        });
  }

  static Source<ByteString, NotUsed> chunks(ByteString bytes, int chunk) {
    return Source.unfold(
        0,
        at ->
            at >= bytes.size()
                ? Optional.empty()
                : Optional.of(
                    Pair.create(at + chunk, bytes.slice(at, Math.min(bytes.size(), at + chunk)))));
  }

  static BlockId idOf(ByteString bytes) {
    MessageDigest md = Digests.sha256();
    for (java.nio.ByteBuffer b : bytes.getByteBuffers()) {
      md.update(b);
    }
    return BlockId.of(md.digest());
  }

  /**
   * A test kit on a local actor system: these tests need no cluster, whatever the node's
   * configuration on the classpath says.
   */
  static ActorTestKit testKit(String name) {
    return ActorTestKit.create(
        name,
        ConfigFactory.parseString("pekko.actor.provider = local")
            .withFallback(NodeSettings.load()));
  }

  static <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().orTimeout(120, TimeUnit.SECONDS).join();
  }

  /** The failure of {@code stage}, unwrapped. */
  static Throwable failure(CompletionStage<?> stage) {
    try {
      await(stage);
    } catch (CompletionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure");
  }
}
