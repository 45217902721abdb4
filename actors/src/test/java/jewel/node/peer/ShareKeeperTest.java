package jewel.node.peer;

import static jewel.node.pins.PinFixtures.PINNED;
import static jewel.node.pins.PinFixtures.peer;
import static jewel.node.pins.PinFixtures.pinned;
import static jewel.node.pins.PinFixtures.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import jewel.api.BlockId;
import jewel.api.PeerContents;
import jewel.api.PeerId;
import jewel.api.PeerSettings;
import jewel.node.PeerDirectory.LivePeer;
import jewel.node.TestConfig;
import jewel.node.pins.PinFixtures;
import jewel.node.store.BlockStore;
import jewel.node.store.LocalFiles;
import jewel.node.store.NodeDataHandler;
import jewel.node.store.RecentWrites;
import jewel.placement.FractionalPin;
import jewel.protocol.DataAddress;
import jewel.protocol.PeerCommand;
import jewel.protocol.PeerReply;
import jewel.protocol.PinnedBlock;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryReply;
import jewel.protocol.data.DataChannel;
import jewel.protocol.data.DataClient;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Peer keeping its share of pinned blocks, against a fake registry (an actor answering with a
 * plan the test sets) and a real other peer: a block store behind a data channel.
 */
class ShareKeeperTest {
  private static final ActorTestKit kit = ActorTestKit.create(TestConfig.local());
  private static final PeerId SELF = peer(7);
  private static final DataAddress SELF_DATA = new DataAddress("127.0.0.1", 1);

  /** A live peer whose data channel refuses connections: fetches must move on to another. */
  private static final DataAddress DEAD_DATA = new DataAddress("127.0.0.1", 1);

  @TempDir Path dir;
  private BlockStore mine;
  private BlockStore other;
  private DataChannel otherChannel;
  private final AtomicReference<RegistryReply.PinPlan> plan = new AtomicReference<>();
  private final AtomicReference<Map<PeerId, LivePeer>> live = new AtomicReference<>();
  private TestProbe<RegistryCommand> reports;
  private ActorRef<PeerCommand> self;

  @BeforeEach
  void start() throws Exception {
    mine = BlockStore.open(dir.resolve("mine"));
    other = BlockStore.open(dir.resolve("other"));
    otherChannel =
        DataChannel.bind(
                kit.system(),
                "127.0.0.1",
                0,
                new NodeDataHandler(other, LocalFiles.inFolder(dir.resolve("other-files"))))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    reports = kit.createTestProbe();
    Map<PeerId, LivePeer> peers = new TreeMap<>();
    TestProbe<PeerCommand> nobody = kit.createTestProbe();
    peers.put(peer(1), PinFixtures.live(peer(1), nobody.getRef(), otherChannel.address(), false));
    peers.put(peer(2), PinFixtures.live(peer(2), nobody.getRef(), DEAD_DATA, false));
    peers.put(SELF, PinFixtures.live(SELF, nobody.getRef(), SELF_DATA, false));
    live.set(peers);
  }

