package jewel.node.coordinator;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import jewel.api.JewelException;
import jewel.protocol.CoordinatorCommand;
import jewel.protocol.CoordinatorMessage;
import jewel.protocol.OperationReply;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;

/**
 * The coordinator of one file name: a Cluster Sharding entity, so every store, get and delete
 * of a name takes its turn through one actor in the cluster. It never sees a file's bytes: the
 * node serving a store or a get holds the name's lease while it moves them, then commits or
 * releases. A delete, and a commit, run here (registry work); whatever arrives meanwhile waits
 * in a stash.
 *
 * <p>States: {@code idle} (nobody holds the name), {@code leased} (an operation holds it; the
 * coordinator watches its holder, so a gateway that dies frees the name), {@code working} (a
 * commit or a delete is under way).
 */
public final class Coordinator {
  public static final EntityTypeKey<CoordinatorCommand> TYPE_KEY =
      EntityTypeKey.create(CoordinatorCommand.class, "jewel-file");

  private static final int STASH = 1000;

  /**
   * A commit or a delete ended; its reply goes out and the next operation may start. The one
   * message the coordinator sends itself; the world sees only {@link CoordinatorCommand}.
   */
  private record Finished<R>(R reply, ActorRef<R> replyTo) implements CoordinatorMessage.Internal {
    void send() {
      replyTo.tell(reply);
    }
  }

  private final ActorContext<CoordinatorMessage> ctx;
  private final StashBuffer<CoordinatorMessage> stash;
  private final Commits commits;
  /** Lease ids start at a random point, so a lease of an earlier incarnation never matches. */
  private long lastLease = System.nanoTime();

  private Coordinator(ActorContext<CoordinatorMessage> ctx, StashBuffer<CoordinatorMessage> stash, Commits commits) {
    this.ctx = ctx;
    this.stash = stash;
    this.commits = commits;
  }

  public static Behavior<CoordinatorCommand> create(Commits commits) {
    return Behaviors.<CoordinatorMessage>withStash(
            STASH, stash -> Behaviors.setup(ctx -> new Coordinator(ctx, stash, commits).idle()))
        .narrow();
  }

  private Behavior<CoordinatorMessage> idle() {
    return Behaviors.receive(CoordinatorMessage.class)
        .onMessage(CoordinatorCommand.Begin.class, this::grant)
        .onMessage(CoordinatorCommand.Delete.class, d -> work(d.replyTo(), () -> commits.delete(d), RegistryCommits::failed))
        .onMessage(CoordinatorCommand.Commit.class, c -> {
          c.replyTo().tell(leaseEnded(c));
          return Behaviors.same();
        })
        .onMessage(CoordinatorCommand.Release.class, r -> Behaviors.same()) // a lease that already ended
        .build();
  }

  private Behavior<CoordinatorMessage> grant(CoordinatorCommand.Begin begin) {
    long lease = ++lastLease;
    ctx.watch(begin.holder());
    begin.replyTo().tell(StatusReply.success(new OperationReply.Granted(begin.name(), lease)));
    return leased(lease, begin.holder());
  }

  private Behavior<CoordinatorMessage> leased(long lease, ActorRef<?> holder) {
    return Behaviors.receive(CoordinatorMessage.class)
        .onMessage(CoordinatorCommand.Commit.class, c -> c.lease() == lease, c -> {
          ctx.unwatch(holder);
          return work(c.replyTo(), () -> commits.commit(c), RegistryCommits::failed);
        })
        .onMessage(CoordinatorCommand.Commit.class, c -> {
          c.replyTo().tell(leaseEnded(c));
          return Behaviors.same();
        })
        .onMessage(CoordinatorCommand.Release.class, r -> r.lease() == lease, r -> {
          ctx.unwatch(holder);
          commits.discard(r.uploaded());
          return next();
        })
        .onMessage(CoordinatorCommand.Release.class, r -> Behaviors.same())
        .onSignal(Terminated.class, t -> t.getRef().equals(holder), t -> {
          // Its node died mid-operation: nothing was committed. Blocks it had written stay
          // on their peers unreferenced (a later store of the same content reuses them).
          ctx.getLog().info("the holder of a lease stopped before it ended its operation; the name is free again");
          return next();
        })
        .onMessage(CoordinatorCommand.class, this::wait)
        .build();
  }

  /**
   * Runs registry work while later operations wait. When it ends, {@code replyTo} hears its
   * reply, or what {@code failed} makes of its failure.
   */
  private <R> Behavior<CoordinatorMessage> work(
      ActorRef<R> replyTo, Supplier<CompletionStage<? extends R>> registryWork, Function<Throwable, ? extends R> failed) {
    CompletionStage<? extends R> work;
    try {
      work = registryWork.get();
    } catch (RuntimeException e) {
      work = CompletableFuture.failedFuture(e);
    }
    ctx.pipeToSelf(work, (reply, failure) -> new Finished<R>(failure == null ? reply : failed.apply(failure), replyTo));
    return Behaviors.receive(CoordinatorMessage.class)
        .onMessage(Finished.class, f -> {
          f.send();
          return next();
        })
        .onMessage(CoordinatorCommand.class, this::wait)
        .build();
  }

  private Behavior<CoordinatorMessage> next() {
    return stash.unstashAll(idle());
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
    return new OperationReply.Failed("the store of '" + c.name() + "' lost its turn (its lease ended): nothing was committed,"
        + " store it again", JewelException.Kind.UNAVAILABLE);
  }
}
