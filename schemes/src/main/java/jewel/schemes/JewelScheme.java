package jewel.schemes;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import jewel.api.BlockId;
import jewel.api.BlockLayout;
import jewel.api.ByteRange;
import jewel.api.FileEntry;
import jewel.api.PeerId;
import jewel.api.Progress;
import jewel.api.RepairReport.NewCopy;
import jewel.api.SchemeSpec;
import jewel.api.StoredBlock;
import jewel.codec.Codecs;
import jewel.codec.ErasureCodec;
import jewel.codec.SegmentDecoder;
import jewel.codec.SegmentEncoder;
import jewel.codec.SegmentLayout;
import jewel.codec.XorParity;
import jewel.schemes.stream.Fanout;
import jewel.schemes.stream.ReaderSource;
import jewel.schemes.stream.Sha256Stage;
import jewel.schemes.stream.Sha256Stage.CorruptBytesException;
import jewel.schemes.stream.SliceCutter;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Erasure-coded jewels: {@code parity} (k data shards and one XOR parity shard) and {@code
 * reedsolomon} (n jewels, any k of which rebuild the file). The file is cut into segments of k ×
 * chunk bytes (the last one shorter, its chunks ceil(rest / k) bytes), each segment is encoded into
 * n chunks, and jewel i is chunk i of every segment, concatenated ({@link SegmentLayout}). Each
 * jewel is one content-addressed block on its own peer, striped round robin from the file name's
 * start.
 *
 * <p>A store reads the file once, one segment at a time; every jewel streams to its peer while it
 * is hashed on its own (the hashes run in parallel). A read streams any k jewels chunk by chunk
 * ({@link SegmentReader}), so memory holds about one segment whatever the file's size; a range read
 * asks each jewel for the chunks of the segments that overlap the range only.
 */
public final class JewelScheme extends SchemeOnRules<JewelRules> {
  /** How many jewels beyond k a read starts with, keeping the first k that deliver. */
  static final int HEDGE = 1;

  private final boolean xor;
  private final SchemeDefaults defaults;

  private JewelScheme(JewelRules rules, boolean xor, SchemeDefaults defaults) {
    super(rules);
    this.xor = xor;
    this.defaults = defaults;
  }

  /** k shards and their XOR, in segments of k × {@code defaults.chunkSize()} bytes. */
  public static JewelScheme parity(SchemeDefaults defaults) {
    return new JewelScheme(JewelRules.parity(), true, defaults);
  }

  public static JewelScheme reedSolomon(SchemeDefaults defaults) {
    return new JewelScheme(JewelRules.reedSolomon(), false, defaults);
  }

  private String noun() {
    return xor ? "shard" : "jewel";
  }

  @Override
  public CompletionStage<Encoded> store(StoreJob job) {
    SchemeSpec spec = job.scheme();
    int k = spec.intParam("k", 1);
    int n = xor ? k + 1 : spec.intParam("n", k);
    int chunk =
        xor
            ? JewelRules.chunkFor(defaults.chunkSize(), n)
            : spec.intParam("chunk", JewelRules.chunkFor(defaults.chunkSize(), n));
    String codecName = xor ? "xor" : spec.params().getOrDefault("codec", Codecs.DEFAULT);
    SegmentLayout layout = new SegmentLayout(k, n, chunk, job.size());
    SegmentEncoder encoder = new SegmentEncoder(layout, codec(codecName, k, n));
    List<PeerId> holders =
        Params.place(spec, job.name().value(), n, 1, job.livePeers()).stream()
            .map(h -> h.get(0))
            .toList();

    Acks.Transfers transfers = new Acks.Transfers();
    List<String> labels = new ArrayList<>();
    List<Sink<ByteString[], JewelUpload>> jewels = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String label = holders.get(i) + " (" + noun() + " " + i + ")";
      labels.add(label);
      jewels.add(
          jewelSink(
              i,
              job.transport()
                  .upload(holders.get(i), layout.jewelLength())
                  .mapMaterializedValue(ack -> transfers.watch(label, ack))));
    }
    Pair<CompletionStage<BlockId>, List<JewelUpload>> run =
        job.content()
            .viaMat(Sha256Stage.computeId(), Keep.right())
            .async()
            .via(encoding(layout, encoder))
            .toMat(Fanout.toAll(jewels), Keep.both())
            .run(job.materializer());

