package jewel.node.peer;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import jewel.api.BlockId;
import jewel.api.PeerContents;
import jewel.api.PeerId;
import jewel.node.PeerDirectory.LivePeer;
import jewel.node.RegistryPages;
import jewel.node.pins.Failures;
import jewel.node.pins.LivePeers;
import jewel.node.pins.PinSettings;
import jewel.node.pins.PlanView;
import jewel.node.pins.PlanView.Block;
import jewel.node.store.BlockStore;
import jewel.protocol.RegistryCommand;
import jewel.protocol.data.DataClient;
import jewel.protocol.data.DataRequest;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Keeps one peer's share of the pinned blocks, a child of its {@link Peer}.
 *
 * <p>On start, on {@link Rescan} (sent when a pin or a peer setting changes, by the scan when salts
 * move or this peer is behind, and by itself {@link #FETCH_RETRY} after a failed fetch) and every
 * {@code rescan-interval} (a safety net: it notices block files lost from disk) it asks the
 * registry for the pin plan and the directory for the live peers, and then:
 *
 * <ol>
 *   <li>its share is every pinned block the formula gives it ({@link PlanView#holds}: all of them
 *       if it is trusted or its modifier is +∞; greylisting changes nothing here);
 *   <li>with a quota, it keeps only the share's blocks, in block id order, whose lengths add up to
 *       at most the quota ({@link PlanView#kept}), and says it is over quota (like EDQUOT) if that
 *       leaves any out;
 *   <li>it fetches the blocks it keeps and lacks, from their holders first and then from any live
 *       peer, hash-checked into its store, {@code fetch-concurrency} at a time and never one block
 *       twice at once;
 *   <li>it drops a pinned block it holds but does not keep only if {@code minHolders} other peers
 *       hold it that will keep it (see {@link #keepers}), and only if no unpinned file uses that
 *       block too (the plan says so). Blocks outside the plan are never touched.
 * </ol>
 *
 * After a change it tells the registry everything it holds ({@code ReportHoldings}). It runs on the
 * blocking dispatcher: listing, checking and deleting block files are file I/O.
 */
public final class ShareKeeper extends AbstractBehavior<ShareKeeper.Command> {

  /** What a peer needs to keep a share: settings, the live peers, and a data channel client. */
  public record Setup(PinSettings pins, LivePeers peers, DataClient data) {}

  /** What the keeper handles. Local only: it never crosses a node boundary. */
  public sealed interface Command extends NoSerializationVerificationNeeded {}

  /** Recompute the share now. */
  public record Rescan() implements Command {}

  /**
   * This peer's copy of {@code block} is damaged (an audit found out): fetch a good one over it.
   */
  public record Repair(BlockId block) implements Command {}

  /** Told to the Peer after every rescan, for its {@code Describe}. */
  public record ShareState(boolean overQuota) implements NoSerializationVerificationNeeded {}

  private record Tick() implements Command {}

  /**
   * After a failed fetch, the share is computed again this soon (from a newer plan and set of live
   * peers), rather than at the next {@code rescan-interval}; twice as late after each further
   * failure, up to the rescan interval, and this soon again after a fetch succeeds.
   */
  static final Duration FETCH_RETRY = Duration.ofSeconds(5);

  private static final Object RETRY = "retry";

  private record Planned(PlanView plan, Map<PeerId, LivePeer> live) implements Command {}

  private record PlanFailed(Throwable why) implements Command {}

  /** One block to fetch; a repair fetches over a copy it has. */
  private record Fetch(BlockId id, boolean repair) {}

  private record Fetched(Fetch fetch, PeerId from) implements Command {}

  private record FetchFailed(Fetch fetch, String why) implements Command {}

  private final TimerScheduler<Command> timers;
  private final PeerId self;
  private final BlockStore store;
  private final ActorRef<RegistryCommand> registry;
  private final ActorRef<ShareState> peer;
  private final Setup setup;
  private final ActorSystem<?> system; // for futures' callbacks, which must not touch the context

  private final Deque<Fetch> repairs = new ArrayDeque<>();
  private Deque<Fetch> queue = new ArrayDeque<>(); // the latest rescan's missing blocks
  private final Set<BlockId> fetching = new HashSet<>();
  private PlanView plan; // the latest plan (null until the first): whom to fetch from
  private Map<PeerId, LivePeer> live = Map.of();
  private boolean rescanning; // a plan (and maybe a file listing) is being asked for
  private boolean again; // a rescan was asked for meanwhile
  private boolean dirty; // holdings changed since the last report
  private boolean overQuota;
  private boolean planFailing;
  private Duration retryAfter = FETCH_RETRY;

  public static Behavior<Command> create(
      PeerId self,
      BlockStore store,
      ActorRef<RegistryCommand> registry,
      ActorRef<ShareState> peer,
      Setup setup) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  ctx.setLoggerName(ShareKeeper.class);
                  timers.startTimerWithFixedDelay(new Tick(), setup.pins().rescanInterval());
                  ctx.getSelf().tell(new Rescan());
                  return new ShareKeeper(ctx, timers, self, store, registry, peer, setup);
                }));
  }

  private ShareKeeper(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      PeerId self,
      BlockStore store,
      ActorRef<RegistryCommand> registry,
      ActorRef<ShareState> peer,
      Setup setup) {
    super(ctx);
    this.timers = timers;
    this.self = self;
    this.store = store;
    this.registry = registry;
    this.peer = peer;
    this.setup = setup;
    this.system = ctx.getSystem();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Rescan.class, m -> rescan())
        .onMessage(Tick.class, m -> rescan())
        .onMessage(Planned.class, this::onPlanned)
        .onMessage(PlanFailed.class, this::onPlanFailed)
        .onMessage(Repair.class, this::onRepair)
        .onMessage(Fetched.class, this::onFetched)
        .onMessage(FetchFailed.class, this::onFetchFailed)
        .build();
  }

  // ---------------------------------------------------------------- rescans

  private Behavior<Command> rescan() {
    if (rescanning) {
      again = true;
      return this;
    }
    rescanning = true;
    // A long batch of fetches shows up in the block book at every rescan, not only at its end.
    if (dirty) {
      report();
    }
    CompletionStage<Planned> planned;
    try {
      planned = askPlan().thenCombine(setup.peers().live(), Planned::new);
    } catch (RuntimeException e) {
      planned = CompletableFuture.failedFuture(e);
    }
    getContext().pipeToSelf(planned, (p, failure) -> failure == null ? p : new PlanFailed(failure));
    return this;
  }

  private CompletionStage<PlanView> askPlan() {
    return RegistryPages.pinPlan(registry, setup.pins().askTimeout(), system.scheduler())
        .thenApply(PlanView::of);
  }

  private Behavior<Command> onPlanned(Planned m) {
    plan = m.plan();
    live = m.live();
    if (planFailing) {
      getContext().getLog().info("the pin plan is available again");
      planFailing = false;
    }
    List<Block> share = plan.share(self);
    List<Block> kept = plan.kept(self);
    updateQuota(share, kept);

    Set<BlockId> held = heldIds();
    Set<BlockId> keep = kept.stream().map(Block::id).collect(Collectors.toSet());
    queue = new ArrayDeque<>();
    for (Block b : kept) {
      if (!held.contains(b.id()) && !fetching.contains(b.id())) {
        queue.add(new Fetch(b.id(), false));
      }
    }
    // A block an unpinned file uses too stays: that file's placement counts on this copy.
    List<Block> drops =
        plan.blocks().stream()
            .filter(
                b -> held.contains(b.id()) && !keep.contains(b.id()) && !fetching.contains(b.id()))
            .filter(b -> !b.usedUnpinned() && keepers(b).size() >= plan.minHolders())
            .toList();
    if (!queue.isEmpty() || !drops.isEmpty()) {
      getContext()
          .getLog()
          .info(
              "share: {} of {} pinned blocks{}, {} to fetch, {} to drop",
              share.size(),
              plan.blocks().size(),
              overQuota ? " (" + kept.size() + " fit the quota)" : "",
              queue.size(),
              drops.size());
    }
    drop(drops);
    startFetches();
    // The book is the scan's view: where it disagrees with the disk (a lost report, files
    // gone behind this peer's back), correct it, or the scan keeps asking for work not there.
    if (!dirty
        && plan.blocks().stream()
            .anyMatch(b -> b.holders().contains(self) != held.contains(b.id()))) {
      dirty = true;
    }
    if (dirty && idle()) {
      report();
    }
    return rescanDone();
  }

  private Behavior<Command> onPlanFailed(PlanFailed m) {
    if (!planFailing) {
      // The registry is away while the seed starts or restarts: worth a line, not an alarm.
      getContext()
          .getLog()
          .info(
              "no pin plan yet ({}): keeping what this peer holds, asking again every {}",
              Failures.oneLine(m.why()),
              PinSettings.human(setup.pins().rescanInterval()));
      planFailing = true;
    }
    again =
        false; // the next tick tries again; retrying at once would only hammer a registry that is
    // away
    rescanning = false;
    return this;
  }

  private Behavior<Command> rescanDone() {
    rescanning = false;
    if (again) {
      again = false;
      return rescan();
    }
    return this;
  }

  private void updateQuota(List<Block> share, List<Block> kept) {
    boolean over = kept.size() < share.size();
    if (over != overQuota) {
      if (over) {
        getContext()
            .getLog()
            .warn(
                "over quota: {} of the {} blocks of this peer's share fit {} bytes; refusing the rest",
                kept.size(),
                share.size(),
                plan.settings(self).quotaBytes());
      } else {
        getContext()
            .getLog()
            .info("the whole share ({} blocks) fits the quota again", share.size());
      }
      overQuota = over;
    }
    peer.tell(new ShareState(over));
  }

  /**
   * The other peers that hold {@code b} and will keep it: live, not greylisted (a greylisted peer's
   * copies count as not held) and keeping it by the plan ({@link PlanView#keeps}: the formula gives
   * it to them, within their quota). Counting only peers that keep it, rather than any holder, is
   * what makes drops safe when several holders leave the share at once: each of them would count
   * the others, and all might drop together; a peer that keeps a block never drops it.
   */
  private List<PeerId> keepers(Block b) {
    List<PeerId> keepers = new ArrayList<>();
    for (PeerId p : b.holders()) {
      if (!p.equals(self) && live.containsKey(p) && !plan.greylisted(p) && plan.keeps(b, p)) {
        keepers.add(p);
      }
    }
    return keepers;
  }

  /**
   * The live peers to fetch a block from, as the latest plan says: its holders first (in random
   * order, to spread the load), then the rest.
   */
  private List<LivePeer> sources(BlockId id) {
    Block b = plan.block(id);
    Set<PeerId> holders = b == null ? Set.of() : b.holders();
    List<LivePeer> first = new ArrayList<>();
    List<LivePeer> rest = new ArrayList<>();
    for (LivePeer p : live.values()) {
      if (!p.name().equals(self)) {
        (holders.contains(p.name()) ? first : rest).add(p);
      }
    }
    Collections.shuffle(first);
    Collections.shuffle(rest);
    first.addAll(rest);
    return first;
  }

  // ---------------------------------------------------------------- drops

  private void drop(List<Block> drops) {
    boolean dropped = false;
    for (Block b : drops) {
      if (!fetching.contains(b.id()) && store.delete(b.id())) {
        getContext()
            .getLog()
            .info(
                "dropped block {}: this peer no longer keeps it (share, quota), and {} do",
                b.id().shortHex(),
                keepers(b));
        dropped = true;
      }
    }
    if (dropped) {
      report();
    }
  }

  // ---------------------------------------------------------------- fetches

  private Behavior<Command> onRepair(Repair m) {
    repairs.add(new Fetch(m.block(), true));
    startFetches();
    return this;
  }

  private void startFetches() {
    if (plan == null) {
      return; // no plan and live peers yet: the first rescan starts them
    }
    while (fetching.size() < setup.pins().fetchConcurrency()) {
      Fetch f = repairs.isEmpty() ? queue.poll() : repairs.poll();
      if (f == null) {
        return;
      }
      // Fetched since it was queued (or being fetched): nothing to do. A repair fetches over the
      // bad copy.
      if (fetching.contains(f.id()) || (!f.repair() && store.has(f.id()))) {
        continue;
      }
      fetching.add(f.id());
      List<LivePeer> sources = sources(f.id());
      getContext()
          .pipeToSelf(
              fetchFrom(f, sources, 0, ""),
              (from, failure) ->
                  failure == null
                      ? new Fetched(f, from)
                      : new FetchFailed(f, Failures.oneLine(failure)));
    }
  }

  /** Tries the sources in order; the store's writer checks the bytes against the block's id. */
  private CompletionStage<PeerId> fetchFrom(
      Fetch f, List<LivePeer> sources, int i, String failures) {
    if (i >= sources.size()) {
      return CompletableFuture.failedFuture(
          new IllegalStateException(
              failures.isEmpty() ? "no other live peer to fetch it from" : failures));
    }
    LivePeer from = sources.get(i);
    CompletionStage<BlockId> copy;
    try {
      copy =
          setup
              .data()
              .get(from.data(), DataRequest.getBlock(f.id(), 0, -1))
              .runWith(store.writer(Optional.of(f.id())), system);
    } catch (RuntimeException e) {
      copy = CompletableFuture.failedFuture(e);
    }
    return copy.thenApply(id -> from.name())
        .exceptionallyCompose(
            e ->
                fetchFrom(
                    f,
                    sources,
                    i + 1,
                    (failures.isEmpty() ? "" : failures + "; ")
                        + from.name()
                        + ": "
                        + Failures.oneLine(e)));
  }

  private Behavior<Command> onFetched(Fetched m) {
    fetching.remove(m.fetch().id());
    dirty = true;
    retryAfter = FETCH_RETRY;
    getContext()
        .getLog()
        .info(
            "{} block {} ({} bytes) from {}",
            m.fetch().repair() ? "repaired" : "fetched",
            m.fetch().id().shortHex(),
            store.size(m.fetch().id()).orElse(-1),
            m.from());
    startFetches();
    if (idle()) {
      report();
    }
    return this;
  }

  private Behavior<Command> onFetchFailed(FetchFailed m) {
    fetching.remove(m.fetch().id());
    if (!timers.isTimerActive(RETRY)) {
      getContext()
          .getLog()
          .warn(
              "could not fetch block {}: {}; trying again in {}",
              m.fetch().id().shortHex(),
              m.why(),
              PinSettings.human(retryAfter));
      timers.startSingleTimer(RETRY, new Rescan(), retryAfter);
      Duration doubled = retryAfter.multipliedBy(2);
      retryAfter =
          doubled.compareTo(setup.pins().rescanInterval()) < 0
              ? doubled
              : setup.pins().rescanInterval();
    } else {
      getContext()
          .getLog()
          .warn("could not fetch block {}: {}", m.fetch().id().shortHex(), m.why());
    }
    startFetches();
    if (idle() && dirty) {
      report();
    }
    return this;
  }

  private boolean idle() {
    return fetching.isEmpty() && queue.isEmpty() && repairs.isEmpty();
  }

  // ---------------------------------------------------------------- holdings

  private Set<BlockId> heldIds() {
    return store.list().stream().map(PeerContents.HeldBlock::id).collect(Collectors.toSet());
  }

  /**
   * Tells the registry every block this peer holds, listed once the registry handed out a mark: the
   * block book takes it as the truth as of that mark.
   */
  private void report() {
    RegistryPages.reportHoldings(
        registry,
        self,
        () -> store.list().stream().map(PeerContents.HeldBlock::id).toList(),
        setup.pins().askTimeout(),
        system);
    dirty = false;
  }
}
