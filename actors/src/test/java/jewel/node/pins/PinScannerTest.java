package jewel.node.pins;

import static jewel.node.pins.PinFixtures.peer;
import static jewel.node.pins.PinFixtures.pinned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import jewel.api.BlockId;
import jewel.api.PeerId;
import jewel.api.PeerSettings;
import jewel.node.PeerDirectory.LivePeer;
import jewel.node.TestConfig;
import jewel.node.pins.PinScanner.State;
import jewel.placement.FractionalPin;
import jewel.protocol.DataAddress;
import jewel.protocol.PeerCommand;
import jewel.protocol.PeerReply;
import jewel.protocol.PinnedBlock;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryReply.PinPlan;
import jewel.schemes.audit.MerkleTree;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The availability rule, and the scanner against a registry and peers that are test probes. */
class PinScannerTest {
  private static final ActorTestKit kit = ActorTestKit.create(TestConfig.local());
  private static final DataAddress NOWHERE = new DataAddress("127.0.0.1", 1);
  private static final List<PeerId> FOUR = List.of(peer(1), peer(2), peer(3), peer(4));
  private static final byte[] BIG = PinFixtures.randomBytes(2 * MerkleTree.CHUNK + 100, 9);
  private static final BlockId BIG_ID =
      PinFixtures.id("the big block"); // audits only need the root

  private final Map<PeerId, TestProbe<PeerCommand>> probes = new TreeMap<>();
  private final AtomicReference<Map<PeerId, LivePeer>> live = new AtomicReference<>();
  private TestProbe<RegistryCommand> registry;

  @BeforeEach
  void peers() {
    registry = kit.createTestProbe();
    Map<PeerId, LivePeer> peers = new TreeMap<>();
    for (PeerId p : FOUR) {
      TestProbe<PeerCommand> probe = kit.createTestProbe();
      probes.put(p, probe);
      peers.put(p, PinFixtures.live(p, probe.getRef(), NOWHERE, false));
    }
    live.set(peers);
  }

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  /**
   * The first block id whose expected holders among the four live peers (fraction 0.5, salt 0) pass
   * {@code test}.
   */
  private static BlockId find(Predicate<List<PeerId>> test) {
    return find(0, test);
  }

  private static BlockId find(long salt, Predicate<List<PeerId>> test) {
    for (int i = 0; ; i++) {
      BlockId id = PinFixtures.id("block " + i);
      if (test.test(FractionalPin.holders(id, salt, 0.5, FOUR))) {
        return id;
      }
    }
  }

  private static List<PeerId> expected(BlockId id) {
    return FractionalPin.holders(id, 0, 0.5, FOUR);
  }

  private static List<PeerId> notExpected(BlockId id) {
    List<PeerId> out = new ArrayList<>(FOUR);
    out.removeAll(expected(id));
    return out;
  }

  private State stateOf(BlockId id, List<PeerId> holders, Map<String, PeerSettings> settings) {
    PinPlan plan = new PinPlan(List.of(pinned(id, 10, 0, 0.5, holders, null)), settings, 2, null);
    PlanView view = PlanView.of(plan);
    return PinScanner.availability(view.block(id), view, live.get()).state();
  }