    List<CompletionStage<BlockId>> acks = new ArrayList<>();
    List<CompletableFuture<BlockId>> hashes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      hashes.add(run.second().get(i).hash().toCompletableFuture());
      acks.add(run.second().get(i).ack());
    }
    BlockLayout recorded = new BlockLayout("segments", k, n, chunk, codecName);
    return transfers
        .all(labels, acks)
        .thenCompose(ignored -> CompletableFuture.allOf(hashes.toArray(CompletableFuture[]::new)))
        .thenCombine(
            run.first(),
            (ignored, root) -> {
              List<StoredBlock> blocks = new ArrayList<>();
              for (int i = 0; i < n; i++) {
                BlockId hash = hashes.get(i).join();
                List<PeerId> holder = List.of(holders.get(i));
                Acks.requireAll(holder, List.of(acks.get(i).toCompletableFuture().join()), hash);
                blocks.add(new StoredBlock(i, hash, layout.jewelLength(), holder));
              }
              return new Encoded(root, recorded, blocks);
            });
  }

  /**
   * A file's bytes as its encoded segments, each the n chunks of one segment. Each segment is cut
   * into its k data chunks as slices of the bytes that came, never copied: the encoder reads them a
   * stripe at a time to add the parity chunks.
   */
  private static Flow<ByteString, ByteString[], NotUsed> encoding(
      SegmentLayout layout, SegmentEncoder encoder) {
    return encoding(layout, encoder, layout.k());
  }

  /**
   * As {@link #encoding(SegmentLayout, SegmentEncoder)}, but only the chunks from {@code from} on
   * are encoded (the data chunks are always there); those between k and {@code from} are null.
   */
  private static Flow<ByteString, ByteString[], NotUsed> encoding(
      SegmentLayout layout, SegmentEncoder encoder, int from) {
    int k = layout.k();
    return Flow.of(ByteString.class)
        .via(
            SliceCutter.of(
                "the file",
                layout.segmentCount() * k,
                i -> dataBytes(layout, i / k, (int) (i % k)),
                i -> layout.chunkLength(i / k)))
        .grouped(k)
        .map(data -> encode(encoder, data, from, layout.n()));
  }

  /**
   * Copies a jewel that some live peer still holds; re-encodes the others: the file is read as a
   * get reads it (from any k jewels, its SHA-256 checked before the last segment goes on), encoded
   * as a store encodes it, and only the missing jewels are uploaded. Encoding is deterministic, so
   * a re-encoded jewel has its old id, which its new peer's hash must confirm.
   */
  @Override
  public CompletionStage<List<NewCopy>> repair(RepairJob job) {
    Map<Integer, List<PeerId>> copy = new TreeMap<>();
    Map<Integer, List<PeerId>> rebuild = new TreeMap<>();
    job.targets()
        .forEach(
            (index, peers) -> {
              boolean held =
                  BlockCopies.block(job, index).holders().stream().anyMatch(job.live()::contains);
              (held ? copy : rebuild).put(index, peers);
            });
    CompletionStage<List<NewCopy>> copied =
        BlockCopies.copyAll(
            new RepairJob(job.entry(), job.live(), copy, job.transport(), job.materializer()));
    CompletionStage<List<NewCopy>> rebuilt =
        rebuild.isEmpty() ? CompletableFuture.completedFuture(List.of()) : rebuild(job, rebuild);
    return copied.thenCombine(
        rebuilt,
        (a, b) -> {
          List<NewCopy> all = new ArrayList<>(a);
          all.addAll(b);
          return all;
        });
  }

  private CompletionStage<List<NewCopy>> rebuild(
      RepairJob job, Map<Integer, List<PeerId>> targets) {
    return reencode(job, job.entry().layout().n(), targets, Progress.NONE)
        .thenApply(
            made ->
                made.stream()
                    .map(
                        m -> {
                          BlockId id = BlockCopies.block(job, m.index()).id();
                          if (!m.id().equals(id)) {
                            throw new IllegalStateException(
                                noun()
                                    + " "
                                    + m.index()
                                    + " re-encoded to "
                                    + m.id().shortHex()
                                    + "…, not its id "
                                    + id.shortHex()
                                    + "…");
                          }
                          return new NewCopy(m.index(), id, m.peer(), true);
                        })
                    .toList());
  }

  /**
   * Jewels {@code n} and past of a Reed-Solomon file, encoded from any k of the jewels it has: row
   * i of the systematic coding matrix depends on i and k only, so every jewel it has stays valid,
   * and the segment layout (k × the recorded chunk size) is the file's own.
   */
  @Override
  public CompletionStage<List<StoredBlock>> extend(RepairJob job, int n, Progress progress) {
    if (xor) {
      return super.extend(job, n, progress);
    }
    BlockLayout recorded = job.entry().layout();
    for (int index : job.targets().keySet()) {
      if (index < recorded.n() || index >= n) {
        return CompletableFuture.failedFuture(
            new IllegalArgumentException(
                "jewel "
                    + index
                    + " is not a new jewel of '"
                    + job.entry().name()
                    + "' ("
                    + recorded.n()
                    + " to "
                    + (n - 1)
                    + ")"));
      }
    }
    long length =
        new SegmentLayout(recorded.k(), n, recorded.chunkSize(), job.entry().size()).jewelLength();
    return reencode(job, n, job.targets(), progress)
        .thenApply(
            made -> {
              Map<Integer, StoredBlock> added = new TreeMap<>();
              for (Made m : made) {
                StoredBlock had = added.get(m.index());
                List<PeerId> holders = new ArrayList<>(had == null ? List.of() : had.holders());
                holders.add(m.peer());
                added.put(m.index(), new StoredBlock(m.index(), m.id(), length, holders));
              }
              return List.copyOf(added.values());
            });
  }

  /** One jewel a re-encoding made: its index, the peer it went to, and that peer's hash of it. */
  private record Made(int index, PeerId peer, BlockId id) {}

  /**
   * Reads the file as a get reads it (from any k jewels, its SHA-256 checked before the last
   * segment goes on), encodes it on the file's own segment layout with {@code n} jewels as a store
   * encodes it, but only from the first jewel {@code targets} names on, and uploads only the jewels
   * {@code targets} names, to its peers.
   */
  private CompletionStage<List<Made>> reencode(
      RepairJob job, int n, Map<Integer, List<PeerId>> targets, Progress progress) {
    FileEntry entry = job.entry();
    BlockLayout recorded = entry.layout();
    SegmentLayout layout = new SegmentLayout(recorded.k(), n, recorded.chunkSize(), entry.size());
    SegmentEncoder encoder =
        new SegmentEncoder(layout, codec(recorded.codec(), layout.k(), layout.n()));
    // Only the parity chunks from the first one wanted on are encoded: a new jewel's row of the
    // coding matrix does not depend on the rows before it.
    int from =
        Math.max(layout.k(), targets.keySet().stream().mapToInt(i -> i).min().orElse(layout.n()));
    List<Made> planned = new ArrayList<>();
    List<Sink<ByteString[], CompletionStage<BlockId>>> uploads = new ArrayList<>();
    targets.forEach(
        (index, peers) -> {
          for (PeerId peer : peers) {
            planned.add(new Made(index, peer, null));
            uploads.add(
                Flow.<ByteString[]>create()
                    .map(chunks -> chunks[index])
                    .toMat(job.transport().upload(peer, layout.jewelLength()), Keep.right())
                    .addAttributes(Attributes.inputBuffer(1, 1))
                    .async());
          }
        });
    AtomicLong read = new AtomicLong();
    List<CompletionStage<BlockId>> acks =
        read(entry, job.live(), job.transport(), null)
            .map(
                bytes -> {
                  progress.update(read.addAndGet(bytes.size()), entry.size());
                  return bytes;
                })
            .via(
                Sha256Stage.failBeforeLastChunk(
                    entry.root(),
                    (actual, size) ->
                        new CorruptBytesException(
                            "file '" + entry.name() + "'", entry.root(), actual)))
            .async()
            .via(encoding(layout, encoder, from))
            .runWith(Fanout.toAll(uploads), job.materializer());
    List<CompletableFuture<BlockId>> all =
        acks.stream().map(CompletionStage::toCompletableFuture).toList();
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(
            ignored -> {
              List<Made> made = new ArrayList<>();
              for (int i = 0; i < planned.size(); i++) {
                made.add(
                    new Made(planned.get(i).index(), planned.get(i).peer(), all.get(i).join()));
              }
              return made;
            });
  }

  /**
   * The n chunks of a segment given as its k data chunks: those, then the parity chunks from {@code
   * from} on (null before it).
   */
  private static ByteString[] encode(
      SegmentEncoder encoder, List<ByteString> data, int from, int n) {
    ByteBuffer[][] buffers = new ByteBuffer[data.size()][];
    for (int i = 0; i < buffers.length; i++) {
      buffers[i] = SliceCutter.buffers(data.get(i));
    }
    byte[][] coded = encoder.chunksFrom(buffers, from);
    ByteString[] chunks = new ByteString[n];
    for (int i = 0; i < data.size(); i++) {
      chunks[i] = data.get(i);
    }
    for (int p = 0; p < coded.length; p++) {
      chunks[from + p] = ByteString.fromArrayUnsafe(coded[p]);
    }
    return chunks;
  }

  /** How many of segment s's bytes data chunk i holds (the rest of the chunk is padding). */
  private static int dataBytes(SegmentLayout layout, long s, int i) {
    int c = layout.chunkLength(s);
    return Math.max(0, Math.min(c, layout.segmentLength(s) - i * c));
  }

  /**
   * What one jewel's upload yields: the coordinator's own hash of it, and its holder's
   * acknowledgement.
   */
  private record JewelUpload(CompletionStage<BlockId> hash, CompletionStage<BlockId> ack) {}

  /**
   * Jewel i's branch of a store: picks chunk i of every encoded segment, hashes it and uploads it.
   * Its own asynchronous island, so the n hashes run in parallel; an input buffer of one segment
   * keeps the segments in flight (and so memory) few.
   */
  private static Sink<ByteString[], JewelUpload> jewelSink(
      int i, Sink<ByteString, CompletionStage<BlockId>> upload) {
    return Flow.<ByteString[]>create()
        .map(chunks -> chunks[i])
        .viaMat(Sha256Stage.computeId(), Keep.right())
        .toMat(upload, JewelUpload::new)
        .addAttributes(Attributes.inputBuffer(1, 1))
        .async();
  }

  private static ErasureCodec codec(String name, int k, int n) {
    return "xor".equals(name) ? new XorParity(k) : Codecs.reedSolomon(name, k, n - k);
  }

  @Override
  public Source<ByteString, NotUsed> read(
      FileEntry entry, Set<PeerId> live, BlockTransport transport, ByteRange range) {
    Fragment fragment = Fragment.of(entry, range);
    VerifyingTransport checked = VerifyingTransport.of(entry, transport);
    BlockLayout recorded = entry.layout();
    SegmentLayout layout =
        new SegmentLayout(recorded.k(), recorded.n(), recorded.chunkSize(), entry.size());
    if (layout.segmentCount() == 0) {
      return Source.empty();
    }
    List<StoredBlock> jewels =
        entry.blocks().stream().sorted(Comparator.comparingInt(StoredBlock::index)).toList();
    List<StoredBlock> unreadable =
        jewels.stream().filter(b -> Holders.readable(b, live, checked).isEmpty()).toList();
    int k = layout.k();
    if (jewels.size() - unreadable.size() < k) {
      return Source.failed(
          new MissingBlocksException(
              "cannot read "
                  + fragment.subject()
                  + ": need "
                  + k
                  + " of "
                  + Holders.plural(jewels.size(), noun())
                  + ", only "
                  + (jewels.size() - unreadable.size())
                  + (jewels.size() - unreadable.size() == 1 ? " is" : " are")
                  + " on live peers; missing "
                  + unreadable.stream()
                      .map(b -> Holders.describe(noun(), b, "on", checked))
                      .collect(Collectors.joining(", "))));
    }
    SegmentDecoder decoder = new SegmentDecoder(codec(recorded.codec(), layout.k(), layout.n()));
    return ReaderSource.of(
        materializer ->
            new SegmentReader(
                    fragment, noun(), layout, decoder, jewels, live, checked, materializer)
                .start(HEDGE));
  }
}
