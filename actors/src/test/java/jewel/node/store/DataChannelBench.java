package jewel.node.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;
import jewel.api.BlockId;
import jewel.pki.ClusterCa;
import jewel.pki.ClusterTls;
import jewel.protocol.data.DataChannel;
import jewel.protocol.data.DataClient;
import jewel.protocol.data.DataRequest;
import jewel.protocol.data.Traffic;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Throughput of a PUT and a GET through a DataChannel into and out of a BlockStore in /tmp, over
 * loopback. Not part of the default run: {@code -Djewel.bench=true} (size in MiB with {@code
 * -Djewel.bench.mib=512}; over HTTPS with the cluster's certificates as between nodes: {@code
 * -Djewel.bench.tls=true}), or run {@link #main} with a small heap ({@code -Xmx256m}) to see memory
 * stay bounded.
 */
@Tag("bench")
@EnabledIfSystemProperty(named = "jewel.bench", matches = "true")
class DataChannelBench {

  @Test
  void putAndGetThroughput() throws Exception {
    main(new String[0]);
  }

  /** CPU time of this process (client and server both, and the generator of the bytes). */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static ClusterTls member(ClusterCa ca, String name) {
    return ClusterTls.load(ca.issue(name), name, Duration.ofMinutes(5));
  }

  public static void main(String[] args) throws Exception {
    long mib = Long.getLong("jewel.bench.mib", 512);
    int rounds = Integer.getInteger("jewel.bench.rounds", 3);
    long size = mib << 20;
    Path dir = Files.createTempDirectory("jewel-bench-");
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "bench",
            com.typesafe.config.ConfigFactory.parseString("pekko.actor.provider = local")
                .withFallback(jewel.node.NodeSettings.load()));
    try {
      Materializer mat = Materializer.matFromSystem(system);
      BlockStore store = BlockStore.open(dir.resolve("blocks"));
      boolean tls = Boolean.getBoolean("jewel.bench.tls");
      ClusterCa ca = tls ? ClusterCa.openOrCreate(dir.resolve("tls")) : null;
      DataChannel channel =
          TestBytes.await(
              DataChannel.bind(
                  system,
                  "127.0.0.1",
                  0,
                  new NodeDataHandler(store, LocalFiles.inFolder(dir.resolve("files"))),
                  Traffic.NONE,
                  tls ? Optional.of(member(ca, "server")) : Optional.empty()));
      DataClient client =
          new DataClient(
              system, Traffic.NONE, tls ? Optional.of(member(ca, "client")) : Optional.empty());
      System.out.printf(
          "bench: %d MiB, heap max %d MiB, %d cores, TLS %s%n",
          mib,
          Runtime.getRuntime().maxMemory() >> 20,
          Runtime.getRuntime().availableProcessors(),
          tls ? "on" : "off");
      for (int round = 1; round <= rounds; round++) {
        long c0 = cpuNanos();
        long t0 = System.nanoTime();
        String hex =
            TestBytes.await(
                TestBytes.generated(size, 256 * 1024, round)
                    .runWith(client.put(channel.address(), DataRequest.putBlock(size)), mat));
        long t1 = System.nanoTime();
        long c1 = cpuNanos();
        Pair<CompletionStage<Long>, CompletionStage<Long>> r =
            client
                .get(channel.address(), DataRequest.getBlock(new BlockId(hex), 0, -1))
                .toMat(Sink.fold(0L, (n, chunk) -> n + chunk.size()), Keep.both())
                .run(mat);
        long got = TestBytes.await(r.second());
        TestBytes.await(r.first());
        long t2 = System.nanoTime();
        long c2 = cpuNanos();
        if (got != size) {
          throw new AssertionError("got " + got + " of " + size);
        }
        System.out.printf(
            "round %d: PUT %.0f MB/s (%.2f s, %.2f CPU s/GiB), GET (verified) %.0f MB/s (%.2f s,"
                + " %.2f CPU s/GiB); used heap %d MiB%n",
            round,
            size / 1e6 / ((t1 - t0) / 1e9),
            (t1 - t0) / 1e9,
            (c1 - c0) / 1e9 / (size / (double) (1L << 30)),
            size / 1e6 / ((t2 - t1) / 1e9),
            (t2 - t1) / 1e9,
            (c2 - c1) / 1e9 / (size / (double) (1L << 30)),
            (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
        store.delete(new BlockId(hex));
      }
      TestBytes.await(channel.unbind());
    } finally {
      system.terminate();
      TestBytes.await(system.getWhenTerminated());
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