  @Test
  void theAvailabilityRule() {
    BlockId two = find(e -> e.size() == 2);
    BlockId one = find(e -> e.size() == 1);
    List<PeerId> twoExpected = expected(two);
    PeerId outsider = notExpected(two).get(0);

    assertEquals(State.HEALTHY, stateOf(two, twoExpected, Map.of()));
    // Only one live holder, but two live peers will fetch it: wait for them.
    assertEquals(State.WAITING, stateOf(two, List.of(outsider), Map.of()));
    // The formula picks one live peer: a new salt, whether one or two peers hold it now.
    assertEquals(State.BUMP, stateOf(one, List.of(notExpected(one).get(0)), Map.of()));
    assertEquals(State.BUMP, stateOf(one, notExpected(one).subList(0, 2), Map.of()));
    // Its holders are all dead: nobody to copy from, a new salt cannot help.
    assertEquals(State.NO_COPY, stateOf(two, List.of(peer(9)), Map.of()));
    // A greylisted expected holder does not count: one left.
    assertEquals(
        State.BUMP,
        stateOf(
            two,
            twoExpected,
            Map.of(twoExpected.get(1).name(), PeerSettings.DEFAULT.withGreylisted(true))));
    // A trusted peer is always expected.
    assertEquals(
        State.HEALTHY,
        stateOf(
            one,
            List.of(expected(one).get(0), outsider(one)),
            Map.of(outsider(one).name(), PeerSettings.DEFAULT.withTrusted(true))));

    // Both expected peers have a quota it does not fit: they will not keep it.
    Map<String, PeerSettings> full = new TreeMap<>();
    twoExpected.forEach(p -> full.put(p.name(), PeerSettings.DEFAULT.withQuota(5)));
    assertEquals(State.BUMP, stateOf(two, List.of(outsider), full));
    // ... nor count as keeping it where they hold it.
    assertEquals(State.BUMP, stateOf(two, twoExpected, full));
    Map<String, PeerSettings> roomy = new TreeMap<>();
    twoExpected.forEach(p -> roomy.put(p.name(), PeerSettings.DEFAULT.withQuota(10)));
    assertEquals(State.HEALTHY, stateOf(two, twoExpected, roomy));

    // One live peer cannot give any block two holders, whatever the salt.
    live.set(Map.of(outsider, live.get().get(outsider)));
    assertEquals(State.TOO_FEW_PEERS, stateOf(two, List.of(outsider), Map.of()));
  }

  private static PeerId outsider(BlockId id) {
    return notExpected(id).get(0);
  }

  /** Answers the scanner's next looks at the live peers, in order; once empty, {@link #live}. */
  private final java.util.concurrent.ConcurrentLinkedQueue<Map<PeerId, LivePeer>> nextLive =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  private ActorRef<PinScanner.Command> scanner(PinSettings settings) {
    LivePeers peers =
        () -> {
          Map<PeerId, LivePeer> next = nextLive.poll();
          return java.util.concurrent.CompletableFuture.completedFuture(
              next != null ? next : live.get());
        };
    return kit.spawn(PinScanner.create(settings, registry.getRef(), peers, false));
  }

  private void answerPlan(PinPlan plan) {
    registry.expectMessageClass(RegistryCommand.GetPinPlan.class).replyTo().tell(plan);
  }

  @Test
  void bumpsTheSaltOfBlocksTheFormulaGivesTooFewLivePeersAndNoOthers() {
    BlockId healthy = find(e -> e.size() >= 2);
    BlockId waiting = find(e -> e.size() >= 2 && !e.contains(peer(1)));
    BlockId lost = find(e -> e.size() == 0);
    long salt = 3; // a bumped block names the salt it is bumped from
    BlockId tooFew = find(3, e -> e.size() <= 1 && !e.contains(peer(1)));
    PinPlan plan =
        new PinPlan(
            List.of(
                pinned(healthy, 10, 0, 0.5, expected(healthy), null),
                pinned(waiting, 10, 0, 0.5, List.of(peer(1)), null),
                pinned(tooFew, 10, salt, 0.5, List.of(peer(1)), null),
                pinned(lost, 10, 0, 0.5, List.of(peer(8)), null)),
            Map.of(),
            2,
            null);

    ActorRef<PinScanner.Command> scanner = scanner(PinFixtures.settings());
    scanner.tell(new PinScanner.Scan());
    answerPlan(plan);

    // Straight to the first salt under which two live peers hold it, one bump per salt skipped.
    long to = salt + 1;
    while (FractionalPin.holders(tooFew, to, 0.5, FOUR).size() < 2) {
      to++;
    }
    for (long from = salt; from < to; from++) {
      RegistryCommand.BumpSalt bump = registry.expectMessageClass(RegistryCommand.BumpSalt.class);
      assertEquals(tooFew, bump.block());
      assertEquals(from, bump.fromSalt());
      assertTrue(bump.reason().startsWith("only 1 live holders"), bump.reason());
    }
    for (TestProbe<PeerCommand> p : probes.values()) {
      p.expectMessage(new PeerCommand.Rescan());
    }
    registry.expectNoMessage(Duration.ofMillis(200));
    kit.stop(scanner);
  }

