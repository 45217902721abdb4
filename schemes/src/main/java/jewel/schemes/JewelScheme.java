package jewel.schemes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import jewel.api.BlockId;
import jewel.api.BlockLayout;
import jewel.api.ByteRange;
import jewel.api.FileEntry;
import jewel.api.PeerId;
import jewel.api.SchemeSpec;
import jewel.api.StoredBlock;
import jewel.codec.Codecs;
import jewel.codec.ErasureCodec;
import jewel.codec.SegmentDecoder;
import jewel.codec.SegmentEncoder;
import jewel.codec.SegmentLayout;
import jewel.codec.XorParity;
import jewel.schemes.stream.Fanout;
import jewel.schemes.stream.PieceCutter;
import jewel.schemes.stream.Sha256Check;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Erasure-coded jewels: {@code parity} (k data shards and one XOR parity shard) and
 * {@code reedsolomon} (n jewels, any k of which rebuild the file). The file is cut into
 * segments of k × chunk bytes (the last one shorter, its chunks ceil(rest / k) bytes), each
 * segment is encoded into n chunks, and jewel i is chunk i of every segment, concatenated
 * ({@link SegmentLayout}). Each jewel is one content-addressed block on its own peer, striped
 * round robin from the file name's start.
 *
 * <p>A store reads the file once, one segment at a time; every jewel streams to its peer while
 * it is hashed on its own (the hashes run in parallel). A read streams any k jewels chunk by
 * chunk ({@link SegmentReader}), so memory holds about one segment whatever the file's size;
 * a range read asks each jewel for the chunks of the segments that overlap the range only.
 */
public final class JewelScheme implements StorageScheme {
  public static final int MAX_JEWELS = 256;
  /**
   * A segment's n chunks must fit in this many bytes: a store keeps a few segments in flight
   * and nodes run with small heaps. Without {@code chunk=}, the chunk size is lowered to fit.
   */
  public static final int MAX_SEGMENT_JEWEL_BYTES = 32 << 20;
  /** How many jewels beyond k a read starts with, keeping the first k that deliver. */
  static final int HEDGE = 1;

  private final String id;
  private final boolean xor;
  private final SchemeDefaults defaults;

  private JewelScheme(String id, boolean xor, SchemeDefaults defaults) {
    this.id = id;
    this.xor = xor;
    this.defaults = defaults;
  }

  /** k shards and their XOR, in segments of k × {@code defaults.chunkSize()} bytes. */
  public static JewelScheme parity(SchemeDefaults defaults) {
    return new JewelScheme("parity", true, defaults);
  }

