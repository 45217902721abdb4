package jewel.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import jewel.api.BlockId;
import jewel.api.Digests;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.JewelClient;
import jewel.api.JewelException;
import jewel.api.NodeStatus;
import jewel.api.Progress;
import jewel.api.SchemeSpec;
import jewel.api.StoreResult;
import jewel.placement.Availability;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code experiment}: measures availability on the live cluster. It stores {@code --files} files of
 * {@code --size} bytes with each scheme, then, for each p of {@code --down} (and, with {@code
 * --observed}, once more with each peer's own p: 1 − its observed availability) and each of {@code
 * --trials} trials, takes every peer down independently with its probability (by isolating its data
 * channel: {@link PeerIsolation}), reads every file through the registry node's API (never taken
 * down), checks the bytes, and brings the peers back. It prints, per scheme and p, D, the share of
 * reads that succeeded with its Wilson interval, the formula's availability from the files' real
 * placement ({@link Availability#of}), and the reads' MB/s; and it draws them in a chart.
 */
@Command(
    name = "experiment",
    description = {
      "measure each scheme's availability on the live cluster: store files, take peers down at"
          + " random (each with probability p), read every file, beside the formula",
      "Peers go down by isolation: their data channel refuses every block while they stay"
          + " members; every peer is back when the command ends, also on failure or Ctrl-C."
    })
final class Experiment extends JewelCommand {
  /**
   * How long one trial's isolation lasts at most: a peer comes back by itself even if this process
   * dies without restoring it.
   */
  static final Duration TRIAL_LIMIT = Duration.ofMinutes(10);

  @Option(
      names = "--schemes",
      required = true,
      paramLabel = "LIST",
      description = "schemes separated by ';', like \"naive n=3; reedsolomon k=4 n=6\"")
  private String schemes;

  @Option(
      names = "--down",
      paramLabel = "P,...",
      description = "probabilities that a peer is down in a trial, each in [0, 1), like 0.1,0.25")
  private String down;

  @Option(
      names = "--observed",
      description =
          "also trials with each peer down with probability 1 - its observed availability (see:"
              + " peers; a peer not observed yet is always up); the rows' p reads 'observed'")
  private boolean observed;

  @Option(names = "--trials", required = true, paramLabel = "T", description = "trials for each p")
  private int trials;

  @Option(
      names = "--files",
      paramLabel = "F",
      defaultValue = "4",
      description = "files stored with each scheme, all read in every trial (default: 4)")
  private int files;

  @Option(
      names = "--size",
      paramLabel = "SIZE",
      defaultValue = "64KiB",
      description = "bytes of each file, like 64KiB or 1MB (default: 64KiB)")
  private String size;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "seed of the files' bytes and of which peers go down (default: a random one)")
  private Long seed;

  @Option(
      names = "--chart",
      paramLabel = "PATH",
      defaultValue = "experiment.png",
      description = "where the PNG chart goes (default: experiment.png here)")
  private String chart;

  @Option(names = "--keep", description = "keep the stored files (default: delete them)")
  private boolean keep;

  @Option(names = "--json", description = "one JSON document")
  private boolean json;

  /** One scheme of the experiment, with its files once stored. */
  private static final class Arm {
    final SchemeSpec scheme;
    final List<Stored> stored = new ArrayList<>();

    Arm(SchemeSpec scheme) {
      this.scheme = scheme;
    }
  }

  /** A stored file: its entry (with the real placement), D, and the SHA-256 of its bytes. */
  private record Stored(FileEntry entry, double redundancy, BlockId sha256) {}

  /**
   * How likely each peer is down in a trial: one {@code p} for every peer, or (p null) 1 − each
   * peer's {@code observed} availability, by name; a peer not observed yet counts as always up, as
   * {@code store --availability} and the repair survey count it.
   */
  private record Down(Double p, Map<String, Double> observed) {
    static final String OBSERVED = "observed";

    /** The row's p: the number, or {@code observed}. */
    String label() {
      return p != null ? number(p) : OBSERVED;
    }

    /** The chart's name for it: {@code p = 0.25}, or {@code observed}. */
    String legend() {
      return p != null ? "p = " + label() : OBSERVED;
    }

    /** The row's p in JSON: the number, or the string {@code observed}. */
    Object json() {
      return p != null ? p : OBSERVED;
    }

    double down(String peer) {
      return p != null ? p : 1 - up(peer);
    }

    double up(String peer) {
      return p != null ? 1 - p : observed.getOrDefault(peer, 1.0);
    }
  }

  /** What the reads of one scheme at one p gave. */
  private static final class Tally {
    long reads;
    long ok;
    long bytes;
    long nanos;
  }

  @Override
  protected int execute() throws Exception {
    List<SchemeSpec> specs = schemes(schemes);
    if (down == null && !observed) {
      throw new JewelException(
          "give --down P,... (like 0.1,0.25) or --observed (each peer's observed availability),"
              + " or both");
    }
    List<Double> ps = down == null ? List.of() : probabilities(down);
    if (trials <= 0) {
      throw new JewelException("--trials must be 1 or more, not " + trials);
    }
    if (files <= 0) {
      throw new JewelException("--files must be 1 or more, not " + files);
    }
    long bytesEach = Inputs.size(size);
    if (bytesEach <= 0) {
      throw new JewelException("--size must be 1 byte or more, not " + size);
    }
    long runSeed = seed != null ? seed : new SplittableRandom().nextLong();
    Path chartFile = session().resolve(chart);

    List<NodeStatus> nodes = client().peers();
    List<NodeStatus> peers =
        nodes.stream().filter(n -> n.roles().contains("peer") && n.status().equals("up")).toList();
    List<Down> downs = new ArrayList<>();
    ps.forEach(p -> downs.add(new Down(p, null)));
    if (observed) {
      Map<String, Double> availability = PeerCommands.observedAvailability(peers);
      if (availability.isEmpty()) {
        throw new JewelException(
            "--observed: no peer that is up has an observed availability yet (see: peers); use"
                + " --down P,... instead");
      }
      downs.add(new Down(null, availability));
    }
    for (SchemeSpec s : specs) {
      int needed = Inputs.peersNeeded(s);
      if (needed > peers.size()) {
        throw new JewelException(
            s
                + " needs "
                + needed
                + " peers up, only "
                + peers.size()
                + (peers.size() == 1 ? " is" : " are")
                + " (start more with: add)");
      }
    }
    // Reads go through a node that is never taken down: the registry node's API, or the shell's
    // own client, a member that is no peer.
    JewelClient via;
    String readThrough;
    if (session().inShell()) {
      via = client();
      readThrough = "this shell";
    } else {
      NodeStatus reader =
          nodes.stream()
              .filter(
                  n -> n.roles().contains("registry") && n.status().equals("up") && n.api() != null)
              .findFirst()
              .orElseThrow(
                  () ->
                      new JewelException(
                          "no registry node with an API is up to read through (try: peers)"));
      via = session().connectTo(reader.api());
      readThrough = reader.name();
    }
    Run run = new Run(runSeed, bytesEach, peers);
    Thread hook = new Thread(run::cleanUp, "jewel-experiment-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    Map<SchemeSpec, Map<Down, Tally>> tallies;
    List<Arm> arms = specs.stream().map(Arm::new).toList();
    try {
      run.via = via;
      run.storeAll(arms);
      tallies = run.trials(arms, downs);
    } finally {
      run.cleanUp();
      if (!session().inShell()) {
        via.close(); // its own, apart from the session's client
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down: the hook runs (and finds nothing left to do)
      }
    }
    List<AvailabilityChart.Point> points = new ArrayList<>();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Arm arm : arms) {
      double d = arm.stored.stream().mapToDouble(Stored::redundancy).average().orElse(Double.NaN);
      for (Down dn : downs) {
        Tally t = tallies.get(arm.scheme).get(dn);
        Wilson interval = Wilson.of(t.ok, t.reads);
        double formula =
            arm.stored.stream()
                .mapToDouble(s -> Availability.of(s.entry(), peer -> dn.up(peer.name())).value())
                .average()
                .orElse(Double.NaN);
        double mbps = t.nanos == 0 ? Double.NaN : t.bytes / 1e6 / (t.nanos / 1e9);
        points.add(
            new AvailabilityChart.Point(
                arm.scheme.toString(), d, dn.legend(), (double) t.ok / t.reads, interval, formula));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("scheme", arm.scheme.toString());
        row.put("redundancy", d);
        row.put("p", dn.json());
        row.put("reads", t.reads);
        row.put("succeeded", t.ok);
        row.put("availability", (double) t.ok / t.reads);
        row.put("low", interval.low());
        row.put("high", interval.high());
        row.put("formula", formula);
        row.put("getMBps", Double.isNaN(mbps) ? null : mbps);
        rows.add(row);
      }
    }
    AvailabilityChart.write(points, chartFile);
    PrintWriter out = out();
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("seed", runSeed);
      doc.put("trials", trials);
      doc.put("files", files);
      doc.put("size", bytesEach);
      doc.put("peers", peers.stream().map(NodeStatus::name).toList());
      if (observed) {
        Map<String, Double> byPeer = new LinkedHashMap<>();
        peers.forEach(n -> byPeer.put(n.name(), n.availability()));
        doc.put("observed", byPeer);
      }
      doc.put("readThrough", readThrough);
      doc.put("confidence", Wilson.LEVEL);
      doc.put("results", rows);
      doc.put("chart", chartFile.toString());
      doc.put("kept", keep);
      Json.print(out, doc);
      return 0;
    }
    out.println(
        String.format(
            Locale.ROOT,
            "%d scheme%s, p = %s, %d trial%s, %d file%s of %s per scheme, %d peers up, seed %d;"
                + " reads through %s",
            specs.size(),
            specs.size() == 1 ? "" : "s",
            String.join(" ", downs.stream().map(Down::label).toList()),
            trials,
            trials == 1 ? "" : "s",
            files,
            files == 1 ? "" : "s",
            Format.size(bytesEach),
            peers.size(),
            runSeed,
            readThrough));
    if (observed) {
      out.println(
          "observed availability: "
              + String.join(
                  ", ",
                  peers.stream()
                      .map(
                          n ->
                              n.name()
                                  + " "
                                  + (n.availability() == null
                                      ? "not observed yet (always up)"
                                      : Format.availability(n.availability(), n.observedMillis())))
                      .toList()));
    }
    Format.Table table =
        new Format.Table(
                "SCHEME", "D", "P", "READS", "READ", "MEASURED", "95% INTERVAL", "FORMULA", "MB/S")
            .right(1, 2, 3, 4, 5, 7, 8);
    for (Map<String, Object> r : rows) {
      table.row(
          r.get("scheme"),
          Format.ratio((double) r.get("redundancy")),
          r.get("p") instanceof Double p ? number(p) : r.get("p"),
          r.get("reads"),
          r.get("succeeded"),
          fraction((double) r.get("availability")),
          fraction((double) r.get("low")) + " - " + fraction((double) r.get("high")),
          fraction((double) r.get("formula")),
          r.get("getMBps") == null
              ? "-"
              : String.format(Locale.ROOT, "%.1f", (double) r.get("getMBps")));
    }
    table.print(out);
    out.println("chart: " + chartFile);
    out.println(
        keep
            ? "kept the " + run.names.size() + " files (names start " + run.prefix + ")"
            : "deleted the experiment's files");
    return 0;
  }

  /** One experiment's state, which {@link #cleanUp} undoes, once, whoever calls it first. */
  private final class Run {
    final long seed;
    final long bytesEach;
    final List<NodeStatus> peers;
    final String prefix;
    final SplittableRandom bytes;
    final List<FileName> names = new ArrayList<>();
    final Set<NodeStatus> isolated = ConcurrentHashMap.newKeySet();
    final PeerIsolation isolation = session().isolation();
    volatile JewelClient via;
    Path work;
    private boolean cleaned;

    Run(long seed, long bytesEach, List<NodeStatus> peers) {
      this.seed = seed;
      this.bytesEach = bytesEach;
      this.peers = peers;
      this.prefix = "experiment-" + Long.toHexString(seed & 0xffffffffL) + "-";
      this.bytes = new SplittableRandom(seed);
    }

    /** Stores every scheme's files: distinct random bytes each, so no two share a block. */
    void storeAll(List<Arm> arms) throws IOException {
      work = Files.createTempDirectory("jewel-experiment");
      Path local = work.resolve("file");
      for (int a = 0; a < arms.size(); a++) {
        Arm arm = arms.get(a);
        for (int f = 0; f < files; f++) {
          BlockId sha = writeRandom(local);
          FileName name = new FileName(prefix + (a + 1) + "-" + (f + 1) + ".bin");
          progress("storing " + name + " (" + arm.scheme + ")");
          StoreResult r = via.store(local, name, arm.scheme, false, null, Progress.NONE);
          synchronized (this) {
            names.add(name);
          }
          arm.stored.add(new Stored(r.entry(), r.redundancy(), sha));
        }
      }
      Files.deleteIfExists(local);
    }

    /** Every trial of every p: the reads' tallies by scheme and p. */
    Map<SchemeSpec, Map<Down, Tally>> trials(List<Arm> arms, List<Down> downs) throws IOException {
      Map<SchemeSpec, Map<Down, Tally>> tallies = new LinkedHashMap<>();
      for (Arm arm : arms) {
        Map<Down, Tally> byP = new LinkedHashMap<>();
        downs.forEach(p -> byP.put(p, new Tally()));
        tallies.put(arm.scheme, byP);
      }
      DownSampler sampler = new DownSampler(seed);
      Path back = work.resolve("back");
      for (Down p : downs) {
        for (int t = 1; t <= trials; t++) {
          List<NodeStatus> downNow = sampler.next(peers, n -> p.down(n.name()));
          int ok = 0;
          int reads = 0;
          try {
            for (NodeStatus peer : downNow) {
              takeDown(peer);
            }
            for (Arm arm : arms) {
              Tally tally = tallies.get(arm.scheme).get(p);
              for (Stored s : arm.stored) {
                reads++;
                if (read(s, back, tally)) {
                  ok++;
                }
              }
            }
          } finally {
            bringBack();
          }
          progress(
              String.format(
                  Locale.ROOT,
                  "p=%s trial %d/%d: %s down, %d of %d reads succeeded",
                  p.label(),
                  t,
                  trials,
                  downNow.isEmpty()
                      ? "no peer"
                      : Format.words(downNow.stream().map(NodeStatus::name).toList()),
                  ok,
                  reads));
        }
      }
      progress(null);
      return tallies;
    }

    /** Reads one file; true if it came back whole. Bytes that differ are a bug: it stops. */
    private boolean read(Stored s, Path back, Tally tally) throws IOException {
      long start = System.nanoTime();
      tally.reads++;
      try {
        via.get(s.entry().name(), back, null, Progress.NONE);
      } catch (JewelException e) {
        return false;
      }
      long nanos = System.nanoTime() - start;
      if (!s.sha256().equals(sha256(back))) {
        throw new JewelException(
            "the bytes read back of " + s.entry().name() + " differ from those stored");
      }
      Files.delete(back);
      tally.ok++;
      tally.bytes += s.entry().size();
      tally.nanos += nanos;
      return true;
    }

    /**
     * Isolates {@code peer} for this trial, unless the experiment is being cleaned up (a shutdown
     * hook may run while this thread goes on): then nobody is taken down any more.
     */
    synchronized void takeDown(NodeStatus peer) {
      if (cleaned) {
        throw new JewelException("the experiment was stopped");
      }
      isolated.add(peer);
      isolation.isolate(peer, TRIAL_LIMIT);
    }

    /** Brings this trial's peers back. */
    synchronized void bringBack() {
      restoreAll();
    }

    private void restoreAll() {
      RuntimeException failed = null;
      for (NodeStatus peer : List.copyOf(isolated)) {
        try {
          isolation.restore(peer);
          isolated.remove(peer);
        } catch (RuntimeException e) {
          failed = e;
        }
      }
      if (failed != null) {
        throw new JewelException(
            "could not bring "
                + Format.words(isolated.stream().map(NodeStatus::name).toList())
                + " back (each comes back by itself within "
                + TRIAL_LIMIT.toMinutes()
                + " minutes): "
                + failed.getMessage());
      }
    }

    /**
     * Brings every peer back and, unless {@code --keep}, deletes the files stored so far; best
     * effort, once (the command's end or the shutdown hook, whichever comes first).
     */
    synchronized void cleanUp() {
      if (cleaned) {
        return;
      }
      cleaned = true;
      try {
        restoreAll();
      } catch (RuntimeException e) {
        session().err().println("jewel: " + JewelCli.oneLine(e.getMessage()));
      }
      if (!keep && via != null) {
        for (FileName name : names) {
          try {
            via.delete(name);
          } catch (RuntimeException e) {
            session()
                .err()
                .println(
                    "jewel: could not delete " + name + ": " + JewelCli.oneLine(e.getMessage()));
          }
        }
      }
      if (work != null) {
        try (var list = Files.list(work)) {
          for (Path p : list.toList()) {
            Files.deleteIfExists(p);
          }
          Files.deleteIfExists(work);
        } catch (IOException e) {
          // a temporary folder left behind: harmless
        }
      }
      session().err().flush();
    }

    private BlockId writeRandom(Path file) throws IOException {
      MessageDigest sha = Digests.sha256();
      byte[] buffer = new byte[64 * 1024];
      try (OutputStream out = Files.newOutputStream(file)) {
        for (long left = bytesEach; left > 0; ) {
          int n = (int) Math.min(buffer.length, left);
          bytes.nextBytes(buffer);
          out.write(buffer, 0, n);
          sha.update(buffer, 0, n);
          left -= n;
        }
      }
      return BlockId.of(sha.digest());
    }
  }

  private static BlockId sha256(Path file) {
    MessageDigest sha = Digests.sha256();
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return BlockId.of(sha.digest());
  }

  /** On a terminal, one line on stderr that each step redraws; null clears it. */
  private int drawn;

  private void progress(String line) {
    if (!session().terminal() || json) {
      return;
    }
    PrintWriter err = session().err();
    String text = line == null ? "" : Format.safe(line);
    err.print(
        "\r" + text + " ".repeat(Math.max(0, drawn - text.length())) + (line == null ? "\r" : ""));
    err.flush();
    drawn = text.length();
  }

  /** The {@code --schemes} list: schemes separated by ';', each checked against this build's. */
  static List<SchemeSpec> schemes(String text) {
    List<SchemeSpec> list = new ArrayList<>();
    for (String part : text.split(";", -1)) {
      String[] words = part.trim().split("\\s+");
      if (words[0].isEmpty()) {
        throw new JewelException(
            "--schemes: an empty scheme in '"
                + text
                + "' (separate schemes with ';', like \"naive n=3; parity k=4\")");
      }
      try {
        SchemeSpec spec = Inputs.scheme(words[0], List.of(words).subList(1, words.length));
        if (list.contains(spec)) {
          throw new JewelException("'" + spec + "' is listed twice");
        }
        list.add(spec);
      } catch (JewelException e) {
        throw new JewelException("--schemes: " + e.getMessage());
      }
    }
    return list;
  }

  /** The {@code --down} list: probabilities in [0, 1), separated by ','. */
  static List<Double> probabilities(String text) {
    List<Double> list = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      double p;
      try {
        p = Double.parseDouble(part.trim());
      } catch (NumberFormatException e) {
        throw new JewelException(
            "--down: not a probability: '" + part.trim() + "' (write them like 0.1,0.25)");
      }
      if (!(p >= 0 && p < 1)) {
        throw new JewelException(
            "--down: a peer's probability of being down must be in [0, 1), not " + part.trim());
      }
      if (list.contains(p)) {
        throw new JewelException("--down: " + part.trim() + " is listed twice");
      }
      list.add(p);
    }
    return list;
  }

  private static String number(double p) {
    return new java.math.BigDecimal(Double.toString(p)).stripTrailingZeros().toPlainString();
  }

  private static String fraction(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.4f", value);
  }
}
