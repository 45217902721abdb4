package jewel.persistence;

import static jewel.persistence.Fixtures.P1;
import static jewel.persistence.Fixtures.P10;
import static jewel.persistence.Fixtures.P2;
import static jewel.persistence.Fixtures.P3;
import static jewel.persistence.Fixtures.block;
import static jewel.persistence.Fixtures.ids;
import static jewel.persistence.Fixtures.name;
import static jewel.persistence.Fixtures.sharded;
import static jewel.persistence.Fixtures.whole;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import jewel.api.BlockId;
import jewel.api.BlockLayout;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.PeerId;
import jewel.api.SchemeSpec;
import jewel.api.StoredBlock;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryEvent;
import jewel.protocol.RegistryReply;
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
 * The registry's commands, events and state on the in-memory journal of {@link
 * EventSourcedBehaviorTestKit}, which also round-trips every command, event and state through its
 * serializer (Jackson CBOR) and checks the copy is equal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(TestKitJUnit5Extension.class)
class RegistryTest {

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
            Registry.create(PersistenceId.ofUniqueId("registry-test-" + IDS.incrementAndGet())),
            EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  // ---------------------------------------------------------------- helpers

  private CommandResultWithReply<
          RegistryCommand, RegistryEvent, RegistryState, StatusReply<RegistryReply.Committed>>
      commit(FileEntry entry, boolean replace) {
    if (entry == null) {
      return registry.runCommand(replyTo -> new RegistryCommand.Commit(null, 0, 0, false, replyTo));
    }
    long upload = Fixtures.staged(registry, entry);
    var result =
        registry.<StatusReply<RegistryReply.Committed>>runCommand(
            replyTo -> Fixtures.commit(entry, upload, replace, replyTo));
    registry.runCommand(new RegistryCommand.CloseUpload(upload)); // as the store does, after it
    return result;
  }

  private RegistryReply.Committed committed(FileEntry entry, boolean replace) {
    var result = commit(entry, replace);
    assertEquals(List.of(new RegistryEvent.FileCommitted(entry)), result.events());
    return result.reply().getValue();
  }

  private RegistryReply.LookedUp lookup(String file) {
    return registry
        .<StatusReply<RegistryReply.LookedUp>>runCommand(
            replyTo -> new RegistryCommand.Lookup(name(file), replyTo))
        .reply()
        .getValue();
  }

  private FileEntry found(String file) {
    RegistryReply.LookedUp reply = lookup(file);
    assertNotNull(reply.entry(), () -> "expected an entry, got " + reply);
    assertNull(reply.next(), "a small file's blocks come in one page");
    return reply.entry();
  }

  private CommandResultWithReply<
          RegistryCommand, RegistryEvent, RegistryState, StatusReply<RegistryReply.Deleted>>
      delete(String file) {
    return registry.runCommand(replyTo -> new RegistryCommand.Delete(name(file), replyTo));
  }

  /** The registry's mark, as a peer asks for it before it lists its blocks. */
  private long mark() {
    return registry
        .<RegistryReply.HoldingsMark>runCommand(RegistryCommand.StartHoldingsReport::new)
        .reply()
        .asOf();
  }

  /** A report of {@code blocks}, listed just now (after a fresh mark). */
  private CommandResult<RegistryCommand, RegistryEvent, RegistryState> report(
      PeerId peer, BlockId... blocks) {
    return report(peer, mark(), blocks);
  }

  /** A report of {@code blocks}, listed after the registry handed out the mark {@code asOf}. */
  private CommandResult<RegistryCommand, RegistryEvent, RegistryState> report(
      PeerId peer, long asOf, BlockId... blocks) {
    return registry.runCommand(
        new RegistryCommand.ReportHoldings(peer, null, null, List.of(blocks), asOf));
  }

  private static List<PeerId> holders(FileEntry entry, int index) {
    return entry.blocks().get(index).holders();
  }

  // ---------------------------------------------------------------- index