  public static JewelScheme reedSolomon(SchemeDefaults defaults) {
    return new JewelScheme("reedsolomon", false, defaults);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String summary() {
    return xor ? "k shards + 1 XOR parity shard, on k+1 peers" : "n jewels on n peers, any k rebuild the file";
  }

  @Override
  public String parameters() {
    return xor
        ? "k: data shards, 1.." + (MAX_JEWELS - 1) + " (default jewel.schemes.k)" + Params.PLACEMENT
        : "k <= n <= " + MAX_JEWELS + ", codec=" + String.join("|", Codecs.names()) + ", chunk=BYTES (jewel.schemes.*)"
            + Params.PLACEMENT;
  }

  @Override
  public String redundancyFormula() {
    return xor ? "(k+1)/k" : "n/k";
  }

  @Override
  public String survivesFormula() {
    return xor ? "1 peer loss" : "n-k peer losses";
  }

  private String noun() {
    return xor ? "shard" : "jewel";
  }

  @Override
  public SchemeSpec normalize(SchemeSpec spec, SchemeDefaults given) {
    if (xor) {
      Params.allowOnly(spec, Set.of("k", "placement"));
      int k = spec.intParam("k", given.k());
      Params.check(k >= 1 && k < MAX_JEWELS, "parity needs 1 <= k <= " + (MAX_JEWELS - 1) + ", got k=" + k);
      return Params.withPlacement(spec, SchemeSpec.of(id).with("k", Integer.toString(k)));
    }
    Params.allowOnly(spec, Set.of("k", "n", "codec", "chunk", "placement"));
    int k = spec.intParam("k", given.k());
    int n = spec.intParam("n", given.n());
    String shown = "reedsolomon k=" + k + " n=" + n;
    Params.check(k >= 1, "reedsolomon needs k >= 1, got k=" + k);
    Params.check(n >= k, "reedsolomon needs n >= k (n jewels, any k rebuild), got k=" + k + " n=" + n);
    Params.check(n <= MAX_JEWELS, "reedsolomon needs n <= " + MAX_JEWELS + ", got n=" + n);
    String codec = spec.params().getOrDefault("codec", given.codec());
    Codecs.checkName(codec);
    try {
      Codecs.reedSolomon(codec, k, n - k);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(shown + ": " + e.getMessage());
    }
    int chunk = spec.intParam("chunk", chunkFor(given.chunkSize(), n));
    Params.check(chunk >= 1, "reedsolomon needs chunk >= 1 byte, got chunk=" + chunk);
    Params.check((long) n * chunk <= MAX_SEGMENT_JEWEL_BYTES,
        shown + " with chunk=" + chunk + " holds n × chunk = " + ((long) n * chunk) + " bytes per segment in memory;"
            + " keep it at most " + MAX_SEGMENT_JEWEL_BYTES + " (lower chunk)");
    return Params.withPlacement(spec, SchemeSpec.of(id).with("k", Integer.toString(k)).with("n", Integer.toString(n))
        .with("codec", codec).with("chunk", Integer.toString(chunk)));
  }

  /** The configured chunk size, lowered if n chunks of it would not fit the segment budget. */
  static int chunkFor(int configured, int n) {
    return Math.max(1, Math.min(configured, MAX_SEGMENT_JEWEL_BYTES / n));
  }

  /** Every jewel on its own peer: that is what lets n−k of them go. */
  @Override
  public int peersNeeded(SchemeSpec normalized) {
    int k = normalized.intParam("k", 1);
    return xor ? k + 1 : normalized.intParam("n", k);
  }

  @Override
  public CompletionStage<Encoded> store(StoreJob job) {
    SchemeSpec spec = job.scheme();
    int k = spec.intParam("k", 1);
    int n = xor ? k + 1 : spec.intParam("n", k);
    int chunk = xor ? chunkFor(defaults.chunkSize(), n) : spec.intParam("chunk", chunkFor(defaults.chunkSize(), n));
    String codecName = xor ? "xor" : spec.params().getOrDefault("codec", Codecs.DEFAULT);
    SegmentLayout layout = new SegmentLayout(k, n, chunk, job.size());
    SegmentEncoder encoder = new SegmentEncoder(layout, codec(codecName, k, n));
    List<PeerId> holders = Params.place(spec, job.name().value(), n, 1, job.livePeers())
        .stream().map(h -> h.get(0)).toList();

    Acks.Transfers transfers = new Acks.Transfers();
    List<String> labels = new ArrayList<>();
    List<Sink<byte[][], JewelUpload>> jewels = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String label = holders.get(i) + " (" + noun() + " " + i + ")";
      labels.add(label);
      jewels.add(jewelSink(i, job.transport().upload(holders.get(i), layout.jewelLength())
          .mapMaterializedValue(ack -> transfers.watch(label, ack))));
    }
    Pair<CompletionStage<BlockId>, List<JewelUpload>> run =
        job.content()
            .viaMat(Sha256Check.compute(), Keep.right())
            .async()
            .via(PieceCutter.of("the file", layout.segmentCount(), layout::segmentLength))
            .map(encoder::encode)
            .toMat(Fanout.toAll(jewels), Keep.both())
            .run(job.materializer());

    List<CompletionStage<BlockId>> acks = new ArrayList<>();
    List<CompletableFuture<BlockId>> hashes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      hashes.add(run.second().get(i).hash().toCompletableFuture());
      acks.add(run.second().get(i).ack());
    }
    BlockLayout recorded = new BlockLayout("segments", k, n, chunk, codecName);
    return transfers.all(labels, acks)
        .thenCompose(ignored -> CompletableFuture.allOf(hashes.toArray(CompletableFuture[]::new)))
        .thenCombine(run.first(), (ignored, root) -> {
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

  /** What one jewel's upload yields: the coordinator's own hash of it, and its holder's acknowledgement. */
  private record JewelUpload(CompletionStage<BlockId> hash, CompletionStage<BlockId> ack) {}

  /**
   * Jewel i's branch of a store: picks chunk i of every encoded segment, hashes it and uploads
   * it. Its own asynchronous island, so the n hashes run in parallel; an input buffer of one
   * segment keeps the segments in flight (and so memory) few.
   */
  private static Sink<byte[][], JewelUpload> jewelSink(int i, Sink<ByteString, CompletionStage<BlockId>> upload) {
    return Flow.<byte[][]>create()
        .map(chunks -> ByteString.fromArrayUnsafe(chunks[i]))
        .viaMat(Sha256Check.compute(), Keep.right())
        .toMat(upload, JewelUpload::new)
        .addAttributes(Attributes.inputBuffer(1, 1))
        .async();
  }

  private static ErasureCodec codec(String name, int k, int n) {
    return "xor".equals(name) ? new XorParity(k) : Codecs.reedSolomon(name, k, n - k);
  }

  @Override
  public Source<ByteString, NotUsed> read(FileEntry entry, Set<PeerId> live, BlockTransport transport, ByteRange range) {
    Fragment fragment = Fragment.of(entry, range);
    VerifyingTransport checked = VerifyingTransport.of(entry, transport);
    BlockLayout recorded = entry.layout();
    SegmentLayout layout = new SegmentLayout(recorded.k(), recorded.n(), recorded.chunkSize(), entry.size());
    if (layout.segmentCount() == 0) {
      return Source.empty();
    }
    List<StoredBlock> jewels = entry.blocks().stream().sorted(Comparator.comparingInt(StoredBlock::index)).toList();
    List<StoredBlock> unreadable = jewels.stream().filter(b -> Holders.readable(b, live, checked).isEmpty()).toList();
    int k = layout.k();
    if (jewels.size() - unreadable.size() < k) {
      return Source.failed(new MissingBlocksException(
          "cannot read " + fragment.subject() + ": need " + k + " of " + Holders.plural(jewels.size(), noun())
              + ", only " + (jewels.size() - unreadable.size()) + (jewels.size() - unreadable.size() == 1 ? " is" : " are")
              + " on live peers; missing "
              + unreadable.stream().map(b -> Holders.describe(noun(), b, "on", checked)).collect(Collectors.joining(", "))));
    }
    SegmentDecoder decoder = new SegmentDecoder(codec(recorded.codec(), layout.k(), layout.n()));
    return Source.fromMaterializer((materializer, attributes) ->
            Source.unfoldResourceAsync(
                () -> CompletableFuture.completedFuture(
                    new SegmentReader(fragment, noun(), layout, decoder, jewels, live, checked, materializer)
                        .start(HEDGE)),
                SegmentReader::next,
                SegmentReader::close))
        .mapMaterializedValue(m -> NotUsed.getInstance());
  }
}
