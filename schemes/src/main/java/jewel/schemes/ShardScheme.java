package jewel.schemes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import jewel.api.BlockId;
import jewel.api.BlockLayout;
import jewel.api.ByteRange;
import jewel.api.Digests;
import jewel.api.FileEntry;
import jewel.api.PeerId;
import jewel.api.SchemeSpec;
import jewel.api.StoredBlock;
import jewel.codec.ContiguousShards;
import jewel.schemes.stream.Fanout;
import jewel.schemes.stream.Sha256Stage;
import jewel.schemes.stream.ShardRouter;
import jewel.schemes.stream.SliceCutter;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.stream.Graph;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Contiguous shards: the file is cut into {@code k} shards of {@code ceil(size / k)} bytes (the
 * last ones shorter, or empty; the true length is recorded, nothing is padded or stripped), shard i
 * held by {@code m} peers striped round robin ({@code shardshard}), or by one ({@code shard}, m =
 * 1). On 3 peers, k = 3 and m = 2 give the original project's [1,2], [2,3], [3,1].
 *
 * <p>A store reads the file once, from start to end: shard i's bytes go to its m uploads, which are
 * opened only when its first byte comes (a data connection left idle times out). A read streams, in
 * order, the parts of the shards that overlap the range asked for, each from one live holder,
 * carrying on from the same offset with the next holder if one fails part way. Shards outside the
 * range are neither read nor needed.
 */
public final class ShardScheme extends SchemeOnRules<ShardRules> {
  public static final int MAX_SHARDS = ShardRules.MAX_SHARDS;
  public static final int MAX_COPIES = ShardRules.MAX_COPIES;
  private static final String NOUN = "shard";
  private static final BlockId EMPTY = BlockId.of(Digests.sha256().digest());

  private ShardScheme(ShardRules rules) {
    super(rules);
  }

  public static ShardScheme shard() {
    return new ShardScheme(ShardRules.shard());
  }

  public static ShardScheme shardShard() {
    return new ShardScheme(ShardRules.shardShard());
  }

  /**
   * Where shard i's copies go: round robin over {@code live} from the file name's start (each
   * shard's first copy on its own peer), or by rendezvous per shard.
   */
  static List<List<PeerId>> placement(
      SchemeSpec spec, List<PeerId> live, String fileName, int k, int m) {
    return Params.place(spec, fileName, k, m, live);
  }

  @Override
  public CompletionStage<Encoded> store(StoreJob job) {
    int k = job.scheme().intParam("k", 1);
    int m = copiesOfEachBlock(job.scheme());
    ContiguousShards cut = new ContiguousShards(job.size(), k);
    List<List<PeerId>> holders = placement(job.scheme(), job.livePeers(), job.name().value(), k, m);
    Acks.Transfers transfers = new Acks.Transfers();

    List<Integer> streamed = new ArrayList<>();
    List<Sink<ByteString, CompletionStage<ShardUpload>>> sinks = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      long length = cut.shardLength(i);
      if (length > 0) {
        streamed.add(i);
        List<PeerId> to = holders.get(i);
        int index = i;
        sinks.add(
            Sink.lazySink(
                () ->
                    Sha256Stage.computeId()
                        .toMat(uploads(job, transfers, index, to, length), ShardUpload::new)));
      }
    }
    Sink<ByteString, List<CompletionStage<ShardUpload>>> routed;
    if (streamed.isEmpty()) {
      routed =
          SliceCutter.of("the file", 0, i -> 0, i -> 0)
              .toMat(Sink.ignore(), Keep.none())
              .mapMaterializedValue(none -> List.of());
    } else {
      long[] lengths = streamed.stream().mapToLong(cut::shardLength).toArray();
      routed = ShardRouter.toEach("the file", lengths, sinks);
    }
    Pair<CompletionStage<BlockId>, List<CompletionStage<ShardUpload>>> run =
        job.content()
            .viaMat(Sha256Stage.computeId(), Keep.right())
            .toMat(routed, Keep.both())
            .run(job.materializer());

