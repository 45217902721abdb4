package jewel.node.peer;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import jewel.node.NodeSettings;
import jewel.node.store.BlockStore;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What a scrub pass costs: a store of {@code -Djewel.bench.mib=1024} MiB in blocks of {@code
 * -Djewel.bench.block-mib=64} MiB in a temporary folder, scrubbed {@code -Djewel.bench.rounds=3}
 * times, unthrottled unless {@code -Djewel.bench.rate=BYTES} (per second); each round prints MB/s,
 * the CPU seconds per GiB of the scrub thread (hashing, what the pass's INFO line reports) and of
 * the whole process (the reads on Pekko's I/O pool and the JVM's own work too). The blocks were
 * just written, so they are read from the page cache: this is the CPU a pass costs, not the disk's
 * speed. Not part of the default run: {@code -Djewel.bench=true}.
 */
@Tag("bench")
@EnabledIfSystemProperty(named = "jewel.bench", matches = "true")
class ScrubBench {
  private static final int CHUNK = 256 * 1024;

  @Test
  void scrubPassCost() throws Exception {
    main(new String[0]);
  }

  /** CPU time of this process: every thread. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  public static void main(String[] args) throws Exception {
    long mib = Long.getLong("jewel.bench.mib", 1024);
    long blockMib = Long.getLong("jewel.bench.block-mib", 64);
    int rounds = Integer.getInteger("jewel.bench.rounds", 3);
    long rate = Long.getLong("jewel.bench.rate", Long.MAX_VALUE);
    Path dir = Files.createTempDirectory("scrub-bench-");
    ActorTestKit kit =
        ActorTestKit.create(
            "scrub-bench",
            com.typesafe.config.ConfigFactory.parseString("pekko.actor.provider = local")
                .withFallback(NodeSettings.load()));
    try {
      BlockStore store = BlockStore.open(dir.resolve("blocks"));
      for (long i = 0; i < mib / blockMib; i++) {
        SplittableRandom random = new SplittableRandom(i);
        Source.range(1, (int) (blockMib * 1024 * 1024 / CHUNK))
            .map(
                n -> {
                  byte[] chunk = new byte[CHUNK];
                  random.nextBytes(chunk);
                  return ByteString.fromArrayUnsafe(chunk);
                })
            .runWith(store.writer(), kit.system())
            .toCompletableFuture()
            .get();
      }
      double gib = store.bytes() / (double) (1L << 30);
      System.out.printf(
          Locale.ROOT,
          "scrub bench: %d blocks, %d bytes (%.2f GiB), %d cores%n",
          store.count(),
          store.bytes(),
          gib,
          Runtime.getRuntime().availableProcessors());
      for (int round = 1; round <= rounds; round++) {
        Scrubber.Setup setup =
            new Scrubber.Setup(
                new Scrubber.Settings(rate, Duration.ofHours(1), Duration.ZERO),
                new Scrubber.Counters());
        long cpuBefore = processCpuNanos();
        ActorRef<Scrubber.Command> scrubber =
            kit.spawn(
                Scrubber.create(store, kit.<Scrubber.Quarantined>createTestProbe().getRef(), setup),
                Scrubber.dispatcher());
        while (setup.counters().passes() == 0) {
          Thread.sleep(10);
        }
        double processCpu = (processCpuNanos() - cpuBefore) / 1e9;
        kit.stop(scrubber);
        Scrubber.Counters c = setup.counters();
        System.out.printf(
            Locale.ROOT,
            "round %d: %.2f s, %.0f MB/s; CPU s/GiB: scrub thread %.2f, process %.2f%n",
            round,
            c.lastPassSeconds(),
            c.bytesChecked() / c.lastPassSeconds() / 1e6,
            c.lastPassCpuSeconds() / gib,
            processCpu / gib);
      }
    } finally {
      kit.shutdownTestKit();
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
