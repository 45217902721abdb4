package jewel.node;

import static jewel.node.pins.PinFixtures.peer;
import static jewel.node.pins.PinFixtures.pinned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import jewel.api.BlockId;
import jewel.node.pins.PinFixtures;
import jewel.protocol.PinnedBlock;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryReply;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Long listings read page by page, and holdings reported in parts that cover every id. */
class RegistryPagesTest {
  private static final ActorTestKit kit = ActorTestKit.create(TestConfig.local());

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  @Test
  void readsThePlanPageByPageFromWhereEachPageSaysTheNextStarts() throws Exception {
    TestProbe<RegistryCommand> registry = kit.createTestProbe();
    PinnedBlock a = pinned(PinFixtures.id("a"), 1, 0, 0.5, List.of(peer(1)), null);
    PinnedBlock b = pinned(PinFixtures.id("b"), 2, 0, 0.5, List.of(peer(2)), null);
    CompletableFuture<RegistryReply.PinPlan> plan =
        RegistryPages.pinPlan(registry.getRef(), Duration.ofSeconds(3), kit.system().scheduler())
            .toCompletableFuture();

    RegistryCommand.GetPinPlan first =
        registry.expectMessageClass(RegistryCommand.GetPinPlan.class);
    assertNull(first.after());
    first.replyTo().tell(new RegistryReply.PinPlan(List.of(a), Map.of(), 2, a.id()));
    RegistryCommand.GetPinPlan second =
        registry.expectMessageClass(RegistryCommand.GetPinPlan.class);
    assertEquals(a.id(), second.after());
    second.replyTo().tell(new RegistryReply.PinPlan(List.of(b), Map.of(), 3, null));

    assertEquals(
        new RegistryReply.PinPlan(List.of(a, b), Map.of(), 3, null), plan.get(3, TimeUnit.SECONDS));
    registry.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void reportsHoldingsInPartsWhoseRangesCoverEveryId() {
    TestProbe<RegistryCommand> registry = kit.createTestProbe();
    List<BlockId> held =
        IntStream.range(0, 2 * RegistryPages.HOLDINGS_PART + 5)
            .mapToObj(i -> PinFixtures.id("block " + i))
            .sorted()
            .toList();

    RegistryPages.reportHoldings(registry.getRef(), peer(1), held, 42);

    List<BlockId> reported = new ArrayList<>();
    BlockId expectedAfter = null;
    for (int part = 0; part < 3; part++) {
      RegistryCommand.ReportHoldings r =
          registry.expectMessageClass(RegistryCommand.ReportHoldings.class);
      assertEquals(peer(1), r.peer());
      assertEquals(42, r.asOf());
      assertEquals(expectedAfter, r.after());
      reported.addAll(r.blocks());
      assertEquals(
          part < 2 ? r.blocks().get(r.blocks().size() - 1) : null,
          r.upTo(),
          "the last part runs to the end");
      expectedAfter = r.upTo();
    }
    assertEquals(held, reported);
    registry.expectNoMessage(Duration.ofMillis(100));

    // Nothing held: one part covering everything, which clears the peer from the book.
    RegistryPages.reportHoldings(registry.getRef(), peer(1), List.of(), 42);
    assertEquals(
        new RegistryCommand.ReportHoldings(peer(1), null, null, List.of(), 42),
        registry.expectMessageClass(RegistryCommand.ReportHoldings.class));
  }

  /** The listing is taken only once the registry handed out its mark, and goes with it. */
  @Test
  void listsOnlyAfterTheRegistrysMarkAndReportsAsOfIt() throws Exception {
    TestProbe<RegistryCommand> registry = kit.createTestProbe();
    AtomicInteger listings = new AtomicInteger();
    BlockId a = PinFixtures.id("a");
    CompletableFuture<Void> sent =
        RegistryPages.reportHoldings(
                registry.getRef(),
                peer(1),
                () -> {
                  listings.incrementAndGet();
                  return List.of(a);
                },
                Duration.ofMillis(300),
                kit.system())
            .toCompletableFuture();

    registry.expectMessageClass(RegistryCommand.StartHoldingsReport.class);
    assertEquals(0, listings.get());
    // No answer (the registry is away): asked again after the timeout, still nothing listed.
    RegistryCommand.StartHoldingsReport start =
        registry.expectMessageClass(
            RegistryCommand.StartHoldingsReport.class, Duration.ofSeconds(3));
    assertEquals(0, listings.get());
    start.replyTo().tell(new RegistryReply.HoldingsMark(7));
    assertEquals(
        new RegistryCommand.ReportHoldings(peer(1), null, null, List.of(a), 7),
        registry.expectMessageClass(RegistryCommand.ReportHoldings.class));
    sent.get(3, TimeUnit.SECONDS);
    assertEquals(1, listings.get());
    registry.expectNoMessage(Duration.ofMillis(500));
  }
}
