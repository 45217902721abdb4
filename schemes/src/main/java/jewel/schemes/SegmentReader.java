package jewel.schemes;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import jewel.api.PeerId;
import jewel.api.StoredBlock;
import jewel.codec.SegmentDecoder;
import jewel.codec.SegmentLayout;
import jewel.schemes.stream.PieceCutter;
import jewel.schemes.stream.ReaderSource;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.apache.pekko.util.ByteString;

/**
 * Rebuilds a fragment of a file from any k of its jewels, one segment at a time (see
 * {@link SegmentLayout}): only the segments that overlap the fragment are read, and the first
 * and last of them are trimmed to it.
 *
 * <p>Each jewel being read is a <em>lane</em>: a download of the jewel's chunks of those
 * segments, cut into chunks and pulled one per segment, so every lane holds about one chunk and
 * the reader one segment. The first segment is asked of k jewels plus a hedge; the first k to
 * deliver are kept and the others cancelled (their copies stay candidates). A lane that fails
 * part way is replaced by another copy, read from the current segment's chunk on; when none is
 * left and fewer than k lanes remain, the read fails with a {@link MissingBlocksException}
 * naming the jewels it lacks and their holders. A corrupt jewel fails the read at once
 * ({@link CorruptBlockException}): its earlier chunks have gone into segments already sent on.
 *
 * <p>Used through {@link ReaderSource}: {@link #next} is never called again before its result
 * completes, nor before the segment it returned was pulled. Chunk arrivals come on the materializer's threads; the lock on
 * this object orders them.
 */
final class SegmentReader implements ReaderSource.Reader {
  /** One holder's copy of one jewel. */
  private record Copy(StoredBlock jewel, PeerId peer) {}

  private static final class Lane {
    final Copy copy;
    final SinkQueueWithCancel<byte[]> chunks;
    boolean pulling;

    Lane(Copy copy, SinkQueueWithCancel<byte[]> chunks) {
      this.copy = copy;
      this.chunks = chunks;
    }
  }

  private final Fragment fragment;
  private final String noun;
  private final SegmentLayout layout;
  private final SegmentLayout.Span span; // the segments that overlap the fragment
  private final SegmentDecoder decoder;
  private final List<StoredBlock> jewels;
  private final VerifyingTransport transport;
  private final Materializer materializer;
  private final Executor executor;

  private final Deque<Copy> spare = new ArrayDeque<>();
  private final List<Lane> lanes = new ArrayList<>();
  private final Map<Integer, String> failures = new TreeMap<>(); // jewel → why its last copy failed

  private long segment;
  private byte[][] chunks;
  private int got;
  private CompletableFuture<Optional<ByteString>> pending;
  private boolean closed;

  SegmentReader(
      Fragment fragment, String noun, SegmentLayout layout, SegmentDecoder decoder, List<StoredBlock> jewels,
      Set<PeerId> live, VerifyingTransport transport, Materializer materializer) {
    this.fragment = fragment;
    this.noun = noun;
    this.layout = layout;
    this.span = layout.segmentsCovering(fragment.start(), fragment.length());
    this.segment = span.first();
    this.decoder = decoder;
    this.jewels = jewels;
    this.transport = transport;
    this.materializer = materializer;
    this.executor = materializer.executionContext();
    // Data jewels first: when they are the k kept, decoding is a copy.
    for (StoredBlock j : jewels) {
      for (PeerId p : Holders.readable(j, live, transport)) {
        spare.add(new Copy(j, p));
      }
    }
  }

  /** Starts k lanes plus {@code hedge}, as far as there are copies of distinct jewels. */
  synchronized SegmentReader start(int hedge) {
    for (int i = 0; i < layout.k() + hedge; i++) {
      if (startLane() == null) {
        break;
      }
    }
    return this;
  }

