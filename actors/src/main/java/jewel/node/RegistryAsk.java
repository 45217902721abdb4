package jewel.node;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import jewel.api.JewelException;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryReply;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.japi.function.Function;

/**
 * Asks the registry and expects one kind of reply: a {@link RegistryReply.Rejected} becomes a
 * {@link JewelException} with the registry's reason, silence one that says the registry node may
 * be down. The one place a registry reply is narrowed to what the command answers.
 */
public final class RegistryAsk {
  private RegistryAsk() {}

  public static <R extends RegistryReply> CompletionStage<R> ask(ActorRef<RegistryCommand> registry,
      Function<ActorRef<RegistryReply>, RegistryCommand> message, Class<R> type, Duration timeout, ActorSystem<?> system) {
    if (!registryReachable(system)) {
      // No need to wait out the timeout: nobody is there to answer.
      return CompletableFuture.failedFuture(new JewelException(
          "the registry node is down or unreachable: start it again (./jewel revive seed) and retry",
          JewelException.Kind.UNAVAILABLE));
    }
    return AskPattern.ask(registry, message::apply, timeout, system.scheduler()).handle((reply, failure) -> {
      if (failure != null) {
        throw new JewelException("the registry did not answer within " + timeout.toSeconds()
            + " s: is the seed node up? (./jewel peers)", JewelException.Kind.UNAVAILABLE);
      }
      if (type.isInstance(reply)) {
        return type.cast(reply);
      }
      if (reply instanceof RegistryReply.Rejected rejected) {
        throw new JewelException(rejected.reason(), JewelException.Kind.BAD_INPUT);
      }
      throw new IllegalStateException("the registry answered " + reply.getClass().getSimpleName() + ", not "
          + type.getSimpleName());
    });
  }

  /** Whether a member with role {@code registry} is up and reachable from this node. */
  static boolean registryReachable(ActorSystem<?> system) {
    var state = Cluster.get(system).state();
    for (Member m : state.getMembers()) {
      if (m.hasRole(NodeSettings.REGISTRY) && !state.getUnreachable().contains(m)
          && (m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp())) {
        return true;
      }
    }
    return false;
  }

  /** The failure inside completion wrappers. */
  public static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
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
