package jewel.schemes.stream;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import jewel.protocol.data.DataException;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * A source of what a {@link Reader} gives, asked for one element at a time and only when downstream
 * pulls: nothing is read ahead. It runs in its downstream's island, unlike {@code
 * Source.unfoldResourceAsync}, whose island on the blocking dispatcher comes with an input buffer
 * of 16 elements downstream of it (16 segments of a file read ahead, 4 MiB each at the default
 * chunk size).
 */
public final class ReaderSource extends GraphStage<SourceShape<ByteString>> {

  /** What the source reads from. */
  public interface Reader {
    /**
     * The next element, or empty after the last one. Not called again before the stage it returned
     * completes.
     */
    CompletionStage<Optional<ByteString>> next();

    /** Called once when the source stops, however it stops. */
    void close();
  }

  private final Function<Materializer, Reader> open;
  private final Outlet<ByteString> out = Outlet.create("ReaderSource.out");
  private final SourceShape<ByteString> shape = SourceShape.of(out);

  private ReaderSource(Function<Materializer, Reader> open) {
    this.open = open;
  }

  /** A source that opens a reader (given the stream's materializer) each time it is run. */
  public static Source<ByteString, NotUsed> of(Function<Materializer, Reader> open) {
    return Source.fromGraph(new ReaderSource(open));
  }

  @Override
  public SourceShape<ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new GraphStageLogic(shape) {
      private Reader reader;
      private AsyncCallback<Optional<ByteString>> arrived;
      private AsyncCallback<Throwable> failed;

      {
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                reader
                    .next()
                    .whenComplete(
                        (element, failure) -> {
                          if (failure != null) {
                            failed.invoke(DataException.unwrap(failure));
                          } else {
                            arrived.invoke(element);
                          }
                        });
              }
            });
      }

      @Override
      public void preStart() {
        arrived =
            createAsyncCallback(
                element -> {
                  if (element.isPresent()) {
                    push(out, element.get());
                  } else {
                    completeStage();
                  }
                });
        failed = createAsyncCallback(this::failStage);
        reader = open.apply(materializer());
      }

      @Override
      public void postStop() {
        if (reader != null) {
          reader.close();
        }
      }
    };
  }
}
