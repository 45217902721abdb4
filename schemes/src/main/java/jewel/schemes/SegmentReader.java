package jewel.schemes;

import java.nio.ByteBuffer;
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
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import jewel.api.PeerId;
import jewel.api.StoredBlock;
import jewel.codec.SegmentDecoder;
import jewel.codec.SegmentLayout;
import jewel.protocol.data.DataException;
import jewel.schemes.stream.ReaderSource;
import jewel.schemes.stream.SliceCutter;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.apache.pekko.util.ByteString;

/**
 * Rebuilds a fragment of a file from any k of its jewels, one segment at a time (see {@link
 * SegmentLayout}): only the segments that overlap the fragment are read, and the first and last of
 * them are trimmed to it.
 *
 * <p>Each jewel being read is a <em>lane</em>: a download of the jewel's chunks of those segments,
 * pulled piece by piece (as the bytes come off the network) only while the current segment still
 * lacks its chunk, so a lane holds about one piece beyond the segment being read. The first segment
 * is asked of k jewels plus a hedge; the first k to deliver their chunk are kept and the others
 * cancelled (their copies stay candidates). A lane that fails part way is replaced by another copy,
 * read from the current segment's chunk on; when none is left and fewer than k lanes remain, the
 * read fails with a {@link MissingBlocksException} naming the jewels it lacks and their holders. A
 * corrupt jewel fails the read at once ({@link CorruptBlockException}): its earlier chunks have
 * gone into segments already sent on.
 *
 * <p>A segment's data chunks are passed on as the pieces that arrived, never copied; a data chunk
 * that did not come is rebuilt from the k that did, a stripe at a time ({@link
 * SegmentDecoder#missingDataChunks}). The segment is passed on in parts of at most {@link #PART}
 * bytes, and the next segment is read once the last part was taken: memory holds about one segment
 * per read whatever the file's size.
 *
 * <p>Used through {@link ReaderSource}: {@link #next} is never called again before its result
 * completes, nor before the part it returned was pulled. Piece arrivals come on the materializer's
 * threads; the lock on this object orders them.
 */
final class SegmentReader implements ReaderSource.Reader {
  /** The largest part of a segment passed on at once. */
  static final int PART = 1024 * 1024;

  /** One holder's copy of one jewel. */
  private record Copy(StoredBlock jewel, PeerId peer) {}

  private static final class Lane {
    final Copy copy;
    final SinkQueueWithCancel<ByteString> pieces;
    boolean pulling;
    ByteString chunk = ByteString.emptyByteString(); // the current segment's chunk so far
    ByteString next = ByteString.emptyByteString(); // bytes that came beyond it: the next segment's
    boolean full; // its chunk of the current segment is complete

