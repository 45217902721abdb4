package jewel.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jewel.api.ApiToken;
import jewel.api.PeerId;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.testkit.javadsl.TestKit;

/**
 * A seed, some peers and a client as ActorSystems in this JVM, each with its own folder under
 * {@code home}, for tests that need the real nodes (data channels, HTTP API) without JVMs. Their
 * APIs take the admin token {@link #adminToken()}, whose hash is in {@code home}, as {@code up}
 * does it.
 */
final class InJvmCluster implements AutoCloseable {
  private final Path home;
  private final ApiToken admin = ApiToken.generate(ApiToken.ADMIN_ID);
  private final Config config;
  private final List<JewelNode> nodes = new ArrayList<>();

  /** Every node's config: {@code config} above the test defaults, with this cluster's token. */
  private InJvmCluster(Path home, Config config) throws IOException {
    this.home = home;
    Path hash = Files.writeString(home.resolve("admin-token.sha256"), admin.hash() + "\n");
    this.config =
        config
            .withFallback(
                ConfigFactory.parseMap(Map.of("jewel.api.admin-token-hash-file", hash.toString())))
            .withFallback(TestConfig.clusterNode());
  }

  /** The admin token of every node's API. */
  String adminToken() {
    return admin.toString();
  }

  /** A seed, {@code peers} peers (peer-1 …) and a client, all Up. */
  static InJvmCluster start(Path home, int peers) throws Exception {
    return start(home, peers, ConfigFactory.empty());
  }

  /** As {@link #start(Path, int)}, every node with {@code config} above the test defaults. */
  static InJvmCluster start(Path home, int peers, Config config) throws Exception {
    InJvmCluster cluster = new InJvmCluster(home, config);
    JewelNode seed = cluster.node("seed", NodeSettings.REGISTRY, null);
    Address seedAddress = Cluster.get(seed.system()).selfMember().address();
    for (int i = 1; i <= peers; i++) {
      cluster.node("peer-" + i, NodeSettings.PEER, seedAddress);
    }
    cluster.node("client-1", NodeSettings.CLIENT, seedAddress);
    cluster.awaitUp(peers + 2);
    return cluster;
  }

  private JewelNode node(String name, String role, Address seed) throws Exception {
    NodeSettings s =
        new NodeSettings(new PeerId(name), List.of(role), "127.0.0.1", 0, 0, List.of(), home);
    JewelNode node = JewelNode.start(s, config);
    nodes.add(node);
    Cluster cluster = Cluster.get(node.system());
    cluster.manager().tell(Join.create(seed == null ? cluster.selfMember().address() : seed));
    return node;
  }

  JewelNode seed() {
    return nodes.get(0);
  }

  /** peer-{@code i}, counting from 1. */
  JewelNode peer(int i) {
    return nodes.get(i);
  }

  JewelNode client() {
    return nodes.get(nodes.size() - 1);
  }

  void awaitAssert(Runnable check) {
    new TestKit(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(seed().system()))
        .awaitAssert(
            Duration.ofSeconds(20),
            () -> {
              check.run();
              return null;
            });
  }

  private void awaitUp(int members) {
    awaitAssert(
        () -> {
          for (JewelNode n : nodes) {
            long up =
                java.util.stream.StreamSupport.stream(
                        Cluster.get(n.system()).state().getMembers().spliterator(), false)
                    .filter(m -> m.status() == MemberStatus.up())
                    .count();
            assertEquals(members, up);
          }
        });
  }

  @Override
  public void close() {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).stop(Duration.ofSeconds(5));
    }
  }
}
