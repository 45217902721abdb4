package jewel.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import jewel.api.PeerId;
import jewel.pki.ClusterCa;
import jewel.pki.TlsFiles;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Membership over TLS, as NodeSettings configures Artery: a member with a certificate of the
 * cluster's CA joins; an ActorSystem whose certificate another CA signed cannot, and the member it
 * knocked at logs that it refused a connection.
 */
class TlsMembershipTest {
  @TempDir Path home;
  @TempDir Path elsewhere;
  private final List<ActorSystem<Void>> systems = new java.util.ArrayList<>();

  @AfterEach
  void stop() {
    for (ActorSystem<Void> s : systems) {
      s.terminate();
    }
  }

  private ActorSystem<Void> node(String name, String role, TlsFiles files) {
    Config base =
        ConfigFactory.parseString(
                """
            jewel.tls.enabled = on
            pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
            """)
            .withFallback(
                ConfigFactory.parseMap(
                    java.util.Map.of(
                        "jewel.tls.key-file", files.key().toString(),
                        "jewel.tls.cert-file", files.cert().toString(),
                        "jewel.tls.ca-file", files.ca().toString())))
            .withFallback(NodeSettings.load());
    NodeSettings settings =
        new NodeSettings(new PeerId(name), List.of(role), "127.0.0.1", 0, 0, List.of(), home);
    settings.tls(base); // the files pass the node's own check: only the CA tells them apart
    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), NodeSettings.SYSTEM_NAME, settings.pekkoConfig(base));
    systems.add(system);
    return system;
  }

  private static long up(ActorSystem<?> system) {
    return StreamSupport.stream(Cluster.get(system).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up())
        .count();
  }

  private static void awaitAssert(ActorSystem<?> system, Runnable check) {
    new TestKit(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system))
        .awaitAssert(
            Duration.ofSeconds(20),
            () -> {
              check.run();
              return null;
            });
  }

  @Test
  void aMemberOfTheCaJoinsAndOneOfAnotherCaCannot() {
    ClusterCa ours = ClusterCa.openOrCreate(home.resolve("tls"));
    ActorSystem<Void> seed = node("seed", NodeSettings.REGISTRY, ours.issue("seed"));
    Cluster.get(seed).manager().tell(Join.create(Cluster.get(seed).selfMember().address()));
    ActorSystem<Void> peer = node("peer-1", NodeSettings.PEER, ours.issue("peer-1"));
    Cluster.get(peer).manager().tell(Join.create(Cluster.get(seed).selfMember().address()));
    awaitAssert(seed, () -> assertEquals(2, up(seed)));

    ClusterCa theirs = ClusterCa.openOrCreate(elsewhere.resolve("tls"));
    ActorSystem<Void> stranger = node("peer-2", NodeSettings.PEER, theirs.issue("peer-2"));
    // The stranger says why it cannot join, and the seed that it refused a connection.
    LoggingTestKit.warn("refused an inbound connection, its TLS handshake failed")
        .withCheckExcess(false)
        .expect(
            seed,
            () ->
                LoggingTestKit.warn("SSLHandshakeException")
                    .withCheckExcess(false)
                    .expect(
                        stranger,
                        () -> {
                          Cluster.get(stranger)
                              .manager()
                              .tell(Join.create(Cluster.get(seed).selfMember().address()));
                          return null;
                        }));
    assertEquals(2, up(seed));
    assertEquals(0, up(stranger));
  }
}
