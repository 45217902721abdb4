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
 * Client side of a transfer: passes on exactly {@code expected} bytes and fails with a message that
 * says how many came if there are more or fewer. An upload must match the Content-Length it
 * announced, or the server would store a short write; a download cut off by a closed connection
 * must say how far it got, not pass on Pekko HTTP's "entity stream truncation".
 *
 * <p>The chunk that completes the expected length is held back until the bytes end: if more follow,
 * the stage fails without it, so an upload that runs past its announced length never lets a whole
 * body out, and the channel, short of its Content-Length, discards what it received.
 */
final class ExactLength extends GraphStage<FlowShape<ByteString, ByteString>> {
  /** Why the bytes stopped after {@code seen}: they ended ({@code failure} null) or failed. */
  interface Shortfall {
    Throwable after(long seen, Throwable failure);
  }

  private final long expected;
  private final Shortfall shortfall;
  private final String overrun;

  private final Inlet<ByteString> in = Inlet.create("ExactLength.in");
  private final Outlet<ByteString> out = Outlet.create("ExactLength.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);

  private ExactLength(long expected, Shortfall shortfall, String overrun) {
    this.expected = expected;
    this.shortfall = shortfall;
    this.overrun = overrun;
  }

  /** The caller's bytes to PUT; a failure of their own is what the caller hears, unchanged. */
  static ExactLength upload(long expected) {
    return new ExactLength(
        expected,
        (seen, failure) ->
            failure != null
                ? failure
                : new DataException(
                    "the bytes to put ended after "
                        + seen
                        + " of the "
                        + expected
                        + " bytes announced"),
        "the bytes to put run past the " + expected + " bytes announced");
  }

  /** The body of a GET answer from {@code peer} ("host:port"), announced as {@code expected}. */
  static ExactLength download(String peer, long expected) {
    return new ExactLength(
        expected,
        (seen, failure) ->
            new DataException(
                "connection to peer at "
                    + peer
                    + " closed after "
                    + seen
                    + " of "
                    + expected
                    + " bytes",
                failure),
        "peer at " + peer + " sent more than the " + expected + " bytes it announced");
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new GraphStageLogic(shape) {
      private long seen = 0;

      /** The chunk that reached the expected length, passed on only once the bytes end. */
      private ByteString last = null;

      {
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                ByteString chunk = grab(in);
                if (chunk.isEmpty()) {
                  pull(in);
                  return;
                }
                seen += chunk.size();
                if (seen > expected) {
                  failStage(new DataException(overrun));
                } else if (seen == expected) {
                  last = chunk;
                  pull(in); // one byte more would be an overrun: see the class comment
                } else {
                  push(out, chunk);
                }
              }

              @Override
              public void onUpstreamFinish() {
                if (seen < expected) {
                  failStage(shortfall.after(seen, null));
                } else {
                  if (last != null) {
                    emit(out, last);
                  }
                  complete(out);
                }
              }

              @Override
              public void onUpstreamFailure(Throwable ex) {
                failStage(shortfall.after(seen, ex));
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
