package jewel.schemes.stream;

import java.util.function.LongToIntFunction;
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
 * Cuts a byte stream into pieces whose sizes are known in advance (the segments of a file, the
 * chunks of a jewel), each emitted as a fresh array a codec can work on. It holds at most one piece
 * and what is left of one upstream element, so memory stays bounded whatever the total. It fails,
 * saying so, if the stream brings fewer or more bytes than the pieces add up to.
 */
public final class PieceCutter extends GraphStage<FlowShape<ByteString, byte[]>> {
  private final String what;
  private final long count;
  private final LongToIntFunction sizeOf;
  private final Inlet<ByteString> in = Inlet.create("PieceCutter.in");
  private final Outlet<byte[]> out = Outlet.create("PieceCutter.out");
  private final FlowShape<ByteString, byte[]> shape = FlowShape.of(in, out);

  private PieceCutter(String what, long count, LongToIntFunction sizeOf) {
    this.what = what;
    this.count = count;
    this.sizeOf = sizeOf;
  }

  /**
   * {@code count} pieces, piece {@code i} of {@code sizeOf(i)} bytes; {@code what} names the stream
   * in failures ("the file", "jewel 2 from peer-3").
   */
  public static Flow<ByteString, byte[], org.apache.pekko.NotUsed> of(
      String what, long count, LongToIntFunction sizeOf) {
    return Flow.fromGraph(new PieceCutter(what, count, sizeOf));
  }

  @Override
  public FlowShape<ByteString, byte[]> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      private long index;
      private byte[] piece;
      private int filled;
      private ByteString rest = ByteString.emptyByteString();
      private long received;
      private long expected = -1; // computed lazily: the sum of all sizes, for messages only

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
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                advance();
              }
            });
      }

      /** Fills the current piece from what arrived, emits it when full, asks for more when not. */
      private void advance() {
        if (index == count) {
          if (!rest.isEmpty()) {
            failStage(
                new IllegalStateException(
                    what + " has more bytes than the " + total() + " expected"));
          } else if (isClosed(in)) {
            completeStage();
          } else if (!hasBeenPulled(in)) {
            pull(in); // to see the end, or bytes too many
          }
          return;
        }
        if (piece == null) {
          piece = new byte[sizeOf.applyAsInt(index)];
          filled = 0;
        }
        if (filled < piece.length && !rest.isEmpty()) {
          int n = Math.min(piece.length - filled, rest.size());
          rest.copyToArray(piece, filled, n);
          rest = rest.drop(n);
          filled += n;
        }
        if (filled == piece.length) {
          if (isAvailable(out)) {
            byte[] full = piece;
            piece = null;
            index++;
            push(out, full);
            if (index == count && isClosed(in) && rest.isEmpty()) {
              completeStage();
            }
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
        if (expected < 0) {
          long sum = 0;
          for (long i = 0; i < count; i++) {
            sum += sizeOf.applyAsInt(i);
          }
          expected = sum;
        }
        return expected;
      }
    };
  }
}
