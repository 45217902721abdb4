package jewel.node.peer;

import static jewel.node.pins.PinFixtures.peer;
import static jewel.node.pins.PinFixtures.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jewel.api.BlockId;
import jewel.node.TestConfig;
import jewel.node.pins.PinFixtures;
import jewel.node.store.BlockStore;
import jewel.node.store.LocalFiles;
import jewel.node.store.RecentWrites;
import jewel.protocol.DataAddress;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryReply;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The background scrub: finds rotted blocks, quarantines them, keeps to its rate and interval. */
class ScrubberTest {
  private static final ActorTestKit kit = ActorTestKit.create(TestConfig.local());
  private static final int KIB = 1024;

  @TempDir Path dir;
  private BlockStore store;

  @BeforeEach
  void open() throws Exception {
    store = BlockStore.open(dir.resolve("blocks"));
  }

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  private static Scrubber.Setup setup(long rate, Duration interval, Duration firstPassAfter) {
    return new Scrubber.Setup(
        new Scrubber.Settings(rate, interval, firstPassAfter), new Scrubber.Counters());
  }

  private List<BlockId> put(int blocks, int size) throws Exception {
    List<BlockId> ids = new ArrayList<>();
    for (int i = 0; i < blocks; i++) {
      ids.add(PinFixtures.put(store, randomBytes(size, 100 + i), kit.system()));
    }
    ids.sort(null);
    return ids;
  }

  private void flipByteAt(BlockId id, long position) throws Exception {
    try (RandomAccessFile f =
        new RandomAccessFile(store.root().resolve(id.prefix()).resolve(id.hex()).toFile(), "rw")) {
      f.seek(position);
      int b = f.read();
      f.seek(position);
      f.write(b ^ 0x01);
    }
  }

