package jewel.schemes.stream;

import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import jewel.api.BlockId;
import jewel.api.Digests;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.GraphStageWithMaterializedValue;
import org.apache.pekko.util.ByteString;
import scala.Tuple2;

/**
 * Passes bytes through while computing their SHA-256, and materializes the digest as a
 * {@link BlockId}. With an expected id it holds back the last chunk until the end: if the
 * bytes do not hash to the expected id, the stream fails before the last chunk leaves, so
 * a downstream that commits only on completion (an atomic file write, a block upload)
 * never commits corrupt bytes.
 */
public final class Sha256Check
    extends GraphStageWithMaterializedValue<FlowShape<ByteString, ByteString>, CompletionStage<BlockId>> {

  private final BlockId expected;
  private final String what;
  private final Inlet<ByteString> in = Inlet.create("Sha256Check.in");
  private final Outlet<ByteString> out = Outlet.create("Sha256Check.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);

  private Sha256Check(BlockId expected, String what) {
    this.expected = expected;
    this.what = what;
  }

  /** Computes the id of what passes through. */
  public static Flow<ByteString, ByteString, CompletionStage<BlockId>> compute() {
    return Flow.fromGraph(new Sha256Check(null, null));
  }

  /**
   * Fails with a {@link CorruptBytesException} (message names {@code what}) unless what
   * passes through hashes to {@code expected}.
   */
  public static Flow<ByteString, ByteString, CompletionStage<BlockId>> verify(BlockId expected, String what) {
    return Flow.fromGraph(new Sha256Check(expected, what));
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public Tuple2<GraphStageLogic, CompletionStage<BlockId>> createLogicAndMaterializedValue(Attributes attrs) {
    CompletableFuture<BlockId> result = new CompletableFuture<>();
    GraphStageLogic logic =
        new GraphStageLogic(shape) {
          private final MessageDigest digest = Digests.sha256();
          private ByteString held; // the last chunk, kept until the hash is known (verify only)

          {
            setHandler(
                in,
                new AbstractInHandler() {
                  @Override
                  public void onPush() {
                    ByteString chunk = grab(in);
                    for (java.nio.ByteBuffer b : chunk.getByteBuffers()) {
                      digest.update(b);
                    }
                    if (expected == null) {
                      push(out, chunk);
                    } else if (held == null) {
                      held = chunk;
                      pull(in);
                    } else {
                      ByteString previous = held;
                      held = chunk;
                      push(out, previous);
                    }
                  }

                  @Override
                  public void onUpstreamFinish() {
                    BlockId actual = BlockId.of(digest.digest());
                    if (expected != null && !expected.equals(actual)) {
                      CorruptBytesException e = new CorruptBytesException(what, expected, actual);
                      result.completeExceptionally(e);
                      failStage(e);
                      return;
                    }
                    result.complete(actual);
                    if (held != null) {
                      ByteString last = held;
                      held = null;
                      emit(out, last, () -> completeStage());
                    } else {
                      completeStage();
                    }
                  }

                  @Override
                  public void onUpstreamFailure(Throwable ex) {
                    result.completeExceptionally(ex);
                    failStage(ex);
                  }
                });
            setHandler(
                out,
                new AbstractOutHandler() {
                  @Override
                  public void onPull() {
                    if (!hasBeenPulled(in) && !isClosed(in)) {
                      pull(in);
                    }
                  }

                  @Override
                  public void onDownstreamFinish(Throwable cause) {
                    result.completeExceptionally(
                        new IllegalStateException("the reader stopped before the end", cause));
                    cancelStage(cause);
                  }
                });
          }
        };
    return new Tuple2<>(logic, result);
  }

  /** Bytes that do not hash to the id they were read as. */
  public static final class CorruptBytesException extends RuntimeException {
    private final BlockId expected;
    private final BlockId actual;

    public CorruptBytesException(String what, BlockId expected, BlockId actual) {
      super(what + " is corrupted: expected SHA-256 " + expected.shortHex() + "…, got " + actual.shortHex() + "…",
          null, false, false);
      this.expected = expected;
      this.actual = actual;
    }

    public BlockId expected() {
      return expected;
    }

    public BlockId actual() {
      return actual;
    }
  }
}
