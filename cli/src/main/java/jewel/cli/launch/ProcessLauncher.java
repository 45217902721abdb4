package jewel.cli.launch;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import jewel.api.JewelException;
import jewel.api.PeerId;
import jewel.pki.ClusterCa;
import jewel.pki.ClusterTls;
import jewel.pki.TlsFiles;

/**
 * Runs the nodes of one home folder as background JVMs on this machine: the seed on the home's
 * port, {@code peer-i} on port + i, each node's HTTP API on its port + 1000 and its S3 listener on
 * its port + 2000. Each node has its folder {@code HOME/NAME/} with {@code disk/}, a {@code pid}
 * file, a {@code port} file, its log {@code node.log}, a {@code ready} file the node writes once it
 * is Up in the cluster, and {@code api} and {@code s3} files with the base URLs of its API and its
 * S3 listener once they are bound.
 *
 * <p>Before it starts a node it makes sure the node has a key and a certificate signed by the
 * home's certificate authority ({@code HOME/tls/}, see {@link ClusterCa}), creating the CA on first
 * use, and passes the node their paths ({@code -Djewel.tls.key-file}, {@code cert-file}, {@code
 * ca-file}).
 *
 * <p>The nodes run from the node jar ({@code actors/target/jewel.jar}), not from this process's
 * class path: the command line runs from its own jar without Pekko. The {@code jewel} script names
 * it with {@code -Djewel.node.jar}.
 */
public final class ProcessLauncher implements Launcher {
  /**
   * JVM options of a node unless {@code JEWEL_NODE_OPTS} says otherwise. A small heap, and the
   * serial collector, which suits one: fewer threads and less CPU than G1 while many node JVMs
   * share a few cores.
   */
  public static final String DEFAULT_NODE_OPTS = "-Xmx256m -XX:+UseSerialGC";

  public static final String SEED = "seed";

  /** Registry nodes after the seed are {@code registry-2}, {@code registry-3}, … */
  public static final String REGISTRY_PREFIX = "registry-";

  /** Where a home keeps its journal URL, if it has one (see {@link #up(int, int, String)}). */
  static final String JOURNAL_FILE = "journal-url";

  /** A node's HTTP API listens on its cluster port + this (seed 26520 when the seed is 25520). */
  public static final int API_PORT_OFFSET = 1000;

  /**
   * A node's S3 listener listens on its cluster port + this (seed 27520 when the seed is 25520).
   */
  public static final int S3_PORT_OFFSET = 2000;

  /** The system property that names the node jar (or a class path) the nodes run from. */
  public static final String NODE_JAR_PROPERTY = "jewel.node.jar";

  private static final String NODE_MAIN = "jewel.node.NodeMain";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path home;
  private final int seedPort;

  public ProcessLauncher(Path home, int seedPort) {
    this.home = home.toAbsolutePath().normalize();
    this.seedPort = seedPort;
  }

  /** The home's certificates: its CA and one key and certificate per node and for the shell. */
  public Path tlsDir() {
    return home.resolve(ClusterCa.FOLDER);
  }

  /**
   * Node {@code name}'s key and certificate, issued by the home's CA (created on first use) if it
   * has none; one line if they cannot be used (an expired certificate, a broken key), so that
   * nothing starts with them. The shell's are made alongside, for the shell to come.
   */
  private TlsFiles credentials(String name) {
    ClusterCa ca = ClusterCa.openOrCreate(tlsDir());
    ca.ensure(ClusterCa.SHELL);
    TlsFiles files = ca.ensure(name);
    ClusterTls.check(files, name, Clock.systemUTC());
    return files;
  }

  @Override
  public List<String> up(int peers, int registries, String journal) {
    String shared = journal(journal);
    if (registries > 1 && shared.isEmpty()) {
      throw new JewelException(
          registries
              + " registry nodes need a journal they share: give --journal"
              + " jdbc:postgresql://HOST:PORT/DB?user=U (LevelDB lives on one node)");
    }
    List<String> registryNodes = new ArrayList<>();
    for (int r = 1; r <= registries; r++) {
      registryNodes.add(r == 1 ? SEED : REGISTRY_PREFIX + r);
    }
    // Every port first, so that a taken one stops `up` before it starts anything.
    for (String name : registryNodes) {
      if (!isRunning(name)) {
        checkPortsFree(name, portOf(name));
        credentials(name);
      }
    }
    for (int i = 1; i <= peers; i++) {
      if (!isRunning("peer-" + i)) {
        checkPortsFree("peer-" + i, seedPort + i);
        credentials("peer-" + i);
      }
    }
    Path jar = nodeJar();
    List<String> started = new ArrayList<>();
    for (String name : registryNodes) {
      if (!isRunning(name)) {
        start(jar, name, portOf(name));
        started.add(name);
        awaitReady(List.of(name)); // one at a time: the first founds the cluster
      }
    }
    for (int i = 1; i <= peers; i++) {
      String name = "peer-" + i;
      if (!isRunning(name)) {
        start(jar, name, seedPort + i);
        started.add(name);
      }
    }
    awaitReady(started);
    return started;
  }