    Lane(Copy copy, SinkQueueWithCancel<ByteString> pieces) {
      this.copy = copy;
      this.pieces = pieces;
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
  private final Deque<ByteString> parts =
      new ArrayDeque<>(); // of the last segment read, not yet taken

  private long segment;
  private ByteString[] chunks; // of the current segment, by jewel index, as lanes fill them
  private int got;
  private CompletableFuture<Optional<ByteString>> pending;
  private boolean closed;

  SegmentReader(
      Fragment fragment,
      String noun,
      SegmentLayout layout,
      SegmentDecoder decoder,
      List<StoredBlock> jewels,
      Set<PeerId> live,
      VerifyingTransport transport,
      Materializer materializer) {
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
    // Data jewels first: when they are the k kept, a segment needs no decoding.
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

  /** The next part of the fragment's bytes; empty after the last segment that overlaps it. */
  @Override
  public synchronized CompletionStage<Optional<ByteString>> next() {
    if (!parts.isEmpty()) {
      return CompletableFuture.completedFuture(Optional.of(parts.poll()));
    }
    if (segment == span.end()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    pending = new CompletableFuture<>();
    CompletableFuture<Optional<ByteString>> result = pending;
    chunks = new ByteString[layout.n()];
    got = 0;
    for (Lane lane : lanes) {
      lane.full = false;
      lane.chunk = ByteString.emptyByteString();
    }
    for (Lane lane : List.copyOf(lanes)) {
      if (pending == null) {
        break; // the bytes that came early made the segment (or failed it)
      }
      ByteString early = lane.next;
      lane.next = ByteString.emptyByteString();
      fill(lane, early);
    }
    if (pending != null) {
      for (Lane lane : List.copyOf(lanes)) {
        if (!lane.full) {
          request(lane);
        }
      }
      refill();
    }
    return result;
  }

  @Override
  public synchronized void close() {
    closed = true;
    for (Lane lane : lanes) {
      lane.pieces.cancel();
    }
    lanes.clear();
    parts.clear();
  }

  /**
   * Starts a lane on the next spare copy of a jewel no lane reads, from the current segment's chunk
   * to the last covered segment's.
   */
  private Lane startLane() {
    for (Iterator<Copy> it = spare.iterator(); it.hasNext(); ) {
      Copy copy = it.next();
      if (lanes.stream().anyMatch(l -> l.copy.jewel().index() == copy.jewel().index())) {
        continue;
      }
      it.remove();
      long offset = layout.chunkOffset(segment);
      try {
        SinkQueueWithCancel<ByteString> queue =
            transport
                .download(copy.peer(), copy.jewel().id(), offset, chunksEnd() - offset)
                .runWith(
                    Sink.<ByteString>queue().addAttributes(Attributes.inputBuffer(1, 1)),
                    materializer);
        Lane lane = new Lane(copy, queue);
        lanes.add(lane);
        return lane;
      } catch (RuntimeException e) {
        failures.put(copy.jewel().index(), copy.peer() + " failed: " + Acks.rootMessage(e));
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
    lane.pieces
        .pull()
        .whenCompleteAsync((piece, failure) -> arrived(lane, piece, failure), executor);
  }

  private synchronized void arrived(Lane lane, Optional<ByteString> piece, Throwable failure) {
    lane.pulling = false;
    if (closed || !lanes.contains(lane) || pending == null || pending.isDone()) {
      return; // a cancelled hedge, or a read already over
    }
    if (failure == null && piece.isPresent()) {
      fill(lane, piece.get());
      if (!lane.full && lanes.contains(lane)) {
        request(lane);
      }
      return;
    }
    Throwable cause =
        DataException.unwrap(
            failure != null
                ? failure
                : new IllegalStateException(
                    noun
                        + " "
                        + lane.copy.jewel().index()
                        + " from "
                        + lane.copy.peer()
                        + " ended early"));
    lanes.remove(lane);
    lane.pieces.cancel();
    if (cause instanceof CorruptBlockException) {
      fail(cause);
      return;
    }
    failures.put(
        lane.copy.jewel().index(), lane.copy.peer() + " failed: " + Acks.rootMessage(cause));
    refill();
  }

  /**
   * Adds bytes to the lane's chunk of the current segment; what lies beyond it waits for the next.
   */
  private void fill(Lane lane, ByteString bytes) {
    if (bytes.isEmpty()) {
      return;
    }
    int need = layout.chunkLength(segment) - lane.chunk.size();
    if (bytes.size() < need) {
      lane.chunk = lane.chunk.concat(bytes);
      return;
    }
    lane.chunk = lane.chunk.concat(bytes.take(need));
    lane.next = bytes.drop(need);
    lane.full = true;
    chunks[lane.copy.jewel().index()] = lane.chunk;
    lane.chunk = ByteString.emptyByteString();
    if (++got == layout.k()) {
      finishSegment();
    }
  }

  /** Starts replacement lanes until k chunks of this segment can still come, or fails. */
  private void refill() {
    while (pending != null
        && !pending.isDone()
        && got + (int) lanes.stream().filter(l -> !l.full).count() < layout.k()) {
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
      if (!lane.full) {
        lanes.remove(lane);
        lane.pieces.cancel();
        spare.addLast(lane.copy);
      }
    }
    List<ByteString> data;
    try {
      data = dataChunks();
    } catch (RuntimeException e) {
      fail(e);
      return;
    }
    long segmentStart = layout.segmentOffset(segment);
    int length = layout.segmentLength(segment);
    int from = (int) Math.max(0, fragment.start() - segmentStart);
    int to = (int) Math.min(length, fragment.end() - segmentStart);
    int c = layout.chunkLength(segment);
    for (int i = 0; i < data.size(); i++) {
      // Data chunk i holds the segment's bytes [i·c, (i+1)·c), the last one padded past its length.
      int lo = Math.max(from, i * c);
      int hi = Math.min(to, Math.min(length, (i + 1) * c));
      for (int at = lo; at < hi; at += PART) {
        parts.add(data.get(i).slice(at - i * c, Math.min(hi, at + PART) - i * c));
      }
    }
    segment++;
    chunks = null;
    CompletableFuture<Optional<ByteString>> done = pending;
    pending = null;
    ByteString first = parts.poll();
    done.complete(Optional.of(first == null ? ByteString.emptyByteString() : first));
  }

  /** The k data chunks of the current segment: as they came, or rebuilt when one is missing. */
  private List<ByteString> dataChunks() {
    int k = layout.k();
    boolean complete = true;
    for (int i = 0; i < k; i++) {
      complete &= chunks[i] != null;
    }
    List<ByteString> data = new ArrayList<>(k);
    if (complete) {
      for (int i = 0; i < k; i++) {
        data.add(chunks[i]);
      }
      return data;
    }
    ByteBuffer[][] buffers = new ByteBuffer[layout.n()][];
    for (int i = 0; i < buffers.length; i++) {
      if (chunks[i] != null) {
        buffers[i] = SliceCutter.buffers(chunks[i]);
      }
    }
    byte[][] rebuilt = decoder.missingDataChunks(buffers, layout.segmentLength(segment));
    for (int i = 0; i < k; i++) {
      data.add(rebuilt[i] != null ? ByteString.fromArrayUnsafe(rebuilt[i]) : chunks[i]);
    }
    return data;
  }

  private void fail(Throwable cause) {
    CompletableFuture<Optional<ByteString>> failed = pending;
    pending = null;
    for (Lane lane : lanes) {
      lane.pieces.cancel();
    }
    lanes.clear();
    if (failed != null) {
      failed.completeExceptionally(cause);
    }
  }

  private MissingBlocksException missing() {
    Set<Integer> reading =
        lanes.stream().map(l -> l.copy.jewel().index()).collect(Collectors.toSet());
    int have =
        reading.size()
            + (int)
                java.util.stream.IntStream.range(0, layout.n())
                    .filter(i -> chunks != null && chunks[i] != null && !reading.contains(i))
                    .count();
    String lacking =
        jewels.stream()
            .filter(
                j -> !reading.contains(j.index()) && (chunks == null || chunks[j.index()] == null))
            .map(
                j ->
                    Holders.describe(noun, j, "on", transport)
                        + (failures.containsKey(j.index())
                            ? " (" + failures.get(j.index()) + ")"
                            : ""))
            .collect(Collectors.joining(", "));
    return new MissingBlocksException(
        "cannot read "
            + fragment.subject()
            + ": need "
            + layout.k()
            + " of "
            + Holders.plural(jewels.size(), noun)
            + ", only "
            + have
            + " could be read; missing "
            + lacking);
  }
}
