package jewel.node.maintenance;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import jewel.api.BlockId;
import jewel.api.PeerContents.HeldBlock;
import jewel.node.PeerDirectory.LivePeer;
import jewel.node.pins.Failures;
import jewel.node.pins.LivePeers;
import jewel.protocol.PeerCommand;
import jewel.protocol.PeerReply;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryReply;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * The garbage collector, on the registry node: every {@code jewel.gc.interval}, and soon after a
 * peer joins, it reads every live peer's blocks page by page, asks the registry which of them may
 * go ({@link RegistryCommand.PlanDeletion}, sparing blocks younger than {@code jewel.gc.grace}) and
 * has the peer delete those its guard lets it. This is what removes what deletions cannot reach at
 * once: the blocks of a store that never committed (its node died), and blocks of deleted files on
 * a peer that was down during the delete. One pass at a time; peers one after the other, so a pass
 * costs the cluster little however long it takes.
 */
public final class GarbageCollector {
  private GarbageCollector() {}

  /** What the collector handles. Local only. */
  public sealed interface Command extends NoSerializationVerificationNeeded {}

  /** Collect now (the timers send it too). */
  public record Collect() implements Command {}

  private record MemberJoined() implements Command {}

  private record Collected(Pass pass, Throwable failure) implements Command {}

  /**
   * @param interval between passes
   * @param grace a block file younger than this stays (its store may still commit)
   * @param afterJoin how long after a peer joins a pass starts (a burst of joins makes one)
   * @param askTimeout for each ask of the registry or a peer
   */
  public record Settings(
      Duration interval, Duration grace, Duration afterJoin, Duration askTimeout) {
    /** {@code jewel.gc}, {@code jewel.pins.settle-after-change} and the client's base timeout. */
    public static Settings from(Config config) {
      return new Settings(
          config.getDuration("jewel.gc.interval"),
          config.getDuration("jewel.gc.grace"),
          config.getDuration("jewel.pins.settle-after-change"),
          config.getDuration("jewel.client.base-timeout"));
    }
  }

  /** What a pass did: peers swept, blocks looked at, blocks deleted. */
  record Pass(int peers, long looked, long deleted) {
    Pass plus(Pass other) {
      return new Pass(peers + other.peers, looked + other.looked, deleted + other.deleted);
    }
  }

  private static final Object TICK = "tick";
  private static final Object SOON = "soon";