  /**
   * The registry's journal for this home: {@code given} (remembered in {@code HOME/journal-url},
   * readable by its owner only, for later starts), else the one remembered, else empty (LevelDB).
   */
  private String journal(String given) {
    Path file = home.resolve(JOURNAL_FILE);
    String remembered = "";
    try {
      if (Files.exists(file)) {
        remembered = Files.readString(file).trim();
      }
      if (given == null || given.isBlank() || given.trim().equals(remembered)) {
        return remembered;
      }
      if (!runningNodes().isEmpty()) {
        throw new JewelException(
            "the cluster at "
                + home
                + " is running on another journal: stop it (down) before you change its journal");
      }
      Files.createDirectories(home);
      Files.writeString(file, given.trim() + "\n");
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: its own rules apply
      }
      return given.trim();
    } catch (IOException e) {
      throw new JewelException("cannot keep the journal URL in " + file + ": " + e.getMessage());
    }
  }

  /** A node's cluster port: the seed's, {@code peer-i} + i, {@code registry-r} + 900 + r. */
  private int portOf(String name) {
    if (name.equals(SEED)) {
      return seedPort;
    }
    if (name.startsWith(REGISTRY_PREFIX)) {
      return seedPort + 900 + Integer.parseInt(name.substring(REGISTRY_PREFIX.length()));
    }
    return seedPort + Integer.parseInt(name.substring("peer-".length()));
  }

  /** Whether {@code name} is a registry node: the seed, or {@code registry-r}. */
  static boolean isRegistry(String name) {
    return name.equals(SEED) || name.startsWith(REGISTRY_PREFIX);
  }

  @Override
  public List<String> down() {
    List<String> stopped = new ArrayList<>();
    List<String> running = new ArrayList<>(runningNodes());
    // peers first, so that the seed sees them leave
    running.sort(
        java.util.Comparator.comparing(ProcessLauncher::isRegistry).thenComparing(PeerId::new));
    for (String name : running) {
      pid(name)
          .flatMap(ProcessHandle::of)
          .ifPresent(
              p -> {
                p.destroy(); // SIGTERM: the node leaves the cluster and exits
                stopped.add(name);
              });
    }
    for (String name : stopped) {
      pid(name)
          .flatMap(ProcessHandle::of)
          .ifPresent(
              p -> {
                try {
                  p.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                  p.destroyForcibly();
                }
              });
    }
    return stopped;
  }

  @Override
  public List<String> add(int count) {
    if (!running()) {
      throw notRunning();
    }
    int next =
        knownNodes().stream()
                .filter(n -> n.startsWith("peer-"))
                .mapToInt(n -> Integer.parseInt(n.substring(5)))
                .max()
                .orElse(0)
            + 1;
    for (int i = 0; i < count; i++) {
      checkPortsFree("peer-" + (next + i), seedPort + next + i);
      credentials("peer-" + (next + i));
    }
    Path jar = nodeJar();
    List<String> started = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = "peer-" + (next + i);
      start(jar, name, seedPort + next + i);
      started.add(name);
    }
    awaitReady(started);
    return started;
  }

  @Override
  public void kill(PeerId node) {
    String name = known(node);
    ProcessHandle p =
        pid(name)
            .flatMap(ProcessHandle::of)
            .filter(ProcessLauncher::isNode)
            .orElseThrow(
                () ->
                    new JewelException(
                        name + " is not running (start it again with: revive " + name + ")"));
    p.destroyForcibly(); // SIGKILL: a crash, no goodbye to the cluster
    try {
      p.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new JewelException("could not kill " + name + " (pid " + p.pid() + ")");
    }
  }

  @Override
  public void revive(PeerId node) {
    String name = known(node);
    if (isRunning(name)) {
      throw new JewelException(name + " is already running");
    }
    if (!isRegistry(name) && !running()) {
      // it would start, but could not join until a registry node is back
      throw new JewelException("no registry node is running: revive seed first");
    }
    int port = port(name);
    checkPortsFree(name, port);
    credentials(name);
    start(nodeJar(), name, port);
    awaitReady(List.of(name));
  }

  /** Whether a registry node of this home is running (with failover, not always the seed). */
  @Override
  public boolean running() {
    return knownNodes().stream().filter(ProcessLauncher::isRegistry).anyMatch(this::isRunning);
  }

  /** The names of the nodes this home has ever started, running or not. */
  public List<String> knownNodes() {
    if (!Files.isDirectory(home)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(home)) {
      return dirs.filter(d -> Files.exists(d.resolve("port")))
          .map(d -> d.getFileName().toString())
          .sorted((a, b) -> new PeerId(a).compareTo(new PeerId(b)))
          .toList();
    } catch (IOException e) {
      throw new JewelException("cannot read " + home + ": " + e.getMessage());
    }
  }

  public List<String> runningNodes() {
    return knownNodes().stream().filter(this::isRunning).toList();
  }

  private String known(PeerId node) {
    String name = node.name();
    if (!knownNodes().contains(name)) {
      throw new JewelException(
          "unknown peer '"
              + name
              + "' (nodes of "
              + home
              + ": "
              + (knownNodes().isEmpty() ? "none" : String.join(", ", knownNodes()))
              + ")");
    }
    return name;
  }

  private JewelException notRunning() {
    return new JewelException(
        "no cluster is running at " + home + " (port " + seedPort + "): start one with ./jewel up");
  }

  private boolean isRunning(String name) {
    return pid(name)
        .flatMap(ProcessHandle::of)
        .filter(ProcessLauncher::isNode)
        .map(ProcessHandle::isAlive)
        .orElse(false);
  }

  /** A pid file may outlive its JVM and the pid be reused: check it is one of ours. */
  private static boolean isNode(ProcessHandle p) {
    return p.isAlive() && p.info().commandLine().map(c -> c.contains(NODE_MAIN)).orElse(true);
  }

  private Optional<Long> pid(String name) {
    try {
      Path f = home.resolve(name).resolve("pid");
      return Files.exists(f)
          ? Optional.of(Long.parseLong(Files.readString(f).trim()))
          : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private int port(String name) {
    try {
      return Integer.parseInt(Files.readString(home.resolve(name).resolve("port")).trim());
    } catch (IOException | NumberFormatException e) {
      throw new JewelException("cannot read the port of " + name + " in " + home.resolve(name));
    }
  }

  private void start(Path jar, String name, int port) {
    boolean registry = isRegistry(name);
    Path dir = home.resolve(name);
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("port"), Integer.toString(port));
      Files.deleteIfExists(dir.resolve("ready"));
      // A killed node's URL would send clients to a port nobody serves until it binds again.
      Files.deleteIfExists(dir.resolve("api"));
      Files.deleteIfExists(dir.resolve("s3"));
      List<String> seeds = new ArrayList<>();
      if (registry) {
        // A registry node must join the nodes that are running, never found a cluster of its
        // own: listing only them (and not itself) makes it wait until one lets it in. Only the
        // seed, first of all, starts alone.
        runningNodes().stream()
            .filter(n -> !n.equals(name))
            .forEach(n -> seeds.add("127.0.0.1:" + port(n)));
      } else {
        // Any registry node lets a peer in: the seed first, the others if it is gone.
        knownNodes().stream()
            .filter(ProcessLauncher::isRegistry)
            .forEach(n -> seeds.add("127.0.0.1:" + port(n)));
      }
      if (seeds.isEmpty()) {
        seeds.add("127.0.0.1:" + seedPort);
      }
      List<String> cmd = new ArrayList<>();
      if (new File("/usr/bin/setsid").canExecute()) {
        cmd.add(
            "/usr/bin/setsid"); // its own session: closing the terminal does not kill the cluster
      }
      cmd.add(ProcessHandle.current().info().command().orElse("java"));
      cmd.add("--add-modules");
      cmd.add("jdk.incubator.vector");
      // The node's TLS files, before JEWEL_NODE_OPTS, so that options there may name others (the
      // last of two equal -D options wins).
      TlsFiles tls = TlsFiles.in(tlsDir(), name);
      cmd.add("-Djewel.tls.key-file=" + tls.key());
      cmd.add("-Djewel.tls.cert-file=" + tls.cert());
      cmd.add("-Djewel.tls.ca-file=" + tls.ca());
      String opts = System.getenv().getOrDefault("JEWEL_NODE_OPTS", DEFAULT_NODE_OPTS);
      cmd.addAll(List.of(opts.trim().split("\\s+")));
      cmd.add("-cp");
      cmd.add(jar.toString());
      cmd.add("-Djewel.home=" + home);
      cmd.add("-Djewel.node.name=" + name);
      cmd.add("-Djewel.node.roles=" + (registry ? "registry" : "peer"));
      String journal = journal("");
      if (registry && !journal.isEmpty()) {
        cmd.add("-Djewel.registry.journal-url=" + journal);
      }
      cmd.add("-Djewel.node.port=" + port);
      cmd.add("-Djewel.api.port=" + (port + API_PORT_OFFSET));
      cmd.add("-Djewel.s3.port=" + (port + S3_PORT_OFFSET));
      // The home's admin token (made on the first start): nodes get only its hash.
      cmd.add("-Djewel.api.admin-token-hash-file=" + AdminToken.ensure(home));
      cmd.add("-Djewel.seed-nodes=" + String.join(",", seeds));
      cmd.add(NODE_MAIN);
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("node.log").toFile()));
      Process p = pb.start();
      Files.writeString(dir.resolve("pid"), Long.toString(p.pid()));
    } catch (IOException e) {
      throw new JewelException("could not start " + name + ": " + e.getMessage());
    }
  }

  /**
   * The node's cluster port, its API port and its S3 port, or one line naming the one that is
   * taken.
   */
  private static void checkPortsFree(String name, int port) {
    checkPortFree(port, name);
    checkPortFree(port + API_PORT_OFFSET, name + "'s HTTP API");
    checkPortFree(port + S3_PORT_OFFSET, name + "'s S3 listener");
  }

  private static void checkPortFree(int port, String what) {
    if (port > 65535) {
      throw new JewelException(
          "port "
              + port
              + " for "
              + what
              + " is above 65535: run this cluster on lower ports (--port)");
    }
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", port));
    } catch (IOException e) {
      throw new JewelException(
          "port "
              + port
              + " for "
              + what
              + " is in use by another program: stop it,"
              + " or run this cluster on other ports (--port)");
    }
  }

  /**
   * The node jar: {@code -Djewel.node.jar} (the {@code jewel} script sets it), else {@code
   * actors/target/jewel.jar} of the repository this code was built in ({@code
   * cli/target/jewel-cli.jar} or {@code cli/target/classes}, three folders down).
   */
  static Path nodeJar() {
    String named = System.getProperty(NODE_JAR_PROPERTY);
    if (named != null && !named.isBlank()) {
      // A class path (the shell passes its own) is taken as it is.
      if (named.contains(File.pathSeparator) || Files.exists(Path.of(named))) {
        return Path.of(named);
      }
      throw new JewelException(
          "the node jar "
              + named
              + " (-D"
              + NODE_JAR_PROPERTY
              + ") does not exist:"
              + " build it with mvn -pl actors -am package");
    }
    Path guess = null;
    try {
      Path here =
          Path.of(
              ProcessLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path repository = here.toAbsolutePath().getParent().getParent().getParent();
      guess = repository.resolve("actors").resolve("target").resolve("jewel.jar");
    } catch (Exception e) {
      // No location to guess from: the message below says what to do.
    }
    if (guess != null && Files.exists(guess)) {
      return guess;
    }
    throw new JewelException(
        "cannot find the node jar"
            + (guess == null ? "" : " (" + guess + ")")
            + ": build it with mvn -pl actors -am package, or name it with -D"
            + NODE_JAR_PROPERTY
            + "=PATH");
  }

  private void awaitReady(List<String> names) {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    List<String> waiting = new ArrayList<>(names);
    while (!waiting.isEmpty()) {
      waiting.removeIf(n -> Files.exists(home.resolve(n).resolve("ready")));
      for (String n : waiting) {
        if (!isRunning(n)) {
          throw new JewelException(
              n + " exited while starting: see " + home.resolve(n).resolve("node.log"));
        }
      }
      if (waiting.isEmpty()) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new JewelException(
            String.join(", ", waiting)
                + " did not come up within "
                + START_TIMEOUT.toSeconds()
                + " s: see "
                + home.resolve(waiting.get(0)).resolve("node.log"));
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new JewelException("interrupted while waiting for " + String.join(", ", waiting));
      }
    }
  }
}
