package jewel.node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import jewel.api.BlockId;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.PeerId;
import jewel.protocol.PinnedBlock;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryReply;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The registry's long listings, read page by page and put together, and a peer's holdings,
 * reported in parts (see {@link RegistryCommand}): no message comes near Artery's frame size
 * however big the cluster grows. Each page is one ask with the given timeout.
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

  /** The pin plan of one file's blocks (empty if it has no pin), or of all if {@code file} is null. */
  public static CompletionStage<RegistryReply.PinPlan> pinPlan(
      ActorRef<RegistryCommand> registry, FileName file, Duration timeout, Scheduler scheduler) {
    return pages(registry, timeout, scheduler, (BlockId after, ActorRef<RegistryReply.PinPlan> r) ->
            new RegistryCommand.GetPinPlan(after, file, r), RegistryReply.PinPlan::next)
        .thenApply(pages -> {
          List<PinnedBlock> blocks = new ArrayList<>();
          pages.forEach(p -> blocks.addAll(p.blocks()));
          RegistryReply.PinPlan last = pages.get(pages.size() - 1);
          return new RegistryReply.PinPlan(blocks, last.peers(), last.minHolders(), null);
        });
  }

  /** Every file of the index, in name order. */
  public static CompletionStage<List<FileEntry>> files(
      ActorRef<RegistryCommand> registry, Duration timeout, Scheduler scheduler) {
    return pages(registry, timeout, scheduler, RegistryCommand.ListFiles::new, RegistryReply.Listing::next)
        .thenApply(pages -> pages.stream().flatMap(p -> p.files().stream()).toList());
  }

  /** Every pinned file's line, in name order, and the default fraction. */
  public static CompletionStage<RegistryReply.Pins> pins(
      ActorRef<RegistryCommand> registry, Duration timeout, Scheduler scheduler) {
    return pages(registry, timeout, scheduler, RegistryCommand.ListPins::new, RegistryReply.Pins::next)
        .thenApply(pages -> new RegistryReply.Pins(pages.stream().flatMap(p -> p.pins().stream()).toList(),
            pages.get(pages.size() - 1).defaultFraction(), null));
  }

  /**
   * Tells the registry that {@code peer} holds exactly {@code held} (sorted ascending), in
   * parts that each cover a range of ids and together cover them all.
   */
  public static void reportHoldings(ActorRef<RegistryCommand> registry, PeerId peer, List<BlockId> held) {
    BlockId after = null;
    int from = 0;
    do {
      int to = Math.min(held.size(), from + HOLDINGS_PART);
      BlockId upTo = to < held.size() ? held.get(to - 1) : null; // the last part runs to the end
      registry.tell(new RegistryCommand.ReportHoldings(peer, after, upTo, List.copyOf(held.subList(from, to))));
      after = upTo;
      from = to;
    } while (from < held.size());
  }

  private static <K, R> CompletionStage<List<R>> pages(
      ActorRef<RegistryCommand> registry, Duration timeout, Scheduler scheduler,
      BiFunction<K, ActorRef<R>, RegistryCommand> command, Function<R, K> next) {
    return pagesFrom(null, new ArrayList<>(), registry, timeout, scheduler, command, next);
  }

  private static <K, R> CompletionStage<List<R>> pagesFrom(
      K after, List<R> got, ActorRef<RegistryCommand> registry, Duration timeout, Scheduler scheduler,
      BiFunction<K, ActorRef<R>, RegistryCommand> command, Function<R, K> next) {
    CompletionStage<R> page;
    try {
      page = AskPattern.ask(registry, r -> command.apply(after, r), timeout, scheduler);
    } catch (RuntimeException e) {
      page = CompletableFuture.failedFuture(e);
    }
    return page.thenCompose(reply -> {
      got.add(reply);
      K k = next.apply(reply);
      return k == null ? CompletableFuture.completedFuture(got)
          : pagesFrom(k, got, registry, timeout, scheduler, command, next);
    });
  }
}
