package jewel.node.coordinator;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import jewel.protocol.CoordinatorCommand;
import jewel.protocol.OperationReply;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The coordinator of one file name: a Cluster Sharding entity, so every store, get and
 * delete of a name goes through one actor in the cluster, one at a time. While an
 * operation runs, the next ones wait in a stash; the work itself (streams and asks) lives
 * in {@link FileOperations}, which this behaviour only sequences.
 */
public final class Coordinator {
  public static final EntityTypeKey<CoordinatorCommand> TYPE_KEY =
      EntityTypeKey.create(CoordinatorCommand.class, "jewel-file");

  private static final int STASH = 1000;

  /**
   * An operation ended; its reply goes out and the next one may start. It never leaves
   * this actor, which is why the behaviour is typed on Object inside and narrowed to the
   * protocol's sealed {@link CoordinatorCommand} outside.
   */
  private record Finished(OperationReply reply, ActorRef<OperationReply> replyTo)
      implements NoSerializationVerificationNeeded {}

  private Coordinator() {}

  public static Behavior<CoordinatorCommand> create(Operations operations) {
    return Behaviors.<Object>withStash(STASH, stash -> Behaviors.setup(ctx -> idle(ctx, stash, operations)))
        .narrow();
  }

  private static Behavior<Object> idle(
      ActorContext<Object> ctx, StashBuffer<Object> stash, Operations ops) {
    return Behaviors.receive(Object.class)
        .onMessage(CoordinatorCommand.Store.class, c -> start(ctx, stash, ops, c.replyTo(), () -> ops.store(c)))
        .onMessage(CoordinatorCommand.Get.class, c -> start(ctx, stash, ops, c.replyTo(), () -> ops.get(c)))
        .onMessage(CoordinatorCommand.Delete.class, c -> start(ctx, stash, ops, c.replyTo(), () -> ops.delete(c)))
        .build();
  }

  private static Behavior<Object> start(
      ActorContext<Object> ctx,
      StashBuffer<Object> stash,
      Operations ops,
      ActorRef<OperationReply> replyTo,
      Supplier<CompletionStage<OperationReply>> operation) {
    CompletionStage<OperationReply> work;
    try {
      work = operation.get();
    } catch (RuntimeException e) {
      work = CompletableFuture.failedFuture(e);
    }
    ctx.pipeToSelf(work, (reply, failure) ->
        new Finished(failure == null ? reply : FileOperations.failed(failure), replyTo));
    return busy(ctx, stash, ops);
  }

  private static Behavior<Object> busy(
      ActorContext<Object> ctx, StashBuffer<Object> stash, Operations ops) {
    return Behaviors.receive(Object.class)
        .onMessage(Finished.class, f -> {
          f.replyTo().tell(f.reply());
          return stash.unstashAll(idle(ctx, stash, ops));
        })
        .onAnyMessage(c -> {
          if (stash.isFull() && c instanceof CoordinatorCommand refused) {
            refused.replyTo().tell(new OperationReply.Failed(
                "too many operations are waiting on '" + refused.name() + "': try again later"));
          } else {
            stash.stash(c);
          }
          return Behaviors.same();
        })
        .build();
  }
}
