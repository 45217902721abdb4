package jewel.node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import jewel.api.BlockId;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.JewelException;
import jewel.api.PeerId;
import jewel.api.S3KeyInfo;
import jewel.api.StoredBlock;
import jewel.api.TokenInfo;
import jewel.protocol.BlockCursor;
import jewel.protocol.PinnedBlock;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryReply;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;

/**
 * The registry's long listings and file entries, read page by page and put together, and a peer's
 * holdings, reported in parts (see {@link RegistryCommand}): no message comes near Artery's frame
 * size however big the cluster or one file grows. Each page is one ask with the given timeout. Look
 * a file up with {@link #entry}, never with a bare {@link RegistryCommand.Lookup}: its reply has
 * only the first page of the file's blocks.
 */
public final class RegistryPages {
  /** Block ids a holdings report carries at most: about 70 KiB. */
  static final int HOLDINGS_PART = 1000;

  private RegistryPages() {}

  /** The whole pin plan; settings and min-holders as the last page gives them. */
  public static CompletionStage<RegistryReply.PinPlan> pinPlan(
      ActorRef<RegistryCommand> registry, Duration timeout, Scheduler scheduler) {
    return pinPlan(registry, null, timeout, scheduler);
  }

  /**
   * The pin plan of one file's blocks (empty if it has no pin), or of all if {@code file} is null.
   */
  public static CompletionStage<RegistryReply.PinPlan> pinPlan(
      ActorRef<RegistryCommand> registry, FileName file, Duration timeout, Scheduler scheduler) {
    return pages(
            registry,
            timeout,
            scheduler,
            (BlockId after, ActorRef<RegistryReply.PinPlan> r) ->
                new RegistryCommand.GetPinPlan(after, file, r),
            RegistryReply.PinPlan::next)
        .thenApply(
            pages -> {
              List<PinnedBlock> blocks = new ArrayList<>();
              pages.forEach(p -> blocks.addAll(p.blocks()));
              RegistryReply.PinPlan last = pages.get(pages.size() - 1);
              return new RegistryReply.PinPlan(blocks, last.peers(), last.minHolders(), null);
            });
  }

  /**
   * Every file of the index whose name starts with {@code prefix} (null: every file), in name
   * order, each with all its blocks.
   */
  public static CompletionStage<List<FileEntry>> files(
      ActorRef<RegistryCommand> registry, String prefix, Duration timeout, ActorSystem<?> system) {
    return pages(
            registry,
            timeout,
            system.scheduler(),
            (after, r) -> new RegistryCommand.ListFiles(after, prefix, r),
            RegistryReply.Listing::next)
        .thenCompose(
            pages -> {
              CompletionStage<List<FileEntry>> files =
                  CompletableFuture.completedFuture(new ArrayList<>());
              for (RegistryReply.Listing page : pages) {
                files =
                    files.thenCompose(
                        got -> {
                          got.addAll(page.files());
                          if (page.moreBlocks() == null) {
                            return CompletableFuture.completedFuture(got);
                          }
                          // A file too big for a page came alone: the rest of its blocks follow.
                          FileEntry cut = got.remove(got.size() - 1);
                          return withRest(registry, cut, page.moreBlocks(), timeout, system)
                              .thenApply(
                                  whole -> {
                                    got.add(whole);
                                    return got;
                                  });
                        });
              }
              return files;
            });
  }

  /**
   * The file of {@code name} with all its blocks, or empty if the index has none: the lookup, then
   * the rest of its blocks a page at a time. Fails with a {@link JewelException} if the registry
   * does not answer, or if the file is replaced or deleted between two pages (then it is {@link
   * JewelException.Kind#CONFLICT}: look it up again).
   */
  public static CompletionStage<Optional<FileEntry>> entry(
      ActorRef<RegistryCommand> registry, FileName name, Duration timeout, ActorSystem<?> system) {
    return RegistryAsk.queryWithStatus(
            registry,
            (ActorRef<StatusReply<RegistryReply.LookedUp>> r) ->
                new RegistryCommand.Lookup(name, r),
            JewelException.Kind.BAD_INPUT,
            timeout,
            system)
        .thenCompose(
            found ->
                found.entry() == null
                    ? CompletableFuture.completedFuture(Optional.empty())
                    : withRest(registry, found.entry(), found.next(), timeout, system)
                        .thenApply(Optional::of));
  }

  /** {@code entry} with the rest of its blocks, the pages from {@code next} on. */
  private static CompletionStage<FileEntry> withRest(
      ActorRef<RegistryCommand> registry,
      FileEntry entry,
      BlockCursor next,
      Duration timeout,
      ActorSystem<?> system) {
    if (next == null) {
      return CompletableFuture.completedFuture(entry);
    }
    return RegistryAsk.queryWithStatus(
            registry,
            (ActorRef<StatusReply<RegistryReply.BlockPage>> r) ->
                new RegistryCommand.LookupBlocks(entry.name(), next, r),
            JewelException.Kind.CONFLICT,
            timeout,
            system)
        .thenCompose(
            page -> {
              List<StoredBlock> blocks = new ArrayList<>(entry.blocks());
              blocks.addAll(page.blocks());
              return withRest(registry, entry.withBlocks(blocks), page.next(), timeout, system);
            });
  }