  @AfterEach
  void stop() throws Exception {
    if (self != null) {
      kit.stop(self);
    }
    otherChannel.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  /**
   * Answers GetPinPlan from the test's reference and StartHoldingsReport with a mark; passes
   * everything else to {@code reports}.
   */
  private Behavior<RegistryCommand> fakeRegistry() {
    ActorRef<RegistryCommand> forward = reports.getRef();
    return Behaviors.receive(RegistryCommand.class)
        .onMessage(
            RegistryCommand.GetPinPlan.class,
            g -> {
              g.replyTo().tell(plan.get());
              return Behaviors.same();
            })
        .onMessage(
            RegistryCommand.StartHoldingsReport.class,
            s -> {
              s.replyTo().tell(new RegistryReply.HoldingsMark(0));
              return Behaviors.same();
            })
        .onAnyMessage(
            m -> {
              forward.tell(m);
              return Behaviors.same();
            })
        .build();
  }

  private void startPeer() throws Exception {
    ActorRef<RegistryCommand> registry = kit.spawn(fakeRegistry());
    ShareKeeper.Setup setup =
        new ShareKeeper.Setup(
            PinFixtures.settings(), PinFixtures.fixed(live), new DataClient(kit.system()));
    self =
        kit.spawn(
            Peer.create(
                SELF,
                SELF_DATA,
                new RecentWrites(mine),
                LocalFiles.inFolder(dir.resolve("files")),
                registry,
                setup));
  }

  /** Blocks of random bytes in the other peer's store, in block id order. */
  private List<PinnedBlockBytes> otherHolds(int count, long seed) throws Exception {
    List<PinnedBlockBytes> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] bytes = randomBytes(1000 + 97 * i, seed + i);
      out.add(new PinnedBlockBytes(PinFixtures.put(other, bytes, kit.system()), bytes.length));
    }
    out.sort((a, b) -> a.id().compareTo(b.id()));
    return out;
  }

  private record PinnedBlockBytes(BlockId id, long length) {}

  private static List<PinnedBlock> pin(
      List<PinnedBlockBytes> blocks, double fraction, List<PeerId> holders) {
    return blocks.stream()
        .map(b -> pinned(b.id(), b.length(), 0, fraction, holders, null))
        .toList();
  }

  private void awaitReport(Collection<BlockId> expected) {
    List<BlockId> sorted = expected.stream().sorted().toList();
    reports.fishForMessage(
        Duration.ofSeconds(10),
        m ->
            m instanceof RegistryCommand.ReportHoldings r
                    && r.peer().equals(SELF)
                    && r.blocks().equals(sorted)
                ? FishingOutcomes.complete()
                : FishingOutcomes.continueAndIgnore());
  }

  private List<BlockId> held() {
    return mine.list().stream().map(PeerContents.HeldBlock::id).toList();
  }

  private boolean overQuota() {
    TestProbe<PeerReply.Description> probe = kit.createTestProbe();
    self.tell(new PeerCommand.Describe(probe.getRef()));
    return probe.receiveMessage().overQuota();
  }

  @Test
  void fetchesExactlyTheFormulasShareFromItsHolders() throws Exception {
    List<PinnedBlockBytes> blocks = otherHolds(16, 1);
    List<BlockId> share =
        blocks.stream()
            .map(PinnedBlockBytes::id)
            .filter(id -> FractionalPin.holds(id, SELF, 0, 0.5, 1.0))
            .toList();
    assertTrue(
        !share.isEmpty() && share.size() < blocks.size(),
        "the test needs a proper share, not " + share);
    // peer-2 is listed too, but its data channel is down: every fetch must still succeed.
    plan.set(
        new RegistryReply.PinPlan(pin(blocks, 0.5, List.of(peer(1), peer(2))), Map.of(), 2, null));

    startPeer();

    awaitReport(share);
    assertEquals(share, held());
    assertFalse(overQuota());
  }

  @Test
  void dropsAPinnedBlockOnlyWhenEnoughOtherPeersKeepIt() throws Exception {
    double tiny = 1e-12; // this peer's share is empty: only trusted peers hold anything
    List<BlockId> blocks = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      BlockId id = PinFixtures.put(mine, randomBytes(500, 100 + i), kit.system());
      assertFalse(FractionalPin.holds(id, SELF, 0, tiny, 1.0));
      blocks.add(id);
    }
    BlockId enough = blocks.get(0);
    BlockId oneDead = blocks.get(1);
    BlockId oneGreylisted = blocks.get(2);
    BlockId alsoUnpinned = blocks.get(3);
    BlockId notInPlan = blocks.get(4);
    BlockId oneOverQuota = blocks.get(5);
    BlockId oneNotExpected = blocks.get(6);
    Map<PeerId, LivePeer> peers = new TreeMap<>(live.get());
    TestProbe<PeerCommand> nobody = kit.createTestProbe();
    for (int i = 3; i <= 6; i++) {
      peers.put(peer(i), PinFixtures.live(peer(i), nobody.getRef(), DEAD_DATA, false));
    }
    peers.remove(peer(3)); // listed as a holder, but not live
    live.set(peers);
    PeerSettings trusted = PeerSettings.DEFAULT.withTrusted(true);
    Map<String, PeerSettings> settings =
        Map.of(
            "peer-1",
            trusted,
            "peer-2",
            trusted,
            "peer-3",
            trusted,
            "peer-4",
            trusted.withGreylisted(true),
            "peer-5",
            trusted.withQuota(100)); // nothing fits peer-5's quota
    plan.set(
        new RegistryReply.PinPlan(
            List.of(
                pinned(enough, 500, 0, tiny, List.of(SELF, peer(1), peer(2)), null),
                pinned(oneDead, 500, 0, tiny, List.of(SELF, peer(1), peer(3)), null),
                pinned(oneGreylisted, 500, 0, tiny, List.of(SELF, peer(1), peer(4)), null),
                // a file without a pin uses this one too
                new PinnedBlock(
                    PINNED,
                    alsoUnpinned,
                    500,
                    0,
                    tiny,
                    List.of(SELF, peer(1), peer(2)),
                    null,
                    true),
                pinned(oneOverQuota, 500, 0, tiny, List.of(SELF, peer(1), peer(5)), null),
                pinned(oneNotExpected, 500, 0, tiny, List.of(SELF, peer(1), peer(6)), null)),
            settings,
            2,
            null));

    startPeer();

    List<BlockId> kept = new ArrayList<>(blocks);
    kept.remove(enough);
    awaitReport(kept);
    assertEquals(kept.stream().sorted().toList(), held());
    assertTrue(mine.has(notInPlan));
  }

  @Test
  void fetchesOnlyWhatFitsItsQuotaAndTheRestOnceItIsRaised_andDropsWhatNoLongerFits()
      throws Exception {
    List<PinnedBlockBytes> blocks = otherHolds(5, 20);
    long quota = blocks.get(0).length() + blocks.get(1).length() + blocks.get(2).length();
    // An infinite modifier: the whole plan is this peer's share (and +inf crosses serialization).
    PeerSettings limited =
        PeerSettings.DEFAULT.withModifier(Double.POSITIVE_INFINITY).withQuota(quota);
    plan.set(
        new RegistryReply.PinPlan(
            pin(blocks, 0.1, List.of(peer(1))), Map.of(SELF.name(), limited), 2, null));

    startPeer();

    List<BlockId> firstThree = blocks.subList(0, 3).stream().map(PinnedBlockBytes::id).toList();
    awaitReport(firstThree);
    assertEquals(firstThree, held());
    assertTrue(overQuota(), "a peer that refuses part of its share says so");

    plan.set(
        new RegistryReply.PinPlan(
            pin(blocks, 0.1, List.of(peer(1))),
            Map.of(SELF.name(), limited.withQuota(-1)),
            2,
            null));
    self.tell(new PeerCommand.Rescan());

    List<BlockId> all = blocks.stream().map(PinnedBlockBytes::id).toList();
    awaitReport(all);
    assertEquals(all, held());
    assertFalse(overQuota());

    // Lowered again: what no longer fits goes, since two trusted peers keep it.
    PeerSettings trusted = PeerSettings.DEFAULT.withTrusted(true);
    plan.set(
        new RegistryReply.PinPlan(
            pin(blocks, 0.1, List.of(SELF, peer(1), peer(2))),
            Map.of(SELF.name(), limited, "peer-1", trusted, "peer-2", trusted),
            2,
            null));
    self.tell(new PeerCommand.Rescan());

    awaitReport(firstThree);
    assertEquals(firstThree, held());
    assertTrue(overQuota());
  }

  @Test
  void aTrustedPeerHoldsEveryPinnedBlock() throws Exception {
    List<PinnedBlockBytes> blocks = otherHolds(6, 40);
    plan.set(
        new RegistryReply.PinPlan(
            pin(blocks, 0.01, List.of(peer(1))),
            Map.of(SELF.name(), PeerSettings.DEFAULT.withTrusted(true)),
            2,
            null));

    startPeer();

    List<BlockId> all = blocks.stream().map(PinnedBlockBytes::id).toList();
    awaitReport(all);
    assertEquals(all, held());
  }
}
