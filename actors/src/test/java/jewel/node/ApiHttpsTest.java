package jewel.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import jewel.api.ApiToken;
import jewel.api.JewelException;
import jewel.api.NodeStatus;
import jewel.api.PeerId;
import jewel.cli.HttpJewelClient;
import jewel.pki.ClusterCa;
import jewel.pki.TlsFiles;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API over HTTPS ({@code jewel.api.tls = on}): served with the node's own cluster certificate,
 * its URL says https, and the command line's client trusts it through the home's CA certificate and
 * refuses, in one line, a node whose certificate another CA signed.
 */
class ApiHttpsTest {
  @TempDir Path home;
  @TempDir Path elsewhere;
  private JewelNode node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void theApiServesHttpsWithTheNodesCertificateAndTheHomesCaChecksIt() throws Exception {
    TlsFiles files = ClusterCa.openOrCreate(home.resolve(ClusterCa.FOLDER)).issue("seed");
    ApiToken admin = ApiToken.generate(ApiToken.ADMIN_ID);
    Path hash = Files.writeString(home.resolve("admin-token.sha256"), admin.hash() + "\n");
    Config config =
        ConfigFactory.parseMap(
                Map.of(
                    "jewel.tls.enabled", "on",
                    "jewel.tls.key-file", files.key().toString(),
                    "jewel.tls.cert-file", files.cert().toString(),
                    "jewel.tls.ca-file", files.ca().toString(),
                    "jewel.api.tls", "on",
                    "jewel.api.admin-token-hash-file", hash.toString()))
            .withFallback(TestConfig.clusterNode());
    NodeSettings settings =
        new NodeSettings(
            new PeerId("seed"), List.of(NodeSettings.REGISTRY), "127.0.0.1", 0, 0, List.of(), home);
    node = JewelNode.start(settings, config);
    Cluster cluster = Cluster.get(node.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));

    String url = Files.readString(home.resolve("seed").resolve("api")).trim();
    assertTrue(url.startsWith("https://127.0.0.1:"), url);

    try (HttpJewelClient client =
        HttpJewelClient.at(url, admin.toString()).trustingClusterOf(home)) {
      // The node joined itself a moment ago: the receptionist lists its self-description once
      // the node is Up, so ask until it does (or 15 s have passed).
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      List<NodeStatus> peers = client.peers();
      while (!peers.get(0).name().equals("seed") && System.nanoTime() < deadline) {
        Thread.sleep(100);
        peers = client.peers();
      }
      assertEquals("seed", peers.get(0).name(), peers.toString());
    }

    // A home whose CA is another cluster's: the node's certificate does not pass.
    ClusterCa.openOrCreate(elsewhere.resolve(ClusterCa.FOLDER));
    try (HttpJewelClient stranger =
        HttpJewelClient.at(url, admin.toString()).trustingClusterOf(elsewhere)) {
      JewelException refused = assertThrows(JewelException.class, stranger::peers);
      assertTrue(
          refused.getMessage().startsWith("the API at " + url + "/ failed the TLS handshake"),
          refused.getMessage());
      assertTrue(refused.getMessage().contains("cluster CA"), refused.getMessage());
    }
  }
}
