package jewel.node.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import jewel.protocol.ByteSink;
import jewel.protocol.ByteSource;
import jewel.protocol.CoordinatorCommand;
import jewel.protocol.DataAddress;
import jewel.api.FileName;
import jewel.protocol.OperationReply;
import jewel.api.SchemeSpec;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class CoordinatorTest {
  private static final ActorTestKit kit = ActorTestKit.create(jewel.node.TestConfig.local());
  private static final FileName NAME = new FileName("a.txt");
  private static final ByteSource SOURCE = new ByteSource(new DataAddress("127.0.0.1", 1), "t", 3);
  private static final ByteSink SINK = new ByteSink(new DataAddress("127.0.0.1", 1), "t");

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /** Operations that finish only when the test says so, and record when each started. */
  static final class Manual implements Operations {
    final List<String> started = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<OperationReply>> pending = new CopyOnWriteArrayList<>();

    private CompletionStage<OperationReply> begin(String what) {
      started.add(what);
      CompletableFuture<OperationReply> f = new CompletableFuture<>();
      pending.add(f);
      return f;
    }

    @Override
    public CompletionStage<OperationReply> store(CoordinatorCommand.Store c) {
      return begin("store");
    }

    @Override
    public CompletionStage<OperationReply> get(CoordinatorCommand.Get c) {
      return begin("get");
    }

    @Override
    public CompletionStage<OperationReply> delete(CoordinatorCommand.Delete c) {
      throw new IllegalStateException("boom: delete blew up before it began");
    }
  }

  @Test
  void runsOneOperationPerFileAtATimeInArrivalOrder() {
    Manual ops = new Manual();
    ActorRef<CoordinatorCommand> coordinator = kit.spawn(Coordinator.create(ops));
    TestProbe<OperationReply> first = kit.createTestProbe();
    TestProbe<OperationReply> second = kit.createTestProbe();

    coordinator.tell(new CoordinatorCommand.Store(NAME, SOURCE, SchemeSpec.of("hosting"), false, first.getRef()));
    coordinator.tell(new CoordinatorCommand.Get(NAME, SINK, second.getRef()));

    first.awaitAssert(() -> {
      assertEquals(List.of("store"), ops.started);
      return null;
    });
    second.expectNoMessage(Duration.ofMillis(300));
    assertEquals(List.of("store"), ops.started, "the get waits while the store runs");

    ops.pending.get(0).complete(new OperationReply.Failed("store done"));
    assertEquals(new OperationReply.Failed("store done"), first.receiveMessage());
    second.awaitAssert(() -> {
      assertEquals(List.of("store", "get"), ops.started);
      return null;
    });

    ops.pending.get(1).completeExceptionally(new IllegalStateException("disk on fire"));
    OperationReply r = second.receiveMessage();
    assertEquals(new OperationReply.Failed("disk on fire"), r);
  }

  @Test
  void anOperationThatThrowsRepliesWithItsMessageAndFreesTheFile() {
    Manual ops = new Manual();
    ActorRef<CoordinatorCommand> coordinator = kit.spawn(Coordinator.create(ops));
    TestProbe<OperationReply> probe = kit.createTestProbe();

    coordinator.tell(new CoordinatorCommand.Delete(NAME, probe.getRef()));
    OperationReply.Failed failed = assertInstanceOf(OperationReply.Failed.class, probe.receiveMessage());
    assertEquals("boom: delete blew up before it began", failed.reason());

    coordinator.tell(new CoordinatorCommand.Get(NAME, SINK, probe.getRef()));
    probe.awaitAssert(() -> {
      assertEquals(List.of("get"), ops.started);
      return null;
    });
  }
}
