package jewel.protocol.data;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
 * Client side of a GET, after {@link HeaderFraming}: reads the answer's status (failing with the
 * server's message on ERROR), passes on exactly the announced number of bytes, then checks the
 * trailer. Its value is the byte count, once the server has confirmed them.
 */
final class GetBody
    extends AbstractGraphStageWithMaterializedValue<
        FlowShape<ByteString, ByteString>, CompletionStage<Long>> {
  private enum State {
    STATUS,
    BODY,
    TRAILER
  }

  private final String peer;

  private final Inlet<ByteString> in = Inlet.create("GetBody.in");
  private final Outlet<ByteString> out = Outlet.create("GetBody.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);

  /** {@code peer} ("host:port") names the server in messages. */
  GetBody(String peer) {
    this.peer = peer;
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public Pair<GraphStageLogic, CompletionStage<Long>> createLogicAndMaterializedValuePair(
      Attributes inheritedAttributes) {
    CompletableFuture<Long> result = new CompletableFuture<>();
    GraphStageLogic logic =
        new GraphStageLogic(shape) {
          private State state = State.STATUS;
          private long count;
          private long received;
          private ByteString trailer = ByteString.emptyByteString();

          private void fail(Throwable ex) {
            result.completeExceptionally(ex);
            failStage(ex);
          }

          private void checkTrailer() {
            int length = Wire.statusLength(trailer);
            if (length < 0 && trailer.size() < Wire.MAX_HEADER) {
              pullIfNeeded();
              return;
            }
            if (length > 0 && length > trailer.size()) {
              pullIfNeeded();
              return;
            }
            Wire.Status status;
            try {
              status = Wire.Status.decode(trailer.take(length < 0 ? trailer.size() : length));
            } catch (DataException e) {
              fail(e);
              return;
            }
            if (!status.ok()) {
              fail(new DataException(status.text()));
            } else {
              result.complete(count);
              completeStage();
            }
          }

          private void pullIfNeeded() {
            if (!hasBeenPulled(in) && !isClosed(in)) {
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
                    switch (state) {
                      case STATUS -> {
                        Wire.Status status;
                        try {
                          status = Wire.Status.decode(chunk);
                        } catch (DataException e) {
                          fail(e);
                          return;
                        }
                        if (!status.ok()) {
                          fail(new DataException(status.text()));
                          return;
                        }
                        count = status.count();
                        state = count == 0 ? State.TRAILER : State.BODY;
                        pull(in);
                      }
                      case BODY -> {
                        long room = count - received;
                        if (chunk.size() < room) {
                          received += chunk.size();
                          push(out, chunk);
                        } else {
                          received = count;
                          state = State.TRAILER;
                          push(out, chunk.size() == room ? chunk : chunk.take((int) room));
                          trailer = chunk.drop((int) room);
                          checkTrailer();
                        }
                      }
                      case TRAILER -> {
                        trailer = trailer.concat(chunk);
                        checkTrailer();
                      }
                    }
                  }

                  @Override
                  public void onUpstreamFinish() {
                    fail(
                        new DataException(
                            switch (state) {
                              case STATUS -> "peer at " + peer + " closed the connection without answering";
                              case BODY -> "connection to peer at "
                                  + peer
                                  + " closed after "
                                  + received
                                  + " of "
                                  + count
                                  + " bytes";
                              case TRAILER -> "peer at "
                                  + peer
                                  + " closed the connection before confirming the "
                                  + count
                                  + " bytes it sent";
                            }));
                  }

                  @Override
                  public void onUpstreamFailure(Throwable ex) {
                    if (ex instanceof DataException && state == State.STATUS) {
                      fail(ex); // e.g. "not reachable", already clear
                      return;
                    }
                    String when =
                        switch (state) {
                          case STATUS -> "before it answered";
                          case BODY -> "after " + received + " of " + count + " bytes";
                          case TRAILER -> "after all " + count + " bytes, before confirming them";
                        };
                    fail(
                        new DataException(
                            "connection to peer at "
                                + peer
                                + " failed "
                                + when
                                + ": "
                                + DataException.describe(ex),
                            ex));
                  }
                });
            setHandler(
                out,
                new AbstractOutHandler() {
                  @Override
                  public void onPull() {
                    if (state != State.TRAILER) {
                      pullIfNeeded();
                    }
                  }

                  @Override
                  public void onDownstreamFinish(Throwable cause) {
                    result.completeExceptionally(
                        new DataException(
                            "download from "
                                + peer
                                + " cancelled after "
                                + received
                                + " of "
                                + (state == State.STATUS ? "?" : count)
                                + " bytes",
                            cause));
                    cancelStage(cause);
                  }
                });
          }

          @Override
          public void postStop() {
            if (!result.isDone()) {
              result.completeExceptionally(
                  new AbruptStageTerminationException(this));
            }
          }
        };
    return Pair.create(logic, result);
  }
}