  @Test
  void commitThenLookupAndList() {
    FileEntry b = whole("b.txt", "bee", P2, P1);
    FileEntry a =
        sharded("a.txt", "ay", List.of(block("a0"), block("a1"), block("a2")), P1, P2, P3);

    RegistryReply.Committed reply = committed(b, false);
    assertEquals(List.of(), reply.orphans());
    // Holders come back in PeerId order.
    assertEquals(
        b.withBlocks(List.of(b.blocks().get(0).withHolders(List.of(P1, P2)))), found("b.txt"));
    committed(a, false);

    assertEquals(a, found("a.txt"));
    assertEquals(List.of(P1, P2), holders(found("b.txt"), 0));
    assertEquals(new RegistryReply.LookedUp(name("c.txt"), null, null), lookup("c.txt"));

    var listing =
        registry
            .<RegistryReply.Listing>runCommand(r -> new RegistryCommand.ListFiles(null, null, r))
            .reply();
    assertEquals(List.of(found("a.txt"), found("b.txt")), listing.files());
    assertEquals(2, registry.getState().fileCount());
    assertEquals(4, registry.getState().blockCount());
  }

  // ---------------------------------------------------------------- uploads and deletion plans

  private long openUpload() {
    return registry
        .<RegistryReply.UploadOpened>runCommand(RegistryCommand.OpenUpload::new)
        .reply()
        .upload();
  }

  private RegistryReply.DeletionPlan plan(long minAgeMillis, BlockId... candidates) {
    return registry
        .<RegistryReply.DeletionPlan>runCommand(
            r -> new RegistryCommand.PlanDeletion(List.of(candidates), minAgeMillis, r))
        .reply();
  }

  @Test
  void aDeletionPlanSparesBlocksOfFilesAndOfOpenUploads() {
    FileEntry a = sharded("a.txt", "ay", List.of(block("a0"), block("a1")), P1, P2);
    committed(a, false);
    long upload = openUpload();
    assertEquals(
        List.of(),
        registry
            .runCommand(new RegistryCommand.UploadProgress(upload, List.of(block("y"))))
            .events(),
        "uploads persist nothing");

    var plan = plan(0, block("x"), block("a1"), block("y"), block("z"));

    assertEquals(List.of(block("x"), block("z")), plan.blocks());
    assertEquals(List.of(upload), plan.guard().openUploads());
    assertTrue(plan.guard().protects(upload + 1), "an upload opened after the plan");

    registry.runCommand(new RegistryCommand.CloseUpload(upload));
    var closed = plan(3_600_000, block("y"));
    assertEquals(List.of(block("y")), closed.blocks());
    assertEquals(List.of(), closed.guard().openUploads());
    assertEquals(3_600_000, closed.guard().minAgeMillis());
  }

  @Test
  void uploadIdsGrowAndStartFromTheClock() {
    long before = System.currentTimeMillis() * 1000;
    long first = openUpload();
    long second = openUpload();
    assertTrue(first >= before, first + " starts from the clock");
    assertTrue(second > first);
    assertEquals(List.of(first, second), plan(0).guard().openUploads());
  }

  @Test
  void progressOfAnUploadItDoesNotKnowOpensItAgain() {
    long mine = openUpload();
    long later = mine + 5; // as a registry elsewhere may have handed out
    registry.runCommand(new RegistryCommand.UploadProgress(later, List.of(block("w"))));
    var plan = plan(0, block("w"));
    assertEquals(List.of(), plan.blocks());
    assertEquals(List.of(mine, later), plan.guard().openUploads());
    assertTrue(openUpload() > later, "the newest id is never below one in use");
  }

  @Test
  void blocksComeBackInIndexOrder() {
    BlockId s0 = block("s0"), s1 = block("s1");
    FileEntry given =
        new FileEntry(
            name("f"),
            10,
            block("f"),
            SchemeSpec.parse("shard k=2"),
            new BlockLayout("shards", 2, 2, 0, "none"),
            List.of(new StoredBlock(1, s1, 5, List.of(P2)), new StoredBlock(0, s0, 5, List.of(P1))),
            1L);
    committed(given, false);
    assertEquals(List.of(s0, s1), ids(found("f")));
  }

  @Test
  void duplicateCommitIsRejectedAndPersistsNothing() {
    committed(whole("a.txt", "one", P1), false);
    RegistryState before = registry.getState();

    var result = commit(whole("a.txt", "two", P2), false);

    assertTrue(result.hasNoEvents());
    assertEquals(
        StatusReply.error("file 'a.txt' exists: use --replace to overwrite it"), result.reply());
    assertEquals(before, registry.getState());
    assertEquals(block("one"), found("a.txt").root());
  }

