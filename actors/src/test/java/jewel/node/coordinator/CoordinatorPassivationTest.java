package jewel.node.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A coordinator asks its shard to passivate it only when it has been idle for {@code
 * jewel.coordinator.idle-timeout} (short here, through the configuration), never while an operation
 * holds its name or registry work runs, and hands back what reached it after it asked. The test
 * plays the shard.
 */
class CoordinatorPassivationTest {
  private static final ActorTestKit kit =
      ActorTestKit.create(
          ConfigFactory.parseString("jewel.coordinator.idle-timeout = 300ms")
              .withFallback(TestConfig.local()));
  private static final Duration IDLE = Coordinator.idleTimeout(kit.system().settings().config());
  private static final FileName NAME = new FileName("big.iso");
  private static final FileEntry ENTRY =
      new FileEntry(
          NAME,
          3,
          new BlockId("cd".repeat(32)),
          SchemeSpec.of("hosting"),
          BlockLayout.whole(),
          List.of(),
          1L);

  /**
   * The coordinators a test started: left alone, they would ask the test's shard again and again.
   */
  private static final List<ActorRef<CoordinatorCommand>> started = new CopyOnWriteArrayList<>();

  @AfterEach
  void stopCoordinators() {
    started.forEach(kit::stop);
    started.clear();
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /**
   * A coordinator, the shard it asks to stop it, and its sharded address (where commands go back).
   */
  private record Entity(
      ActorRef<CoordinatorCommand> coordinator,
      TestProbe<ClusterSharding.ShardCommand> shard,
      TestProbe<CoordinatorCommand> resent) {
    static Entity spawn(Commits commits) {
      TestProbe<ClusterSharding.ShardCommand> shard = kit.createTestProbe();
      TestProbe<CoordinatorCommand> resent = kit.createTestProbe();
      ActorRef<CoordinatorCommand> coordinator =
          kit.spawn(
              Coordinator.create(
                  commits, new Coordinator.Passivation(IDLE, shard.getRef(), resent.getRef())));
      started.add(coordinator);
      return new Entity(coordinator, shard, resent);
    }

    void expectPassivationAsked() {
      assertEquals(
          new ClusterSharding.Passivate<>(coordinator),
          shard.receiveMessage(IDLE.multipliedBy(10)));
    }

    long begin(TestProbe<StatusReply<OperationReply.Granted>> answers, TestProbe<Void> holder) {
      coordinator.tell(new CoordinatorCommand.Begin(NAME, answers.getRef(), holder.getRef()));
      return answers.receiveMessage().getValue().id();
    }
  }

  @Test
  void anIdleCoordinatorAsksItsShardToPassivateIt() {
    Entity e = Entity.spawn(new CoordinatorTest.Manual());
    e.expectPassivationAsked();
  }

  @Test
  void aLongOperationAndItsCommitKeepTheCoordinator() {
    CoordinatorTest.Manual commits = new CoordinatorTest.Manual();
    Entity e = Entity.spawn(commits);
    long lease = e.begin(kit.createTestProbe(), kit.createTestProbe());
    // The bytes of a big file flow for many idle timeouts without a message to the coordinator.
    e.shard.expectNoMessage(IDLE.multipliedBy(5));

    TestProbe<OperationReply.CommitReply> replies = kit.createTestProbe();
    e.coordinator.tell(
        new CoordinatorCommand.Commit(
            NAME, lease, ENTRY, 1L, ENTRY.blocks().size(), false, null, replies.getRef()));
    replies.awaitAssert(
        () -> {
          assertEquals(List.of("commit big.iso"), commits.started);
          return null;
        });
    e.shard.expectNoMessage(IDLE.multipliedBy(3)); // the registry is slow: still no passivation
    OperationReply.Stored stored = new OperationReply.Stored(NAME);
    commits.pendingCommits.get(0).complete(stored);
    assertEquals(stored, replies.receiveMessage());

    e.expectPassivationAsked(); // idle now
  }

  @Test
  void aReleasedLeaseStartsTheIdleTimeAgain() {
    Entity e = Entity.spawn(new CoordinatorTest.Manual());
    long lease = e.begin(kit.createTestProbe(), kit.createTestProbe());
    e.shard.expectNoMessage(IDLE.multipliedBy(3));
    e.coordinator.tell(new CoordinatorCommand.Release(NAME, lease, null, List.of()));
    e.expectPassivationAsked();
  }

  @Test
  void commandsThatArriveAfterItAskedGoBackThroughSharding() {
    Entity e = Entity.spawn(new CoordinatorTest.Manual());
    e.expectPassivationAsked();
    // Delivered by the shard before it took the request in: no lease may be granted now, since
    // the shard is about to stop this incarnation.
    TestProbe<StatusReply<OperationReply.Granted>> answers = kit.createTestProbe();
    TestProbe<Void> holder = kit.createTestProbe();
    CoordinatorCommand.Begin begin =
        new CoordinatorCommand.Begin(NAME, answers.getRef(), holder.getRef());
    e.coordinator.tell(begin);
    answers.expectNoMessage(Duration.ofMillis(200));

    kit.stop(e.coordinator); // the shard stops it
    assertEquals(begin, e.resent.receiveMessage()); // for the next incarnation
    answers.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void aShardThatDoesNotStopItLeavesItServing() {
    Entity e = Entity.spawn(new CoordinatorTest.Manual());
    e.expectPassivationAsked();
    TestProbe<StatusReply<OperationReply.Granted>> answers = kit.createTestProbe();
    e.coordinator.tell(
        new CoordinatorCommand.Begin(NAME, answers.getRef(), kit.createTestProbe().getRef()));
    answers.receiveMessage(IDLE.multipliedBy(10)).getValue();
    e.resent.expectNoMessage(Duration.ofMillis(100));
  }
}
