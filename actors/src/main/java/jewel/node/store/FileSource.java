package jewel.node.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.AbruptStageTerminationException;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.IOResult;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.stage.AbstractGraphStageWithMaterializedValue;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * Reads a byte range of a file in chunks of 256 KiB, on demand, on the blocking-I/O dispatcher (its
 * own asynchronous island). The value is the byte count. A read of the whole file can be checked
 * ({@link jewel.schemes.stream.Sha256Stage#failAfterLastChunk}): the check runs after the island,
 * so that its failure follows the last bytes instead of overtaking them (failures overtake elements
 * across asynchronous boundaries).
 */
final class FileSource
    extends AbstractGraphStageWithMaterializedValue<
        SourceShape<ByteString>, CompletionStage<IOResult>> {

  static final int CHUNK = 256 * 1024;

  /** How many chunks a read takes from the disk ahead of its reader. */
  static final int READ_AHEAD = 4;

  private final Path path;
  private final long offset;
  private final long length;
  private final Supplier<String> missing;
  private final String what;
  private final Outlet<ByteString> out = Outlet.create("FileSource.out");
  private final SourceShape<ByteString> shape = SourceShape.of(out);

  private FileSource(Path path, long offset, long length, String what, Supplier<String> missing) {
    this.path = path;
    this.offset = offset;
    this.length = length;
    this.what = what;
    this.missing = missing;
  }

  /**
   * {@code length} bytes (−1: to the end) of {@code path} from {@code offset}; {@code what} names
   * the file in messages and {@code missing} says what it means that it is not there.
   */
  static Source<ByteString, CompletionStage<IOResult>> create(
      Path path, long offset, long length, String what, Supplier<String> missing) {
    if (offset < 0 || length < -1) {
      throw new IllegalArgumentException("bad range: offset " + offset + ", length " + length);
    }
    return Source.fromGraph(new FileSource(path, offset, length, what, missing))
        .addAttributes(ActorAttributes.dispatcher(ActorAttributes.IODispatcher().dispatcher()))
        .async()
        // The first stage past the boundary sets how many chunks it buffers: a few, not
        // Pekko's default 16 (4 MiB per read).
        .via(
            Flow.of(ByteString.class)
                .map(b -> b)
                .addAttributes(Attributes.inputBuffer(READ_AHEAD, READ_AHEAD)));
  }

  @Override
  public SourceShape<ByteString> shape() {
    return shape;
  }

  @Override
  public Pair<GraphStageLogic, CompletionStage<IOResult>> createLogicAndMaterializedValuePair(
      Attributes inheritedAttributes) {
    CompletableFuture<IOResult> result = new CompletableFuture<>();
    GraphStageLogic logic =
        new GraphStageLogic(shape) {
          private FileChannel channel;
          private long position;
          private long remaining;
          private long count = 0;

          @Override
          public void preStart() {
            try {
              try {
                channel = FileChannel.open(path, StandardOpenOption.READ);
              } catch (NoSuchFileException e) {
                throw new StoreException(missing.get(), e);
              }
              long fileSize = channel.size();
              long end = length < 0 ? fileSize : offset + length;
              if (offset > fileSize || end > fileSize || end < offset) {
                throw new StoreException(
                    "range "
                        + offset
                        + "+"
                        + (length < 0 ? "all" : String.valueOf(length))
                        + " is outside "
                        + what
                        + " of "
                        + fileSize
                        + " bytes");
              }
              position = offset;
              remaining = end - offset;
              if (remaining == 0) {
                finish();
              }
            } catch (Exception e) {
              fail(e);
            }
          }

          private void fail(Throwable failure) {
            close();
            result.completeExceptionally(failure);
            failStage(failure);
          }

          private void close() {
            if (channel != null) {
              try {
                channel.close();
              } catch (IOException ignored) {
                // read-only
              }
              channel = null;
            }
          }

          private void finish() {
            close();
            result.complete(IOResult.createSuccessful(count));
            completeStage();
          }

          {
            setHandler(
                out,
                new AbstractOutHandler() {
                  @Override
                  public void onPull() {
                    try {
                      int n = (int) Math.min(CHUNK, remaining);
                      byte[] bytes = new byte[n];
                      ByteBuffer buffer = ByteBuffer.wrap(bytes);
                      while (buffer.hasRemaining()) {
                        int read = channel.read(buffer, position + buffer.position());
                        if (read < 0) {
                          throw new StoreException(
                              what
                                  + " is shorter on disk than it was: it ended at "
                                  + (position + buffer.position())
                                  + " of "
                                  + (position + remaining)
                                  + " bytes");
                        }
                      }
                      position += n;
                      remaining -= n;
                      count += n;
                      push(out, ByteString.fromArrayUnsafe(bytes));
                      if (remaining == 0) {
                        finish();
                      }
                    } catch (Exception e) {
                      fail(e);
                    }
                  }

                  @Override
                  public void onDownstreamFinish(Throwable cause) {
                    close();
                    result.complete(IOResult.createSuccessful(count));
                    cancelStage(cause);
                  }
                });
          }

          @Override
          public void postStop() {
            close();
            if (!result.isDone()) {
              result.completeExceptionally(new AbruptStageTerminationException(this));
            }
          }
        };
    return Pair.create(logic, result);
  }
}