  @Test
  void aBlockWaitingForItsHoldersLongerThanTheGraceGetsNewOnes() {
    BlockId waiting = find(e -> e.size() >= 2 && !e.contains(peer(1)));
    PinPlan plan =
        new PinPlan(
            List.of(pinned(waiting, 10, 0, 0.5, List.of(peer(1)), null)), Map.of(), 2, null);
    PinSettings s = PinFixtures.settings();
    PinSettings noGrace =
        new PinSettings(
            s.rescanInterval(),
            s.fetchConcurrency(),
            s.scanInterval(),
            s.settleAfterChange(),
            Duration.ZERO,
            0,
            2,
            s.auditFailureMemory(),
            s.auditTimeout(),
            s.auditMinReadRate(),
            s.askTimeout());

    ActorRef<PinScanner.Command> scanner = scanner(noGrace);
    scanner.tell(new PinScanner.Scan());
    answerPlan(plan);

    RegistryCommand.BumpSalt bump = registry.expectMessageClass(RegistryCommand.BumpSalt.class);
    assertEquals(waiting, bump.block());
    assertTrue(bump.reason().contains("did not fetch it within"), bump.reason());
    kit.stop(scanner);
  }

  @Test
  void tellsPeersThatAreBehindToRescanAndNoOthers() {
    // Held by its two expected peers and by an outsider, which may now drop it.
    BlockId excess = find(e -> e.size() == 2 && e.contains(peer(1)));
    PeerId dropper = outsider(excess);
    // Held only by peer-1, outside its expected holders: they lack it while it waits for them.
    BlockId waiting = find(e -> e.size() == 2 && !e.contains(peer(1)));
    List<PeerId> holdersOfExcess = new ArrayList<>(expected(excess));
    holdersOfExcess.add(dropper);
    PinPlan plan =
        new PinPlan(
            List.of(
                pinned(excess, 10, 0, 0.5, holdersOfExcess, null),
                pinned(waiting, 10, 0, 0.5, List.of(peer(1)), null)),
            Map.of(),
            2,
            null);

    ActorRef<PinScanner.Command> scanner = scanner(PinFixtures.settings());
    scanner.tell(new PinScanner.Scan());
    answerPlan(plan);

    Set<PeerId> behind = new java.util.TreeSet<>(expected(waiting));
    behind.add(dropper);
    for (PeerId p : FOUR) {
      if (behind.contains(p)) {
        probes.get(p).expectMessage(new PeerCommand.Rescan());
      } else {
        probes.get(p).expectNoMessage(Duration.ofMillis(100));
      }
    }
    registry.expectNoMessage(Duration.ofMillis(100)); // no salt moves
    kit.stop(scanner);
  }

  @Test
  void aPeerWithNothingToDoIsNotBehind() {
    BlockId b = find(e -> e.size() == 2);
    List<PeerId> keepers = expected(b);
    PeerId outsider = outsider(b);
    List<PeerId> holders = new ArrayList<>(keepers);
    holders.add(outsider);
    // A greylisted keeper keeps its share: nothing to drop. A block an unpinned file uses
    // too stays with every holder. Neither is a reason to rescan.
    PeerId greylisted = keepers.get(0);
    Map<String, PeerSettings> settings =
        Map.of(
            greylisted.name(),
            PeerSettings.DEFAULT.withGreylisted(true),
            outsider.name(),
            PeerSettings.DEFAULT.withTrusted(true));
    PlanView view =
        PlanView.of(new PinPlan(List.of(pinned(b, 10, 0, 0.5, holders, null)), settings, 2, null));
    Set<PeerId> behind = new java.util.TreeSet<>();
    PinScanner.behind(
        view.block(b),
        PinScanner.availability(view.block(b), view, live.get()),
        view,
        live.get(),
        behind);
    assertEquals(Set.of(), behind);

    PinnedBlock shared = new PinnedBlock(PinFixtures.PINNED, b, 10, 0, 0.5, holders, null, true);
    view = PlanView.of(new PinPlan(List.of(shared), Map.of(), 2, null));
    PinScanner.behind(
        view.block(b),
        PinScanner.availability(view.block(b), view, live.get()),
        view,
        live.get(),
        behind);
    assertEquals(Set.of(), behind);
  }

  // ---------------------------------------------------------------- audits

  private static PinSettings auditing(Duration timeout) {
    return auditing(Duration.ofHours(1), timeout, Long.MAX_VALUE);
  }