    // Per shard: the coordinator's own hash of it, and each holder's acknowledgement.
    List<CompletableFuture<BlockId>> hashes = new ArrayList<>();
    List<List<CompletionStage<BlockId>>> acks = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    List<CompletionStage<BlockId>> allAcks = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      List<CompletionStage<BlockId>> shardAcks = new ArrayList<>();
      int slot = streamed.indexOf(i);
      if (slot < 0) {
        // An empty shard is a block too (the SHA-256 of nothing): stored and acknowledged.
        hashes.add(CompletableFuture.completedFuture(EMPTY));
        for (PeerId p : holders.get(i)) {
          shardAcks.add(
              transfers.watch(
                  label(p, i),
                  Source.<ByteString>empty()
                      .runWith(job.transport().upload(p, 0), job.materializer())));
        }
      } else {
        CompletionStage<ShardUpload> started = run.second().get(slot);
        hashes.add(started.thenCompose(ShardUpload::hash).toCompletableFuture());
        for (int c = 0; c < holders.get(i).size(); c++) {
          int copy = c;
          shardAcks.add(started.thenCompose(u -> u.acks().get(copy)));
        }
      }
      for (int c = 0; c < shardAcks.size(); c++) {
        labels.add(label(holders.get(i).get(c), i));
        allAcks.add(shardAcks.get(c));
      }
      acks.add(shardAcks);
    }
    return transfers
        .all(labels, allAcks)
        .thenCompose(ignored -> CompletableFuture.allOf(hashes.toArray(CompletableFuture[]::new)))
        .thenCombine(
            run.first(),
            (ignored, root) -> {
              List<StoredBlock> blocks = new ArrayList<>();
              for (int i = 0; i < k; i++) {
                BlockId hash = hashes.get(i).join();
                List<BlockId> acked =
                    acks.get(i).stream().map(a -> a.toCompletableFuture().join()).toList();
                Acks.requireAll(holders.get(i), acked, hash);
                blocks.add(new StoredBlock(i, hash, cut.shardLength(i), holders.get(i)));
              }
              return new Encoded(root, new BlockLayout("shards", k, k, 0, "none"), blocks);
            });
  }

  /**
   * What one shard's upload yields once its first byte has started it: the coordinator's own hash
   * of the shard, and each holder's acknowledgement (the id it computed).
   */
  private record ShardUpload(CompletionStage<BlockId> hash, List<CompletionStage<BlockId>> acks) {}

  private static Sink<ByteString, List<CompletionStage<BlockId>>> uploads(
      StoreJob job, Acks.Transfers transfers, int shard, List<PeerId> to, long length) {
    List<Sink<ByteString, CompletionStage<BlockId>>> sinks = new ArrayList<>();
    for (PeerId p : to) {
      sinks.add(
          job.transport()
              .upload(p, length)
              .mapMaterializedValue(ack -> transfers.watch(label(p, shard), ack)));
    }
    return Fanout.toAll(sinks);
  }

  private static String label(PeerId peer, int shard) {
    return peer + " (" + NOUN + " " + shard + ")";
  }

  @Override
  public Source<ByteString, NotUsed> read(
      FileEntry entry, Set<PeerId> live, BlockTransport transport, ByteRange range) {
    Fragment fragment = Fragment.of(entry, range);
    VerifyingTransport checked = VerifyingTransport.of(entry, transport);
    List<StoredBlock> shards =
        entry.blocks().stream().sorted(Comparator.comparingInt(StoredBlock::index)).toList();
    List<ShardPart> parts = partsCovering(shards, fragment);
    String cannotRead =
        "cannot read "
            + fragment.subject()
            + ": it needs "
            + (fragment.whole() ? "all " : parts.size() + " of the ")
            + Holders.plural(shards.size(), NOUN);
    List<StoredBlock> unreadable =
        parts.stream()
            .map(ShardPart::shard)
            .filter(b -> Holders.readable(b, live, checked).isEmpty())
            .toList();
    if (!unreadable.isEmpty()) {
      return Source.failed(
          new MissingBlocksException(
              cannotRead
                  + ", "
                  + unreadable.size()
                  + (unreadable.size() == 1 ? " has" : " have")
                  + " no live holder; missing "
                  + unreadable.stream()
                      .map(b -> Holders.describe(NOUN, b, "held by", checked))
                      .collect(Collectors.joining(", "))));
    }
    return Source.from(parts)
        .flatMapConcat(
            part ->
                readShard(
                    cannotRead,
                    part,
                    Holders.readable(part.shard(), live, checked),
                    0,
                    new AtomicLong(),
                    checked,
                    null));
  }

  /** Bytes {@code [offset, offset + length)} of one shard, which a read needs. */
  private record ShardPart(StoredBlock shard, long offset, long length) {}

  /**
   * The parts of {@code shards} (in file order) that overlap the fragment; empty shards never do.
   */
  private static List<ShardPart> partsCovering(List<StoredBlock> shards, Fragment fragment) {
    List<ShardPart> parts = new ArrayList<>();
    long shardStart = 0;
    for (StoredBlock shard : shards) {
      if (fragment.overlaps(shardStart, shard.length())) {
        long from = Math.max(fragment.start(), shardStart);
        long to = Math.min(fragment.end(), shardStart + shard.length());
        parts.add(new ShardPart(shard, from - shardStart, to - from));
      }
      shardStart += shard.length();
    }
    return parts;
  }

  /**
   * The shard part from its {@code i}-th candidate on, from where the previous one stopped. A
   * corrupt shard is not failed over: its bytes have gone downstream already, so the whole read
   * must start again without that copy (the caller does that).
   */
  private static Source<ByteString, NotUsed> readShard(
      String cannotRead,
      ShardPart part,
      List<PeerId> candidates,
      int i,
      AtomicLong done,
      VerifyingTransport transport,
      Throwable last) {
    StoredBlock block = part.shard();
    if (i >= candidates.size()) {
      return Source.failed(
          new MissingBlocksException(
              cannotRead
                  + "; missing "
                  + Holders.describe(NOUN, block, "held by", transport)
                  + (last == null ? "" : " (last try: " + Acks.rootMessage(last) + ")")));
    }
    PeerId peer = candidates.get(i);
    return Source.lazySource(
            () ->
                transport.download(
                    peer, block.id(), part.offset() + done.get(), part.length() - done.get()))
        .map(
            chunk -> {
              done.addAndGet(chunk.size());
              return chunk;
            })
        .mapMaterializedValue(m -> NotUsed.getInstance())
        .recoverWithRetries(
            1,
            new PFBuilder<Throwable, Graph<SourceShape<ByteString>, NotUsed>>()
                .match(
                    Exception.class,
                    e -> !(e instanceof CorruptBlockException),
                    e -> readShard(cannotRead, part, candidates, i + 1, done, transport, e))
                .build());
  }
}