  /** Every pinned file's line, in name order, and the default fraction. */
  public static CompletionStage<RegistryReply.Pins> pins(
      ActorRef<RegistryCommand> registry, Duration timeout, Scheduler scheduler) {
    return pages(
            registry, timeout, scheduler, RegistryCommand.ListPins::new, RegistryReply.Pins::next)
        .thenApply(
            pages ->
                new RegistryReply.Pins(
                    pages.stream().flatMap(p -> p.pins().stream()).toList(),
                    pages.get(pages.size() - 1).defaultFraction(),
                    null));
  }

  /** Every API token the registry knows, in the order they were made. */
  public static CompletionStage<List<TokenInfo>> tokens(
      ActorRef<RegistryCommand> registry, Duration timeout, Scheduler scheduler) {
    return pages(
            registry,
            timeout,
            scheduler,
            RegistryCommand.ListTokens::new,
            RegistryReply.Tokens::next)
        .thenApply(pages -> pages.stream().flatMap(p -> p.tokens().stream()).toList());
  }

  /** Every S3 access key, revoked ones too, in the order they were made. */
  public static CompletionStage<List<S3KeyInfo>> s3Keys(
      ActorRef<RegistryCommand> registry, Duration timeout, Scheduler scheduler) {
    return pages(
            registry,
            timeout,
            scheduler,
            RegistryCommand.ListS3Keys::new,
            RegistryReply.S3Keys::next)
        .thenApply(
            pages ->
                pages.stream()
                    .flatMap(p -> p.keys().stream())
                    .sorted(
                        Comparator.comparingLong(S3KeyInfo::createdAtMillis)
                            .thenComparing(S3KeyInfo::accessKey))
                    .toList());
  }

  /**
   * Tells the registry which blocks {@code peer} holds, as {@code listing} says when it is called:
   * first the registry's mark, then the listing (on the blocking dispatcher: it reads the disk),
   * then the report as of that mark, so that the registry keeps the holders it recorded after the
   * mark whatever the listing missed. While the registry does not answer (the registry node
   * starting or away), asks again every {@code timeout}. Completes when the report is sent.
   */
  public static CompletionStage<Void> reportHoldings(
      ActorRef<RegistryCommand> registry,
      PeerId peer,
      Supplier<List<BlockId>> listing,
      Duration timeout,
      ActorSystem<?> system) {
    CompletableFuture<Void> sent = new CompletableFuture<>();
    reportWhenMarked(registry, peer, listing, timeout, system, true, sent);
    return sent;
  }

  private static void reportWhenMarked(
      ActorRef<RegistryCommand> registry,
      PeerId peer,
      Supplier<List<BlockId>> listing,
      Duration timeout,
      ActorSystem<?> system,
      boolean first,
      CompletableFuture<Void> sent) {
    CompletionStage<RegistryReply.HoldingsMark> mark;
    try {
      mark =
          AskPattern.ask(
              registry, RegistryCommand.StartHoldingsReport::new, timeout, system.scheduler());
    } catch (RuntimeException e) {
      mark = CompletableFuture.failedFuture(e);
    }
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    mark.thenAcceptAsync(m -> reportHoldings(registry, peer, listing.get(), m.asOf()), blocking)
        .whenComplete(
            (ok, failure) -> {
              if (failure == null) {
                sent.complete(null);
                return;
              }
              if (first) {
                system
                    .log()
                    .info(
                        "could not report the blocks of {} to the registry yet ({}); trying again every {} s",
                        peer,
                        failure.getMessage(),
                        timeout.toSeconds());
              }
              try {
                system
                    .scheduler()
                    .scheduleOnce(
                        timeout,
                        () ->
                            reportWhenMarked(registry, peer, listing, timeout, system, false, sent),
                        system.executionContext());
              } catch (RuntimeException stopping) { // the system is shutting down
                sent.completeExceptionally(failure);
              }
            });
  }

  /**
   * Tells the registry that {@code peer} holds exactly {@code held} (sorted ascending), listed
   * after the registry's mark {@code asOf}, in parts that each cover a range of ids and together
   * cover them all.
   */
  static void reportHoldings(
      ActorRef<RegistryCommand> registry, PeerId peer, List<BlockId> held, long asOf) {
    BlockId after = null;
    int from = 0;
    do {
      int to = Math.min(held.size(), from + HOLDINGS_PART);
      BlockId upTo = to < held.size() ? held.get(to - 1) : null; // the last part runs to the end
      registry.tell(
          new RegistryCommand.ReportHoldings(
              peer, after, upTo, List.copyOf(held.subList(from, to)), asOf));
      after = upTo;
      from = to;
    } while (from < held.size());
  }

  private static <K, R> CompletionStage<List<R>> pages(
      ActorRef<RegistryCommand> registry,
      Duration timeout,
      Scheduler scheduler,
      BiFunction<K, ActorRef<R>, RegistryCommand> command,
      Function<R, K> next) {
    return pagesFrom(null, new ArrayList<>(), registry, timeout, scheduler, command, next);
  }

  private static <K, R> CompletionStage<List<R>> pagesFrom(
      K after,
      List<R> got,
      ActorRef<RegistryCommand> registry,
      Duration timeout,
      Scheduler scheduler,
      BiFunction<K, ActorRef<R>, RegistryCommand> command,
      Function<R, K> next) {
    CompletionStage<R> page =
        RegistryAsk.query(registry, r -> command.apply(after, r), timeout, scheduler);
    return page.thenCompose(
        reply -> {
          got.add(reply);
          K k = next.apply(reply);
          return k == null
              ? CompletableFuture.completedFuture(got)
              : pagesFrom(k, got, registry, timeout, scheduler, command, next);
        });
  }
}
