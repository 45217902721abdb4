package jewel.node.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import jewel.api.Digests;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.AbruptStageTerminationException;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.SinkShape;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.stage.AbstractGraphStageWithMaterializedValue;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * Writes a stream into a fresh temporary file, computing its SHA-256 on the way; at the end it
 * forces the bytes to disk, closes the file and hands it to {@code commit} (which moves it into
 * place and says what the sink's value is). On any failure, or if the stream stops early, the
 * temporary file is deleted: a partial write never survives. Runs on the blocking-I/O dispatcher.
 */
final class FileSink<R>
    extends AbstractGraphStageWithMaterializedValue<SinkShape<ByteString>, CompletionStage<R>> {

  /** What to do with a complete, synced temporary file; runs on the I/O dispatcher. */
  interface Commit<R> {
    R commit(Path temp, long size, byte[] sha256) throws Exception;
  }

  private final Callable<Path> createTemp;
  private final Commit<R> commit;
  private final Inlet<ByteString> in = Inlet.create("FileSink.in");
  private final SinkShape<ByteString> shape = SinkShape.of(in);

  private FileSink(Callable<Path> createTemp, Commit<R> commit) {
    this.createTemp = createTemp;
    this.commit = commit;
  }

  /** {@code createTemp} makes a new, empty, uniquely named file for each materialization. */
  static <R> Sink<ByteString, CompletionStage<R>> create(
      Callable<Path> createTemp, Commit<R> commit) {
    return Sink.fromGraph(new FileSink<>(createTemp, commit))
        .addAttributes(ActorAttributes.dispatcher(ActorAttributes.IODispatcher().dispatcher()))
        .addAttributes(Attributes.inputBuffer(4, 4))
        .async();
  }

  @Override
  public SinkShape<ByteString> shape() {
    return shape;
  }

  @Override
  public Pair<GraphStageLogic, CompletionStage<R>> createLogicAndMaterializedValuePair(
      Attributes inheritedAttributes) {
    CompletableFuture<R> result = new CompletableFuture<>();
    GraphStageLogic logic =
        new GraphStageLogic(shape) {
          private Path temp;
          private FileChannel channel;
          private final MessageDigest digest = Digests.sha256();
          private long size = 0;

          @Override
          public void preStart() {
            try {
              temp = createTemp.call();
              channel = FileChannel.open(temp, StandardOpenOption.WRITE);
              pull(in);
            } catch (Exception e) {
              abort(e);
            }
          }

          private void abort(Throwable failure) {
            cleanUp();
            result.completeExceptionally(failure);
            failStage(failure);
          }

          private void cleanUp() {
            if (channel != null) {
              try {
                channel.close();
              } catch (IOException ignored) {
                // deleting it next
              }
              channel = null;
            }
            if (temp != null) {
              try {
                Files.deleteIfExists(temp);
              } catch (IOException ignored) {
                // a stale temporary file is removed when the store is next opened
              }
              temp = null;
            }
          }

          {
            setHandler(
                in,
                new AbstractInHandler() {
                  @Override
                  public void onPush() {
                    ByteString chunk = grab(in);
                    try {
                      byte[] bytes = chunk.toArrayUnsafe();
                      digest.update(bytes);
                      ByteBuffer buffer = ByteBuffer.wrap(bytes);
                      while (buffer.hasRemaining()) {
                        channel.write(buffer);
                      }
                      size += bytes.length;
                      pull(in);
                    } catch (Exception e) {
                      abort(e);
                    }
                  }

                  @Override
                  public void onUpstreamFinish() {
                    try {
                      channel.force(true);
                      channel.close();
                      channel = null;
                      R value = commit.commit(temp, size, digest.digest());
                      temp = null; // moved into place, or deleted by commit
                      result.complete(value);
                      completeStage();
                    } catch (Exception e) {
                      abort(e);
                    }
                  }

                  @Override
                  public void onUpstreamFailure(Throwable ex) {
                    abort(ex);
                  }
                });
          }

          @Override
          public void postStop() {
            if (!result.isDone()) {
              cleanUp();
              result.completeExceptionally(new AbruptStageTerminationException(this));
            }
          }
        };
    return Pair.create(logic, result);
  }
}
