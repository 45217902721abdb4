package jewel.node.store;

import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import jewel.api.Digests;
import org.apache.pekko.Done;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.AbruptStageTerminationException;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractGraphStageWithMaterializedValue;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * Passes bytes through while computing their SHA-256; when they end, {@code verdict} judges the
 * hash and the byte count, and the stream completes or, if it throws, fails with its exception,
 * after every byte was passed on. The value completes (or fails) with the verdict; it completes
 * without one if downstream stops reading early.
 *
 * <p>Not {@code jewel.schemes.stream.Sha256Check}, which holds the last chunk back and fails in
 * its place: a peer's block read feeds the data channel's GET, which sends the whole body before
 * its trailer status, and the reader learns of the corruption from that status.
 */
final class Sha256Check
    extends AbstractGraphStageWithMaterializedValue<
        FlowShape<ByteString, ByteString>, CompletionStage<Done>> {

  /** Judges the SHA-256 of the whole stream; throws to fail it. */
  interface Verdict {
    void judge(byte[] sha256, long size);
  }

  private final Verdict verdict;
  private final Inlet<ByteString> in = Inlet.create("Sha256Check.in");
  private final Outlet<ByteString> out = Outlet.create("Sha256Check.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);

  Sha256Check(Verdict verdict) {
    this.verdict = verdict;
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public Pair<GraphStageLogic, CompletionStage<Done>> createLogicAndMaterializedValuePair(
      Attributes inheritedAttributes) {
    CompletableFuture<Done> result = new CompletableFuture<>();
    GraphStageLogic logic =
        new GraphStageLogic(shape) {
          private final MessageDigest digest = Digests.sha256();
          private long size = 0;

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
                    size += chunk.size();
                    push(out, chunk);
                  }

                  @Override
                  public void onUpstreamFinish() {
                    try {
                      verdict.judge(digest.digest(), size);
                    } catch (RuntimeException e) {
                      result.completeExceptionally(e);
                      failStage(e);
                      return;
                    }
                    result.complete(Done.getInstance());
                    completeStage();
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
                    pull(in);
                  }

                  @Override
                  public void onDownstreamFinish(Throwable cause) {
                    result.complete(Done.getInstance());
                    cancelStage(cause);
                  }
                });
          }

          @Override
          public void postStop() {
            if (!result.isDone()) {
              result.completeExceptionally(new AbruptStageTerminationException(this));
            }
          }
        };
    return Pair.create(logic, result);
  }
}