  @Test
  void invalidEntriesAreRejectedClearly() {
    FileEntry noBlocks =
        new FileEntry(
            name("x"), 1, block("x"), SchemeSpec.of("hosting"), BlockLayout.whole(), List.of(), 1L);
    FileEntry noRoot = whole("y", "y", P1);
    noRoot =
        new FileEntry(
            noRoot.name(), 1, null, noRoot.scheme(), noRoot.layout(), noRoot.blocks(), 1L);
    FileEntry noLayout = whole("z", "z", P1);
    noLayout =
        new FileEntry(
            noLayout.name(), 1, noLayout.root(), noLayout.scheme(), null, noLayout.blocks(), 1L);

    for (var bad : List.of(noBlocks, noRoot, noLayout)) {
      var result = commit(bad, true);
      assertTrue(result.hasNoEvents());
      assertTrue(
          result.reply().isError()
              && result.reply().getError().getMessage().startsWith("cannot commit file '"),
          () -> "got " + result.reply());
    }
    assertEquals(
        StatusReply.error("cannot commit file 'x': it has no blocks"),
        commit(noBlocks, false).reply());
    assertEquals(
        StatusReply.error("nothing to commit: the commit carries no file entry"),
        commit(null, false).reply());
    assertEquals(RegistryState.empty(), registry.getState());
  }

  @Test
  void aCommitWhoseStagedBlocksAreMissingIsRefusedAndAsksForTheStoreAgain() {
    FileEntry entry = sharded("f", "f", List.of(block("x"), block("y")), P1);
    long upload = Fixtures.staged(registry, entry.withBlocks(entry.blocks().subList(0, 1)));
    var result =
        registry.<StatusReply<RegistryReply.Committed>>runCommand(
            replyTo -> Fixtures.commit(entry, upload, false, replyTo));
    assertTrue(result.hasNoEvents());
    assertEquals(
        StatusReply.error(
            "cannot commit file 'f': the registry holds 1 of the 2 blocks its store staged"
                + " (the registry restarted during the store): store it again"),
        result.reply());
    var unknownUpload =
        registry.<StatusReply<RegistryReply.Committed>>runCommand(
            replyTo -> Fixtures.commit(entry, upload + 1, false, replyTo));
    assertTrue(unknownUpload.reply().isError(), unknownUpload.reply()::toString);
    assertEquals(RegistryState.empty(), registry.getState());
  }

  @Test
  void replaceReturnsTheBlocksNoFileReferences() {
    BlockId x = block("x"), y = block("y"), z = block("z");
    committed(sharded("f", "old", List.of(x, y), P1, P2), false);

    RegistryReply.Committed reply = committed(sharded("f", "new", List.of(y, z), P3), true);

    assertEquals(List.of(x), reply.orphans());
    assertEquals(List.of(y, z), ids(found("f")));
    // y was held by P2 for the old file and by P3 for the new one: the book keeps both.
    assertEquals(List.of(P2, P3), holders(found("f"), 0));
    RegistryState state = registry.getState();
    assertFalse(state.knows(x));
    assertEquals(List.of(), state.holders(x));
    assertEquals(2, state.blockCount());
    assertEquals(1, state.trees().size());
  }

  @Test
  void replacingWithTheSameTreeKeepsEverything() {
    FileEntry f = sharded("f", "same", List.of(block("s0"), block("s1")), P1, P2);
    committed(f, false);
    RegistryReply.Committed reply = committed(f, true);
    assertEquals(List.of(), reply.orphans());
    assertEquals(f, found("f"));
    assertEquals(2, registry.getState().blockCount());
  }

  @Test
  void replaceOfAnUnknownNameIsAPlainCommit() {
    RegistryReply.Committed reply = committed(whole("new", "content", P1), true);
    assertEquals(List.of(), reply.orphans());
  }

  // ---------------------------------------------------------------- dedup

