package jewel.persistence;

import static jewel.persistence.Fixtures.P1;
import static jewel.persistence.Fixtures.P10;
import static jewel.persistence.Fixtures.P2;
import static jewel.persistence.Fixtures.P3;
import static jewel.persistence.Fixtures.block;
import static jewel.persistence.Fixtures.merkleRoot;
import static jewel.persistence.Fixtures.name;
import static jewel.persistence.Fixtures.rooted;
import static jewel.persistence.Fixtures.sharded;
import static jewel.persistence.Fixtures.whole;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import jewel.api.BlockId;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.PeerId;
import jewel.api.PeerSettings;
import jewel.api.Pin;
import jewel.api.PinView;
import jewel.api.StoredBlock;
import jewel.protocol.PinnedBlock;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryEvent;
import jewel.protocol.RegistryReply;
import jewel.protocol.RegistryReply.Pins;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResult;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fractional pins in the registry: pins, the default fraction, per-peer settings, salts and Merkle
 * roots, and the pin plan peers compute their shares from. On the in-memory journal of {@link
 * EventSourcedBehaviorTestKit}, which round-trips every command, event and state through Jackson
 * CBOR.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(TestKitJUnit5Extension.class)
class RegistryPinsTest {

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withCustomConfig(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()))
          .build();

  private static final AtomicInteger IDS = new AtomicInteger();

  private EventSourcedBehaviorTestKit<RegistryCommand, RegistryEvent, RegistryState> registry;

  @BeforeEach
  void freshRegistry() {
    registry =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            Registry.create(
                PersistenceId.ofUniqueId("registry-pins-test-" + IDS.incrementAndGet())),
            EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  // ---------------------------------------------------------------- helpers

  /** A part of a holdings report, listed just now (after a fresh mark). */
  private void report(PeerId peer, BlockId after, BlockId upTo, List<BlockId> blocks) {
    long asOf =
        registry
            .<RegistryReply.HoldingsMark>runCommand(RegistryCommand.StartHoldingsReport::new)
            .reply()
            .asOf();
    registry.runCommand(new RegistryCommand.ReportHoldings(peer, after, upTo, blocks, asOf));
  }

  private FileEntry commit(FileEntry entry) {
    long upload = Fixtures.staged(registry, entry);
    registry.<StatusReply<RegistryReply.Committed>>runCommand(
        r -> Fixtures.commit(entry, upload, true, r));
    return registry.getState().entry(entry.name()).orElseThrow();
  }

  private CommandResultWithReply<RegistryCommand, RegistryEvent, RegistryState, StatusReply<Pins>>
      pin(String file, Pin pin) {
    return pin(name(file), pin);
  }

  private CommandResultWithReply<RegistryCommand, RegistryEvent, RegistryState, StatusReply<Pins>>
      pin(FileName file, Pin pin) {
    return registry.runCommand(r -> new RegistryCommand.SetPin(file, pin, r));
  }

  private CommandResultWithReply<RegistryCommand, RegistryEvent, RegistryState, StatusReply<Pins>>
      setDefault(double fraction) {
    return registry.runCommand(r -> new RegistryCommand.SetDefaultPin(fraction, r));
  }

  private Pins listPins() {
    var result = registry.<Pins>runCommand(r -> new RegistryCommand.ListPins(null, r));
    assertTrue(result.hasNoEvents());
    return result.reply();
  }

  private CommandResultWithReply<
          RegistryCommand, RegistryEvent, RegistryState, StatusReply<RegistryReply.PeerTable>>
      setPeer(PeerId peer, PeerSettings settings) {
    return registry.runCommand(r -> new RegistryCommand.SetPeerSettings(peer, settings, r));
  }

  private Map<String, PeerSettings> peerTable() {
    var result = registry.runCommand(RegistryCommand.GetPeerSettings::new);
    assertTrue(result.hasNoEvents());
    return result.reply().peers();
  }

  private RegistryReply.PinPlan plan() {
    var result =
        registry.<RegistryReply.PinPlan>runCommand(
            r -> new RegistryCommand.GetPinPlan(null, null, r));
    assertTrue(result.hasNoEvents());
    return result.reply();
  }

  private CommandResultWithReply<
          RegistryCommand, RegistryEvent, RegistryState, StatusReply<RegistryReply.Deleted>>
      delete(String file) {
    return registry.runCommand(r -> new RegistryCommand.Delete(name(file), r));
  }

  private CommandResult<RegistryCommand, RegistryEvent, RegistryState> bump(
      BlockId block, long from) {
    return registry.runCommand(
        new RegistryCommand.BumpSalt(block, from, "1 live holder, fewer than 2"));
  }

  private FileEntry found(String file) {
    return registry
        .<StatusReply<RegistryReply.LookedUp>>runCommand(
            r -> new RegistryCommand.Lookup(name(file), r))
        .reply()
        .getValue()
        .entry();
  }

  private static PinView view(String file, Pin pin, double fraction, long bytes) {
    return new PinView(name(file), pin, fraction, bytes);
  }

  private static long bytes(FileEntry entry) {
    return entry.blocks().stream().mapToLong(StoredBlock::length).sum();
  }

  /** Three shards of 100, 101 and 102 bytes: 303 bytes of blocks. */
  private static FileEntry threeShards(String file, PeerId... holders) {
    return rooted(
        sharded(
            file, file, List.of(block(file + "0"), block(file + "1"), block(file + "2")), holders));
  }

  // ---------------------------------------------------------------- pins

  @Test
  void pinSetChangedUnchangedAndRemoved() {
    FileEntry a = commit(threeShards("a.iso", P1));
    assertEquals(303, bytes(a));
    assertEquals(new Pins(List.of(), 0.5, null), listPins());

    Pin fifth = Pin.fraction(0.2);
    var set = pin("a.iso", fifth);
    assertEquals(List.of(new RegistryEvent.PinSet(name("a.iso"), fifth)), set.events());
    assertEquals(
        StatusReply.success(new Pins(List.of(view("a.iso", fifth, 0.2, 303)), 0.5, null)),
        set.reply());
    assertEquals(fifth, registry.getState().pin(name("a.iso")));

    // The same pin again: the same answer, nothing persisted.
    var again = pin("a.iso", Pin.fraction(0.2));
    assertTrue(again.hasNoEvents());
    assertEquals(set.reply(), again.reply());

    Pin third = Pin.fraction(0.3);
    var changed = pin("a.iso", third);
    assertEquals(List.of(new RegistryEvent.PinSet(name("a.iso"), third)), changed.events());
    assertEquals(new Pins(List.of(view("a.iso", third, 0.3, 303)), 0.5, null), listPins());

    // A null pin takes the file off its pin: the answer has no line for it.
    var removed = pin("a.iso", null);
    assertEquals(List.of(new RegistryEvent.PinSet(name("a.iso"), null)), removed.events());
    assertEquals(StatusReply.success(new Pins(List.of(), 0.5, null)), removed.reply());
    assertEquals(new Pins(List.of(), 0.5, null), listPins());
    assertNull(registry.getState().pin(name("a.iso")));

    var removedAgain = pin("a.iso", null);
    assertTrue(removedAgain.hasNoEvents());
    assertEquals(StatusReply.success(new Pins(List.of(), 0.5, null)), removedAgain.reply());
    assertTrue(registry.getState().pins().isEmpty());
  }

  @Test
  void pinOfAnUnknownFileIsNotFoundAndPersistsNothing() {
    commit(threeShards("a.iso", P1));
    RegistryState before = registry.getState();

    var unknown = pin("nope.iso", Pin.fraction(0.5));
    assertTrue(unknown.hasNoEvents());
    assertEquals(StatusReply.error("unknown file 'nope.iso' (try: ls)"), unknown.reply());

    var unknownUnpin = pin("nope.iso", null);
    assertTrue(unknownUnpin.hasNoEvents());
    assertEquals(StatusReply.error("unknown file 'nope.iso' (try: ls)"), unknownUnpin.reply());

    var noName = pin((FileName) null, Pin.fraction(0.5));
    assertTrue(noName.hasNoEvents());
    assertEquals(StatusReply.error("pin of no name: give a file name"), noName.reply());
    assertEquals(before, registry.getState());
  }

  @Test
  void theDefaultFractionMovesThePinsThatFollowIt() {
    commit(threeShards("a", P1));
    commit(threeShards("b", P2));
    commit(threeShards("c", P3));
    Pin follow = Pin.followDefault();
    Pin own = Pin.fraction(0.1);
    Pin limit = Pin.sizeLimit(101);
    pin("c", limit);
    pin("a", follow);
    pin("b", own);

    // Sorted by name; a follows the configured default.
    assertEquals(
        new Pins(
            List.of(
                view("a", follow, 0.5, 303),
                view("b", own, 0.1, 303),
                view("c", limit, 101.0 / 303, 303)),
            0.5,
            null),
        listPins());

    var changed = setDefault(0.25);
    assertEquals(List.of(new RegistryEvent.DefaultPinSet(0.25)), changed.events());
    Pins expected =
        new Pins(
            List.of(
                view("a", follow, 0.25, 303),
                view("b", own, 0.1, 303),
                view("c", limit, 101.0 / 303, 303)),
            0.25,
            null);
    assertEquals(StatusReply.success(expected), changed.reply());
    assertEquals(expected, listPins());
    assertEquals(
        0.25,
        plan().blocks().stream()
            .filter(b -> b.file().equals(name("a")))
            .findFirst()
            .orElseThrow()
            .fraction());

    // The same default again: nothing persisted.
    var again = setDefault(0.25);
    assertTrue(again.hasNoEvents());
    assertEquals(StatusReply.success(expected), again.reply());

    // A whole fraction is allowed.
    assertEquals(List.of(new RegistryEvent.DefaultPinSet(1.0)), setDefault(1.0).events());
    assertEquals(1.0, listPins().pins().get(0).effectiveFraction());
  }

  @Test
  void sizeLimitPinsDivideTheBytesOfTheFilesBlocks() {
    FileEntry a = commit(threeShards("a", P1));
    FileEntry small = commit(whole("small", "tiny", P1));
    assertEquals(4, bytes(small));

    Pin gigabyte = Pin.sizeLimit(1L << 30);
    Pin hundred = Pin.sizeLimit(100);
    assertEquals(
        new Pins(List.of(view("a", hundred, 100.0 / 303, 303)), 0.5, null),
        pin("a", hundred).reply().getValue());
    // A limit above the file's bytes holds all of it.
    assertEquals(
        new Pins(List.of(view("small", gigabyte, 1.0, 4)), 0.5, null),
        pin("small", gigabyte).reply().getValue());

    // Size-limit pins do not follow the default.
    setDefault(0.9);
    assertEquals(
        List.of(view("a", hundred, 100.0 / 303, 303), view("small", gigabyte, 1.0, 4)),
        listPins().pins());
    for (PinnedBlock b : plan().blocks()) {
      assertEquals(b.file().equals(name("a")) ? 100.0 / 303 : 1.0, b.fraction(), () -> "for " + b);
    }
    assertEquals(bytes(a), registry.getState().blockBytes(name("a")));
  }

  @Test
  void aBadDefaultFractionIsRefusedAndPersistsNothing() {
    commit(threeShards("a", P1));
    pin("a", Pin.followDefault());
    RegistryState before = registry.getState();

    for (double bad : new double[] {0, -0.1, 1.5, Double.NaN, Double.POSITIVE_INFINITY}) {
      var result = setDefault(bad);
      assertTrue(result.hasNoEvents(), () -> "for " + bad);
      assertEquals(
          StatusReply.error("a fraction must be in (0, 1], like 0.1 or 10%, not " + bad),
          result.reply());
    }
    assertEquals(
        StatusReply.error("a fraction must be in (0, 1], like 0.1 or 10%, not 1.5"),
        setDefault(1.5).reply());
    assertEquals(before, registry.getState());
    assertEquals(0.5, listPins().defaultFraction());
  }

  // ---------------------------------------------------------------- peer settings

  @Test
  void peerSettingsSetUnchangedAndReset() {
    assertEquals(Map.of(), peerTable());

    PeerSettings everything = PeerSettings.DEFAULT.withModifier(Double.POSITIVE_INFINITY);
    var set = setPeer(P2, everything);
    assertEquals(List.of(new RegistryEvent.PeerSettingsSet(P2, everything)), set.events());
    assertEquals(
        StatusReply.success(new RegistryReply.PeerTable(Map.of("peer-2", everything))),
        set.reply());

    var again = setPeer(P2, PeerSettings.DEFAULT.withModifier(Double.POSITIVE_INFINITY));
    assertTrue(again.hasNoEvents());
    assertEquals(set.reply(), again.reply());

    PeerSettings trustedWithQuota = PeerSettings.DEFAULT.withTrusted(true).withQuota(1L << 30);
    PeerSettings greylisted = PeerSettings.DEFAULT.withGreylisted(true);
    setPeer(P10, trustedWithQuota);
    setPeer(P1, greylisted);
    Map<String, PeerSettings> table = peerTable();
    assertEquals(
        Map.of("peer-1", greylisted, "peer-10", trustedWithQuota, "peer-2", everything), table);
    assertEquals(List.of("peer-1", "peer-10", "peer-2"), List.copyOf(table.keySet()));
    assertEquals(greylisted, registry.getState().peerSettings(P1));
    assertEquals(PeerSettings.DEFAULT, registry.getState().peerSettings(P3));

    // Back to the defaults (given, or as null): the peer leaves the table.
    var reset = setPeer(P1, PeerSettings.DEFAULT);
    assertEquals(
        List.of(new RegistryEvent.PeerSettingsSet(P1, PeerSettings.DEFAULT)), reset.events());
    assertEquals(
        StatusReply.success(
            new RegistryReply.PeerTable(Map.of("peer-10", trustedWithQuota, "peer-2", everything))),
        reset.reply());
    assertEquals(
        List.of(new RegistryEvent.PeerSettingsSet(P10, PeerSettings.DEFAULT)),
        setPeer(P10, null).events());
    assertTrue(setPeer(P3, PeerSettings.DEFAULT).hasNoEvents());
    assertEquals(Map.of("peer-2", everything), peerTable());

    var noPeer = setPeer(null, greylisted);
    assertTrue(noPeer.hasNoEvents());
    assertEquals(
        StatusReply.error("settings for no peer: name the peer, like peer-3"), noPeer.reply());
  }

  // ---------------------------------------------------------------- plan

  @Test
  void thePlanListsEveryPinnedBlockOnce() {
    BlockId a0 = block("a0"),
        shared = block("shared"),
        a2 = block("a2"),
        b1 = block("b1"),
        c0 = block("c0");
    FileEntry a = rooted(sharded("a", "a", List.of(a0, shared, a2), P3, P1, P10));
    FileEntry b = rooted(sharded("b", "b", List.of(b1, shared), P2));
    FileEntry c = rooted(sharded("c", "c", List.of(c0), P1)); // not pinned
    commit(a);
    commit(b);
    commit(c);
    pin("a", Pin.fraction(0.2));
    pin("b", Pin.fraction(0.6));
    bump(a0, 0);
    PeerSettings everything = PeerSettings.DEFAULT.withModifier(Double.POSITIVE_INFINITY);
    setPeer(P3, everything);

    RegistryReply.PinPlan plan = plan();
    // Every pinned block once, in id order; the shared block takes b's higher fraction.
    // Holders are the book's, in PeerId order.
    assertEquals(
        java.util.stream.Stream.of(
                new PinnedBlock(name("a"), a0, 100, 1, 0.2, List.of(P3), merkleRoot(a0), false),
                new PinnedBlock(
                    name("b"), shared, 101, 0, 0.6, List.of(P1, P2), merkleRoot(shared), false),
                new PinnedBlock(name("a"), a2, 102, 0, 0.2, List.of(P10), merkleRoot(a2), false),
                new PinnedBlock(name("b"), b1, 100, 0, 0.6, List.of(P2), merkleRoot(b1), false))
            .sorted(java.util.Comparator.comparing(PinnedBlock::id))
            .toList(),
        plan.blocks());
    assertNull(plan.next(), "one page");
    assertEquals(Map.of("peer-3", everything), plan.peers());
    assertEquals(2, plan.minHolders());

    // Now a asks for more than b: the shared block follows a.
    pin("b", Pin.fraction(0.1));
    PinnedBlock sharedNow =
        plan().blocks().stream().filter(p -> p.id().equals(shared)).findFirst().orElseThrow();
    assertEquals(
        new PinnedBlock(name("a"), shared, 101, 0, 0.2, List.of(P1, P2), merkleRoot(shared), false),
        sharedNow);

    // Reports move the holders the plan shows.
    report(P2, null, null, List.of(a0));
    Map<BlockId, PinnedBlock> blocks = new java.util.HashMap<>();
    plan().blocks().forEach(p -> blocks.put(p.id(), p));
    assertEquals(List.of(P2, P3), blocks.get(a0).holders());
    assertEquals(List.of(P1), blocks.get(shared).holders());

    // Without pins the plan is empty.
    pin("a", null);
    pin("b", null);
    assertEquals(List.of(), plan().blocks());
  }

  @Test
  void listingsComeInPagesThatCoverEverythingOnceInOrder() {
    // Enough pinned files, with holders, that no listing fits one page of the budget.
    PeerId[] many = new PeerId[40];
    for (int i = 0; i < many.length; i++) {
      many[i] = new PeerId("peer-" + (i + 1));
    }
    int files = 300;
    for (int i = 0; i < files; i++) {
      commit(
          rooted(
              sharded(
                  "f" + i, "f" + i, List.of(block("f" + i + "a"), block("f" + i + "b")), many)));
      pin("f" + i, Pin.fraction(0.5));
    }

    List<BlockId> planned = new java.util.ArrayList<>();
    int planPages = 0;
    BlockId afterBlock = null;
    do {
      BlockId from = afterBlock;
      RegistryReply.PinPlan page =
          registry
              .<RegistryReply.PinPlan>runCommand(r -> new RegistryCommand.GetPinPlan(from, null, r))
              .reply();
      page.blocks().forEach(b -> planned.add(b.id()));
      afterBlock = page.next();
      planPages++;
    } while (afterBlock != null);
    assertTrue(planPages > 1, "the plan took " + planPages + " page");
    assertEquals(2 * files, planned.size());
    assertEquals(
        new java.util.TreeSet<>(planned).stream().toList(), planned, "ascending, no block twice");

    List<FileName> listed = new java.util.ArrayList<>();
    int filePages = 0;
    FileName afterFile = null;
    do {
      FileName from = afterFile;
      RegistryReply.Listing page =
          registry
              .<RegistryReply.Listing>runCommand(r -> new RegistryCommand.ListFiles(from, null, r))
              .reply();
      page.files().forEach(f -> listed.add(f.name()));
      afterFile = page.next();
      filePages++;
    } while (afterFile != null);
    assertTrue(filePages > 1, "the index took " + filePages + " page");
    assertEquals(files, listed.size());
    assertEquals(new java.util.TreeSet<>(listed).stream().toList(), listed);

    // Past the end: an empty last page.
    RegistryReply.Listing beyond =
        registry
            .<RegistryReply.Listing>runCommand(
                r -> new RegistryCommand.ListFiles(name("zzz"), null, r))
            .reply();
    assertEquals(List.of(), beyond.files());
    assertNull(beyond.next());
  }

  @Test
  void aHoldingsReportIsTheTruthOnlyInTheRangeItCovers() {
    BlockId x = block("x");
    BlockId y = block("y");
    BlockId low = x.compareTo(y) < 0 ? x : y;
    BlockId high = low.equals(x) ? y : x;
    commit(sharded("f", "f", List.of(low, high), P1));

    // The first part, up to `low`, says P1 holds nothing there: `high` keeps P1.
    report(P1, null, low, List.of());
    assertEquals(List.of(), registry.getState().holders(low));
    assertEquals(List.of(P1), registry.getState().holders(high));
    // A block outside the part's range is ignored: P2 does not become a holder of `high`.
    report(P2, null, low, List.of(low, high));
    assertEquals(List.of(P2), registry.getState().holders(low));
    assertEquals(List.of(P1), registry.getState().holders(high));
    // The last part, after `low`.
    report(P1, low, null, List.of());
    assertEquals(List.of(), registry.getState().holders(high));
  }

  @Test
  void aPlanBlockThatAnUnpinnedFileUsesTooSaysSo() {
    BlockId own = block("own"), shared = block("shared");
    commit(rooted(sharded("pinned", "pinned", List.of(own, shared), P1)));
    commit(rooted(sharded("plain", "plain", List.of(shared), P2)));
    pin("pinned", Pin.fraction(0.5));
    Map<BlockId, Boolean> used = new java.util.HashMap<>();
    plan().blocks().forEach(b -> used.put(b.id(), b.usedUnpinned()));
    assertEquals(Map.of(own, false, shared, true), used);

    pin("plain", Pin.fraction(0.5)); // now both files are pinned
    plan().blocks().forEach(b -> assertFalse(b.usedUnpinned(), b.toString()));
  }

  @Test
  void aPlanBlockWithoutARootSaysSo() {
    BlockId x = block("x");
    commit(sharded("plain", "plain", List.of(x), P1));
    pin("plain", Pin.followDefault());
    assertEquals(
        List.of(new PinnedBlock(name("plain"), x, 100, 0, 0.5, List.of(P1), null, false)),
        plan().blocks());
  }

  // ---------------------------------------------------------------- salts

  @Test
  void aSaltIsBumpedOnlyFromItsCurrentValue() {
    BlockId a0 = block("a0"), a1 = block("a1");
    commit(rooted(sharded("a", "a", List.of(a0, a1), P1)));
    pin("a", Pin.fraction(0.5));
    assertEquals(0, registry.getState().salt(a0));

    var first = bump(a0, 0);
    assertEquals(
        List.of(new RegistryEvent.SaltBumped(a0, 1, "1 live holder, fewer than 2")),
        first.events());
    assertEquals(1, registry.getState().salt(a0));

    // A second scan that saw salt 0 too is too late: ignored.
    assertTrue(bump(a0, 0).hasNoEvents());
    // From a salt the block never had: ignored.
    assertTrue(bump(a0, 7).hasNoEvents());
    assertEquals(1, registry.getState().salt(a0));

    assertEquals(
        List.of(new RegistryEvent.SaltBumped(a0, 2, "1 live holder, fewer than 2")),
        bump(a0, 1).events());
    assertEquals(List.of(2L, 0L), plan().blocks().stream().map(PinnedBlock::salt).toList());

    // Unknown blocks and a bump without a block change nothing.
    assertTrue(bump(block("unknown"), 0).hasNoEvents());
    assertTrue(registry.runCommand(new RegistryCommand.BumpSalt(null, 0, "?")).hasNoEvents());
    assertEquals(Map.of(a0.hex(), 2L), registry.getState().salts());
  }

  // ---------------------------------------------------------------- merkle roots

  @Test
  void lookupsCarryTheFirstMerkleRootOfEachBlock() {
    BlockId s0 = block("s0"), shared = block("shared"), t1 = block("t1");
    FileEntry s = rooted(sharded("s", "s", List.of(s0, shared), P1));
    assertEquals(s, commit(s));
    assertEquals(s, found("s"));

    // Another file claims another root for the shared block, and brings one block without a root.
    FileEntry t = sharded("t", "t", List.of(shared, t1), P2);
    t = t.withBlocks(List.of(t.blocks().get(0).withMerkleRoot("other"), t.blocks().get(1)));
    FileEntry tBack = commit(t);
    assertEquals(merkleRoot(shared), tBack.blocks().get(0).merkleRoot());
    assertNull(tBack.blocks().get(1).merkleRoot());

    // A later commit that brings t1's root records it.
    commit(rooted(sharded("u", "u", List.of(t1), P3)));
    assertEquals(merkleRoot(t1), found("t").blocks().get(1).merkleRoot());

    var listing =
        registry
            .<RegistryReply.Listing>runCommand(r -> new RegistryCommand.ListFiles(null, null, r))
            .reply();
    for (FileEntry f : listing.files()) {
      for (StoredBlock b : f.blocks()) {
        assertEquals(merkleRoot(b.id()), b.merkleRoot(), () -> "in " + f.name());
      }
    }
  }

  // ---------------------------------------------------------------- deletes

  @Test
  void deleteForgetsThePinAndTheBlocksItAlonePinned() {
    BlockId a0 = block("a0"), shared = block("shared"), b1 = block("b1");
    commit(rooted(sharded("a", "a", List.of(a0, shared), P1)));
    commit(rooted(sharded("b", "b", List.of(b1, shared), P2)));
    pin("a", Pin.fraction(0.3));
    pin("b", Pin.followDefault());
    bump(a0, 0);
    bump(shared, 0);
    bump(b1, 0);

    var deleted = delete("a");
    assertEquals(List.of(new RegistryEvent.FileDeleted(name("a"))), deleted.events());
    RegistryState state = registry.getState();
    assertEquals(List.of(name("b")), listPins().pins().stream().map(PinView::name).toList());
    assertEquals(Map.of(shared.hex(), 1L, b1.hex(), 1L), state.salts());
    assertEquals(
        Map.of(shared.hex(), merkleRoot(shared), b1.hex(), merkleRoot(b1)), state.merkleRoots());

    // A file stored again under the name starts without a pin; its block starts from salt 0.
    commit(rooted(sharded("a", "a", List.of(a0, shared), P1)));
    assertNull(registry.getState().pin(name("a")));
    assertEquals(0, registry.getState().salt(a0));

    delete("a");
    delete("b");
    assertEquals(RegistryState.empty(), registry.getState());
  }

  @Test
  void replaceKeepsThePinAndForgetsTheReplacedBlocks() {
    BlockId old0 = block("old0"), kept = block("kept"), new1 = block("new1");
    commit(rooted(sharded("f", "old", List.of(old0, kept), P1)));
    Pin pin = Pin.sizeLimit(101);
    pin("f", pin);
    bump(old0, 0);
    bump(kept, 0);

    commit(rooted(sharded("f", "new", List.of(new1, kept), P2)));
    RegistryState state = registry.getState();
    assertEquals(pin, state.pin(name("f")));
    assertEquals(Map.of(kept.hex(), 1L), state.salts());
    assertEquals(
        Map.of(kept.hex(), merkleRoot(kept), new1.hex(), merkleRoot(new1)), state.merkleRoots());
    // The new blocks are 100 + 101 bytes.
    assertEquals(List.of(view("f", pin, 101.0 / 201, 201)), listPins().pins());
  }

  // ---------------------------------------------------------------- recovery

  @Test
  void restartRebuildsPinsSaltsRootsAndPeerSettings() {
    BlockId a0 = block("a0"), shared = block("shared"), b1 = block("b1");
    commit(rooted(sharded("a", "a", List.of(a0, shared), P1, P2)));
    commit(rooted(sharded("b", "b", List.of(b1, shared), P3)));
    commit(rooted(whole("gone", "gone", P1)));
    pin("a", Pin.fraction(0.3));
    pin("b", Pin.followDefault());
    pin("gone", Pin.sizeLimit(1000));
    setDefault(0.7);
    bump(a0, 0);
    bump(a0, 1);
    bump(b1, 0);
    setPeer(P2, PeerSettings.DEFAULT.withQuota(5000));
    setPeer(P3, PeerSettings.DEFAULT.withModifier(Double.POSITIVE_INFINITY).withGreylisted(true));
    delete("gone");

    RegistryState before = registry.getState();
    RegistryReply.PinPlan planBefore = plan();
    Pins pinsBefore = listPins();
    Map<String, PeerSettings> peersBefore = peerTable();
    FileEntry aBefore = found("a");
    assertEquals(3, planBefore.blocks().size());
    assertEquals(0.7, pinsBefore.defaultFraction());
    assertFalse(before.pins().containsKey("gone"));

    var restarted = registry.restart();

    assertEquals(before, restarted.state());
    assertEquals(planBefore, plan());
    assertEquals(pinsBefore, listPins());
    assertEquals(peersBefore, peerTable());
    assertEquals(aBefore, found("a"));
    assertEquals(2, registry.getState().salt(a0));
    assertEquals(merkleRoot(b1), registry.getState().merkleRoot(b1));
    assertEquals(
        StatusReply.error("unknown file 'gone' (try: ls)"), pin("gone", Pin.fraction(0.5)).reply());
    assertEquals(new FileName("a"), planBefore.blocks().get(0).file());
  }
}
