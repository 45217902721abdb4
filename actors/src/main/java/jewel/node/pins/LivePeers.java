package jewel.node.pins;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import jewel.api.PeerId;
import jewel.node.PeerDirectory;
import jewel.node.PeerDirectory.LivePeer;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Where the share keepers and the scan learn which peers are live. In a node it is the {@link
 * PeerDirectory}; tests give a fixed map, since a local ActorSystem has no cluster.
 */
@FunctionalInterface
public interface LivePeers {
  CompletionStage<Map<PeerId, LivePeer>> live();

  /** The peers of this node's cluster, each asked to describe itself within 2 s. */
  static LivePeers inCluster(ActorSystem<?> system) {
    return () -> PeerDirectory.live(system);
  }
}
