package jewel.node;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import jewel.api.JewelException;
import jewel.protocol.RegistryCommand;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Scheduler;
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
    return reachableWithin(timeout, system)
        .thenCompose(
            ignored ->
                AskPattern.ask(registry, message, timeout, system.scheduler())
                    .handle(
                        (reply, failure) -> {
                          if (failure != null) {
                            throw silence(timeout);
                          }
                          return reply;
                        }));
  }

  /**
   * How long an ask waits for an unreachable registry node to be reachable again before it says so:
   * on a busy machine a live node misses heartbeats for a few seconds now and then, and a command
   * should not fail for that; a node that is really down is not waited for longer.
   */
  static final Duration REACHABLE_WAIT = Duration.ofSeconds(5);

  /**
   * {@link #reachable}, waiting {@link #REACHABLE_WAIT} at most, and never past {@code timeout}.
   */
  private static CompletionStage<Void> reachableWithin(Duration timeout, ActorSystem<?> system) {
    return reachable(
        system, System.nanoTime() + Math.min(timeout.toNanos(), REACHABLE_WAIT.toNanos()));
  }

  /** Completes once a registry node is reachable, or fails at {@code deadline} and says why. */
  private static CompletionStage<Void> reachable(ActorSystem<?> system, long deadline) {
    if (registryReachable(system)) {
      return CompletableFuture.completedFuture(null);
    }
    if (System.nanoTime() >= deadline) {
      return CompletableFuture.failedFuture(
          new JewelException(
              "the registry node is down or unreachable: start it again (./jewel revive seed) and retry",
              JewelException.Kind.UNAVAILABLE));
    }
    return CompletableFuture.supplyAsync(
            () -> null, CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS))
        .thenCompose(ignored -> reachable(system, deadline));
  }

  /**
   * How long one try of a {@link #query} waits: longer than a registry takes to answer, short
   * enough that a message lost with a registry node that just died is asked again in time.
   */
  static final Duration QUERY_TRY = Duration.ofSeconds(5);

  /**
   * Asks a command that only reads (a lookup, a page of a listing, settings), again and again until
   * {@code timeout}, each try waiting {@link #QUERY_TRY} at most. When the node running the
   * registry dies, what is sent to it before the cluster notices is lost; the next try reaches the
   * registry on its next node. (Commands that change something are asked once, with {@link #ask}:
   * asking them twice could do them twice.)
   */
  public static <R> CompletionStage<R> query(
      ActorRef<RegistryCommand> registry,
      Function<ActorRef<R>, RegistryCommand> message,
      Duration timeout,
      ActorSystem<?> system) {
    return reachableWithin(timeout, system)
        .thenCompose(ignored -> query(registry, message, timeout, system.scheduler()));
  }

  /** {@link #query} for callers that have only a scheduler. */
  public static <R> CompletionStage<R> query(
      ActorRef<RegistryCommand> registry,
      Function<ActorRef<R>, RegistryCommand> message,
      Duration timeout,
      Scheduler scheduler) {
    return nextTry(registry, message, timeout, System.nanoTime() + timeout.toNanos(), scheduler);
  }

  private static <R> CompletionStage<R> nextTry(
      ActorRef<RegistryCommand> registry,
      Function<ActorRef<R>, RegistryCommand> message,
      Duration timeout,
      long deadline,
      Scheduler scheduler) {
    long left = deadline - System.nanoTime();
    Duration wait = Duration.ofNanos(Math.max(1, Math.min(left, QUERY_TRY.toNanos())));
    CompletionStage<R> answer;
    try {
      answer = AskPattern.ask(registry, message, wait, scheduler);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer
        .handle(
            (reply, failure) -> {
              if (failure == null) {
                return CompletableFuture.completedFuture(reply);
              }
              if (System.nanoTime() >= deadline) {
                throw silence(timeout);
              }
              return CompletableFuture.supplyAsync(
                      () -> null, CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS))
                  .thenCompose(ignored -> nextTry(registry, message, timeout, deadline, scheduler));
            })
        .thenCompose(next -> next);
  }

  /**
   * {@link #query} of a command the registry may refuse: a refusal fails the answer with a {@link
   * JewelException} of kind {@code refused} and the registry's reason.
   */
  public static <R> CompletionStage<R> queryWithStatus(
      ActorRef<RegistryCommand> registry,
      Function<ActorRef<StatusReply<R>>, RegistryCommand> message,
      JewelException.Kind refused,
      Duration timeout,
      ActorSystem<?> system) {
    return query(registry, message, timeout, system).thenApply(reply -> valueOf(reply, refused));
  }

  private static <R> R valueOf(StatusReply<R> reply, JewelException.Kind refused) {
    if (reply.isError()) {
      throw new JewelException(reply.getError().getMessage(), refused);
    }
    return reply.getValue();
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
    return ask(registry, message, timeout, system).thenApply(reply -> valueOf(reply, refused));
  }

  private static JewelException silence(Duration timeout) {
    return new JewelException(
        "the registry did not answer within "
            + timeout.toSeconds()
            + " s: is a registry node up? (./jewel peers)",
        JewelException.Kind.UNAVAILABLE);
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
