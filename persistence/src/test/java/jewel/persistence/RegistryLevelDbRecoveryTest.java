package jewel.persistence;

import static jewel.persistence.Fixtures.P1;
import static jewel.persistence.Fixtures.P2;
import static jewel.persistence.Fixtures.block;
import static jewel.persistence.Fixtures.name;
import static jewel.persistence.Fixtures.rooted;
import static jewel.persistence.Fixtures.sharded;
import static jewel.persistence.Fixtures.whole;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import jewel.api.FileEntry;
import jewel.api.PeerSettings;
import jewel.api.Pin;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryReply;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry on the real LevelDB journal and local snapshot store, as a node runs it, in a
 * temporary folder, with a snapshot every 2 events.
 */
class RegistryLevelDbRecoveryTest {

  @TempDir Path dir;

  private ActorTestKit testKit;

  private ActorTestKit start() {
    Config config =
        ConfigFactory.parseString(
                """
                pekko.persistence.journal.plugin = "pekko.persistence.journal.leveldb"
                pekko.persistence.journal.leveldb.native = off
                pekko.persistence.journal.leveldb.fsync = off
                pekko.persistence.snapshot-store.plugin = "pekko.persistence.snapshot-store.local"
                jewel.registry.snapshot-every = 2
                """)
            .withValue("pekko.persistence.journal.leveldb.dir", path(journal()))
            .withValue("pekko.persistence.snapshot-store.local.dir", path(snapshots()))
            .withFallback(ConfigFactory.load());
    testKit = ActorTestKit.create("registry-leveldb", config);
    return testKit;
  }

  @AfterEach
  void stop() {
    if (testKit != null) {
      testKit.shutdownTestKit();
      testKit = null;
    }
  }

  private Path journal() {
    return dir.resolve("journal");
  }

  private Path snapshots() {
    return dir.resolve("snapshots");
  }

  private static com.typesafe.config.ConfigValue path(Path p) {
    return ConfigValueFactory.fromAnyRef(p.toAbsolutePath().toString());
  }

  private static FileEntry file(int i) {
    return whole("file-" + i, "content of file " + i, i % 2 == 0 ? P1 : P2);
  }

