package jewel.node.coordinator;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import jewel.api.JewelException;
import jewel.protocol.CoordinatorCommand;
import jewel.protocol.CoordinatorMessage;
import jewel.protocol.OperationReply;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;

/**
 * The coordinator of one file name: a Cluster Sharding entity, so every store, get and delete of a
 * name takes its turn through one actor in the cluster. It never sees a file's bytes: the node
 * serving a store or a get holds the name's lease while it moves them, then commits or releases. A
 * delete, and a commit, run here (registry work); whatever arrives meanwhile waits in a stash.
 *
 * <p>States: {@code idle} (nobody holds the name), {@code leased} (an operation holds it; the
 * coordinator watches its holder, so a gateway that dies frees the name), {@code working} (a commit
 * or a delete is under way), {@code passivating} (idle too long: it asked its shard to stop it).
 *
 * <p>Passivation. A lease can last hours (a big file's bytes flowing) without a message to the
 * coordinator, so Pekko's automatic passivation, which stops an entity that received nothing for a
 * while, would stop it mid-operation: the lease and the waiting operations lost, the next
 * incarnation granting the name to someone else while the first holder still moves bytes. So
 * automatic passivation is off for this entity type ({@link #init}) and a coordinator asks its
 * shard to stop it ({@link ClusterSharding.Passivate}) itself, only after {@code
 * jewel.coordinator.idle-timeout} in {@code idle}. Commands that reach it after it asked wait in
 * its stash; when it stops they go back through sharding, where the shard holds them for the next
 * incarnation.
 */
public final class Coordinator {
  public static final EntityTypeKey<CoordinatorCommand> TYPE_KEY =
      EntityTypeKey.create(CoordinatorCommand.class, "jewel-file");

  private static final int STASH = 1000;

  /**
   * A commit or a delete ended; its reply goes out and the next operation may start. This and the
   * two timer messages below are what the coordinator sends itself; the world sees only {@link
   * CoordinatorCommand}.
   */
  private record Finished<R>(R reply, ActorRef<R> replyTo) implements CoordinatorMessage.Internal {
    void send() {
      replyTo.tell(reply);
    }
  }

  /** Idle for the idle timeout: time to ask the shard to stop this coordinator. */
  private record IdleTimeout() implements CoordinatorMessage.Internal {}

  /** The shard never stopped this coordinator after it asked: serve again. */
  private record NotPassivated() implements CoordinatorMessage.Internal {}

  private static final Object IDLE_TIMER = "idle";