  /** Audits of every pair, 2 failures to greylist, each counting for {@code memory}. */
  private static PinSettings auditing(Duration memory, Duration timeout, long minReadRate) {
    PinSettings s = PinFixtures.settings();
    return new PinSettings(
        s.rescanInterval(),
        s.fetchConcurrency(),
        s.scanInterval(),
        s.settleAfterChange(),
        s.fetchGrace(),
        10,
        2,
        memory,
        timeout,
        minReadRate,
        s.askTimeout());
  }

  /** BIG pinned on peer-1 and peer-2 (listed), every peer trusted so that nothing is bumped. */
  private static PinPlan auditedPlan(List<PeerId> holders) {
    Map<String, PeerSettings> trusted = new TreeMap<>();
    FOUR.forEach(p -> trusted.put(p.name(), PeerSettings.DEFAULT.withTrusted(true)));
    PinnedBlock b = pinned(BIG_ID, BIG.length, 0, 0.5, holders, MerkleTree.rootHex(BIG));
    return new PinPlan(List.of(b), trusted, 2, null);
  }

  private enum Answer {
    HONEST,
    WRONG,
    REFUSE,
    SILENT
  }

  private void answerAudit(PeerId peer, Answer answer) {
    answer(probes.get(peer).expectMessageClass(PeerCommand.Audit.class), peer, answer);
  }

  private static void answer(PeerCommand.Audit a, PeerId peer, Answer answer) {
    assertEquals(BIG_ID, a.block());
    List<byte[]> leaves = new MerkleTree.Builder().update(BIG).leaves();
    int from = a.chunk() * MerkleTree.CHUNK;
    byte[] chunk =
        java.util.Arrays.copyOfRange(BIG, from, Math.min(BIG.length, from + MerkleTree.CHUNK));
    switch (answer) {
      case HONEST ->
          a.replyTo()
              .tell(
                  StatusReply.success(
                      new PeerReply.AuditProof(
                          peer, BIG_ID, a.chunk(), chunk, MerkleTree.path(leaves, a.chunk()))));
      case WRONG -> {
        chunk[0] ^= 1;
        a.replyTo()
            .tell(
                StatusReply.success(
                    new PeerReply.AuditProof(
                        peer, BIG_ID, a.chunk(), chunk, MerkleTree.path(leaves, a.chunk()))));
      }
      case REFUSE -> a.replyTo().tell(StatusReply.error("no such block"));
      case SILENT -> {}
    }
  }

  private void expectGreylisting(PeerId peer) {
    RegistryCommand.SetPeerSettings set =
        registry.expectMessageClass(RegistryCommand.SetPeerSettings.class);
    assertEquals(peer, set.peer());
    assertTrue(set.settings().greylisted());
    assertTrue(set.settings().trusted(), "the other settings stay as they were");
  }

  @Test
  void aPeerWhoseProofsAreWrongIsGreylistedAfterTwoFailures() {
    PinPlan plan = auditedPlan(List.of(peer(1), peer(2)));
    ActorRef<PinScanner.Command> scanner = scanner(auditing(Duration.ofSeconds(3)));

    for (int scan = 1; scan <= 2; scan++) {
      scanner.tell(new PinScanner.Scan());
      answerPlan(plan);
      answerAudit(peer(1), Answer.HONEST);
      answerAudit(peer(2), Answer.WRONG);
    }

    expectGreylisting(peer(2));
    registry.expectNoMessage(Duration.ofMillis(200));
    kit.stop(scanner);
  }

  /** One scan: peer-1 answers honestly, peer-2 as {@code answer}. */
  private void auditScan(ActorRef<PinScanner.Command> scanner, PinPlan plan, Answer answer) {
    scanner.tell(new PinScanner.Scan());
    answerPlan(plan);
    answerAudit(peer(1), Answer.HONEST);
    answerAudit(peer(2), answer);
  }

  @Test
  void aPassedAuditForgivesAnEarlierFailure() {
    PinPlan plan = auditedPlan(List.of(peer(1), peer(2)));
    ActorRef<PinScanner.Command> scanner = scanner(auditing(Duration.ofSeconds(3)));

    auditScan(scanner, plan, Answer.WRONG);
    auditScan(scanner, plan, Answer.HONEST); // forgives that failure
    auditScan(scanner, plan, Answer.WRONG);
    registry.expectNoMessage(Duration.ofMillis(300));

    auditScan(scanner, plan, Answer.WRONG); // two failures count at once
    expectGreylisting(peer(2));
    kit.stop(scanner);
  }

