package jewel.node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import jewel.api.PeerId;
import jewel.protocol.DataAddress;
import jewel.protocol.PeerCommand;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The peers that are live right now: registered with the Receptionist, not unreachable, and
 * answering within a short timeout. Asked afresh for every operation, so a killed peer drops out at
 * once, not when the cluster gets round to removing it.
 */
public final class PeerDirectory {
  private PeerDirectory() {}

  /** A live peer and where its data channel listens. */
  public record LivePeer(
      PeerId name,
      ActorRef<PeerCommand> ref,
      DataAddress data,
      long blocks,
      long bytes,
      boolean overQuota) {}

  /**
   * How long a peer may take to answer before it counts as not live. Generous, because a healthy
   * peer on a busy machine can be slow, and a crashed one is soon marked unreachable and skipped
   * without waiting.
   */
  public static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);

  public static CompletionStage<Map<PeerId, LivePeer>> live(ActorSystem<?> system) {
    Duration timeout = ANSWER_TIMEOUT;
    return registered(system, timeout, System.nanoTime() + SETTLE.toNanos())
        .thenCompose(refs -> describeAll(system, refs, timeout));
  }

  /**
   * How long to wait for the Receptionist to list every reachable peer member. A node that just
   * joined (a client, a revived seed) sees members before the Receptionist's replicated registry
   * reaches it.
   */
  private static final Duration SETTLE = Duration.ofSeconds(5);

  private static CompletionStage<List<ActorRef<PeerCommand>>> registered(
      ActorSystem<?> system, Duration timeout, long settleDeadline) {
    CompletionStage<Receptionist.Listing> listing =
        AskPattern.ask(
            system.receptionist(),
            (ActorRef<Receptionist.Listing> r) -> Receptionist.find(PeerCommand.SERVICE_KEY, r),
            timeout,
            system.scheduler());
    return listing.thenCompose(
        l -> {
          List<ActorRef<PeerCommand>> refs =
              reachable(system, l.getServiceInstances(PeerCommand.SERVICE_KEY));
          if (refs.size() >= reachablePeerMembers(system) || System.nanoTime() > settleDeadline) {
            return CompletableFuture.completedFuture(refs);
          }
          CompletableFuture<List<ActorRef<PeerCommand>>> later = new CompletableFuture<>();
          system
              .scheduler()
              .scheduleOnce(
                  Duration.ofMillis(200),
                  () ->
                      registered(system, timeout, settleDeadline)
                          .whenComplete(
                              (r, e) -> {
                                if (e != null) {
                                  later.completeExceptionally(e);
                                } else {
                                  later.complete(r);
                                }
                              }),
                  system.executionContext());
          return later;
        });
  }

  private static long reachablePeerMembers(ActorSystem<?> system) {
    var state = Cluster.get(system).state();
    return java.util.stream.StreamSupport.stream(state.getMembers().spliterator(), false)
        .filter(
            m ->
                m.hasRole("peer")
                    && m.status() == MemberStatus.up()
                    && !state.getUnreachable().contains(m))
        .count();
  }

  private static List<ActorRef<PeerCommand>> reachable(
      ActorSystem<?> system, Set<ActorRef<PeerCommand>> refs) {
    Set<Address> unreachable =
        Cluster.get(system).state().getUnreachable().stream()
            .map(Member::address)
            .collect(Collectors.toSet());
    return refs.stream()
        .filter(r -> !unreachable.contains(r.path().address()))
        .collect(Collectors.toList());
  }

  private static CompletionStage<Map<PeerId, LivePeer>> describeAll(
      ActorSystem<?> system, List<ActorRef<PeerCommand>> refs, Duration timeout) {
    List<CompletableFuture<LivePeer>> answers = new ArrayList<>();
    for (ActorRef<PeerCommand> ref : refs) {
      answers.add(
          AskPattern.ask(ref, PeerCommand.Describe::new, timeout, system.scheduler())
              .thenApply(
                  d -> new LivePeer(d.peer(), ref, d.data(), d.blocks(), d.bytes(), d.overQuota()))
              .exceptionally(e -> null)
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
        .thenApply(
            ignored -> {
              Map<PeerId, LivePeer> live = new TreeMap<>();
              for (CompletableFuture<LivePeer> a : answers) {
                LivePeer p = a.join();
                if (p != null) {
                  live.put(p.name(), p);
                }
              }
              return live;
            });
  }
}
