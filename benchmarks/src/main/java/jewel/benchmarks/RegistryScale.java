package jewel.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.JewelException;
import jewel.api.Progress;
import jewel.api.SchemeSpec;
import jewel.cli.HttpJewelClient;

/**
 * The driver of {@code bench/registry-scale.sh}: what the registry costs as it grows, measured
 * against a running cluster through one node's HTTP API with the command line's own client ({@link
 * HttpJewelClient}), one client per thread. Three steps, each a command; each prints rows of the
 * script's table on stdout ({@code what<TAB>value}), and progress on stderr. The clients send the
 * API token in {@code JEWEL_TOKEN} (the script sets the home's admin token):
 *
 * <ul>
 *   <li>{@code store --api URL --files F --threads T [--size BYTES] [--window W]}: stores F files
 *       of distinct content with {@code hosting} (names {@code scale-0000000}, …); latency p50 and
 *       p99, and stores per second, over the W stores that completed before each mark (1,000,
 *       10,000, 100,000 and F), and stores per second over all of them.
 *   <li>{@code ls --api URL --files F}: lists the index twice with {@code ls()} (every page),
 *       timed; fails unless it has F files.
 *   <li>{@code wait --api URL --files F --since EPOCH_MS [--timeout S]}: asks {@code ls()} again
 *       and again until it lists F files; the seconds from EPOCH_MS (the kill of the registry node)
 *       to that answer.
 * </ul>
 */
public final class RegistryScale {
  private static final SchemeSpec HOSTING = SchemeSpec.of("hosting");
  private static final int[] MARKS = {1_000, 10_000, 100_000};

