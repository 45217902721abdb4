package jewel.schemes.stream;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import jewel.api.BlockId;
import jewel.api.Digests;
import org.apache.pekko.Done;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.AbruptStageTerminationException;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.stage.AbstractGraphStageWithMaterializedValue;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * Passes bytes through while computing their SHA-256, the id they have as a block. Its modes differ
 * in what they do with that id once the bytes end:
 *
 * <ul>
 *   <li>{@link #computeId}: give it as the value, nothing more;
 *   <li>{@link #failAfterLastChunk}: pass every chunk on, then fail the stream if the id is not the
 *       expected one;
 *   <li>{@link #failBeforeLastChunk}: hold the last chunk back until the id is known and fail in
 *       its place if it is not the expected one, so a downstream that commits only on completion
 *       (an atomic file write, a block upload) never commits corrupt bytes;
 *   <li>{@link #failBeforeLastChunkOfBlock}: the same for a block of known length, judging the
 *       bytes rather than the connection: a stream that fails after delivering every byte (a peer
 *       that noticed its own copy is bad, a connection cut after the last byte) is a corrupt block
 *       if the bytes are wrong, and a good one if they are right.
 * </ul>
 *
 * <p>A checking mode's value is its verdict: it completes when the bytes match, or when the reader
 * stops early (there is nothing to judge), and fails with the mismatch or the stream's failure.
 */
public final class Sha256Stage<V>
    extends AbstractGraphStageWithMaterializedValue<
        FlowShape<ByteString, ByteString>, CompletionStage<V>> {

  /**
   * What a checking mode does when the bytes hash to {@code actual} instead of the expected id: it
   * returns the exception that fails the stream (and may log or report it first).
   */
  public interface OnMismatch {
    RuntimeException failure(BlockId actual, long size);
  }

  /** Makes the value from the id and size of all the bytes, or throws to fail the stream. */
  private interface Verdict<V> {
    V judge(BlockId actual, long size);
  }

  private final boolean holdsLastChunk;
  private final long
      length; // a stream that fails after this many bytes is judged by them; -1: none
  private final Verdict<V> verdict;
  private final V valueIfStoppedEarly; // null: the value needs every byte, so it fails then
  private final Inlet<ByteString> in = Inlet.create("Sha256Stage.in");
  private final Outlet<ByteString> out = Outlet.create("Sha256Stage.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);

  private Sha256Stage(
      boolean holdsLastChunk, long length, Verdict<V> verdict, V valueIfStoppedEarly) {
    this.holdsLastChunk = holdsLastChunk;
    this.length = length;
    this.verdict = verdict;
    this.valueIfStoppedEarly = valueIfStoppedEarly;
  }

  /**
   * Passes every chunk on; the value is the id of all the bytes, and fails if the reader stops
   * early.
   */
  public static Flow<ByteString, ByteString, CompletionStage<BlockId>> computeId() {
    return Flow.fromGraph(new Sha256Stage<>(false, -1, (actual, size) -> actual, null));
  }

  /**
   * Passes every chunk on; after the last one, fails with {@code onMismatch}'s exception if the
   * bytes do not hash to {@code expected}.
   */
  public static Flow<ByteString, ByteString, CompletionStage<Done>> failAfterLastChunk(
      BlockId expected, OnMismatch onMismatch) {
    return Flow.fromGraph(
        new Sha256Stage<>(false, -1, matching(expected, onMismatch), Done.getInstance()));
  }

  /**
   * Holds the last chunk back; if the bytes do not hash to {@code expected}, fails with {@code
   * onMismatch}'s exception instead of passing it on.
   */
  public static Flow<ByteString, ByteString, CompletionStage<Done>> failBeforeLastChunk(
      BlockId expected, OnMismatch onMismatch) {
    return Flow.fromGraph(
        new Sha256Stage<>(true, -1, matching(expected, onMismatch), Done.getInstance()));
  }

  /**
   * Passes the {@code length} bytes of block {@code expected} through like {@link
   * #failBeforeLastChunk}; fails before the last chunk leaves if they end short or long, and judges
   * them by their hash alone when the stream fails after all {@code length} of them.
   */
  public static Flow<ByteString, ByteString, CompletionStage<Done>> failBeforeLastChunkOfBlock(
      BlockId expected, long length, OnMismatch onMismatch) {
    Verdict<Done> matching = matching(expected, onMismatch);
    Verdict<Done> whole =
        (actual, size) -> {
          if (size != length) {
            throw new IllegalStateException(
                "block "
                    + expected.shortHex()
                    + "… ended after "
                    + size
                    + " of "
                    + length
                    + " bytes");
          }
          return matching.judge(actual, size);
        };
    return Flow.fromGraph(new Sha256Stage<>(true, length, whole, Done.getInstance()));
  }

  private static Verdict<Done> matching(BlockId expected, OnMismatch onMismatch) {
    return (actual, size) -> {
      if (!actual.equals(expected)) {
        throw onMismatch.failure(actual, size);
      }
      return Done.getInstance();
    };
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public Pair<GraphStageLogic, CompletionStage<V>> createLogicAndMaterializedValuePair(
      Attributes inheritedAttributes) {
    CompletableFuture<V> result = new CompletableFuture<>();
    GraphStageLogic logic =
        new GraphStageLogic(shape) {
          private final MessageDigest digest = Digests.sha256();
          private long size;
          private ByteString held; // the last chunk so far, until the verdict (if held back)

          {
            setHandler(
                in,
                new AbstractInHandler() {
                  @Override
                  public void onPush() {
                    ByteString chunk = grab(in);
                    for (ByteBuffer b : chunk.getByteBuffers()) {
                      digest.update(b);
                    }
                    size += chunk.size();
                    if (!holdsLastChunk) {
                      push(out, chunk);
                    } else if (held == null) {
                      held = chunk;
                      pull(in);
                    } else {
                      ByteString previous = held;
                      held = chunk;
                      push(out, previous);
                    }
                  }

                  @Override
                  public void onUpstreamFinish() {
                    judge();
                  }

                  @Override
                  public void onUpstreamFailure(Throwable ex) {
                    if (size == length) {
                      judge(); // every byte is here: they decide, not the connection
                    } else {
                      result.completeExceptionally(ex);
                      failStage(ex);
                    }
                  }
                });
            setHandler(
                out,
                new AbstractOutHandler() {
                  @Override
                  public void onPull() {
                    if (!hasBeenPulled(in) && !isClosed(in)) {
                      pull(in);
                    }
                  }

                  @Override
                  public void onDownstreamFinish(Throwable cause) {
                    if (valueIfStoppedEarly == null) {
                      result.completeExceptionally(
                          new IllegalStateException("the reader stopped before the end", cause));
                    } else {
                      result.complete(valueIfStoppedEarly);
                    }
                    cancelStage(cause);
                  }
                });
          }

          private void judge() {
            V value;
            try {
              value = verdict.judge(BlockId.of(digest.digest()), size);
            } catch (RuntimeException e) {
              result.completeExceptionally(e);
              failStage(e);
              return;
            }
            result.complete(value);
            if (held != null) {
              ByteString last = held;
              held = null;
              emit(out, last, this::completeStage);
            } else {
              completeStage();
            }
          }

          @Override
          public void postStop() {
            if (!result.isDone()) {
              result.completeExceptionally(new AbruptStageTerminationException(this));
            }
          }
        };
    return Pair.create(logic, result);
  }

  /** Bytes that do not hash to the id they were read as. */
  public static final class CorruptBytesException extends RuntimeException {
    private final BlockId expected;
    private final BlockId actual;

    public CorruptBytesException(String what, BlockId expected, BlockId actual) {
      super(
          what
              + " is corrupted: expected SHA-256 "
              + expected.shortHex()
              + "…, got "
              + actual.shortHex()
              + "…",
          null,
          false,
          false);
      this.expected = expected;
      this.actual = actual;
    }

    public BlockId expected() {
      return expected;
    }

    public BlockId actual() {
      return actual;
    }
  }
}
