package jewel.node.pins;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import jewel.api.BlockId;
import jewel.api.PeerId;
import jewel.node.PeerDirectory.LivePeer;
import jewel.node.RegistryPages;
import jewel.node.pins.PlanView.Block;
import jewel.protocol.PeerCommand;
import jewel.protocol.RegistryCommand;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * The availability scan and the auditor of pinned blocks, on the registry node. Every {@code
 * scan-interval}, and {@code settle-after-change} after a membership change, it reads the pin plan
 * and the live peers, then:
 *
 * <p><b>Availability.</b> A peer counts for a block if it is live and not greylisted.
 * <i>Holding</i> are such peers the block book lists; <i>expected</i> are such peers that keep it
 * ({@link PlanView#keeps}: the formula gives it to them and it fits their quota, both computed from
 * the plan, so the scan and every peer agree). Per block, with {@code min} = min-holders:
 *
 * <ul>
 *   <li>at least {@code min} expected peers hold it: healthy;
 *   <li>no live peer at all holds it: nothing to copy from, so a new salt cannot help; it is
 *       reported as unavailable until a holder returns;
 *   <li>at least {@code min} peers are expected: they are fetching it (after a join, a fraction
 *       change or the last bump), so wait; but if that takes longer than {@code fetch-grace},
 *       something is stuck, so bump;
 *   <li>fewer than {@code min} peers count at all: no salt can help (reported);
 *   <li>otherwise the formula gives the block to too few live peers: bump its salt, which draws a
 *       new set of expected holders. The old holders keep it until {@code min} of the new ones have
 *       it (the share keeper's drop rule).
 * </ul>
 *
 * So a block with {@code min} live holders is still bumped if fewer than {@code min} live peers
 * keep it: otherwise holdings could never settle to exactly the formula's, since no holder drops a
 * block that fewer than {@code min} others keep. (The literal rule "bump only if fewer than {@code
 * min} expected peers already hold it" adds nothing to "fewer than {@code min} live holders", as
 * those peers are among the live holders; what keeps a block that waits for its new holders from
 * being bumped again is counting the expected peers whether or not they hold it yet.) A bump goes
 * straight to the first salt under which the formula gives the block to enough live peers ({@link
 * #nextSalt}). After bumping, every live peer is told to rescan, and the scan looks again soon.
 *
 * <p><b>Convergence.</b> Without a bump, it tells the peers that are behind on a block to rescan
 * ({@link #behind}): holders that may drop it, and expected holders of a waiting block that lack
 * it.
 *
 * <p><b>Audits.</b> It challenges {@code audits-per-scan} random (block, listed holder) pairs for a
 * random chunk and checks the answer against the block's Merkle root (see {@link Audits#failed} for
 * what counts); a holder has {@code audit-timeout} plus the time to read the block at {@code
 * audit-min-read-rate} to answer. Failures fade ({@link AuditFailures}): each counts for {@code
 * audit-failure-memory}, and each passed audit forgives one. A peer with {@code
 * audit-failures-to-greylist} failures counting at once is greylisted in the registry and its count
 * starts again (so after an ungreylist it needs as many new failures). Counts live in memory: a
 * restarted registry node forgives.
 */
public final class PinScanner extends AbstractBehavior<PinScanner.Command> {

  /** What the scanner handles. Local only. */
  public sealed interface Command extends NoSerializationVerificationNeeded {}

  /** Scan now (the timers send it too). */
  public record Scan() implements Command {}

  private record MembershipChanged() implements Command {}

  private record Scanned(PlanView plan, Map<PeerId, LivePeer> live) implements Command {}

  private record ScanFailed(Throwable why) implements Command {}

  private record Audited(List<Audits.Outcome> outcomes, PlanView plan, Map<PeerId, LivePeer> live)
      implements Command {}

  private record Rechecked(List<Audits.Outcome> outcomes, PlanView plan, Map<PeerId, LivePeer> live)
      implements Command {}

  private record RecheckFailed(Throwable why) implements Command {}

  /** What the availability rule says about one block. */
  enum State {
    HEALTHY,
    WAITING,
    BUMP,
    NO_COPY,
    TOO_FEW_PEERS
  }

  record Availability(State state, int holding, int expected) {}

  /** Since when a block has been waiting for its expected holders, under which salt. */
  private record Waiting(long salt, long sinceNanos) {}

  private static final Object TICK = "tick";
  private static final Object SOON = "soon";

  private final PinSettings pins;
  private final ActorRef<RegistryCommand> registry;
  private final LivePeers peers;
  private final TimerScheduler<Command> timers;
  private final Random random = new Random();
  private final AuditFailures failures;
  private Map<BlockId, Waiting> waiting = new HashMap<>();
  private boolean scanning;
  private boolean again;

  /**
   * @param watchMembership scan after cluster membership and reachability changes (false in a local
   *     ActorSystem, which has no cluster)
   */
  public static Behavior<Command> create(
      PinSettings pins,
      ActorRef<RegistryCommand> registry,
      LivePeers peers,
      boolean watchMembership) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  ctx.setLoggerName(PinScanner.class);
                  if (watchMembership) {
                    Cluster cluster = Cluster.get(ctx.getSystem());
                    cluster
                        .subscriptions()
                        .tell(
                            Subscribe.create(
                                ctx.messageAdapter(
                                    ClusterEvent.MemberEvent.class, e -> new MembershipChanged()),
                                ClusterEvent.MemberEvent.class));
                    cluster
                        .subscriptions()
                        .tell(
                            Subscribe.create(
                                ctx.messageAdapter(
                                    ClusterEvent.ReachabilityEvent.class,
                                    e -> new MembershipChanged()),
                                ClusterEvent.ReachabilityEvent.class));
                  }
                  timers.startTimerWithFixedDelay(TICK, new Scan(), pins.scanInterval());
                  timers.startSingleTimer(SOON, new Scan(), pins.settleAfterChange());
                  return new PinScanner(ctx, pins, registry, peers, timers);
                }));
  }

  private PinScanner(
      ActorContext<Command> ctx,
      PinSettings pins,
      ActorRef<RegistryCommand> registry,
      LivePeers peers,
      TimerScheduler<Command> timers) {
    super(ctx);
    this.pins = pins;
    this.registry = registry;
    this.peers = peers;
    this.timers = timers;
    this.failures = new AuditFailures(pins.auditFailureMemory());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Scan.class, m -> scan())
        // A burst of events (a node leaving is unreachable, then down, then removed) makes one
        // scan.
        .onMessage(
            MembershipChanged.class,
            m -> {
              timers.startSingleTimer(SOON, new Scan(), pins.settleAfterChange());
              return this;
            })
        .onMessage(Scanned.class, this::onScanned)
        .onMessage(
            ScanFailed.class,
            m -> {
              getContext().getLog().warn("pin scan skipped: {}", Failures.oneLine(m.why()));
              return scanDone();
            })
        .onMessage(Audited.class, this::onAudited)
        .onMessage(Rechecked.class, m -> judge(m.outcomes(), m.plan(), m.live()))
        .onMessage(
            RecheckFailed.class,
            m -> {
              getContext()
                  .getLog()
                  .warn(
                      "audit results not judged: cannot read the plan again ({})",
                      Failures.oneLine(m.why()));
              return scanDone();
            })
        .build();
  }

  private Behavior<Command> scan() {
    if (scanning) {
      again = true;
      return this;
    }
    scanning = true;
    getContext()
        .pipeToSelf(planAndPeers(), (s, failure) -> failure == null ? s : new ScanFailed(failure));
    return this;
  }

  private CompletionStage<Scanned> planAndPeers() {
    try {
      return RegistryPages.pinPlan(
              registry, pins.askTimeout(), getContext().getSystem().scheduler())
          .thenApply(PlanView::of)
          .thenCombine(peers.live(), Scanned::new);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private Behavior<Command> onScanned(Scanned m) {
    Set<PeerId> behind = new HashSet<>();
    if (bump(m.plan(), m.live(), behind) > 0) {
      m.live().values().forEach(p -> p.ref().tell(new PeerCommand.Rescan()));
      timers.startSingleTimer(SOON, new Scan(), pins.settleAfterChange());
    } else if (!behind.isEmpty()) {
      getContext()
          .getLog()
          .debug(
              "telling {} to rescan: they hold what they need not, or lack what they keep", behind);
      behind.forEach(p -> m.live().get(p).ref().tell(new PeerCommand.Rescan()));
    }
    List<Audits.Challenge> challenges =
        Audits.sample(m.plan(), m.live(), pins.auditsPerScan(), random);
    if (challenges.isEmpty()) {
      return scanDone();
    }
    getContext()
        .pipeToSelf(
            Audits.run(challenges, pins, getContext().getSystem().scheduler()),
            (outcomes, failure) -> new Audited(outcomes, m.plan(), m.live()));
    return this;
  }

  private Behavior<Command> scanDone() {
    scanning = false;
    if (again) {
      again = false;
      return scan();
    }
    return this;
  }

  // ---------------------------------------------------------------- availability

  /**
   * Bumps the salt of every block that needs it; returns how many. Adds to {@code behind} the live
   * peers that have work to do on a block without a new salt (see {@link #behind}).
   */
  private int bump(PlanView plan, Map<PeerId, LivePeer> live, Set<PeerId> behind) {
    Map<BlockId, Waiting> stillWaiting = new HashMap<>();
    long now = System.nanoTime();
    int bumped = 0;
    int noCopy = 0;
    int tooFew = 0;
    for (Block b : plan.blocks()) {
      Availability a = availability(b, plan, live);
      behind(b, a, plan, live, behind);
      String reason = null;
      switch (a.state()) {
        case HEALTHY -> {}
        case NO_COPY -> noCopy++;
        case TOO_FEW_PEERS -> tooFew++;
        case WAITING -> {
          Waiting w = waiting.get(b.id());
          Waiting since = w != null && w.salt() == b.salt() ? w : new Waiting(b.salt(), now);
          if (now - since.sinceNanos() < pins.fetchGrace().toNanos()) {
            stillWaiting.put(b.id(), since);
          } else {
            reason =
                "only "
                    + a.holding()
                    + " live holders, and its "
                    + a.expected()
                    + " expected holders did not fetch it within "
                    + PinSettings.human(pins.fetchGrace());
          }
        }
        case BUMP ->
            reason =
                a.holding() < plan.minHolders()
                    ? "only "
                        + a.holding()
                        + " live holders (the formula picks "
                        + a.expected()
                        + " live peers)"
                    : "the formula picks only "
                        + a.expected()
                        + " live peers ("
                        + a.holding()
                        + " live holders)";
      }
      if (reason != null) {
        long to = nextSalt(b, plan, live);
        getContext()
            .getLog()
            .info("new salt for block {} ({} -> {}): {}", b.id().shortHex(), b.salt(), to, reason);
        // One bump per salt skipped: the registry takes each only from the salt it names, and
        // messages from here to it stay in order, so it ends at salt `to`.
        for (long from = b.salt(); from < to; from++) {
          registry.tell(new RegistryCommand.BumpSalt(b.id(), from, reason));
        }
        bumped++;
      }
    }
    waiting = stillWaiting;
    if (noCopy > 0) {
      getContext()
          .getLog()
          .warn("{} pinned blocks have no live holder: unavailable until one returns", noCopy);
    }
    if (tooFew > 0) {
      getContext()
          .getLog()
          .warn(
              "{} pinned blocks cannot get {} holders: too few live peers can take them",
              tooFew,
              plan.minHolders());
    }
    return bumped;
  }

  /**
   * The peers that should rescan for {@code b}: a holder that does not keep it while min-holders
   * others that keep it hold it and no unpinned file uses it (the share keeper's drop rule: it may
   * drop its copy), and, while the block waits for its holders, an expected peer that does not hold
   * it yet (its fetch may have failed). Peers rescan on their own too, every {@code
   * rescan-interval}; this is what makes holdings converge within a scan or two after a join, a
   * bump or a failed fetch. For a healthy block it costs the formula for its holders only.
   */
  static void behind(
      Block b, Availability a, PlanView plan, Map<PeerId, LivePeer> live, Set<PeerId> behind) {
    List<PeerId> keepersHolding =
        b.holders().stream()
            .filter(p -> live.containsKey(p) && !plan.greylisted(p) && plan.keeps(b, p))
            .toList();
    if (keepersHolding.size() >= plan.minHolders() && !b.usedUnpinned()) {
      b.holders().stream()
          .filter(p -> live.containsKey(p) && !plan.keeps(b, p))
          .forEach(behind::add);
    }
    if (a.state() == State.WAITING) {
      List<PeerId> eligible = live.keySet().stream().filter(p -> !plan.greylisted(p)).toList();
      plan.expected(b, eligible).stream()
          .filter(p -> !b.holders().contains(p))
          .forEach(behind::add);
    }
  }

  /** How many salts ahead the scan looks for one under which enough live peers keep a block. */
  static final int SALT_LOOKAHEAD = 64;

  /**
   * The first salt after the block's under which at least min-holders live, non-greylisted peers
   * that are not over quota would hold it: bumping straight there spares everyone fetching for
   * salts the formula already says are too few. The next salt if none is found within {@link
   * #SALT_LOOKAHEAD}.
   */
  static long nextSalt(Block b, PlanView plan, Map<PeerId, LivePeer> live) {
    List<PeerId> room =
        live.keySet().stream().filter(p -> !plan.greylisted(p) && !plan.overQuota(p)).toList();
    for (long s = b.salt() + 1; s <= b.salt() + SALT_LOOKAHEAD; s++) {
      Block at = b.withSalt(s);
      if (room.stream().filter(p -> plan.holds(at, p)).count() >= plan.minHolders()) {
        return s;
      }
    }
    return b.salt() + 1;
  }

  /**
   * The rule of the class comment, for one block. Healthy blocks, the usual case, cost the formula
   * for their holders only, not for every live peer.
   */
  static Availability availability(Block b, PlanView plan, Map<PeerId, LivePeer> live) {
    int min = plan.minHolders();
    List<PeerId> eligible = live.keySet().stream().filter(p -> !plan.greylisted(p)).toList();
    List<PeerId> holding = eligible.stream().filter(b.holders()::contains).toList();
    int expectedHolding = (int) holding.stream().filter(p -> plan.keeps(b, p)).count();
    if (expectedHolding >= min) {
      return new Availability(State.HEALTHY, holding.size(), expectedHolding);
    }
    int expected = plan.expected(b, eligible).size();
    State state;
    // A greylisted holder still counts as a copy: it can serve hash-checked bytes to fetch.
    if (live.keySet().stream().noneMatch(b.holders()::contains)) {
      state = State.NO_COPY;
    } else if (expected >= min) {
      state = State.WAITING;
    } else if (eligible.size() < min) {
      state = State.TOO_FEW_PEERS;
    } else {
      state = State.BUMP;
    }
    return new Availability(state, holding.size(), expected);
  }

  // ---------------------------------------------------------------- audits

  private Behavior<Command> onAudited(Audited m) {
    if (m.outcomes().stream().noneMatch(Audits::doubtful)) {
      return judge(m.outcomes(), m.plan(), m.live());
    }
    // Refusals and silences are judged against the book and the peers as they are now.
    getContext()
        .pipeToSelf(
            planAndPeers(),
            (s, failure) ->
                failure == null
                    ? new Rechecked(m.outcomes(), s.plan(), s.live())
                    : new RecheckFailed(failure));
    return this;
  }

  private Behavior<Command> judge(
      List<Audits.Outcome> outcomes, PlanView plan, Map<PeerId, LivePeer> live) {
    Set<PeerId> greylistedNow = new HashSet<>();
    long now = System.nanoTime();
    for (Audits.Outcome o : outcomes) {
      PeerId p = o.peer();
      if (greylistedNow.contains(p) || plan.greylisted(p)) {
        continue;
      }
      if (o.result() == Audits.Result.PASSED) {
        failures.passed(p, now);
        continue;
      }
      if (!Audits.failed(o, plan, live)) {
        continue;
      }
      int n = failures.failed(p, now);
      getContext()
          .getLog()
          .warn(
              "{} failed an audit of block {} chunk {}: {} ({} of {} failures before greylisting;"
                  + " each counts for {})",
              p,
              o.challenge().block().id().shortHex(),
              o.challenge().chunk(),
              o.detail(),
              n,
              pins.auditFailuresToGreylist(),
              PinSettings.human(pins.auditFailureMemory()));
      if (n >= pins.auditFailuresToGreylist()) {
        getContext().getLog().warn("greylisting {} after {} failed audits", p, n);
        registry.tell(
            new RegistryCommand.SetPeerSettings(
                p, plan.settings(p).withGreylisted(true), getContext().getSystem().ignoreRef()));
        failures.forget(p);
        greylistedNow.add(p);
      }
    }
    long passed = outcomes.stream().filter(o -> o.result() == Audits.Result.PASSED).count();
    getContext().getLog().debug("audits: {} of {} passed", passed, outcomes.size());
    return scanDone();
  }
}
