package jewel.persistence;

import static jewel.persistence.Fixtures.block;
import static jewel.persistence.Fixtures.name;
import static jewel.persistence.Fixtures.sharded;
import static jewel.persistence.Fixtures.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import jewel.api.BlockId;
import jewel.api.BlockLayout;
import jewel.api.FileEntry;
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
import org.apache.pekko.persistence.typed.PersistenceId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a retune records: a Reed-Solomon file's new n, its new jewels and their holders. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(TestKitJUnit5Extension.class)
class RegistryRetuneTest {

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
            Registry.create(PersistenceId.ofUniqueId("registry-retune-" + IDS.incrementAndGet())),
            EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  static PeerId peer(int i) {
    return new PeerId("peer-" + i);
  }

  /** A reedsolomon k=3 file of n jewels, jewel i on peer-(i+1). */
  static FileEntry rs(String name, int n) {
    List<StoredBlock> jewels = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      jewels.add(stored(i, jewel(name, i), peer(i + 1)));
    }
    return new FileEntry(
        name(name),
        1000,
        block(name),
        SchemeSpec.parse("reedsolomon k=3 n=" + n + " codec=jewel chunk=64"),
        new BlockLayout("segments", 3, n, 64, "jewel"),
        jewels,
        1_700_000_000_000L);
  }

  static BlockId jewel(String file, int i) {
    return block(file + "#" + i);
  }

  private void commit(FileEntry entry) {
    long upload = Fixtures.staged(registry, entry);
    var reply =
        registry
            .<StatusReply<RegistryReply.Committed>>runCommand(
                r -> Fixtures.commit(entry, upload, false, r))
            .reply();
    assertTrue(reply.isSuccess(), reply::toString);
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<
          RegistryCommand, RegistryEvent, RegistryState, StatusReply<RegistryReply.Committed>>
      retune(FileEntry as, int fromN, int n, List<StoredBlock> added) {
    return registry.runCommand(
        r -> new RegistryCommand.Retune(as.name(), as.root(), fromN, n, added, r));
  }

  private FileEntry entry(String file) {
    return registry.getState().entry(name(file)).orElseThrow();
  }

  @Test
  void raisingNAddsTheNewJewelsAndKeepsEveryOldOne() {
    FileEntry a = rs("a.bin", 5);
    commit(a);
    List<StoredBlock> added =
        List.of(stored(5, jewel("a.bin", 5), peer(6)), stored(6, jewel("a.bin", 6), peer(7)));

    var result = retune(a, 5, 7, added);

    assertTrue(result.reply().isSuccess(), result.reply()::toString);
    assertEquals(List.of(), result.reply().getValue().orphans());
    RegistryEvent.FileRetuned event = result.eventOfType(RegistryEvent.FileRetuned.class);
    assertEquals(7, event.layout().n());
    assertEquals("7", event.scheme().params().get("n"));
    for (FileEntry after : List.of(entry("a.bin"), restarted("a.bin"))) {
      assertEquals(7, after.layout().n());
      assertEquals(64, after.layout().chunkSize(), "the segment layout stays");
      assertEquals(SchemeSpec.parse("reedsolomon k=3 n=7 codec=jewel chunk=64"), after.scheme());
      assertEquals(7, after.blocks().size());
      for (int i = 0; i < 7; i++) {
        assertEquals(jewel("a.bin", i), after.blocks().get(i).id());
        assertEquals(List.of(peer(i + 1)), after.blocks().get(i).holders());
      }
      assertEquals(a.storedAtMillis(), after.storedAtMillis());
    }
  }

  @Test
  void loweringNDropsTheLastJewelsUnlessAnotherFileUsesThem() {
    FileEntry a = rs("a.bin", 6);
    commit(a);
    // b.bin shares a's jewel 5 (same content, same block).
    FileEntry b =
        sharded("b.bin", "bee", List.of(block("b0"), jewel("a.bin", 5)), peer(1), peer(2));
    commit(b);

    var result = retune(a, 6, 4, List.of());

    assertTrue(result.reply().isSuccess(), result.reply()::toString);
    assertEquals(List.of(jewel("a.bin", 4)), result.reply().getValue().orphans());
    RegistryState state = registry.getState();
    assertFalse(state.knows(jewel("a.bin", 4)), "the dropped jewel is garbage");
    assertTrue(state.knows(jewel("a.bin", 5)), "b.bin still references it");
    assertEquals(4, entry("a.bin").blocks().size());
    assertEquals(4, restarted("a.bin").layout().n());
    assertEquals(List.of(peer(1)), entry("a.bin").blocks().get(0).holders());
  }

  @Test
  void nothingChangesWhenNIsUnchanged() {
    FileEntry a = rs("a.bin", 5);
    commit(a);
    var result = retune(a, 5, 5, List.of());
    assertTrue(result.reply().isSuccess());
    assertTrue(result.events().isEmpty());
  }

  @Test
  void refusesWhatDoesNotFit() {
    FileEntry a = rs("a.bin", 5);
    commit(a);
    commit(sharded("s.bin", "ess", List.of(block("s0")), peer(1)));
    StoredBlock j5 = stored(5, jewel("a.bin", 5), peer(6));

    assertRefused(retune(rs("nope.bin", 5), 5, 6, List.of(j5)), "unknown file 'nope.bin'");
    assertRefused(
        retune(entry("s.bin"), 1, 2, List.of(j5)), "only reedsolomon files have jewels to add");
    assertRefused(retune(a, 4, 6, List.of(j5)), "has n=5 now, not 4");
    assertRefused(retune(a, 5, 2, List.of()), "needs k=3 <= n <= 256");
    assertRefused(retune(a, 5, 7, List.of(j5)), "must be exactly [5, 6], got [5]");
    assertRefused(
        retune(a, 5, 6, List.of(stored(5, jewel("a.bin", 5)))),
        "new jewel 5 has no id or no holder");
    FileEntry other =
        new FileEntry(a.name(), 1, block("other"), a.scheme(), a.layout(), a.blocks(), 0);
    assertRefused(retune(other, 5, 6, List.of(j5)), "was replaced while it was retuned");
    assertEquals(5, entry("a.bin").layout().n(), "nothing refused changed the file");
  }

  private static void assertRefused(
      EventSourcedBehaviorTestKit.CommandResultWithReply<
              RegistryCommand, RegistryEvent, RegistryState, StatusReply<RegistryReply.Committed>>
          result,
      String says) {
    assertTrue(result.reply().isError(), result.reply()::toString);
    assertTrue(
        result.reply().getError().getMessage().contains(says),
        result.reply().getError()::getMessage);
    assertTrue(result.events().isEmpty());
  }

  private FileEntry restarted(String file) {
    registry.restart();
    return entry(file);
  }
}
