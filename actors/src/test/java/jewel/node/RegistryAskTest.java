package jewel.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import jewel.api.JewelException;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryReply;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.Test;

/** Asks of the registry from a member: what they do when no registry node is reachable. */
class RegistryAskTest {

  @Test
  void anAskWaitsForAReachableRegistryNodeThenSaysItIsDown() throws Exception {
    ActorTestKit kit = member("peer");
    try {
      TestProbe<RegistryCommand> registry = kit.createTestProbe();
      CompletableFuture<RegistryReply.Settings> settings =
          askSettings(kit, registry, Duration.ofSeconds(1));

      ExecutionException e =
          assertThrows(ExecutionException.class, () -> settings.get(10, TimeUnit.SECONDS));
      JewelException why = assertInstanceOf(JewelException.class, e.getCause());
      assertEquals(JewelException.Kind.UNAVAILABLE, why.kind());
      assertTrue(
          why.getMessage().startsWith("the registry node is down or unreachable"),
          why.getMessage());
      registry.expectNoMessage(Duration.ofMillis(100)); // nothing was sent to nobody
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void anAskReachesTheRegistryOnceARegistryNodeIsUp() throws Exception {
    ActorTestKit kit = member(NodeSettings.REGISTRY);
    try {
      TestProbe<RegistryCommand> registry = kit.createTestProbe();
      CompletableFuture<RegistryReply.Settings> settings =
          askSettings(kit, registry, Duration.ofSeconds(20));

      RegistryCommand.GetSettings asked =
          registry.expectMessageClass(RegistryCommand.GetSettings.class);
      RegistryReply.Settings answer = new RegistryReply.Settings(null, Map.of());
      asked.replyTo().tell(answer);
      assertEquals(answer, settings.get(10, TimeUnit.SECONDS));
    } finally {
      kit.shutdownTestKit();
    }
  }

  private static CompletableFuture<RegistryReply.Settings> askSettings(
      ActorTestKit kit, TestProbe<RegistryCommand> registry, Duration timeout) {
    return RegistryAsk.<RegistryReply.Settings>ask(
            registry.getRef(), RegistryCommand.GetSettings::new, timeout, kit.system())
        .toCompletableFuture();
  }

  /** A one-node cluster whose member has {@code role}, asked to join itself (not awaited). */
  private static ActorTestKit member(String role) {
    ActorTestKit kit =
        ActorTestKit.create(
            ConfigFactory.parseString("pekko.cluster.roles = [\"" + role + "\"]")
                .withFallback(TestConfig.clusterNode()));
    Cluster cluster = Cluster.get(kit.system());
    cluster.manager().tell(new Join(cluster.selfMember().address()));
    return kit;
  }
}