  private static void awaitPasses(Scrubber.Counters counters, long passes) {
    kit.createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(20),
            Duration.ofMillis(20),
            () -> {
              assertTrue(counters.passes() >= passes, counters.passes() + " passes");
              return null;
            });
  }

  @Test
  void aPeerFindsAFlippedByteQuarantinesTheBlockAndReportsItsHoldingsWithoutIt() throws Exception {
    List<BlockId> ids = put(3, 300 * KIB);
    BlockId rotten = ids.get(1);
    flipByteAt(rotten, 200_000);
    TestProbe<RegistryCommand> registry = kit.createTestProbe();
    Scrubber.Setup scrubbing = setup(1L << 30, Duration.ofHours(1), Duration.ofMillis(300));

    kit.spawn(
        Peer.create(
            peer(3),
            new DataAddress("127.0.0.1", 1),
            new RecentWrites(store),
            LocalFiles.inFolder(dir.resolve("files")),
            registry.getRef(),
            null,
            scrubbing));

    // On start it reports all three, the rotten one too: nothing has read it yet.
    markAs(registry, 1);
    assertEquals(ids, registry.expectMessageClass(RegistryCommand.ReportHoldings.class).blocks());
    markAs(registry, 2);
    assertEquals(
        List.of(ids.get(0), ids.get(2)),
        registry
            .expectMessageClass(RegistryCommand.ReportHoldings.class, Duration.ofSeconds(20))
            .blocks());
    assertFalse(store.has(rotten));
    assertTrue(Files.isRegularFile(dir.resolve("quarantine").resolve(rotten.hex())));
    awaitPasses(scrubbing.counters(), 1);
    assertEquals(3, scrubbing.counters().blocksChecked());
    assertEquals(1, scrubbing.counters().corruptFound());
    assertEquals(2 * 300 * KIB, scrubbing.counters().bytesChecked());
    registry.expectNoMessage(Duration.ofMillis(200));
  }

  /** Plays the registry asked for its mark before a holdings report. */
  private static void markAs(TestProbe<RegistryCommand> registry, long asOf) {
    registry
        .expectMessageClass(RegistryCommand.StartHoldingsReport.class, Duration.ofSeconds(20))
        .replyTo()
        .tell(new RegistryReply.HoldingsMark(asOf));
  }

  @Test
  void aPassReadsNoFasterThanItsRate() throws Exception {
    put(4, 256 * KIB); // 1 MiB at 512 KiB/s, the first 256 KiB free (the burst): at least 1.5 s
    Scrubber.Setup scrubbing = setup(512 * KIB, Duration.ofHours(1), Duration.ZERO);
    TestProbe<Scrubber.Quarantined> peer = kit.createTestProbe();

    kit.spawn(Scrubber.create(store, peer.getRef(), scrubbing), Scrubber.dispatcher());

    awaitPasses(scrubbing.counters(), 1);
    assertTrue(
        scrubbing.counters().lastPassSeconds() >= 1.4,
        scrubbing.counters().lastPassSeconds() + " s");
    assertEquals(4, scrubbing.counters().blocksChecked());
    assertEquals(0, scrubbing.counters().corruptFound());
    peer.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void passesStartAnIntervalApartTheFirstAfterItsDelay() throws Exception {
    put(2, 10 * KIB);
    Scrubber.Setup scrubbing = setup(1L << 30, Duration.ofMillis(400), Duration.ofMillis(300));
    TestProbe<Scrubber.Quarantined> peer = kit.createTestProbe();
    long start = System.nanoTime();

    ActorRef<Scrubber.Command> scrubber =
        kit.spawn(Scrubber.create(store, peer.getRef(), scrubbing), Scrubber.dispatcher());

    awaitPasses(scrubbing.counters(), 3);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue(seconds >= 0.3 + 2 * 0.4, "3 passes after " + seconds + " s");
    assertEquals(0, scrubbing.counters().corruptFound());
    kit.stop(scrubber);
  }

  @Test
  void aPassSurvivesBlocksDeletedUnderIt() throws Exception {
    List<BlockId> ids = put(3, 256 * KIB);
    // 256 KiB/s: each block takes about a second after the first, time enough to delete one
    Scrubber.Setup scrubbing = setup(256 * KIB, Duration.ofHours(1), Duration.ZERO);
    TestProbe<Scrubber.Quarantined> peer = kit.createTestProbe();

    kit.spawn(Scrubber.create(store, peer.getRef(), scrubbing), Scrubber.dispatcher());
    kit.createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(20),
            Duration.ofMillis(10),
            () -> {
              assertTrue(scrubbing.counters().blocksChecked() >= 1);
              return null;
            });
    assertTrue(store.delete(ids.get(2))); // the pass is reading the second: the third goes

    awaitPasses(scrubbing.counters(), 1);
    assertEquals(2, scrubbing.counters().blocksChecked());
    assertEquals(0, scrubbing.counters().corruptFound());
    peer.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void scrubbingOffStopsAtOnceAndReadsNothing() throws Exception {
    BlockId rotten = put(1, 10 * KIB).get(0);
    flipByteAt(rotten, 5);
    Scrubber.Setup scrubbing = setup(0, Duration.ofMillis(100), Duration.ZERO);
    TestProbe<Scrubber.Quarantined> peer = kit.createTestProbe();

    ActorRef<Scrubber.Command> scrubber =
        kit.spawn(Scrubber.create(store, peer.getRef(), scrubbing), Scrubber.dispatcher());

    peer.expectTerminated(scrubber);
    assertTrue(store.has(rotten));
    assertEquals(0, scrubbing.counters().passes());
  }

  @Test
  void settingsReadOffAndZeroAsNoScrubbing() {
    for (String rate : List.of("off", "\"off\"", "0", "false")) {
      assertEquals(0, settings("rate = " + rate).rate(), rate);
    }
    Scrubber.Settings defaults = Scrubber.Settings.from(ConfigFactory.defaultReference());
    assertEquals(
        new Scrubber.Settings(64L << 20, Duration.ofHours(24), Duration.ofMinutes(10)), defaults);
    assertEquals(1_000_000, settings("rate = 1MB").rate());
  }

  private static Scrubber.Settings settings(String line) {
    return Scrubber.Settings.from(
        ConfigFactory.parseString("jewel.scrub." + line)
            .withFallback(ConfigFactory.defaultReference()));
  }
}
