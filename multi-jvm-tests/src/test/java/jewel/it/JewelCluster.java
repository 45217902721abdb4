package jewel.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jewel.cli.launch.AdminToken;
import jewel.cli.launch.ProcessLauncher;

/**
 * A cluster of real node JVMs under a temporary home, driven through the packaged command line
 * exactly as the {@code jewel} script drives it: one-shot commands with the thin HTTP client
 * ({@code java -cp jewel-cli.jar -Djewel.node.jar=jewel.jar jewel.cli.JewelCli --home H --port P
 * ...}), the shell with the node jar's {@code jewel.node.ShellMain}. Closing it stops every node
 * JVM it started, killing those that do not leave in time.
 */
final class JewelCluster implements AutoCloseable {
  private final Path jar;
  private final Path cliJar;
  final Path home;
  final int port;

  JewelCluster(Path home) throws IOException {
    this.jar = packaged("jewel.jar", "../actors/target/jewel.jar");
    this.cliJar = packaged("jewel.cli.jar", "../cli/target/jewel-cli.jar");
    this.home = home;
    this.port = freePortRange(12);
  }

  private static Path packaged(String property, String fallback) {
    Path path = Path.of(System.getProperty(property, fallback)).toAbsolutePath().normalize();
    if (!Files.exists(path)) {
      throw new IllegalStateException(
          "the packaged jar is missing: " + path + " (run mvn package first)");
    }
    return path;
  }

  /** The outcome of one CLI command. */
  record Run(int exit, String out, String err) {
    Run ok() {
      assertEquals(
          0,
          exit,
          () -> "expected success, got exit " + exit + "\nstdout: " + out + "\nstderr: " + err);
      return this;
    }
  }

  /**
   * JVM options of the node JVMs this cluster starts (JEWEL_NODE_OPTS): the launcher's defaults.
   */
  private String nodeOpts = ProcessLauncher.DEFAULT_NODE_OPTS;

  /** Adds JVM options (settings such as {@code -Djewel.pins.scan-interval=3s}) for the nodes. */
  JewelCluster nodeOptions(String extra) {
    this.nodeOpts = ProcessLauncher.DEFAULT_NODE_OPTS + " " + extra;
    return this;
  }

  /** A one-shot command: HTTP requests to a running node (up, down, kill, ... start node JVMs). */
  Run cli(String... args) throws IOException, InterruptedException {
    return run("", cliJava(), args);
  }

  /** The JVM of a one-shot command, as the {@code jewel} script starts it. */
  private List<String> cliJava() {
    return List.of(
        javaBin(),
        "--add-modules",
        "jdk.incubator.vector",
        "-Xmx256m",
        "-cp",
        cliJar.toString(),
        "-Djewel.node.jar=" + jar,
        "jewel.cli.JewelCli");
  }

  /**
   * A one-shot command left running, its output discarded: for a test that kills a client in the
   * middle of its work.
   */
  Process startCli(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(cliJava());
    cmd.addAll(List.of("--home", home.toString(), "--port", Integer.toString(port)));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  /** Runs {@code script} (one command a line) in one shell session: one JVM, one join. */
  Run shell(String script) throws IOException, InterruptedException {
    return run(
        script,
        List.of(
            javaBin(),
            "--add-modules",
            "jdk.incubator.vector",
            "-Xmx256m",
            "-cp",
            jar.toString(),
            "jewel.node.ShellMain"),
        "shell");
  }

  private Run run(String stdin, List<String> java, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(java);
    cmd.addAll(List.of("--home", home.toString(), "--port", Integer.toString(port)));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(home.getParent(), "out", ".txt");
    Path err = Files.createTempFile(home.getParent(), "err", ".txt");
    Path in = Files.writeString(Files.createTempFile(home.getParent(), "in", ".txt"), stdin);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(in.toFile());
    pb.environment().put("JEWEL_NODE_OPTS", nodeOpts);
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("jewel " + String.join(" ", args) + " did not finish in 5 minutes");
    }
    String stderr =
        Files.readString(err, StandardCharsets.UTF_8)
            .lines()
            .filter(l -> !l.startsWith("WARNING: Using incubator modules"))
            .reduce("", (a, b) -> a.isEmpty() ? b : a + "\n" + b);
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), stderr);
  }

  /** The admin token {@code up} wrote into the home, which the command line sends by itself. */
  String adminToken() {
    return AdminToken.read(home)
        .orElseThrow(() -> new AssertionError("up wrote no admin token in " + home));
  }

  /** The pid the launcher recorded for a node. */
  long pid(String node) throws IOException {
    return Long.parseLong(Files.readString(home.resolve(node).resolve("pid")).trim());
  }

  /**
   * Sends a signal to a node's JVM: {@code STOP} freezes it (as a long pause would), {@code CONT}
   * wakes it.
   */
  void signal(String node, String signal) throws Exception {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid(node))).inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -" + signal + " " + node);
  }

  boolean alive(String node) throws IOException {
    return ProcessHandle.of(pid(node)).map(ProcessHandle::isAlive).orElse(false);
  }

  /**
   * Retries {@code check} until it passes or {@code within} runs out (cluster state settles over
   * seconds).
   */
  static void eventually(Duration within, ThrowingRunnable check) throws Exception {
    Instant deadline = Instant.now().plus(within);
    while (true) {
      try {
        check.run();
        return;
      } catch (AssertionError | Exception e) {
        if (Instant.now().isAfter(deadline)) {
          throw e;
        }
        Thread.sleep(1000);
      }
    }
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Override
  public void close() throws IOException {
    try {
      cli("down");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // and still stop every node below
    } finally {
      // whatever did not leave in time (or was never asked to) dies here
      if (Files.isDirectory(home)) {
        try (Stream<Path> nodes = Files.list(home)) {
          for (Path n : nodes.toList()) {
            Path pid = n.resolve("pid");
            if (Files.exists(pid)) {
              ProcessHandle.of(Long.parseLong(Files.readString(pid).trim()))
                  .ifPresent(ProcessHandle::destroyForcibly);
            }
          }
        }
      }
    }
  }

  private static String javaBin() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /**
   * A port with {@code span} free ports after it: the seed takes the first, peers the next ones;
   * and the same span {@link ProcessLauncher#API_PORT_OFFSET} and {@link
   * ProcessLauncher#S3_PORT_OFFSET} higher free too, for their HTTP APIs and S3 listeners.
   */
  private static int freePortRange(int span) throws IOException {
    int offset = ProcessLauncher.API_PORT_OFFSET;
    int s3 = ProcessLauncher.S3_PORT_OFFSET;
    for (int attempt = 0; attempt < 50; attempt++) {
      // Below Linux's ephemeral range (32768 and up), API and S3 ports included: an outgoing
      // connection of a running node could otherwise take the port a peer added later needs.
      int base = 20000 + (int) (Math.random() * (32768 - 20000 - s3 - span));
      boolean free = true;
      for (int i = 0; i <= span && free; i++) {
        free = isFree(base + i) && isFree(base + offset + i) && isFree(base + s3 + i);
      }
      if (free) {
        return base;
      }
    }
    throw new IOException("no free range of " + span + " ports (and their API ports)");
  }

  private static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket(port)) {
      s.setReuseAddress(true);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
