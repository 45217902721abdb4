package jewel.protocol.data;

import java.util.List;
import java.util.function.ToIntFunction;
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
 * Re-cuts the start of a byte stream so that its first element is exactly one header, however the
 * network split or glued it, and passes everything after it through untouched.
 *
 * <p>{@code headerLength} looks at the bytes so far and says how long the header is, or −1 while
 * it cannot tell yet. Only the header is buffered, never more than {@code maxHeader} bytes: if
 * that many bytes come without a known length, or the length is over the limit, they go out as the
 * "header" so the decoder can say what is wrong. If the stream ends inside a header, the partial
 * header goes out (the decoder reports it truncated); if it ends before any byte, nothing does.
 */
final class HeaderFraming extends GraphStage<FlowShape<ByteString, ByteString>> {
  private final ToIntFunction<ByteString> headerLength;
  private final int maxHeader;

  private final Inlet<ByteString> in = Inlet.create("HeaderFraming.in");
  private final Outlet<ByteString> out = Outlet.create("HeaderFraming.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);

  HeaderFraming(ToIntFunction<ByteString> headerLength, int maxHeader) {
    this.headerLength = headerLength;
    this.maxHeader = maxHeader;
  }

  /** Frames requests (server side). */
  static HeaderFraming requests() {
    return new HeaderFraming(DataRequest::headerLength, Wire.MAX_HEADER);
  }

  /** Frames answers (client side). */
  static HeaderFraming answers() {
    return new HeaderFraming(Wire::statusLength, Wire.MAX_HEADER);
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new GraphStageLogic(shape) {
      private ByteString buffer = ByteString.emptyByteString();
      private boolean framed = false;

      {
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                ByteString chunk = grab(in);
                if (framed) {
                  push(out, chunk);
                  return;
                }
                buffer = buffer.concat(chunk);
                int length = headerLength.applyAsInt(buffer);
                if (length < 0 && buffer.size() < maxHeader) {
                  pull(in);
                  return;
                }
                if (length < 0 || length > maxHeader) {
                  length = buffer.size(); // hand on what is there: the decoder says what is wrong
                } else if (length > buffer.size()) {
                  pull(in);
                  return;
                }
                framed = true;
                ByteString header = buffer.take(length).compact();
                ByteString rest = buffer.drop(length);
                buffer = ByteString.emptyByteString();
                if (rest.isEmpty()) {
                  push(out, header);
                } else {
                  emitMultiple(out, List.of(header, rest).iterator());
                }
              }

              @Override
              public void onUpstreamFinish() {
                if (!framed && !buffer.isEmpty()) {
                  framed = true;
                  ByteString partial = buffer.compact();
                  buffer = ByteString.emptyByteString();
                  emit(out, partial);
                }
                complete(out);
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
