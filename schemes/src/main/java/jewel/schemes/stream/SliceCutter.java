package jewel.schemes.stream;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongToIntFunction;
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
 * Cuts a byte stream into pieces whose sizes are known in advance, each made of slices of the
 * elements that came (no byte is copied), followed by zeros up to its length: the data chunks of a
 * file's segments, passed on as they arrived. It holds at most one piece and what is left of one
 * upstream element, and fails, saying so, if the stream brings fewer or more bytes than the pieces
 * add up to.
 */
public final class SliceCutter extends GraphStage<FlowShape<ByteString, ByteString>> {
  private final String what;
  private final long count;
  private final LongToIntFunction sizeOf;
  private final LongToIntFunction lengthOf;
  private final Inlet<ByteString> in = Inlet.create("SliceCutter.in");
  private final Outlet<ByteString> out = Outlet.create("SliceCutter.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);

  private SliceCutter(
      String what, long count, LongToIntFunction sizeOf, LongToIntFunction lengthOf) {
    this.what = what;
    this.count = count;
    this.sizeOf = sizeOf;
    this.lengthOf = lengthOf;
  }

  /**
   * {@code count} pieces, piece {@code i} being the next {@code sizeOf(i)} bytes of the stream and
   * then zeros up to {@code lengthOf(i)} bytes; {@code what} names the stream in failures.
   */
  public static Flow<ByteString, ByteString, NotUsed> of(
      String what, long count, LongToIntFunction sizeOf, LongToIntFunction lengthOf) {
    return Flow.fromGraph(new SliceCutter(what, count, sizeOf, lengthOf));
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      private long index;
      private ByteString piece = ByteString.emptyByteString();
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
        int size = sizeOf.applyAsInt(index);
        if (piece.size() < size && !rest.isEmpty()) {
          int n = Math.min(size - piece.size(), rest.size());
          piece = piece.concat(rest.take(n));
          rest = rest.drop(n);
        }
        if (piece.size() == size) {
          if (isAvailable(out)) {
            int padding = lengthOf.applyAsInt(index) - size;
            ByteString full =
                padding == 0 ? piece : piece.concat(ByteString.fromArrayUnsafe(new byte[padding]));
            piece = ByteString.emptyByteString();
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

  /** The buffers of a piece (slices of the elements that came), to code them where they lie. */
  public static ByteBuffer[] buffers(ByteString piece) {
    List<ByteBuffer> buffers = new ArrayList<>();
    piece.getByteBuffers().forEach(buffers::add);
    return buffers.toArray(ByteBuffer[]::new);
  }
}