  private RegistryScale() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      throw usage();
    }
    Map<String, String> options = options(Arrays.copyOfRange(args, 1, args.length));
    String api = required(options, "api");
    int files = Integer.parseInt(required(options, "files"));
    switch (args[0]) {
      case "store" ->
          store(
              api,
              files,
              Integer.parseInt(options.getOrDefault("threads", "8")),
              Integer.parseInt(options.getOrDefault("size", "1024")),
              Integer.parseInt(options.getOrDefault("window", "1000")));
      case "ls" -> ls(api, files);
      case "wait" ->
          waitForIndex(
              api,
              files,
              Long.parseLong(required(options, "since")),
              Long.parseLong(options.getOrDefault("timeout", "600")));
      default -> throw usage();
    }
  }

  // ---- store

  private static void store(String api, int files, int threads, int size, int window)
      throws Exception {
    long[] latency = new long[files];
    long[] finished = new long[files];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    AtomicReference<String> firstError = new AtomicReference<>();
    Path dir = Files.createTempDirectory("registry-scale");
    int step = Math.max(1, files / 20);
    long start = System.nanoTime();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Path file = dir.resolve("t" + t);
      Thread worker =
          new Thread(
              () -> {
                try (HttpJewelClient client =
                    HttpJewelClient.at(api, System.getenv("JEWEL_TOKEN"))) {
                  for (int n = next.getAndIncrement(); n < files; n = next.getAndIncrement()) {
                    Files.write(file, content(n, size));
                    FileName name = new FileName(String.format(Locale.ROOT, "scale-%07d", n));
                    long t0 = System.nanoTime();
                    try {
                      client.store(file, name, HOSTING, false, null, Progress.NONE);
                    } catch (JewelException e) {
                      errors.incrementAndGet();
                      firstError.compareAndSet(null, name + ": " + e.getMessage());
                    }
                    long t1 = System.nanoTime();
                    int i = done.getAndIncrement();
                    latency[i] = t1 - t0;
                    finished[i] = t1;
                    if ((i + 1) % step == 0) {
                      System.err.printf(
                          Locale.ROOT,
                          "stored %d of %d (%.0f s)%n",
                          i + 1,
                          files,
                          (t1 - start) / 1e9);
                    }
                  }
                } catch (IOException e) {
                  throw new IllegalStateException("cannot write " + file, e);
                }
              },
              "store-" + t);
      worker.start();
      workers.add(worker);
    }
    for (Thread worker : workers) {
      worker.join(); // its writes to the arrays happen before this returns
    }
    long end = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      Files.deleteIfExists(dir.resolve("t" + t));
    }
    Files.delete(dir);

    TreeSet<Integer> marks = new TreeSet<>();
    for (int m : MARKS) {
      if (m <= files) {
        marks.add(m);
      }
    }
    marks.add(files);
    for (int mark : marks) {
      int from = Math.max(0, mark - window);
      long[] w = Arrays.copyOfRange(latency, from, mark);
      Arrays.sort(w);
      // The rate over the window: from the completion just before it (or the start) to its last.
      long t0 = from == 0 ? start : finished[from - 1];
      double rate = (mark - from) / ((finished[mark - 1] - t0) / 1e9);
      row(
          String.format(Locale.ROOT, "store p50 / p99, stores %d-%d", from + 1, mark),
          String.format(Locale.ROOT, "%s / %s ms", ms(percentile(w, 50)), ms(percentile(w, 99))));
      row(
          String.format(Locale.ROOT, "stores per second, stores %d-%d", from + 1, mark),
          String.format(Locale.ROOT, "%.0f", rate));
    }
    row(
        String.format(Locale.ROOT, "stores per second, all %d", files),
        String.format(
            Locale.ROOT, "%.0f (%.0f s)", files / ((end - start) / 1e9), (end - start) / 1e9));
    row("failed stores", Integer.toString(errors.get()));
    if (firstError.get() != null) {
      System.err.println("first failed store: " + firstError.get());
    }
  }

  /** {@code size} bytes that no other {@code n} has: n itself, then bytes drawn from seed n. */
  static byte[] content(int n, int size) {
    byte[] bytes = new byte[size];
    new SplittableRandom(n).nextBytes(bytes);
    ByteBuffer.wrap(bytes).putLong(0, n);
    return bytes;
  }

  /** The value below which {@code p} percent of the sorted values lie (nearest rank). */
  static long percentile(long[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
  }

  // ---- ls

  private static void ls(String api, int files) {
    for (String which : List.of("first", "second")) {
      long t0 = System.nanoTime();
      int listed;
      try (HttpJewelClient client = HttpJewelClient.at(api, System.getenv("JEWEL_TOKEN"))) {
        listed = client.ls().size();
      }
      long t1 = System.nanoTime();
      if (listed != files) {
        throw new IllegalStateException("ls listed " + listed + " files, not " + files);
      }
      row(
          String.format(Locale.ROOT, "ls of %d files (client ls(), %s)", files, which),
          String.format(Locale.ROOT, "%.2f s", (t1 - t0) / 1e9));
    }
  }

  // ---- wait

  private static void waitForIndex(String api, int files, long since, long timeoutSeconds)
      throws InterruptedException {
    long deadline = since + timeoutSeconds * 1000;
    int tries = 0;
    String last = "no answer yet";
    while (System.currentTimeMillis() < deadline) {
      tries++;
      long t0 = System.currentTimeMillis();
      try (HttpJewelClient client = HttpJewelClient.at(api, System.getenv("JEWEL_TOKEN"))) {
        List<FileEntry> listed = client.ls();
        if (listed.size() == files) {
          long t1 = System.currentTimeMillis();
          System.err.printf(
              Locale.ROOT, "ls answered with %d files after %d tries%n", listed.size(), tries);
          row(
              "kill seed -> ls lists every file again",
              String.format(
                  Locale.ROOT,
                  "%.1f s (that ls took %.1f s; %d tries)",
                  (t1 - since) / 1e3,
                  (t1 - t0) / 1e3,
                  tries));
          return;
        }
        last = "ls listed " + listed.size() + " files";
      } catch (JewelException e) {
        last = e.getMessage();
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        "the index did not come back within " + timeoutSeconds + " s: " + last);
  }

  // ---- arguments and output

  private static void row(String what, String value) {
    System.out.println(what + "\t" + value);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw usage();
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    return options;
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw usage();
    }
    return value;
  }

  private static IllegalArgumentException usage() {
    return new IllegalArgumentException(
        "usage: RegistryScale store|ls|wait --api URL --files F [--threads T] [--size BYTES]"
            + " [--window W] [--since EPOCH_MS] [--timeout S]");
  }
}
