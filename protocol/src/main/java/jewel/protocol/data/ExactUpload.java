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
 * Client side of a PUT: passes the caller's bytes on and fails the upload if there are more or
 * fewer than the request announced, so the server never stores a short or overlong write.
 */
final class ExactUpload extends GraphStage<FlowShape<ByteString, ByteString>> {
  private final long expected;

  private final Inlet<ByteString> in = Inlet.create("ExactUpload.in");
  private final Outlet<ByteString> out = Outlet.create("ExactUpload.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);

  ExactUpload(long expected) {
    this.expected = expected;
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new GraphStageLogic(shape) {
      private long seen = 0;

      {
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                ByteString chunk = grab(in);
                seen += chunk.size();
                if (seen > expected) {
                  failStage(
                      new DataException(
                          "the bytes to put run past the " + expected + " bytes announced"));
                } else {
                  push(out, chunk);
                }
              }

              @Override
              public void onUpstreamFinish() {
                if (seen < expected) {
                  failStage(
                      new DataException(
                          "the bytes to put ended after "
                              + seen
                              + " of the "
                              + expected
                              + " bytes announced"));
                } else {
                  completeStage();
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
