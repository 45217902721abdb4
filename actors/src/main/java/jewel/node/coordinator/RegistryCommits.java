package jewel.node.coordinator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import jewel.api.BlockId;
import jewel.api.JewelException;
import jewel.api.PeerId;
import jewel.node.PeerDirectory;
import jewel.node.PeerDirectory.LivePeer;
import jewel.node.RegistryAsk;
import jewel.protocol.CoordinatorCommand;
import jewel.protocol.OperationReply;
import jewel.protocol.PeerCommand;
import jewel.protocol.PeerReply;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryReply;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry work behind a coordinator: commit a stored file (and its pin), delete a file,
 * discard what a failed store left behind, and drop blocks no file uses any more from the live
 * peers. Plain asynchronous code; the {@link Coordinator} makes sure only one of these runs per
 * file at a time.
 */
public final class RegistryCommits implements Commits {
  private static final Logger log = LoggerFactory.getLogger(RegistryCommits.class);

  private final ActorSystem<?> system;
  private final ActorRef<RegistryCommand> registry;
  private final Duration askTimeout;

  public RegistryCommits(
      ActorSystem<?> system, ActorRef<RegistryCommand> registry, Duration askTimeout) {
    this.system = system;
    this.registry = registry;
    this.askTimeout = askTimeout;
  }

  @Override
  public CompletionStage<OperationReply.Stored> commit(CoordinatorCommand.Commit c) {
    CompletionStage<StatusReply<RegistryReply.Committed>> commit =
        RegistryAsk.ask(
            registry,
            r -> new RegistryCommand.Commit(c.entry(), c.upload(), c.blocks(), c.replace(), r),
            askTimeout,
            system);
    return commit.thenCompose(
        reply -> {
          if (reply.isError()) {
            String reason = reply.getError().getMessage();
            throw new JewelException(
                reason,
                reason.contains("exists")
                    ? JewelException.Kind.CONFLICT
                    : JewelException.Kind.BAD_INPUT);
          }
          RegistryReply.Committed committed = reply.getValue();
          return deleteBlocks(c.replace() ? committed.orphans() : List.of())
              .thenCompose(
                  ignored -> c.pin() == null ? CompletableFuture.completedFuture(null) : pin(c))
              .thenApply(
                  ignored -> {
                    log.info(
                        "committed '{}': root {}, {} blocks, {}",
                        c.name(),
                        c.entry().root(),
                        c.blocks(),
                        c.entry().scheme());
                    return new OperationReply.Stored(c.name());
                  });
        });
  }

  /**
   * Puts a file just committed under its pin. The registry would refuse only a file that is gone,
   * which the name's turn rules out.
   */
  private CompletionStage<StatusReply<RegistryReply.Pins>> pin(CoordinatorCommand.Commit c) {
    return RegistryAsk.ask(
        registry, r -> new RegistryCommand.SetPin(c.name(), c.pin(), r), askTimeout, system);
  }

  @Override
  public CompletionStage<OperationReply.Removed> delete(CoordinatorCommand.Delete c) {
    CompletionStage<RegistryReply.Deleted> delete =
        RegistryAsk.askWithStatus(
            registry,
            r -> new RegistryCommand.Delete(c.name(), r),
            JewelException.Kind.NOT_FOUND,
            askTimeout,
            system);
    return delete.thenCompose(
        deleted ->
            deleteBlocks(deleted.orphans())
                .thenApply(ignored -> new OperationReply.Removed(deleted.entry())));
  }

  @Override
  public void discard(long upload, List<BlockId> uploaded) {
    // Closed here, just before the plan and by the same sender, so that the registry has closed it
    // when it plans: an open upload's blocks are spared.
    registry.tell(new RegistryCommand.CloseUpload(upload));
    if (uploaded.isEmpty()) {
      return;
    }
    deleteBlocks(uploaded)
        .whenComplete(
            (ignored, failure) -> {
              if (failure != null) {
                log.info(
                    "could not discard the {} blocks of a failed store: {}",
                    uploaded.size(),
                    failure.getMessage());
              }
            });
  }

  /**
   * Asks the registry which of {@code orphans} may go (those no file references and no store in
   * progress wrote, of any age) and every live peer to drop those, under the registry's guard (a
   * peer ignores blocks it does not hold, and keeps those a store in progress wrote). Best effort:
   * a holder that is down keeps its copy until the garbage collector's sweep after it is back.
   */
  public CompletionStage<Void> deleteBlocks(List<BlockId> orphans) {
    if (orphans.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    CompletionStage<RegistryReply.DeletionPlan> plan =
        RegistryAsk.ask(
            registry, r -> new RegistryCommand.PlanDeletion(orphans, 0, r), askTimeout, system);
    return plan.thenCombine(PeerDirectory.live(system), (p, live) -> deleteOn(live, p))
        .thenCompose(acks -> acks);
  }

  private CompletionStage<Void> deleteOn(
      Map<PeerId, LivePeer> live, RegistryReply.DeletionPlan plan) {
    if (plan.blocks().isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<CompletableFuture<PeerReply.BlocksDeleted>> acks = new ArrayList<>();
    for (LivePeer p : live.values()) {
      acks.add(
          AskPattern.<PeerCommand, PeerReply.BlocksDeleted>ask(
                  p.ref(),
                  r -> new PeerCommand.DeleteBlocks(plan.blocks(), plan.guard(), r),
                  askTimeout,
                  system.scheduler())
              .toCompletableFuture()
              .exceptionally(e -> null));
    }
    return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
  }

  /** One line for a failure of any kind. */
  static OperationReply.Failed failed(Throwable failure) {
    Throwable t = RegistryAsk.unwrap(failure);
    if (t instanceof JewelException j) {
      return new OperationReply.Failed(RegistryAsk.oneLine(j), j.kind());
    }
    log.warn("operation failed", t);
    return new OperationReply.Failed(RegistryAsk.oneLine(t), JewelException.Kind.UNAVAILABLE);
  }
}
