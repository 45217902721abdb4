package jewel.node;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import jewel.api.JewelException;
import jewel.protocol.RegistryCommand;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.pattern.StatusReply;

/**
 * Asks the registry for the reply its command takes: silence, or a registry node that is down,
 * fails the answer with a {@link JewelException} that says so; a refusal (the error of a {@link
 * StatusReply}) fails it with the registry's reason.
 */
public final class RegistryAsk {
  private RegistryAsk() {}

  public static <R> CompletionStage<R> ask(
      ActorRef<RegistryCommand> registry,
      Function<ActorRef<R>, RegistryCommand> message,
      Duration timeout,
      ActorSystem<?> system) {
    if (!registryReachable(system)) {
      // No need to wait out the timeout: nobody is there to answer.
      return CompletableFuture.failedFuture(
          new JewelException(
              "the registry node is down or unreachable: start it again (./jewel revive seed) and retry",
              JewelException.Kind.UNAVAILABLE));
    }
    return AskPattern.ask(registry, message, timeout, system.scheduler())
        .handle(
            (reply, failure) -> {
              if (failure != null) {
                throw new JewelException(
                    "the registry did not answer within "
                        + timeout.toSeconds()
                        + " s: is the seed node up? (./jewel peers)",
                    JewelException.Kind.UNAVAILABLE);
              }
              return reply;
            });
  }

  /**
   * Asks a command the registry may refuse: a refusal fails the answer with a {@link
   * JewelException} of kind {@code refused} and the registry's reason.
   */
  public static <R> CompletionStage<R> askWithStatus(
      ActorRef<RegistryCommand> registry,
      Function<ActorRef<StatusReply<R>>, RegistryCommand> message,
      JewelException.Kind refused,
      Duration timeout,
      ActorSystem<?> system) {
    return ask(registry, message, timeout, system)
        .thenApply(
            reply -> {
              if (reply.isError()) {
                throw new JewelException(reply.getError().getMessage(), refused);
              }
              return reply.getValue();
            });
  }

  /** Whether a member with role {@code registry} is up and reachable from this node. */
  static boolean registryReachable(ActorSystem<?> system) {
    var state = Cluster.get(system).state();
    for (Member m : state.getMembers()) {
      if (m.hasRole(NodeSettings.REGISTRY)
          && !state.getUnreachable().contains(m)
          && (m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp())) {
        return true;
      }
    }
    return false;
  }

  /** The failure inside completion wrappers. */
  public static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** The first line of a failure's message, or its kind when it has none. */
  public static String oneLine(Throwable failure) {
    Throwable t = unwrap(failure);
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return message.lines().findFirst().orElse(message);
  }
}