  @Test
  void aFailureIsForgottenAfterTheMemory() throws InterruptedException {
    PinPlan plan = auditedPlan(List.of(peer(1), peer(2)));
    Duration memory = Duration.ofSeconds(2);
    ActorRef<PinScanner.Command> scanner =
        scanner(auditing(memory, Duration.ofSeconds(3), Long.MAX_VALUE));

    auditScan(scanner, plan, Answer.WRONG);
    Thread.sleep(memory.toMillis() + 300);
    auditScan(scanner, plan, Answer.WRONG); // the first no longer counts
    registry.expectNoMessage(Duration.ofMillis(300));

    auditScan(scanner, plan, Answer.WRONG); // within the memory of the second
    expectGreylisting(peer(2));
    kit.stop(scanner);
  }

  @Test
  void aHolderHasTimeToReadALargeBlockWhole() throws InterruptedException {
    PinPlan plan = auditedPlan(List.of(peer(1), peer(2)));
    // 300 ms, plus BIG (128 KiB and a little) at 64 KiB/s: 2 s more.
    ActorRef<PinScanner.Command> scanner =
        scanner(auditing(Duration.ofHours(1), Duration.ofMillis(300), MerkleTree.CHUNK));
    for (int scan = 1; scan <= 2; scan++) {
      scanner.tell(new PinScanner.Scan());
      answerPlan(plan);
      answerAudit(peer(1), Answer.HONEST);
      PeerCommand.Audit slow = probes.get(peer(2)).expectMessageClass(PeerCommand.Audit.class);
      Thread.sleep(1000); // reading the whole block, longer than the 300 ms alone
      answer(slow, peer(2), Answer.HONEST);
    }
    registry.expectNoMessage(Duration.ofMillis(500));
    kit.stop(scanner);
  }

  @Test
  void theTimeToAnswerAnAuditGrowsWithTheBlock() {
    PinSettings s = auditing(Duration.ofHours(1), Duration.ofSeconds(10), 10L << 20);
    assertEquals(Duration.ofSeconds(10), s.auditTimeout(0));
    assertEquals(Duration.ofMillis(10_001), s.auditTimeout(1)); // rounded up
    assertEquals(Duration.ofSeconds(11), s.auditTimeout(10L << 20));
    assertEquals(
        Duration.ofMillis(10_000 + 102_400), s.auditTimeout(1L << 30)); // 1 GiB at 10 MiB/s
  }

  @Test
  void refusalsCountOnlyWhileTheBookListsTheBlockAndSilenceOnlyWhileThePeerIsLive() {
    PinPlan listed = auditedPlan(List.of(peer(1), peer(2)));
    PinPlan dropped = auditedPlan(List.of(peer(2))); // peer-1 dropped it and said so meanwhile
    Map<PeerId, LivePeer> all = live.get();
    Map<PeerId, LivePeer> withoutPeer2 = new TreeMap<>(all);
    withoutPeer2.remove(peer(2));
    ActorRef<PinScanner.Command> scanner = scanner(auditing(Duration.ofMillis(300)));

    // Forgiven: peer-1 no longer listed, peer-2 gone by the time the audits are judged.
    for (int scan = 1; scan <= 2; scan++) {
      nextLive.add(all);
      nextLive.add(withoutPeer2); // the second look, after the audits
      scanner.tell(new PinScanner.Scan());
      answerPlan(listed);
      answerAudit(peer(1), Answer.REFUSE);
      answerAudit(peer(2), Answer.SILENT);
      answerPlan(dropped);
    }
    registry.expectNoMessage(Duration.ofMillis(200));

    // Counted: still listed, still live.
    nextLive.clear();
    for (int scan = 1; scan <= 2; scan++) {
      scanner.tell(new PinScanner.Scan());
      answerPlan(listed);
      answerAudit(peer(1), Answer.REFUSE);
      answerAudit(peer(2), Answer.SILENT);
      answerPlan(listed);
    }
    Set<PeerId> greylisted = new java.util.HashSet<>();
    for (int i = 0; i < 2; i++) {
      RegistryCommand.SetPeerSettings set =
          registry.expectMessageClass(RegistryCommand.SetPeerSettings.class);
      assertTrue(set.settings().greylisted() && set.settings().trusted());
      greylisted.add(set.peer());
    }
    assertEquals(Set.of(peer(1), peer(2)), greylisted);
    kit.stop(scanner);
  }
}
