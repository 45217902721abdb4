package jewel.node;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.Props;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.DowningProvider;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.remote.artery.ThisActorSystemQuarantinedEvent;
import scala.Option;
import scala.concurrent.duration.FiniteDuration;

/**
 * Jewel's downing policy: only a registry node downs members, and only those it has not reached for
 * {@code jewel.downing.unreachable-after}; with several registry nodes (the registry on
 * PostgreSQL), the oldest one that can reach the others, so when the node running the registry dies
 * the next registry node downs it and the registry singleton moves there. Pekko's Split Brain
 * Resolver strategies each fail a case that matters here: with {@code keep-majority} the last two
 * survivors of six down themselves; with {@code keep-oldest} or {@code static-quorum} on the
 * registry role a crashed seed takes every peer down. Under this policy peers never down anyone, so
 * killing any number of peers leaves the rest serving, and while the seed is down nothing is downed
 * at all: the peers stay up and a revived seed rejoins as a new incarnation of the same address.
 * The price: with the registry unreachable, membership cannot change (new nodes wait), which costs
 * nothing since no file can be stored or read without the registry anyway.
 *
 * <p>One exception keeps a revived seed from waiting forever: a peer that died shortly before the
 * seed (within the limit) was never downed, and an unreachable member blocks the convergence a new
 * incarnation of the seed needs to replace the old one. So while the registry's old incarnation is
 * marked down (a new one is joining), the peers' leader downs members that stay unreachable for the
 * limit, as the registry node would have.
 *
 * <p>A node paused past the limit (SIGSTOP, a long GC, a starved machine) misses the gossip that
 * downs it. When it wakes, the registry node answers it with "quarantined": that is the registry's
 * word that this incarnation is gone, so the node shuts down as if downed, and {@link NodeMain}
 * starts it again to rejoin. (Pekko's Split Brain Resolver does the same on such a notice; a custom
 * downing provider has to do it itself.)
 */
public final class RegistryDowning extends DowningProvider {
  private final ActorSystem system;

  public RegistryDowning(ActorSystem system) {
    this.system = system;
  }

  @Override
  public FiniteDuration downRemovalMargin() {
    return FiniteDuration.Zero();
  }

  @Override
  public Option<Props> downingActorProps() {
    Duration after = system.settings().config().getDuration("jewel.downing.unreachable-after");
    return Option.apply(Props.create(Downer.class, () -> new Downer(after)));
  }

  /**
   * Runs on every node; acts on the node with role {@code registry}, and on the peers' leader while
   * the registry is being replaced.
   */
  static final class Downer extends AbstractActor {
    private final Cluster cluster = Cluster.get(getContext().getSystem());
    private final Duration after;
    private final Map<Address, Cancellable> pending = new HashMap<>();

    Downer(Duration after) {
      this.after = after;
    }

    private record DownIfStillUnreachable(Member member) {}

    @Override
    public void preStart() {
      cluster.subscribe(
          getSelf(),
          ClusterEvent.initialStateAsEvents(),
          ClusterEvent.ReachabilityEvent.class,
          ClusterEvent.MemberRemoved.class,
          ClusterEvent.MemberDowned.class);
      getContext()
          .getSystem()
          .getEventStream()
          .subscribe(getSelf(), ThisActorSystemQuarantinedEvent.class);
    }

    @Override
    public void postStop() {
      cluster.unsubscribe(getSelf());
      getContext().getSystem().getEventStream().unsubscribe(getSelf());
      pending.values().forEach(Cancellable::cancel);
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(ClusterEvent.UnreachableMember.class, e -> schedule(e.member()))
          .match(ClusterEvent.ReachableMember.class, e -> cancel(e.member().address()))
          .match(ClusterEvent.MemberRemoved.class, e -> cancel(e.member().address()))
          .match(ClusterEvent.MemberDowned.class, e -> registryDowned(e.member()))
          .match(DownIfStillUnreachable.class, this::downIfStillUnreachable)
          .match(ThisActorSystemQuarantinedEvent.class, this::quarantined)
          .build();
    }

    /** Only a registry node's word counts: registry nodes are the ones that down. */
    private void quarantined(ThisActorSystemQuarantinedEvent e) {
      boolean byRegistry = false;
      for (Member m : cluster.state().getMembers()) {
        if (m.address().equals(e.remoteAddress().address())
            && m.hasRole(NodeSettings.REGISTRY)
            && !m.address().equals(cluster.selfAddress())) {
          byRegistry = true;
        }
      }
      if (byRegistry) {
        getContext()
            .getSystem()
            .log()
            .warning(
                "the registry node {} quarantined this node: it was downed while unreachable; shutting down to rejoin",
                e.remoteAddress().address());
        getContext().getSystem().getEventStream().unsubscribe(getSelf());
        CoordinatedShutdown.get(getContext().getSystem())
            .run(CoordinatedShutdown.clusterDowningReason());
      }
    }

    private void schedule(Member member) {
      cancel(member.address());
      pending.put(
          member.address(),
          getContext()
              .getSystem()
              .scheduler()
              .scheduleOnce(
                  after,
                  getSelf(),
                  new DownIfStillUnreachable(member),
                  getContext().getDispatcher(),
                  getSelf()));
    }

    private void cancel(Address address) {
      Cancellable c = pending.remove(address);
      if (c != null) {
        c.cancel();
      }
    }

    /**
     * The registry's old incarnation is down: give every unreachable member its full wait again.
     */
    private void registryDowned(Member member) {
      if (member.hasRole(NodeSettings.REGISTRY)
          && !cluster.selfRoles().contains(NodeSettings.REGISTRY)) {
        cluster.state().getUnreachable().stream()
            .filter(m -> !m.equals(member))
            .forEach(this::schedule);
      }
    }

    /**
     * Whether this node downs now: the oldest registry node it can reach (itself, if it is one and
     * no older registry node is reachable from here), or a peer, as leader, while every registry
     * node is down.
     */
    private boolean downs() {
      if (cluster.selfRoles().contains(NodeSettings.REGISTRY)) {
        Member self = cluster.selfMember();
        for (Member m : cluster.state().getMembers()) {
          if (m.hasRole(NodeSettings.REGISTRY)
              && !m.equals(self)
              && m.status() == MemberStatus.up()
              && !cluster.state().getUnreachable().contains(m)
              && m.isOlderThan(self)) {
            return false;
          }
        }
        return true;
      }
      boolean registryDown = false;
      for (Member m : cluster.state().getMembers()) {
        if (m.hasRole(NodeSettings.REGISTRY)) {
          if (m.status() != MemberStatus.down()) {
            return false;
          }
          registryDown = true;
        }
      }
      return registryDown && cluster.selfAddress().equals(cluster.state().getLeader());
    }

    private void downIfStillUnreachable(DownIfStillUnreachable msg) {
      pending.remove(msg.member().address());
      if (downs() && cluster.state().getUnreachable().contains(msg.member())) {
        getContext()
            .getSystem()
            .log()
            .warning(
                "downing {} (roles {}): unreachable for {}",
                msg.member().address(),
                msg.member().getRoles(),
                after);
        cluster.down(msg.member().address());
      }
    }
  }
}
