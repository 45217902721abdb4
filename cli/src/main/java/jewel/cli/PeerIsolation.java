package jewel.cli;

import java.nio.file.Path;
import java.time.Duration;
import jewel.api.JewelException;
import jewel.api.NodeStatus;

/**
 * How the {@code experiment} command takes a peer "down" and back: the peer's data channel refuses
 * every block read and write at once while the peer stays a cluster member (its API's {@code
 * /v1/isolation}). An isolation ends by itself after the duration it was given.
 */
public interface PeerIsolation {

  /** Makes {@code peer} refuse block traffic for {@code duration} or until {@link #restore}. */
  void isolate(NodeStatus peer, Duration duration);

  /** Makes {@code peer} serve its blocks again. */
  void restore(NodeStatus peer);

  /**
   * Through each peer's own HTTP API, whatever backend the commands use, with {@code token} (an
   * admin token: isolation is a change), trusting the CA of {@code home}'s cluster for HTTPS.
   */
  static PeerIsolation http(String token, Path home) {
    return new PeerIsolation() {
      @Override
      public void isolate(NodeStatus peer, Duration duration) {
        HttpJewelClient.at(api(peer), token).trustingClusterOf(home).isolate(duration);
      }

      @Override
      public void restore(NodeStatus peer) {
        HttpJewelClient.at(api(peer), token).trustingClusterOf(home).restore();
      }

      private String api(NodeStatus peer) {
        if (peer.api() == null) {
          throw new JewelException(
              peer.name() + " did not say where its API is: it cannot be taken down and back");
        }
        return peer.api();
      }
    };
  }
}