  /**
   * @param deleted counts every block deleted, for the node's metrics
   * @param watchMembership collect after a peer joins (false in a local ActorSystem, which has no
   *     cluster)
   */
  public static Behavior<Command> create(
      Settings settings,
      ActorRef<RegistryCommand> registry,
      LivePeers peers,
      AtomicLong deleted,
      boolean watchMembership) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  ctx.setLoggerName(GarbageCollector.class);
                  if (watchMembership) {
                    Cluster.get(ctx.getSystem())
                        .subscriptions()
                        .tell(
                            Subscribe.create(
                                ctx.messageAdapter(
                                    ClusterEvent.MemberUp.class, e -> new MemberJoined()),
                                ClusterEvent.MemberUp.class));
                  }
                  timers.startTimerWithFixedDelay(TICK, new Collect(), settings.interval());
                  Sweep sweep =
                      new Sweep(settings, registry, peers, deleted, ctx.getSystem().scheduler());
                  return new Collector(ctx, timers, settings, sweep).idle();
                }));
  }

  /** The behaviours: idle, or collecting (and maybe asked to collect again when done). */
  private record Collector(
      ActorContext<Command> ctx, TimerScheduler<Command> timers, Settings settings, Sweep sweep) {

    Behavior<Command> idle() {
      return Behaviors.receive(Command.class)
          .onMessage(Collect.class, c -> collecting(false))
          .onMessage(MemberJoined.class, j -> soon())
          .onMessage(Collected.class, c -> Behaviors.same()) // cannot happen while idle
          .build();
    }

    private Behavior<Command> collecting(boolean again) {
      if (!again) {
        ctx.pipeToSelf(sweep.pass(), Collected::new);
      }
      return Behaviors.receive(Command.class)
          .onMessage(Collect.class, c -> collecting(true))
          .onMessage(MemberJoined.class, j -> soon())
          .onMessage(Collected.class, c -> collected(c, again))
          .build();
    }

    private Behavior<Command> soon() {
      timers.startSingleTimer(SOON, new Collect(), settings.afterJoin());
      return Behaviors.same();
    }

    private Behavior<Command> collected(Collected c, boolean again) {
      if (c.failure() != null) {
        ctx.getLog().warn("garbage collection skipped: {}", Failures.oneLine(c.failure()));
      } else {
        ctx.getLog()
            .info(
                "garbage collection: {} peers, {} blocks looked at, {} deleted",
                c.pass().peers(),
                c.pass().looked(),
                c.pass().deleted());
      }
      return again ? collecting(false) : idle();
    }
  }

  /** One pass, as plain asynchronous code: the actor only makes sure passes do not overlap. */
  private record Sweep(
      Settings settings,
      ActorRef<RegistryCommand> registry,
      LivePeers peers,
      AtomicLong deleted,
      Scheduler scheduler) {

    /**
     * Sweeps every live peer, unless the registry has no events at all: a registry whose journal is
     * new (or lost) knows no file, and would let every block go.
     */
    CompletionStage<Pass> pass() {
      return AskPattern.<RegistryCommand, RegistryReply.Stats>ask(
              registry, RegistryCommand.GetStats::new, settings.askTimeout(), scheduler)
          .thenCompose(
              stats ->
                  stats.events() == 0
                      ? CompletableFuture.completedFuture(new Pass(0, 0, 0))
                      : sweepAll());
    }

    private CompletionStage<Pass> sweepAll() {
      return peers
          .live()
          .thenCompose(
              live -> {
                CompletionStage<Pass> pass = CompletableFuture.completedFuture(new Pass(0, 0, 0));
                for (LivePeer peer : live.values()) {
                  pass = pass.thenCompose(sofar -> sweep(peer, null).thenApply(sofar::plus));
                }
                return pass;
              });
    }

    /** The blocks of {@code peer} after {@code after}; a peer that stops answering is skipped. */
    private CompletionStage<Pass> sweep(LivePeer peer, BlockId after) {
      return AskPattern.<PeerCommand, PeerReply.Contents>ask(
              peer.ref(),
              r -> new PeerCommand.ListContents(after, r),
              settings.askTimeout(),
              scheduler)
          .thenCompose(
              page -> {
                List<BlockId> held = new ArrayList<>();
                page.blocks().stream().map(HeldBlock::id).forEach(held::add);
                CompletionStage<Pass> done =
                    delete(peer, held).thenApply(n -> new Pass(0, held.size(), n));
                return page.next() == null
                    ? done.thenApply(p -> p.plus(new Pass(1, 0, 0)))
                    : done.thenCompose(p -> sweep(peer, page.next()).thenApply(p::plus));
              })
          .exceptionally(
              failure -> {
                Throwable cause =
                    failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause()
                        : failure;
                if (cause instanceof RegistryFailure registryFailure) {
                  throw registryFailure; // no pass without the registry
                }
                return new Pass(0, 0, 0); // this peer went away
              });
    }

    /**
     * Asks the registry which of {@code held} may go and has the peer delete them. Sent even when
     * nothing may go: the guard lets the peer forget the writers it no longer needs.
     */
    private CompletionStage<Long> delete(LivePeer peer, List<BlockId> held) {
      return AskPattern.<RegistryCommand, RegistryReply.DeletionPlan>ask(
              registry,
              r -> new RegistryCommand.PlanDeletion(held, settings.grace().toMillis(), r),
              settings.askTimeout(),
              scheduler)
          .exceptionally(
              failure -> {
                throw new RegistryFailure(failure);
              })
          .thenCompose(
              plan ->
                  AskPattern.<PeerCommand, PeerReply.BlocksDeleted>ask(
                      peer.ref(),
                      r -> new PeerCommand.DeleteBlocks(plan.blocks(), plan.guard(), r),
                      settings.askTimeout(),
                      scheduler))
          .thenApply(
              d -> {
                deleted.addAndGet(d.deleted());
                return (long) d.deleted();
              });
    }
  }

  /** The registry did not plan: the whole pass stops. */
  private static final class RegistryFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RegistryFailure(Throwable cause) {
      super("the registry did not answer: " + Failures.oneLine(cause), cause);
    }
  }
}
