package jewel.node.maintenance;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import jewel.api.FileHealth;
import jewel.api.FileName;
import jewel.api.PeerId;
import jewel.api.Progress;
import jewel.api.RepairReport;
import jewel.api.RetuneReport;
import jewel.node.PeerDirectory;
import jewel.node.RegistryAsk;
import jewel.node.gateway.FileRepairs;
import jewel.placement.Availability;
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
 * Automatic repair, on the registry node. Every {@code jewel.repair.interval} it surveys every file
 * ({@link FileRepairs#survey}), records in the registry which peers are up and which down (so how
 * long a peer has been down outlives a restart of this node, and each peer's observed availability
 * has a history; membership changes are recorded as they happen too), and queues the files with
 * copies due: lost for longer than {@code jewel.repair.grace}, so that a restart or a blip starts
 * no repair storm. The queue runs worst first (the fewest losses still survivable), one file at a
 * time, pausing after each so that re-created bytes keep to {@code jewel.repair.rate}. Nothing of
 * the queue needs saving: it is recomputed from the registry at every survey, so a restarted
 * registry node resumes where the files stand.
 *
 * <p>After the repairs, the files stored with an availability target ({@code store --availability})
 * whose availability, from their holders' observed availability, dropped below it get one more
 * jewel each ({@link FileRepairs#retune}), paced like repairs; the next survey adds another to
 * those still below. Repair restores what a file was promised; this raises the promise as the peers
 * prove less available than they were.
 */
public final class Repairer extends AbstractBehavior<Repairer.Command> {

  /** What the repairer handles; local only. */
  public sealed interface Command extends NoSerializationVerificationNeeded {}

  /** Survey now (the timer sends it too). */
  public record Survey() implements Command {}

  private record Surveyed(FileRepairs.Survey survey) implements Command {}

  private record SurveyFailed(Throwable why) implements Command {}

  private record Repaired(FileName name, RepairReport report) implements Command {}

  private record RepairFailed(FileName name, Throwable why) implements Command {}

  private record Retuned(FileRepairs.BelowTarget file, RetuneReport report) implements Command {}

  private record RetuneFailed(FileRepairs.BelowTarget file, Throwable why) implements Command {}

  /** The pause after a repair is over. */
  private record Resume() implements Command {}

  /** A member became unreachable or reachable again, or left: who is live now, as of then. */
  private record MembershipChanged(long atMillis) implements Command {}

  /** Who was live at {@code atMillis}; null if the peers could not be asked. */
  private record LiveFound(List<PeerId> live, long atMillis) implements Command {}

  /** Counts for the node's metrics. */
  public static final class Stats {
    public final AtomicLong queued = new AtomicLong();
    public final AtomicLong degraded = new AtomicLong();
    public final AtomicLong unreadable = new AtomicLong();
    public final AtomicLong repairedFiles = new AtomicLong();
    public final AtomicLong repairedBytes = new AtomicLong();
    public final AtomicLong failures = new AtomicLong();
    public final AtomicLong belowTarget = new AtomicLong();
    public final AtomicLong addedJewels = new AtomicLong();
  }

  private static final Object TICK = "tick";

  private final FileRepairs repairs;
  private final ActorRef<RegistryCommand> registry;
  private final RepairSettings settings;
  private final Stats stats;
  private final Deque<FileName> queue = new ArrayDeque<>();
  private final Deque<FileRepairs.BelowTarget> retunes = new ArrayDeque<>();
  private boolean surveying;
  private boolean repairing;

  public static Behavior<Command> create(
      FileRepairs repairs, ActorRef<RegistryCommand> registry, Stats stats) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  ctx.setLoggerName(Repairer.class);
                  RepairSettings settings = repairs.settings();
                  timers.startTimerWithFixedDelay(TICK, new Survey(), settings.interval());
                  watchMembership(ctx);
                  return new Repairer(ctx, timers, repairs, registry, settings, stats);
                }));
  }

  /**
   * Peers going down (unreachable, removed) and coming back (reachable again) are recorded when the
   * cluster sees it, not only at the next survey, so that their availability is measured to the
   * second rather than to the survey interval. A peer that joins (or a restarted one's new
   * incarnation) is recorded up by the next survey: watching joins would add a check for every
   * member that starts, for a minute of precision at most.
   */
  private static void watchMembership(ActorContext<Command> ctx) {
    Cluster cluster = Cluster.get(ctx.getSystem());
    cluster
        .subscriptions()
        .tell(
            Subscribe.create(
                ctx.messageAdapter(
                    ClusterEvent.ReachabilityEvent.class,
                    e -> new MembershipChanged(System.currentTimeMillis())),
                ClusterEvent.ReachabilityEvent.class));
    cluster
        .subscriptions()
        .tell(
            Subscribe.create(
                ctx.messageAdapter(
                    ClusterEvent.MemberRemoved.class,
                    e -> new MembershipChanged(System.currentTimeMillis())),
                ClusterEvent.MemberRemoved.class));
  }

  private final TimerScheduler<Command> timers;

  private Repairer(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      FileRepairs repairs,
      ActorRef<RegistryCommand> registry,
      RepairSettings settings,
      Stats stats) {
    super(ctx);
    this.timers = timers;
    this.repairs = repairs;
    this.registry = registry;
    this.settings = settings;
    this.stats = stats;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Survey.class, s -> onSurvey())
        .onMessage(Surveyed.class, this::onSurveyed)
        .onMessage(
            SurveyFailed.class,
            f -> {
              surveying = false;
              getContext()
                  .getLog()
                  .info("repair survey failed, next in {}: {}", settings.interval(), f.why());
              return this;
            })
        .onMessage(Repaired.class, this::onRepaired)
        .onMessage(RepairFailed.class, this::onRepairFailed)
        .onMessage(Retuned.class, this::onRetuned)
        .onMessage(RetuneFailed.class, this::onRetuneFailed)
        .onMessage(Resume.class, r -> next())
        .onMessage(MembershipChanged.class, this::onMembershipChanged)
        .onMessage(
            LiveFound.class,
            f -> {
              registry.tell(
                  new RegistryCommand.RecordPeerStates(f.live(), List.of(), f.atMillis()));
              return this;
            })
        .build();
  }

  private Behavior<Command> onMembershipChanged(MembershipChanged m) {
    getContext()
        .pipeToSelf(
            PeerDirectory.live(getContext().getSystem()),
            (live, failure) ->
                new LiveFound(failure == null ? List.copyOf(live.keySet()) : null, m.atMillis()));
    return this;
  }

  private Behavior<Command> onSurvey() {
    if (surveying || repairing) {
      return this; // the survey after this repair run sees what it changed
    }
    surveying = true;
    getContext()
        .pipeToSelf(
            repairs.survey(),
            (survey, failure) ->
                failure == null ? new Surveyed(survey) : new SurveyFailed(failure));
    return this;
  }

  private Behavior<Command> onSurveyed(Surveyed s) {
    surveying = false;
    long now = System.currentTimeMillis();
    registry.tell(
        new RegistryCommand.RecordPeerStates(
            List.copyOf(s.survey().live()), List.copyOf(s.survey().down()), now));
    List<FileHealth> files = s.survey().files();
    stats.degraded.set(files.stream().filter(f -> f.state() == FileHealth.State.DEGRADED).count());
    stats.unreadable.set(
        files.stream().filter(f -> f.state() == FileHealth.State.UNREADABLE).count());
    if (!settings.auto()) {
      return this;
    }
    queue.clear();
    s.survey().due().stream()
        .sorted(Comparator.comparingInt(FileHealth::survives).thenComparing(f -> f.name().value()))
        .forEach(f -> queue.add(f.name()));
    stats.queued.set(queue.size());
    if (!queue.isEmpty()) {
      getContext().getLog().info("repair queue: {} files with copies due", queue.size());
    }
    retunes.clear();
    s.survey().belowTarget().stream()
        .sorted(
            Comparator.comparingDouble(FileRepairs.BelowTarget::availability)
                .thenComparing(f -> f.name().value()))
        .forEach(retunes::add);
    stats.belowTarget.set(retunes.size());
    if (!retunes.isEmpty()) {
      getContext()
          .getLog()
          .info("{} files below their availability target: one more jewel each", retunes.size());
    }
    return next();
  }

  /** The next repair, else the next retune (repairs first: they restore what was promised). */
  private Behavior<Command> next() {
    FileName name = queue.poll();
    stats.queued.set(queue.size());
    if (name == null) {
      return nextRetune();
    }
    repairing = true;
    getContext()
        .pipeToSelf(
            repairs.repair(name, settings.grace()),
            (report, failure) ->
                failure == null ? new Repaired(name, report) : new RepairFailed(name, failure));
    return this;
  }

  private Behavior<Command> onRepaired(Repaired r) {
    long bytes = r.report().bytes();
    if (!r.report().created().isEmpty()) {
      stats.repairedFiles.incrementAndGet();
      stats.repairedBytes.addAndGet(bytes);
      getContext()
          .getLog()
          .info(
              "repaired '{}': {} new copies, {} bytes; now {}",
              r.name(),
              r.report().created().size(),
              bytes,
              r.report().after().state());
    }
    return pauseThenNext(bytes);
  }

  /** Keeps re-created bytes to {@code jewel.repair.rate}. */
  private Behavior<Command> pauseThenNext(long bytes) {
    Duration pause = settings.pauseAfter(bytes);
    if (pause.isZero()) {
      return next();
    }
    timers.startSingleTimer(new Resume(), pause);
    return this;
  }

  /**
   * One more jewel for the next file below its availability target; the survey after it computes
   * its availability again, and adds another while it is still below.
   */
  private Behavior<Command> nextRetune() {
    FileRepairs.BelowTarget file = retunes.poll();
    if (file == null) {
      repairing = false;
      return this;
    }
    repairing = true;
    getContext()
        .pipeToSelf(
            repairs.retune(file.name(), file.n() + 1, Progress.NONE),
            (report, failure) ->
                failure == null ? new Retuned(file, report) : new RetuneFailed(file, failure));
    return this;
  }

  private Behavior<Command> onRetuned(Retuned r) {
    stats.addedJewels.addAndGet(r.report().added().size());
    getContext()
        .getLog()
        .info(
            "'{}' was at availability {} below its target {}: n={} → {}, {} bytes",
            r.file().name(),
            Availability.format(r.file().availability()),
            Availability.format(r.file().target()),
            r.report().fromN(),
            r.report().n(),
            r.report().bytes());
    return pauseThenNext(r.report().bytes());
  }

  private Behavior<Command> onRetuneFailed(RetuneFailed f) {
    stats.failures.incrementAndGet();
    getContext()
        .getLog()
        .warn(
            "adding a jewel to '{}' failed (tried again after the next survey): {}",
            f.file().name(),
            RegistryAsk.oneLine(f.why()));
    return next();
  }

  private Behavior<Command> onRepairFailed(RepairFailed f) {
    stats.failures.incrementAndGet();
    getContext()
        .getLog()
        .warn(
            "repair of '{}' failed (it is tried again after the next survey): {}",
            f.name(),
            RegistryAsk.oneLine(f.why()));
    return next();
  }
}