  @Test
  void sharedBlocksSurviveUntilTheirLastFileGoes() {
    BlockId only1 = block("only-in-1"), shared = block("shared"), only2 = block("only-in-2");
    committed(sharded("one", "1", List.of(only1, shared), P1, P2), false);
    committed(sharded("two", "2", List.of(shared, only2), P3, P1), false);

    // The shared block's holders are the union over both stores.
    assertEquals(List.of(P2, P3), holders(found("two"), 0));
    assertEquals(Set.of(block("1"), block("2")), registry.getState().parentRoots(shared));

    var deleteOne = delete("one");
    assertEquals(List.of(new RegistryEvent.FileDeleted(name("one"))), deleteOne.events());
    var deleted = deleteOne.reply().getValue();
    assertEquals(name("one"), deleted.entry().name());
    assertEquals(List.of(), deleted.entry().blocks(), "the deleted entry comes without blocks");
    assertEquals(List.of(only1), deleted.orphans());

    RegistryState state = registry.getState();
    assertTrue(state.knows(shared));
    assertFalse(state.knows(only1));
    assertEquals(List.of(P2, P3), state.holders(shared));
    assertEquals(Set.of(block("2")), state.parentRoots(shared));
    assertEquals(List.of(P2, P3), holders(found("two"), 0));

    var deleteTwo = delete("two").reply().getValue();
    assertEquals(List.of(shared, only2), deleteTwo.orphans());
    assertEquals(RegistryState.empty(), registry.getState());
  }

  @Test
  void sameContentUnderTwoSchemesKeepsBothTrees() {
    // Both files have the root of "content": one stored whole, one as shards.
    FileEntry copy = whole("copy", "content", P1, P2);
    FileEntry shards = sharded("shards", "content", List.of(block("c0"), block("c1")), P3);
    assertEquals(copy.root(), shards.root());
    committed(copy, false);
    committed(shards, false);

    assertEquals(BlockLayout.whole(), found("copy").layout());
    assertEquals(List.of(copy.root()), ids(found("copy")));
    assertEquals("shards", found("shards").layout().kind());
    assertEquals(List.of(block("c0"), block("c1")), ids(found("shards")));

    var deleted = delete("shards").reply().getValue();
    assertEquals(List.of(block("c0"), block("c1")), deleted.orphans());
    assertEquals(copy, found("copy"));
  }

  @Test
  void twoNamesForOneTreeShareItsBlocks() {
    FileEntry a = whole("a", "same bytes", P1);
    FileEntry b = whole("b", "same bytes", P2);
    committed(a, false);
    committed(b, false);
    assertEquals(1, registry.getState().trees().size());
    assertEquals(List.of(P1, P2), holders(found("a"), 0));

    assertEquals(List.of(), delete("a").reply().getValue().orphans());
    assertEquals(List.of(a.root()), delete("b").reply().getValue().orphans());
  }

  @Test
  void deleteOfAnUnknownFileIsNotFoundAndPersistsNothing() {
    committed(whole("a", "a", P1), false);
    RegistryState before = registry.getState();
    var result = delete("nope");
    assertTrue(result.hasNoEvents());
    assertEquals(StatusReply.error("unknown file 'nope' (try: ls)"), result.reply());
    assertEquals(before, registry.getState());
  }

  // ---------------------------------------------------------------- book

  @Test
  void holdingsReportsUpdateTheBookAndAreIdempotent() {
    BlockId s0 = block("s0"), s1 = block("s1"), s2 = block("s2"), unknown = block("unknown");
    committed(sharded("f", "f", List.of(s0, s1, s2), P1, P2, P3), false);

    // P1 now holds s0 (already known) and s1 (new), plus a block no file references.
    var first = report(P1, unknown, s1, s0);
    assertEquals(
        List.of(
            new RegistryEvent.HoldingsReported(
                P1, java.util.stream.Stream.of(s0, s1).sorted().toList(), null, null, 1L)),
        first.events());
    FileEntry f = found("f");
    assertEquals(List.of(P1), holders(f, 0));
    assertEquals(List.of(P1, P2), holders(f, 1));
    assertEquals(List.of(P3), holders(f, 2));

    // The same report again, in another order, or with only unknown blocks added: nothing to
    // persist.
    assertTrue(report(P1, s0, s1).hasNoEvents());
    assertTrue(report(P1, s1, unknown, s0, s0).hasNoEvents());

    // A report is the peer's complete list: P3 lost s2 and gained s0.
    report(P3, s0);
    f = found("f");
    assertEquals(List.of(P1, P3), holders(f, 0));
    assertEquals(List.of(), holders(f, 2));

    // A peer that reports nothing it is known to hold, and nothing known: no event.
    assertTrue(report(P10, unknown).hasNoEvents());
    assertTrue(report(P10).hasNoEvents());
    report(P10, s2);
    assertEquals(List.of(P10), holders(found("f"), 2));
    assertEquals(Set.of(s2), registry.getState().heldBy(P10));
  }

