package jewel.node.gateway;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import jewel.api.BlockId;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.JewelException;
import jewel.api.Pin;
import jewel.protocol.CoordinatorCommand;
import jewel.protocol.OperationReply;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * A file name's turn, held by this node while it moves the file's bytes: granted by the name's
 * coordinator, ended by {@link #commit} or {@link #release}. A small actor on this node (the
 * holder) lives exactly as long as the lease; the coordinator watches it, so if this node dies
 * mid-operation the name is free again.
 */
final class Lease {
  private final EntityRef<CoordinatorCommand> coordinator;
  private final FileName name;
  private final long id;
  private final ActorRef<Holder.Command> holder;
  private final Duration timeout;
  private final java.util.concurrent.atomic.AtomicBoolean ended =
      new java.util.concurrent.atomic.AtomicBoolean();

  private Lease(
      EntityRef<CoordinatorCommand> coordinator,
      FileName name,
      long id,
      ActorRef<Holder.Command> holder,
      Duration timeout) {
    this.coordinator = coordinator;
    this.name = name;
    this.id = id;
    this.holder = holder;
    this.timeout = timeout;
  }

  /** Waits (up to {@code timeout}) for the name's turn. */
  static CompletionStage<Lease> take(
      ActorSystem<?> system,
      EntityRef<CoordinatorCommand> coordinator,
      FileName name,
      Duration timeout) {
    CompletableFuture<OperationReply.Granted> granted = new CompletableFuture<>();
    ActorRef<Holder.Command> holder =
        system.systemActorOf(
            Holder.create(coordinator, name, timeout, granted),
            "lease-" + UUID.randomUUID(),
            Props.empty());
    return granted.handle(
        (g, failure) -> {
          if (failure == null) {
            return new Lease(coordinator, name, g.id(), holder, timeout);
          }
          holder.tell(new Holder.End());
          Throwable cause =
              failure instanceof java.util.concurrent.CompletionException
                      && failure.getCause() != null
                  ? failure.getCause()
                  : failure;
          if (cause instanceof JewelException j) {
            throw j;
          }
          throw new JewelException(
              "'"
                  + name
                  + "' did not get its turn within "
                  + timeout.toSeconds()
                  + " s: another operation on it is still running, or the registry node is away (./jewel peers)",
              JewelException.Kind.UNAVAILABLE);
        });
  }

  /**
   * Commits a stored file under this lease, which ends it: stages its blocks under {@code upload}
   * in the registry, page by page, then commits the entry without them.
   */
  CompletionStage<OperationReply.Stored> commit(
      FileEntry entry, Upload upload, boolean replace, Pin pin) {
    return upload
        .stage(entry.blocks(), timeout)
        .thenCompose(
            staged ->
                coordinator
                    .<OperationReply.CommitReply>ask(
                        r ->
                            new CoordinatorCommand.Commit(
                                name,
                                id,
                                entry.withBlocks(List.of()),
                                upload.id(),
                                entry.blocks().size(),
                                replace,
                                pin,
                                r),
                        timeout)
                    .exceptionally(
                        failure -> {
                          throw new JewelException(
                              "the coordinator of '"
                                  + name
                                  + "' did not confirm the commit within "
                                  + timeout.toSeconds()
                                  + " s: check with ls whether it was stored",
                              JewelException.Kind.UNAVAILABLE);
                        }))
        .whenComplete(
            (reply, failure) -> {
              ended.set(true);
              holder.tell(new Holder.End());
            })
        .thenApply(OperationReply.CommitReply::stored);
  }

  /** Ends this lease without committing: a read that ended. */
  void release() {
    release(null, List.of());
  }

  /**
   * Ends this lease without committing: a store that failed. {@code uploaded} are the blocks its
   * upload ({@code upload}, null if it had none) wrote, to discard unless a file uses them.
   */
  void release(Long upload, List<BlockId> uploaded) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    coordinator.tell(new CoordinatorCommand.Release(name, id, upload, uploaded));
    holder.tell(new Holder.End());
  }

  /**
   * The holder: asks for the lease (up to {@code timeout}), passes the answer on, and lives until
   * the lease ends.
   */
  static final class Holder {
    /** Local to this node: only the coordinator's answer crosses the network, to the ask. */
    sealed interface Command extends NoSerializationVerificationNeeded {}

    /**
     * The lease, or why there is none: refused (too many wait on the name), or no answer in time.
     */
    private record Answered(OperationReply.Granted granted, Throwable failure) implements Command {}

    record End() implements Command {}

    static Behavior<Command> create(
        EntityRef<CoordinatorCommand> coordinator,
        FileName name,
        Duration timeout,
        CompletableFuture<OperationReply.Granted> granted) {
      return Behaviors.setup(
          ctx -> {
            ctx.askWithStatus(
                OperationReply.Granted.class,
                coordinator,
                timeout,
                r -> new CoordinatorCommand.Begin(name, r, ctx.getSelf()),
                Answered::new);
            return Behaviors.receive(Command.class)
                .onMessage(
                    Answered.class,
                    a -> {
                      if (a.failure() == null) {
                        granted.complete(a.granted());
                        return Behaviors.same();
                      }
                      granted.completeExceptionally(
                          a.failure() instanceof StatusReply.ErrorMessage refused
                              ? new JewelException(
                                  refused.getMessage(), JewelException.Kind.UNAVAILABLE)
                              : a.failure());
                      return Behaviors.stopped();
                    })
                .onMessage(End.class, e -> Behaviors.stopped())
                .build();
          });
    }
  }
}