  /** The next segment's bytes within the fragment; empty after the last segment that overlaps it. */
  @Override
  public synchronized CompletionStage<Optional<ByteString>> next() {
    if (segment == span.end()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    pending = new CompletableFuture<>();
    chunks = new byte[layout.n()][];
    got = 0;
    for (Lane lane : List.copyOf(lanes)) {
      request(lane);
    }
    refill();
    return pending;
  }

  @Override
  public synchronized void close() {
    closed = true;
    for (Lane lane : lanes) {
      lane.chunks.cancel();
    }
    lanes.clear();
  }

  /**
   * Starts a lane on the next spare copy of a jewel no lane reads, from the current segment's
   * chunk to the last covered segment's.
   */
  private Lane startLane() {
    for (Iterator<Copy> it = spare.iterator(); it.hasNext(); ) {
      Copy copy = it.next();
      if (lanes.stream().anyMatch(l -> l.copy.jewel().index() == copy.jewel().index())) {
        continue;
      }
      it.remove();
      long from = segment;
      long offset = layout.chunkOffset(from);
      String what = noun + " " + copy.jewel().index() + " from " + copy.peer();
      try {
        SinkQueueWithCancel<byte[]> queue = transport
            .download(copy.peer(), copy.jewel().id(), offset, chunksEnd() - offset)
            .via(PieceCutter.of(what, span.end() - from, i -> layout.chunkLength(from + i)))
            .runWith(Sink.<byte[]>queue().addAttributes(Attributes.inputBuffer(1, 1)), materializer);
        Lane lane = new Lane(copy, queue);
        lanes.add(lane);
        return lane;
      } catch (RuntimeException e) {
        failures.put(copy.jewel().index(), copy.peer() + " failed: " + Acks.rootMessage(e));
        return startLane();
      }
    }
    return null;
  }

  /** Where the last covered segment's chunk ends in every jewel (its length, for a whole read). */
  private long chunksEnd() {
    long last = span.end() - 1;
    return layout.chunkOffset(last) + layout.chunkLength(last);
  }

  private void request(Lane lane) {
    if (lane.pulling) {
      return;
    }
    lane.pulling = true;
    lane.chunks.pull().whenCompleteAsync((chunk, failure) -> arrived(lane, chunk, failure), executor);
  }

  private synchronized void arrived(Lane lane, Optional<byte[]> chunk, Throwable failure) {
    lane.pulling = false;
    if (closed || !lanes.contains(lane) || pending == null || pending.isDone()) {
      return; // a cancelled hedge, or a read already over
    }
    if (failure == null && chunk.isPresent()) {
      chunks[lane.copy.jewel().index()] = chunk.get();
      if (++got == layout.k()) {
        finishSegment();
      }
      return;
    }
    Throwable cause = unwrap(failure != null ? failure
        : new IllegalStateException(noun + " " + lane.copy.jewel().index() + " ended early"));
    lanes.remove(lane);
    lane.chunks.cancel();
    if (cause instanceof CorruptBlockException) {
      fail(cause);
      return;
    }
    failures.put(lane.copy.jewel().index(), lane.copy.peer() + " failed: " + Acks.rootMessage(cause));
    refill();
  }

  /** Starts replacement lanes until k chunks of this segment can still come, or fails. */
  private void refill() {
    while (pending != null && !pending.isDone() && got + (int) lanes.stream().filter(l -> l.pulling).count() < layout.k()) {
      Lane lane = startLane();
      if (lane == null) {
        fail(missing());
        return;
      }
      request(lane);
    }
  }

  private void finishSegment() {
    // The first k to deliver are kept; hedges still on their way are cancelled.
    for (Lane lane : List.copyOf(lanes)) {
      if (lane.pulling) {
        lanes.remove(lane);
        lane.chunks.cancel();
        spare.addLast(lane.copy);
      }
    }
    byte[] bytes;
    try {
      bytes = decoder.decode(layout, segment, chunks);
    } catch (RuntimeException e) {
      fail(e);
      return;
    }
    long segmentStart = layout.segmentOffset(segment);
    int from = (int) Math.max(0, fragment.start() - segmentStart);
    int to = (int) Math.min(bytes.length, fragment.end() - segmentStart);
    segment++;
    chunks = null;
    CompletableFuture<Optional<ByteString>> done = pending;
    pending = null;
    done.complete(Optional.of(ByteString.fromArrayUnsafe(bytes, from, to - from)));
  }

  private void fail(Throwable cause) {
    CompletableFuture<Optional<ByteString>> failed = pending;
    pending = null;
    for (Lane lane : lanes) {
      lane.chunks.cancel();
    }
    lanes.clear();
    if (failed != null) {
      failed.completeExceptionally(cause);
    }
  }

  private MissingBlocksException missing() {
    Set<Integer> reading = lanes.stream().map(l -> l.copy.jewel().index()).collect(Collectors.toSet());
    int have = reading.size() + (int) java.util.stream.IntStream.range(0, layout.n())
        .filter(i -> chunks != null && chunks[i] != null && !reading.contains(i)).count();
    String lacking = jewels.stream()
        .filter(j -> !reading.contains(j.index()) && (chunks == null || chunks[j.index()] == null))
        .map(j -> Holders.describe(noun, j, "on", transport)
            + (failures.containsKey(j.index()) ? " (" + failures.get(j.index()) + ")" : ""))
        .collect(Collectors.joining(", "));
    return new MissingBlocksException("cannot read " + fragment.subject() + ": need " + layout.k() + " of "
        + Holders.plural(jewels.size(), noun) + ", only " + have + " could be read; missing " + lacking);
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
