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

/**
 * Server side of a PUT: hands exactly {@code expected} bytes to the handler's sink and completes
 * it; fails it if the connection ends first. It never cancels the connection's input: after the
 * payload, or once the handler's sink stopped early (it failed), it reads and drops whatever else
 * the client sends, so the answer is not lost to a connection reset while the client is still
 * writing. The client stops writing once it has the answer; the idle timeout bounds the rest.
 */
final class PutPayload extends GraphStage<FlowShape<ByteString, ByteString>> {
  private final long expected;
  private final String peer;

  private final Inlet<ByteString> in = Inlet.create("PutPayload.in");
  private final Outlet<ByteString> out = Outlet.create("PutPayload.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);

  PutPayload(long expected, String peer) {
    this.expected = expected;
    this.peer = peer;
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new GraphStageLogic(shape) {
      private long seen = 0;
      private boolean draining = false;

      @Override
      public void preStart() {
        if (expected == 0) {
          drain();
        }
      }

      private void drain() {
        draining = true;
        if (!isClosed(out)) {
          complete(out);
        }
        if (!isClosed(in) && !hasBeenPulled(in)) {
          pull(in);
        }
      }

      {
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                ByteString chunk = grab(in);
                if (draining) {
                  pull(in);
                  return;
                }
                long room = expected - seen;
                if (chunk.size() < room) {
                  seen += chunk.size();
                  push(out, chunk);
                } else {
                  seen = expected;
                  push(out, chunk.size() == room ? chunk : chunk.take((int) room));
                  drain();
                }
              }

              @Override
              public void onUpstreamFinish() {
                if (!draining) {
                  failStage(
                      new DataException(
                          "connection from "
                              + peer
                              + " closed after "
                              + seen
                              + " of "
                              + expected
                              + " bytes"));
                } else {
                  completeStage();
                }
              }

              @Override
              public void onUpstreamFailure(Throwable ex) {
                failStage(
                    draining
                        ? ex
                        : new DataException(
                            "connection from "
                                + peer
                                + " failed after "
                                + seen
                                + " of "
                                + expected
                                + " bytes: "
                                + DataException.describe(ex),
                            ex));
              }
            });
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                if (!hasBeenPulled(in)) {
                  pull(in);
                }
              }

              @Override
              public void onDownstreamFinish(Throwable cause) {
                drain();
              }
            });
      }
    };
  }
}
