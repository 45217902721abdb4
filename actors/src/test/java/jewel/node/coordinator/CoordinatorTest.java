package jewel.node.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import jewel.api.BlockId;
import jewel.api.BlockLayout;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.JewelException;
import jewel.api.SchemeSpec;
import jewel.protocol.CoordinatorCommand;
import jewel.protocol.OperationReply;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class CoordinatorTest {
  private static final ActorTestKit kit = ActorTestKit.create(jewel.node.TestConfig.local());
  private static final FileName NAME = new FileName("a.txt");
  private static final BlockId ROOT = new BlockId("ab".repeat(32));
  private static final FileEntry ENTRY =
      new FileEntry(NAME, 3, ROOT, SchemeSpec.of("hosting"), BlockLayout.whole(), List.of(), 1L);

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /** A coordinator outside sharding, which stays idle too briefly here to ask to be passivated. */
  private static ActorRef<CoordinatorCommand> spawn(Commits commits) {
    TestProbe<ClusterSharding.ShardCommand> shard = kit.createTestProbe();
    TestProbe<CoordinatorCommand> entity = kit.createTestProbe();
    return kit.spawn(
        Coordinator.create(
            commits,
            new Coordinator.Passivation(Duration.ofMinutes(1), shard.getRef(), entity.getRef())));
  }

  /** Registry work that finishes only when the test says so, and records what was asked. */
  static final class Manual implements Commits {
    final List<String> started = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<OperationReply.Stored>> pendingCommits =
        new CopyOnWriteArrayList<>();
    final List<List<BlockId>> discarded = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<OperationReply.Stored> commit(CoordinatorCommand.Commit c) {
      started.add("commit " + c.entry().name());
      CompletableFuture<OperationReply.Stored> f = new CompletableFuture<>();
      pendingCommits.add(f);
      return f;
    }

    @Override
    public CompletionStage<OperationReply.Removed> delete(CoordinatorCommand.Delete c) {
      if (c.name().value().equals("boom")) {
        throw new IllegalStateException("boom: delete blew up before it began");
      }
      started.add("delete");
      return new CompletableFuture<>();
    }

    @Override
    public void discard(long upload, List<BlockId> uploaded) {
      discarded.add(uploaded);
    }
  }

  /** An operation on the gateway's side: a holder that lives as long as the operation. */
  private record Operation(
      TestProbe<StatusReply<OperationReply.Granted>> answers, TestProbe<Void> holder) {
    static Operation begin(ActorRef<CoordinatorCommand> coordinator) {
      Operation op = new Operation(kit.createTestProbe(), kit.createTestProbe());
      coordinator.tell(new CoordinatorCommand.Begin(NAME, op.answers.getRef(), op.holder.getRef()));
      return op;
    }

    long granted() {
      return answers.receiveMessage().getValue().id();
    }
  }

  @Test
  void leasesTakeTurnsAndACommitEndsOne() {
    Manual commits = new Manual();
    ActorRef<CoordinatorCommand> coordinator = spawn(commits);
    Operation store = Operation.begin(coordinator);
    Operation get = Operation.begin(coordinator);
    long lease = store.granted();
    get.answers.expectNoMessage(Duration.ofMillis(300));

    TestProbe<OperationReply.CommitReply> replies = kit.createTestProbe();
    coordinator.tell(
        new CoordinatorCommand.Commit(
            NAME, lease, ENTRY, 1L, ENTRY.blocks().size(), false, null, replies.getRef()));
    replies.awaitAssert(
        () -> {
          assertEquals(List.of("commit a.txt"), commits.started);
          return null;
        });
    get.answers.expectNoMessage(
        Duration.ofMillis(200)); // the commit runs under the name's turn too
    OperationReply.Stored stored = new OperationReply.Stored(NAME);
    commits.pendingCommits.get(0).complete(stored);
    assertEquals(stored, replies.receiveMessage());

    long second = get.granted();
    coordinator.tell(new CoordinatorCommand.Release(NAME, second, null, List.of()));
    Operation.begin(coordinator).granted(); // released: the next one gets its turn
  }

  @Test
  void aReleaseDiscardsWhatTheFailedStoreUploaded() {
    Manual commits = new Manual();
    ActorRef<CoordinatorCommand> coordinator = spawn(commits);
    long lease = Operation.begin(coordinator).granted();
    coordinator.tell(new CoordinatorCommand.Release(NAME, lease, 7L, List.of(ROOT)));
    Operation.begin(coordinator).granted();
    assertEquals(List.of(List.of(ROOT)), commits.discarded);
  }

  @Test
  void aHolderThatStopsFreesTheName() {
    ActorRef<CoordinatorCommand> coordinator = spawn(new Manual());
    Operation first = Operation.begin(coordinator);
    first.granted();
    Operation second = Operation.begin(coordinator);
    second.answers.expectNoMessage(Duration.ofMillis(200));
    first.holder.stop(); // its node died mid-operation
    second.granted();
  }

  @Test
  void aCommitWithAnEndedLeaseCommitsNothing() {
    Manual commits = new Manual();
    ActorRef<CoordinatorCommand> coordinator = spawn(commits);
    long lease = Operation.begin(coordinator).granted();
    coordinator.tell(new CoordinatorCommand.Release(NAME, lease, null, List.of()));
    TestProbe<OperationReply.CommitReply> replies = kit.createTestProbe();
    coordinator.tell(
        new CoordinatorCommand.Commit(
            NAME, lease, ENTRY, 1L, ENTRY.blocks().size(), false, null, replies.getRef()));
    OperationReply.Failed failed =
        assertInstanceOf(OperationReply.Failed.class, replies.receiveMessage());
    assertEquals(JewelException.Kind.UNAVAILABLE, failed.kind());
    assertEquals(List.of(), commits.started);
  }

  @Test
  void aDeleteThatThrowsRepliesWithItsMessageAndFreesTheName() {
    ActorRef<CoordinatorCommand> coordinator = spawn(new Manual());
    TestProbe<OperationReply.DeleteReply> probe = kit.createTestProbe();
    coordinator.tell(new CoordinatorCommand.Delete(new FileName("boom"), probe.getRef()));
    OperationReply.Failed failed =
        assertInstanceOf(OperationReply.Failed.class, probe.receiveMessage());
    assertEquals("boom: delete blew up before it began", failed.reason());
    Operation.begin(coordinator).granted();
  }
}