  /**
   * How a coordinator leaves memory: after {@code idleTimeout} with no lease and no work it asks
   * {@code shard} to stop it, and commands that reached it meanwhile go back to {@code entity} (its
   * own sharded address), which the shard holds for the next incarnation.
   */
  public record Passivation(
      Duration idleTimeout,
      ActorRef<ClusterSharding.ShardCommand> shard,
      RecipientRef<CoordinatorCommand> entity) {
    public Passivation {
      if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
        throw new IllegalArgumentException(
            "a coordinator's idle timeout must be a positive duration, not " + idleTimeout);
      }
    }
  }

  /** {@code jewel.coordinator.idle-timeout}, checked. */
  public static Duration idleTimeout(Config config) {
    String key = "jewel.coordinator.idle-timeout";
    Duration idle = config.getDuration(key);
    if (idle.isNegative() || idle.isZero()) {
      throw new IllegalArgumentException(
          key + " must be a positive duration, like 2m, not " + config.getValue(key).unwrapped());
    }
    return idle;
  }

  /**
   * Starts the coordinators' sharding on this node (hosting them on role {@code
   * jewel.coordinator.role}, a proxy elsewhere). Automatic passivation is off for them: each one
   * passivates itself when idle (see the class comment).
   */
  public static ActorRef<ShardingEnvelope<CoordinatorCommand>> init(
      ActorSystem<?> system, Commits commits) {
    Config config = system.settings().config();
    Duration idle = idleTimeout(config);
    ClusterSharding sharding = ClusterSharding.get(system);
    return sharding.init(
        Entity.of(
                TYPE_KEY,
                entity ->
                    create(
                        commits,
                        new Passivation(
                            idle,
                            entity.getShard(),
                            sharding.entityRefFor(TYPE_KEY, entity.getEntityId()))))
            .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy())
            .withRole(config.getString("jewel.coordinator.role")));
  }

  private final ActorContext<CoordinatorMessage> ctx;
  private final StashBuffer<CoordinatorMessage> stash;
  private final TimerScheduler<CoordinatorMessage> timers;
  private final Commits commits;
  private final Passivation passivation;

  /** Lease ids start at a random point, so a lease of an earlier incarnation never matches. */
  private long lastLease = System.nanoTime();

  private Coordinator(
      ActorContext<CoordinatorMessage> ctx,
      StashBuffer<CoordinatorMessage> stash,
      TimerScheduler<CoordinatorMessage> timers,
      Commits commits,
      Passivation passivation) {
    this.ctx = ctx;
    this.stash = stash;
    this.timers = timers;
    this.commits = commits;
    this.passivation = passivation;
  }

  public static Behavior<CoordinatorCommand> create(Commits commits, Passivation passivation) {
    return Behaviors.<CoordinatorMessage>withStash(
            STASH,
            stash ->
                Behaviors.setup(
                    ctx ->
                        Behaviors.withTimers(
                            timers -> {
                              ctx.setLoggerName(Coordinator.class);
                              return new Coordinator(ctx, stash, timers, commits, passivation)
                                  .idle();
                            })))
        .narrow();
  }

  // ---------------------------------------------------------------- states

  private Behavior<CoordinatorMessage> idle() {
    // A keyed timer, not a receive timeout: cancelling it when the name is taken guarantees that
    // no idle timeout from before is delivered afterwards (a receive timeout already enqueued
    // would be, after the next idle spell starts).
    timers.startSingleTimer(IDLE_TIMER, new IdleTimeout(), passivation.idleTimeout());
    return Behaviors.receive(CoordinatorMessage.class)
        .onMessage(
            CoordinatorCommand.Begin.class,
            b -> {
              timers.cancel(IDLE_TIMER);
              return grant(b);
            })
        .onMessage(
            CoordinatorCommand.Delete.class,
            d -> {
              timers.cancel(IDLE_TIMER);
              return work(d.replyTo(), () -> commits.delete(d), RegistryCommits::failed);
            })
        .onMessage(
            CoordinatorCommand.Commit.class,
            c -> {
              c.replyTo().tell(leaseEnded(c));
              return Behaviors.same();
            })
        .onMessage(
            CoordinatorCommand.Release.class, r -> Behaviors.same()) // a lease that already ended
        .onMessage(IdleTimeout.class, t -> passivating())
        .build();
  }

  /**
   * Asks the shard to stop this coordinator. The shard answers by stopping it, after the commands
   * it had already delivered; those wait here and go back through sharding when it stops. Should
   * the shard not stop it (it never should), it serves again.
   */
  private Behavior<CoordinatorMessage> passivating() {
    passivation.shard().tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
    timers.startSingleTimer(IDLE_TIMER, new NotPassivated(), passivation.idleTimeout());
    return stopping(
        Behaviors.receive(CoordinatorMessage.class)
            .onMessage(
                NotPassivated.class,
                n -> {
                  ctx.getLog()
                      .warn(
                          "asked to be passivated, but the shard did not stop this coordinator; serving again");
                  return next();
                })
            .onMessage(CoordinatorCommand.class, this::wait));
  }

  private Behavior<CoordinatorMessage> grant(CoordinatorCommand.Begin begin) {
    long lease = ++lastLease;
    ctx.watch(begin.holder());
    begin.replyTo().tell(StatusReply.success(new OperationReply.Granted(begin.name(), lease)));
    return leased(lease, begin.holder());
  }

  private Behavior<CoordinatorMessage> leased(long lease, ActorRef<?> holder) {
    return stopping(
        Behaviors.receive(CoordinatorMessage.class)
            .onMessage(
                CoordinatorCommand.Commit.class,
                c -> c.lease() == lease,
                c -> {
                  ctx.unwatch(holder);
                  return work(c.replyTo(), () -> commits.commit(c), RegistryCommits::failed);
                })
            .onMessage(
                CoordinatorCommand.Commit.class,
                c -> {
                  c.replyTo().tell(leaseEnded(c));
                  return Behaviors.same();
                })
            .onMessage(
                CoordinatorCommand.Release.class,
                r -> r.lease() == lease,
                r -> {
                  ctx.unwatch(holder);
                  if (r.upload() != null) {
                    commits.discard(r.upload(), r.uploaded());
                  }
                  return next();
                })
            .onMessage(CoordinatorCommand.Release.class, r -> Behaviors.same())
            .onSignal(
                Terminated.class,
                t -> t.getRef().equals(holder),
                t -> {
                  // Its node died mid-operation: nothing was committed. Blocks it had written stay
                  // on their peers unreferenced (a later store of the same content reuses them).
                  ctx.getLog()
                      .info(
                          "the holder of a lease stopped before it ended its operation; the name is free again");
                  return next();
                })
            .onMessage(CoordinatorCommand.class, this::wait));
  }

  /**
   * Runs registry work while later operations wait. When it ends, {@code replyTo} hears its reply,
   * or what {@code failed} makes of its failure.
   */
  private <R> Behavior<CoordinatorMessage> work(
      ActorRef<R> replyTo,
      Supplier<CompletionStage<? extends R>> registryWork,
      Function<Throwable, ? extends R> failed) {
    CompletionStage<? extends R> work;
    try {
      work = registryWork.get();
    } catch (RuntimeException e) {
      work = CompletableFuture.failedFuture(e);
    }
    ctx.pipeToSelf(
        work,
        (reply, failure) ->
            new Finished<R>(failure == null ? reply : failed.apply(failure), replyTo));
    return stopping(
        Behaviors.receive(CoordinatorMessage.class)
            .onMessage(
                Finished.class,
                f -> {
                  f.send();
                  return next();
                })
            .onMessage(CoordinatorCommand.class, this::wait));
  }

  private Behavior<CoordinatorMessage> next() {
    return stash.unstashAll(idle());
  }

  /**
   * A state that may hold waiting commands: when the coordinator stops (passivated, or its shard
   * handed off), they go back through sharding rather than being lost.
   */
  private Behavior<CoordinatorMessage> stopping(BehaviorBuilder<CoordinatorMessage> state) {
    return state
        .onSignal(
            PostStop.class,
            stopped -> {
              if (!stash.isEmpty()) {
                ctx.getLog()
                    .debug(
                        "stopping with {} waiting commands: handing them back to the shard",
                        stash.size());
                stash.forEach(
                    m -> {
                      if (m instanceof CoordinatorCommand c) {
                        passivation.entity().tell(c);
                      }
                    });
              }
              return Behaviors.same();
            })
        .build();
  }

  /** Keeps a command for later, or refuses it when too many wait already. */
  private Behavior<CoordinatorMessage> wait(CoordinatorCommand command) {
    if (!stash.isFull()) {
      stash.stash(command);
      return Behaviors.same();
    }
    String busy = "too many operations are waiting on '" + command.name() + "': try again later";
    if (command instanceof CoordinatorCommand.Begin b) {
      b.replyTo().tell(StatusReply.error(busy));
    } else if (command instanceof CoordinatorCommand.Delete d) {
      d.replyTo().tell(new OperationReply.Failed(busy, JewelException.Kind.UNAVAILABLE));
    } else if (command instanceof CoordinatorCommand.Commit c) {
      c.replyTo().tell(new OperationReply.Failed(busy, JewelException.Kind.UNAVAILABLE));
    }
    return Behaviors.same();
  }

  private static OperationReply.Failed leaseEnded(CoordinatorCommand.Commit c) {
    return new OperationReply.Failed(
        "the store of '"
            + c.name()
            + "' lost its turn (its lease ended): nothing was committed,"
            + " store it again",
        JewelException.Kind.UNAVAILABLE);
  }
}
