package jewel.schemes;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import jewel.api.BlockId;
import jewel.api.BlockLayout;
import jewel.api.ByteRange;
import jewel.api.FileEntry;
import jewel.api.PeerId;
import jewel.api.StoredBlock;
import jewel.schemes.stream.Fanout;
import jewel.schemes.stream.Sha256Stage;
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
 * Whole-file copies: the file is one block, held by {@code n} distinct peers ({@code naive}) or by
 * one ({@code hosting}). The file is streamed once and broadcast to every holder; a read streams
 * the range asked for from one live holder and, if it fails part way, carries on from the same
 * offset with the next.
 */
public final class ReplicationScheme extends SchemeOnRules<ReplicationRules> {
  public static final int MAX_COPIES = ReplicationRules.MAX_COPIES;

  private ReplicationScheme(ReplicationRules rules) {
    super(rules);
  }

  public static ReplicationScheme hosting() {
    return new ReplicationScheme(ReplicationRules.hosting());
  }

  public static ReplicationScheme naive() {
    return new ReplicationScheme(ReplicationRules.naive());
  }

  @Override
  public CompletionStage<Encoded> store(StoreJob job) {
    int copies = peersNeeded(job.scheme());
    List<PeerId> holders = Params.place(job, 1, copies).get(0);
    List<Sink<ByteString, CompletionStage<BlockId>>> uploads = new ArrayList<>();
    for (PeerId p : holders) {
      uploads.add(job.transport().upload(p, job.size()));
    }
    Pair<CompletionStage<BlockId>, List<CompletionStage<BlockId>>> run =
        job.content()
            .viaMat(Sha256Stage.computeId(), Keep.right())
            .toMat(Fanout.toAll(uploads), Keep.both())
            .run(job.materializer());
    return Acks.gather(holders, run.second())
        .thenCombine(
            run.first(),
            (acked, root) -> {
              Acks.requireAll(holders, acked, root);
              return new Encoded(
                  root,
                  BlockLayout.whole(),
                  List.of(new StoredBlock(0, root, job.size(), holders)));
            });
  }

  @Override
  public Source<ByteString, NotUsed> read(
      FileEntry entry, Set<PeerId> live, BlockTransport transport, ByteRange range) {
    Fragment fragment = Fragment.of(entry, range);
    StoredBlock block = entry.blocks().get(0);
    List<PeerId> candidates =
        block.holders().stream().filter(live::contains).collect(Collectors.toList());
    if (candidates.isEmpty()) {
      return Source.failed(
          new MissingBlocksException(
              "no live peer holds "
                  + fragment.subject()
                  + ": block "
                  + block.id().shortHex()
                  + "… is on "
                  + (block.holders().isEmpty()
                      ? "no peer"
                      : Params.names(block.holders()) + ", all down")));
    }
    return readFrom(candidates, 0, block, fragment, new AtomicLong(), transport, null);
  }

  /** Streams the rest of the fragment from candidate {@code i}, moving to the next on failure. */
  private static Source<ByteString, NotUsed> readFrom(
      List<PeerId> candidates,
      int i,
      StoredBlock block,
      Fragment fragment,
      AtomicLong done,
      BlockTransport transport,
      Throwable last) {
    if (i >= candidates.size()) {
      return Source.failed(
          new MissingBlocksException(
              "could not read block "
                  + block.id().shortHex()
                  + "… from any of "
                  + Params.names(candidates)
                  + (last == null ? "" : " (last error: " + last.getMessage() + ")")));
    }
    PeerId peer = candidates.get(i);
    return Source.lazySource(
            () ->
                transport.download(
                    peer,
                    block.id(),
                    fragment.start() + done.get(),
                    fragment.length() - done.get()))
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
                    e -> readFrom(candidates, i + 1, block, fragment, done, transport, e))
                .build());
  }
}