  private <R> R ask(
      ActorRef<RegistryCommand> registry,
      java.util.function.Function<ActorRef<R>, RegistryCommand> command) {
    TestProbe<R> probe = testKit.createTestProbe();
    registry.tell(command.apply(probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(10));
  }

  /** Asks a command the registry may refuse, and fails the test if it does. */
  private <R> R accepted(
      ActorRef<RegistryCommand> registry,
      java.util.function.Function<ActorRef<StatusReply<R>>, RegistryCommand> command) {
    StatusReply<R> reply = ask(registry, command);
    assertTrue(reply.isSuccess(), () -> "refused: " + reply);
    return reply.getValue();
  }

  private void commitFive(ActorRef<RegistryCommand> registry) {
    for (int i = 1; i <= 5; i++) {
      FileEntry f = file(i);
      long upload = Fixtures.staged(testKit, registry, f);
      this.<RegistryReply.Committed>accepted(registry, r -> Fixtures.commit(f, upload, false, r));
    }
  }

  private void assertFound(ActorRef<RegistryCommand> registry, int i) {
    RegistryReply.LookedUp reply =
        accepted(registry, r -> new RegistryCommand.Lookup(name("file-" + i), r));
    assertEquals(new RegistryReply.LookedUp(name("file-" + i), file(i), null), reply);
  }

  /** Snapshot files, not the temporary ones the store writes first. */
  private List<String> snapshotFiles() throws IOException {
    if (!Files.isDirectory(snapshots())) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(snapshots())) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("snapshot-") && !n.endsWith(".tmp"))
          .sorted(Comparator.naturalOrder())
          .toList();
    }
  }

  private void awaitSnapshotAt(long sequenceNr) {
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(10),
            () -> {
              try {
                assertTrue(
                    snapshotFiles().stream().anyMatch(n -> n.contains("-" + sequenceNr + "-")),
                    "snapshot files: " + snapshotFiles());
              } catch (IOException e) {
                throw new AssertionError(e);
              }
              return null;
            });
  }

  @Test
  void respawnedRegistryRecoversInTheSameSystem() {
    start();
    ActorRef<RegistryCommand> registry = testKit.spawn(Registry.create());
    commitFive(registry);
    awaitSnapshotAt(4);
    testKit.stop(registry);

    ActorRef<RegistryCommand> again = testKit.spawn(Registry.create());
    for (int i = 1; i <= 5; i++) {
      assertFound(again, i);
    }
    RegistryReply.Listing listing = ask(again, r -> new RegistryCommand.ListFiles(null, null, r));
    assertEquals(5, listing.files().size());
  }

  @Test
  void newSystemRecoversFromDiskAndFromTheSnapshotAlone() throws IOException {
    start();
    commitFive(testKit.spawn(Registry.create()));
    awaitSnapshotAt(4);
    stop();

    // A new node process, as after a restart: snapshot 4 plus event 5 from the journal.
    start();
    ActorRef<RegistryCommand> registry = testKit.spawn(Registry.create());
    for (int i = 1; i <= 5; i++) {
      assertFound(registry, i);
    }
    stop();

    // Without the journal only the snapshot (after 4 events) is left: this proves the
    // snapshot itself was written and read back, not just the events.
    deleteTree(journal());
    start();
    registry = testKit.spawn(Registry.create());
    for (int i = 1; i <= 4; i++) {
      assertFound(registry, i);
    }
    assertEquals(
        new RegistryReply.LookedUp(name("file-5"), null, null),
        this.<RegistryReply.LookedUp>accepted(
            registry, r -> new RegistryCommand.Lookup(name("file-5"), r)));
  }

  @Test
  void pinsSaltsRootsAndPeerSettingsComeBackFromTheSnapshotAlone() throws IOException {
    start();
    ActorRef<RegistryCommand> registry = testKit.spawn(Registry.create());
    FileEntry a = rooted(sharded("a", "a", List.of(block("a0"), block("a1")), P1, P2));
    FileEntry b = rooted(whole("b", "b", P2));
    // Six events: the snapshot after the sixth has all of them.
    long uploadA = Fixtures.staged(testKit, registry, a);
    this.<RegistryReply.Committed>accepted(registry, r -> Fixtures.commit(a, uploadA, false, r));
    long uploadB = Fixtures.staged(testKit, registry, b);
    this.<RegistryReply.Committed>accepted(registry, r -> Fixtures.commit(b, uploadB, false, r));
    this.<RegistryReply.Pins>accepted(
        registry, r -> new RegistryCommand.SetPin(name("a"), Pin.fraction(0.3), r));
    this.<RegistryReply.Pins>accepted(registry, r -> new RegistryCommand.SetDefaultPin(0.2, r));
    PeerSettings infinite = PeerSettings.DEFAULT.withModifier(Double.POSITIVE_INFINITY);
    this.<RegistryReply.PeerTable>accepted(
        registry, r -> new RegistryCommand.SetPeerSettings(P1, infinite, r));
    registry.tell(new RegistryCommand.BumpSalt(block("a1"), 0, "test"));
    RegistryReply.PinPlan plan = ask(registry, r -> new RegistryCommand.GetPinPlan(null, null, r));
    RegistryReply.Pins pins = ask(registry, r -> new RegistryCommand.ListPins(null, r));
    assertEquals(1L, plan.blocks().get(1).salt());
    awaitSnapshotAt(6);
    stop();

    deleteTree(journal());
    start();
    registry = testKit.spawn(Registry.create());
    assertEquals(
        plan,
        this.<RegistryReply.PinPlan>ask(
            registry, r -> new RegistryCommand.GetPinPlan(null, null, r)));
    assertEquals(
        pins, this.<RegistryReply.Pins>ask(registry, r -> new RegistryCommand.ListPins(null, r)));
    assertEquals(
        new RegistryReply.PeerTable(Map.of("peer-1", infinite)),
        ask(registry, RegistryCommand.GetPeerSettings::new));
    assertEquals(
        new RegistryReply.LookedUp(name("a"), a, null),
        this.<RegistryReply.LookedUp>accepted(
            registry, r -> new RegistryCommand.Lookup(name("a"), r)));
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
