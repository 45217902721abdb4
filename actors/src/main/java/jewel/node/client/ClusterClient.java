package jewel.node.client;

import com.typesafe.config.Config;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import jewel.api.JewelClient;
import jewel.api.JewelException;
import jewel.api.PeerId;
import jewel.node.JewelNode;
import jewel.node.NodeSettings;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The shell's way into a running cluster: it joins as a node with role {@code client} that holds no
 * data and runs the schemes itself (its {@link jewel.node.gateway.Gateway}), so its stores and gets
 * go straight between the shell's files and the holders. Closing the client leaves the cluster.
 */
public final class ClusterClient {
  private ClusterClient() {}

  /**
   * Joins the cluster of this home as a client node; fails with a clear line if it is not running.
   */
  public static JewelClient connect(Path home, int seedPort) {
    Path absHome = home.toAbsolutePath().normalize();
    if (!listening(seedPort)) {
      throw new JewelException(
          "no cluster is running at "
              + absHome
              + " (port "
              + seedPort
              + "): start one with ./jewel up");
    }
    Config base = NodeSettings.load();
    NodeSettings settings =
        new NodeSettings(
            new PeerId("client-" + ProcessHandle.current().pid()),
            List.of(NodeSettings.CLIENT),
            "127.0.0.1",
            0,
            0,
            List.of("127.0.0.1:" + seedPort),
            absHome);
    JewelNode node;
    try {
      node = JewelNode.start(settings, base);
    } catch (Exception e) {
      throw new JewelException("could not start a client node: " + e.getMessage(), e);
    }
    Duration joinTimeout = base.getDuration("jewel.client.join-timeout");
    Instant deadline = Instant.now().plus(joinTimeout);
    Cluster cluster = Cluster.get(node.system());
    while (!joined(cluster.selfMember().status())) {
      if (Instant.now().isAfter(deadline)) {
        node.close();
        throw new JewelException(
            "could not join the cluster at port "
                + seedPort
                + " within "
                + joinTimeout.toSeconds()
                + " s: is the seed up? (see "
                + absHome.resolve("seed").resolve("node.log")
                + ")");
      }
      sleep(50);
    }
    return node.gateway();
  }

  /** A client over a node already started and joined (tests run several nodes in one JVM). */
  public static JewelClient over(JewelNode node) {
    return node.gateway();
  }

  private static boolean joined(MemberStatus s) {
    return s == MemberStatus.up() || s == MemberStatus.weaklyUp();
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
