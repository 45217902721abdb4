package jewel.protocol.data;

import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server side of a GET: passes on the handler's bytes, checks there are exactly as many as were
 * announced, and appends the trailer: OK after all of them, or ERROR with the message if the
 * handler's source failed after its last byte (a block found corrupted at the end of a full read).
 * If the source fails or ends early, there is no honest way to finish: the stage ends the answer
 * without a trailer and the client reports a short read.
 */
final class ServerBody extends GraphStage<FlowShape<ByteString, ByteString>> {
  private static final Logger log = LoggerFactory.getLogger(DataChannel.class);

  private final long count;
  private final String what;

  private final Inlet<ByteString> in = Inlet.create("ServerBody.in");
  private final Outlet<ByteString> out = Outlet.create("ServerBody.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);

  /** {@code what} names the transfer in logs. */
  ServerBody(long count, String what) {
    this.count = count;
    this.what = what;
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new GraphStageLogic(shape) {
      private long sent = 0;

      private void endWithout(String why) {
        log.warn("{}: {} after {} of {} bytes; cutting the answer short", what, why, sent, count);
        complete(out);
      }

      {
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                ByteString chunk = grab(in);
                if (sent + chunk.size() > count) {
                  cancel(in);
                  endWithout("the source ran past the announced length");
                } else {
                  sent += chunk.size();
                  push(out, chunk);
                }
              }

              @Override
              public void onUpstreamFinish() {
                if (sent == count) {
                  emit(out, Wire.Status.ok(0, "").encode());
                  complete(out);
                } else {
                  endWithout("the source ended");
                }
              }

              @Override
              public void onUpstreamFailure(Throwable ex) {
                if (sent == count) {
                  log.warn("{}: failed after all its bytes: {}", what, DataException.describe(ex));
                  emit(out, Wire.Status.error(DataException.describe(ex)).encode());
                  complete(out);
                } else {
                  endWithout("the source failed (" + DataException.describe(ex) + ")");
                }
              }
            });
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                pull(in);
              }
            });
      }
    };
  }
}