  @Test
  void theBookForgetsOrphanedBlocks() {
    BlockId s = block("s");
    committed(sharded("f", "f", List.of(s), P1), false);
    delete("f");
    assertTrue(report(P1, s).hasNoEvents());
    assertTrue(registry.getState().book().isEmpty());
  }

  @Test
  void holdersSortByPeerOrder() {
    committed(whole("f", "f", P10, P2), false);
    report(P1, block("f"));
    assertEquals(List.of(P1, P2, P10), holders(found("f"), 0));
  }

  /**
   * A revived peer lists its disk after its mark; a store puts a block on it and commits while the
   * report is on its way. The late report keeps the committed holder, yet still takes away a block
   * the peer really lost.
   */
  @Test
  void aReportListedBeforeACommitKeepsTheHolderTheCommitRecorded() {
    FileEntry kept = whole("kept", "kept", P1);
    FileEntry lost = whole("lost", "lost", P1, P2);
    committed(kept, false);
    committed(lost, false);

    long asOf = mark(); // P1 (revived, its copy of `lost` gone) lists its disk: only `kept`
    FileEntry fresh = whole("fresh", "fresh", P1);
    committed(fresh, false); // meanwhile a store put `fresh` on P1
    var late = report(P1, asOf, block("kept")); // listed before the commit, arriving after it

    assertEquals(
        List.of(new RegistryEvent.HoldingsReported(P1, List.of(block("kept")), null, null, asOf)),
        late.events());
    assertEquals(List.of(P1), holders(found("fresh"), 0));
    assertEquals(List.of(P2), holders(found("lost"), 0)); // P1 really lost it
    assertEquals(List.of(P1), holders(found("kept"), 0));

    // Replayed from the journal, the book is the same.
    RegistryState before = registry.getState();
    assertEquals(before, registry.restart().state());

    // A report listed after the commit that leaves `fresh` out: P1 lost it since.
    report(P1, block("kept"));
    assertEquals(List.of(), holders(found("fresh"), 0));
  }

  @Test
  void aLateReportThatChangesNothingPersistsNothing() {
    committed(whole("kept", "kept", P1), false);
    long asOf = mark();
    committed(whole("fresh", "fresh", P1), false);
    assertTrue(report(P1, asOf, block("kept")).hasNoEvents());
    assertEquals(Set.of(block("kept"), block("fresh")), registry.getState().heldBy(P1));
  }

  @Test
  void aHolderListedByAReportIsKnownAsOfItsMark() {
    committed(whole("f", "f", P2), false); // event 1
    long asOf = mark();
    report(P1, asOf, block("f"));
    assertEquals(asOf, registry.getState().heldAsOf(block("f"), P1));
    assertEquals(1, registry.getState().heldAsOf(block("f"), P2));
    // An older report, still on its way, without the block: P1 stays a holder.
    assertTrue(report(P1, asOf - 1).hasNoEvents());
    assertEquals(List.of(P1, P2), holders(found("f"), 0));
  }

  @Test
  void aMarkBeyondTheJournalIsTakenAsNow() {
    committed(whole("f", "f", P1), false);
    var result = report(P1, Long.MAX_VALUE);
    assertEquals(
        List.of(new RegistryEvent.HoldingsReported(P1, List.of(), null, null, 1L)),
        result.events());
    assertEquals(List.of(), holders(found("f"), 0));
  }

