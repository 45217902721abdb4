package jewel.node.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import jewel.api.BlockId;
import jewel.api.StoredBlock;
import jewel.node.RegistryAsk;
import jewel.protocol.Pages;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryReply;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A store's upload, opened in the registry before its first byte: every block it writes names it,
 * and it reports the blocks peers acknowledged every quarter of {@code jewel.gc.upload-lease}
 * (which also renews it when there is nothing new), so that no deletion takes a block the store may
 * still commit. Closed once the store committed or failed; if this node dies, it expires.
 */
final class Upload {
  private final ActorSystem<?> system;
  private final ActorRef<RegistryCommand> registry;
  private final long id;
  private final Set<BlockId> written = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<BlockId> unreported = new ConcurrentLinkedQueue<>();
  private final Cancellable reports;
  private boolean closed; // guarded by this: no report may follow the close

  /** Block ids a report carries at most: about 70 KiB. */
  private static final int REPORT_PART = 1000;

  private Upload(
      ActorSystem<?> system, ActorRef<RegistryCommand> registry, long id, Duration lease) {
    this.system = system;
    this.registry = registry;
    this.id = id;
    Duration every = lease.dividedBy(4);
    this.reports =
        system
            .scheduler()
            .scheduleWithFixedDelay(every, every, this::report, system.executionContext());
  }

  static CompletionStage<Upload> open(
      ActorSystem<?> system, ActorRef<RegistryCommand> registry, Duration askTimeout) {
    Duration lease = system.settings().config().getDuration("jewel.gc.upload-lease");
    return RegistryAsk.<RegistryReply.UploadOpened>ask(
            registry, RegistryCommand.OpenUpload::new, askTimeout, system)
        .thenApply(opened -> new Upload(system, registry, opened.upload(), lease));
  }

  long id() {
    return id;
  }

  /**
   * Stages {@code blocks}, the stored file's blocks in order, in the registry for the commit: page
   * by page, each acknowledged before the next, so no message outgrows Artery's frame.
   */
  CompletionStage<Void> stage(List<StoredBlock> blocks, Duration askTimeout) {
    CompletionStage<Void> staged = CompletableFuture.completedFuture(null);
    Integer from = 0;
    while (from != null) {
      Pages.Page<StoredBlock, Integer> page =
          Pages.from(blocks, from, Pages.BUDGET, b -> Pages.blockBytes(b.holders().size()));
      staged =
          staged.thenCompose(
              ignored ->
                  RegistryAsk.<Done>ask(
                          registry,
                          r -> new RegistryCommand.StageBlocks(id, page.items(), r),
                          askTimeout,
                          system)
                      .thenApply(done -> null));
      from = page.next();
    }
    return staged;
  }

  /** A peer acknowledged {@code block}. */
  void written(BlockId block) {
    if (written.add(block)) {
      unreported.add(block);
    }
  }

  /** Every block peers acknowledged. */
  List<BlockId> written() {
    return List.copyOf(written);
  }

  /**
   * Stops reporting and tells the registry the upload is over (a report after it would open it
   * again).
   */
  synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    reports.cancel();
    registry.tell(new RegistryCommand.CloseUpload(id));
  }

  private synchronized void report() {
    if (closed) {
      return;
    }
    List<BlockId> news = new ArrayList<>();
    for (BlockId b = unreported.poll(); b != null; b = unreported.poll()) {
      news.add(b);
    }
    int from = 0;
    do { // at least one report: an empty one renews the lease
      int to = Math.min(news.size(), from + REPORT_PART);
      registry.tell(new RegistryCommand.UploadProgress(id, List.copyOf(news.subList(from, to))));
      from = to;
    } while (from < news.size());
  }
}
