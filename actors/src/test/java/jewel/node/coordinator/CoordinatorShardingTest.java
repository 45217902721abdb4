package jewel.node.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import jewel.api.BlockId;
import jewel.api.BlockLayout;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.SchemeSpec;
import jewel.node.TestConfig;
import jewel.protocol.CoordinatorCommand;
import jewel.protocol.OperationReply;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The coordinators as the node shards them ({@link Coordinator#init}), on a one-node cluster whose
 * automatic passivation would stop an entity idle for 300 ms: a lease held far longer than that (a
 * big file's bytes flowing, no message to the coordinator) still commits, and the coordinator
 * leaves only once it has been idle for {@code jewel.coordinator.idle-timeout}.
 */
class CoordinatorShardingTest {
  private static final ActorTestKit kit =
      ActorTestKit.create(
          ConfigFactory.parseString(
                  """
      pekko.cluster.roles = ["registry"]
      pekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout = 300ms
      jewel.coordinator.idle-timeout = 1s
      """)
              .withFallback(TestConfig.clusterNode()));
  private static final FileName NAME = new FileName("big.iso");
  private static final FileEntry ENTRY =
      new FileEntry(
          NAME,
          3,
          new BlockId("ef".repeat(32)),
          SchemeSpec.of("hosting"),
          BlockLayout.whole(),
          List.of(),
          1L);

  @BeforeAll
  static void join() {
    Cluster cluster = Cluster.get(kit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    kit.createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(10),
            () -> {
              assertEquals(MemberStatus.up(), cluster.selfMember().status());
              return null;
            });
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /** The coordinators alive on this node, by file name. */
  private static Set<String> liveCoordinators() {
    TestProbe<ShardRegion.CurrentShardRegionState> probe = kit.createTestProbe();
    ClusterSharding.get(kit.system())
        .shardState()
        .tell(new GetShardRegionState(Coordinator.TYPE_KEY, probe.getRef()));
    return probe.receiveMessage().getShards().stream()
        .flatMap(s -> s.getEntityIds().stream())
        .collect(Collectors.toSet());
  }

  @Test
  void aLeaseOutlivesEveryIdleTimeoutAndAnIdleCoordinatorLeaves() {
    CoordinatorTest.Manual commits = new CoordinatorTest.Manual();
    Coordinator.init(kit.system(), commits);
    EntityRef<CoordinatorCommand> coordinator =
        ClusterSharding.get(kit.system()).entityRefFor(Coordinator.TYPE_KEY, NAME.value());

    TestProbe<StatusReply<OperationReply.Granted>> answers = kit.createTestProbe();
    TestProbe<Void> holder = kit.createTestProbe();
    coordinator.tell(new CoordinatorCommand.Begin(NAME, answers.getRef(), holder.getRef()));
    long lease = answers.receiveMessage(Duration.ofSeconds(10)).getValue().id();

    answers.expectNoMessage(
        Duration.ofSeconds(3)); // ten times Pekko's idle timeout, three times ours
    assertEquals(Set.of(NAME.value()), liveCoordinators());

    TestProbe<OperationReply.CommitReply> replies = kit.createTestProbe();
    coordinator.tell(
        new CoordinatorCommand.Commit(
            NAME, lease, ENTRY, 1L, ENTRY.blocks().size(), false, null, replies.getRef()));
    replies.awaitAssert(
        () -> {
          assertEquals(List.of("commit big.iso"), commits.started);
          return null;
        });
    OperationReply.Stored stored = new OperationReply.Stored(NAME);
    commits.pendingCommits.get(0).complete(stored);
    assertEquals(stored, replies.receiveMessage()); // the lease held: the commit went through

    // Idle now: gone after its idle timeout, and a new operation starts a new incarnation.
    replies.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          assertTrue(liveCoordinators().isEmpty());
          return null;
        });
    coordinator.tell(new CoordinatorCommand.Begin(NAME, answers.getRef(), holder.getRef()));
    answers.receiveMessage(Duration.ofSeconds(10)).getValue();
  }
}
