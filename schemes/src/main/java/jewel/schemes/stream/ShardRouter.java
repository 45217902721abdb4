package jewel.schemes.stream;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SinkShape;
import org.apache.pekko.stream.UniformFanOutShape;
import org.apache.pekko.stream.javadsl.GraphDSL;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * Sends consecutive byte ranges of one stream to consecutive outlets: the first {@code lengths[0]}
 * bytes to outlet 0, the next {@code lengths[1]} to outlet 1, and so on, as contiguous shards are
 * cut from a file read once from start to end. Outlet {@code i} completes as soon as its last byte
 * has left, so whatever consumes it (an upload) finishes then rather than when the whole file has
 * passed. Fails if the stream is shorter or longer than the lengths add up to; if one outlet's
 * consumer cancels, the whole stage fails (a store is all or nothing).
 */
public final class ShardRouter extends GraphStage<UniformFanOutShape<ByteString, ByteString>> {
  private final String what;
  private final long[] lengths;
  private final Inlet<ByteString> in = Inlet.create("ShardRouter.in");
  private final List<Outlet<ByteString>> outs = new ArrayList<>();
  private final UniformFanOutShape<ByteString, ByteString> shape;

  /** {@code lengths}: one positive length per outlet. */
  public ShardRouter(String what, long[] lengths) {
    this.what = what;
    this.lengths = lengths.clone();
    if (lengths.length == 0) {
      throw new IllegalArgumentException("a router needs at least one outlet");
    }
    @SuppressWarnings({"unchecked", "rawtypes"}) // Java has no arrays of a generic type
    Outlet<ByteString>[] array = new Outlet[lengths.length];
    for (int i = 0; i < lengths.length; i++) {
      if (lengths[i] <= 0) {
        throw new IllegalArgumentException(
            "range " + i + " has length " + lengths[i] + "; give positive lengths");
      }
      array[i] = Outlet.create("ShardRouter.out" + i);
      outs.add(array[i]);
    }
    shape = new UniformFanOutShape<>(in, array);
  }

  /**
   * One sink that routes the ranges to {@code sinks} (one per length, in order) and materializes
   * all their values.
   */
  public static <M> Sink<ByteString, List<M>> toEach(
      String what, long[] lengths, List<Sink<ByteString, M>> sinks) {
    if (sinks.size() != lengths.length) {
      throw new IllegalArgumentException(sinks.size() + " sinks for " + lengths.length + " ranges");
    }
    return Sink.fromGraph(
        GraphDSL.create(
            sinks,
            (builder, shapes) -> {
              UniformFanOutShape<ByteString, ByteString> router =
                  builder.add(new ShardRouter(what, lengths));
              for (int i = 0; i < shapes.size(); i++) {
                builder.from(router.out(i)).to(shapes.get(i));
              }
              return SinkShape.of(router.in());
            }));
  }

  @Override
  public UniformFanOutShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      private int current;
      private long left = lengths[0];
      private long received;
      private ByteString rest = ByteString.emptyByteString();

      {
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                ByteString chunk = grab(in);
                received += chunk.size();
                rest = rest.isEmpty() ? chunk : rest.concat(chunk);
                advance();
              }

              @Override
              public void onUpstreamFinish() {
                advance();
              }
            });
        for (int i = 0; i < outs.size(); i++) {
          int index = i;
          setHandler(
              outs.get(i),
              new AbstractOutHandler() {
                @Override
                public void onPull() {
                  if (index == current) {
                    advance();
                  }
                }

                @Override
                public void onDownstreamFinish(Throwable cause) {
                  if (index >= current) {
                    failStage(cause); // a shard's consumer gave up before its last byte
                  }
                }
              });
        }
      }

      private void advance() {
        if (current == lengths.length) {
          if (!rest.isEmpty()) {
            failStage(
                new IllegalStateException(
                    what + " has more bytes than the " + total() + " expected"));
          } else if (isClosed(in)) {
            completeStage();
          } else if (!hasBeenPulled(in)) {
            pull(in);
          }
          return;
        }
        Outlet<ByteString> out = outs.get(current);
        if (!rest.isEmpty()) {
          if (!isAvailable(out)) {
            return;
          }
          int n = (int) Math.min(left, rest.size());
          ByteString piece = rest.take(n);
          rest = rest.drop(n);
          left -= n;
          push(out, piece);
          if (left == 0) {
            complete(out);
            current++;
            if (current < lengths.length) {
              left = lengths[current];
            }
            advance(); // the rest may already belong to the next range
          } else if (rest.isEmpty() && !isClosed(in) && !hasBeenPulled(in)) {
            pull(in); // fetch the next bytes while these travel
          }
          return;
        }
        if (isClosed(in)) {
          failStage(
              new IllegalStateException(
                  what + " ended after " + received + " of " + total() + " bytes"));
        } else if (!hasBeenPulled(in)) {
          pull(in);
        }
      }

      private long total() {
        long sum = 0;
        for (long l : lengths) {
          sum += l;
        }
        return sum;
      }
    };
  }
}
