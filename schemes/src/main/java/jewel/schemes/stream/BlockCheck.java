package jewel.schemes.stream;

import java.security.MessageDigest;
import java.util.function.Function;
import jewel.api.BlockId;
import jewel.api.Digests;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * Checks a whole block as it is downloaded: its bytes must hash to the block's id. Like {@link
 * Sha256Check#verify} it holds the last chunk back until the hash is known, so a consumer that
 * acts on completion never sees a corrupt block complete. Unlike it, it judges the bytes rather
 * than the connection: a stream that fails after delivering every byte (a peer that noticed its
 * own copy is bad, a connection cut after the last byte) is a corrupt block if the bytes are
 * wrong, and a good one if they are right.
 */
public final class BlockCheck extends GraphStage<FlowShape<ByteString, ByteString>> {
  private final BlockId expected;
  private final long length;
  private final Function<BlockId, RuntimeException> corrupt;
  private final Inlet<ByteString> in = Inlet.create("BlockCheck.in");
  private final Outlet<ByteString> out = Outlet.create("BlockCheck.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);

  private BlockCheck(BlockId expected, long length, Function<BlockId, RuntimeException> corrupt) {
    this.expected = expected;
    this.length = length;
    this.corrupt = corrupt;
  }

  /**
   * Passes the {@code length} bytes of block {@code expected} through; if they hash to another
   * id, fails with {@code corrupt.apply(actualId)} before the last chunk leaves.
   */
  public static Flow<ByteString, ByteString, NotUsed> of(
      BlockId expected, long length, Function<BlockId, RuntimeException> corrupt) {
    return Flow.fromGraph(new BlockCheck(expected, length, corrupt));
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      private final MessageDigest digest = Digests.sha256();
      private ByteString held;
      private long seen;

      {
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            ByteString chunk = grab(in);
            seen += chunk.size();
            for (java.nio.ByteBuffer b : chunk.getByteBuffers()) {
              digest.update(b);
            }
            if (held == null) {
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
            if (seen != length) {
              failStage(new IllegalStateException(
                  "block " + expected.shortHex() + "… ended after " + seen + " of " + length + " bytes"));
              return;
            }
            judge();
          }

          @Override
          public void onUpstreamFailure(Throwable ex) {
            if (seen == length) {
              judge(); // every byte is here: they decide, not the connection
            } else {
              failStage(ex);
            }
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            if (!hasBeenPulled(in) && !isClosed(in)) {
              pull(in);
            }
          }
        });
      }

      private void judge() {
        BlockId actual = BlockId.of(digest.digest());
        if (!actual.equals(expected)) {
          failStage(corrupt.apply(actual));
          return;
        }
        if (held != null) {
          ByteString last = held;
          held = null;
          emit(out, last, this::completeStage);
        } else {
          completeStage();
        }
      }
    };
  }
}