  /** A journal written before marks replays as before: each report the truth as of itself. */
  @Test
  void reportsFromBeforeMarksReplayAsTheTruthAsOfThemselves() {
    FileEntry f = whole("f", "f", P1, P2);
    FileEntry g = whole("g", "g", P1);
    registry.initialize(
        new RegistryEvent.FileCommitted(f),
        new RegistryEvent.FileCommitted(g),
        new RegistryEvent.HoldingsReported(P1, List.of(block("g")), null, null, null));
    assertEquals(List.of(P2), holders(found("f"), 0));
    assertEquals(List.of(P1), holders(found("g"), 0));
    assertEquals(3, registry.getState().heldAsOf(block("g"), P1));
    assertEquals(1, registry.getState().heldAsOf(block("f"), P2));
  }

  // ---------------------------------------------------------------- settings

  @Test
  void settings() {
    var initial = registry.runCommand(RegistryCommand.GetSettings::new);
    assertTrue(initial.hasNoEvents());
    assertEquals(
        new RegistryReply.Settings(SchemeSpec.parse("naive n=2"), Map.of()), initial.reply());

    SchemeSpec rs = SchemeSpec.parse("reedsolomon k=4 n=6");
    var setCluster = setDefaultScheme(null, rs);
    assertEquals(List.of(new RegistryEvent.DefaultSchemeSet(null, rs)), setCluster.events());
    assertEquals(StatusReply.success(new RegistryReply.Settings(rs, Map.of())), setCluster.reply());

    SchemeSpec hosting = SchemeSpec.of("hosting");
    var setPeer = setDefaultScheme(P2, hosting);
    assertEquals(List.of(new RegistryEvent.DefaultSchemeSet(P2, hosting)), setPeer.events());
    assertEquals(
        StatusReply.success(new RegistryReply.Settings(rs, Map.of("peer-2", hosting))),
        setPeer.reply());

    // Setting what is already set persists nothing.
    var again = setDefaultScheme(P2, hosting);
    assertTrue(again.hasNoEvents());
    assertEquals(setPeer.reply(), again.reply());

    // A null scheme for a peer removes its default; the cluster always keeps one.
    var cleared = setDefaultScheme(P2, null);
    assertEquals(StatusReply.success(new RegistryReply.Settings(rs, Map.of())), cleared.reply());
    var refused = setDefaultScheme(null, null);
    assertTrue(refused.hasNoEvents());
    assertTrue(refused.reply().isError());

    registry.restart();
    assertEquals(
        new RegistryReply.Settings(rs, Map.of()),
        registry.runCommand(RegistryCommand.GetSettings::new).reply());
  }

  private CommandResultWithReply<
          RegistryCommand, RegistryEvent, RegistryState, StatusReply<RegistryReply.Settings>>
      setDefaultScheme(PeerId peer, SchemeSpec scheme) {
    return registry.runCommand(
        replyTo -> new RegistryCommand.SetDefaultScheme(peer, scheme, replyTo));
  }

  // ---------------------------------------------------------------- recovery

  @Test
  void restartRebuildsTheSameStateFromEvents() {
    BlockId shared = block("shared");
    committed(sharded("one", "1", List.of(block("x"), shared), P1, P2), false);
    committed(sharded("two", "2", List.of(shared, block("y")), P3), false);
    committed(sharded("one", "1b", List.of(block("z"), shared), P2), true);
    report(P10, shared, block("y"));
    delete("two");
    setDefaultScheme(P1, SchemeSpec.of("hosting"));
    RegistryState before = registry.getState();
    FileEntry one = found("one");

    var restarted = registry.restart();

    assertEquals(before, restarted.state());
    assertEquals(one, found("one"));
    assertEquals(new RegistryReply.LookedUp(name("two"), null, null), lookup("two"));
  }

  @Test
  void unknownNamesAndNullsDoNotBreakTheRegistry() {
    assertEquals(new RegistryReply.LookedUp(new FileName("x"), null, null), lookup("x"));
    assertTrue(
        registry
            .runCommand(new RegistryCommand.ReportHoldings(P1, null, null, null, 0))
            .hasNoEvents());
    assertEquals(
        StatusReply.error("lookup of no name: give a file name"),
        registry
            .<StatusReply<RegistryReply.LookedUp>>runCommand(
                replyTo -> new RegistryCommand.Lookup(null, replyTo))
            .reply());
  }
}
