package jewel.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import jewel.api.JewelClient;
import jewel.cli.Backend;
import jewel.cli.HttpJewelClient;
import jewel.cli.JewelCli;
import jewel.cli.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One table of commands, run through both backends of the command line against one real cluster in
 * this JVM: the one-shot CLI's HTTP client (talking to peer-2's API) and the shell's cluster
 * backend (a client member doing the work itself). Each command must give the same exit status and
 * the same output through both.
 */
class CommandTableTest {
  @TempDir static Path home;
  private static InJvmCluster cluster;
  private static final byte[] CONTENT =
      "the same bytes, whichever way they travel\n".getBytes(StandardCharsets.UTF_8);
  private static final byte[] PEERS_OWN = "peer-1's own t.txt\n".getBytes(StandardCharsets.UTF_8);

  @BeforeAll
  static void start() throws Exception {
    cluster = InJvmCluster.start(home, 3);
    Files.write(home.resolve("in.txt"), CONTENT);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** What one command printed and returned. */
  record Outcome(int exit, String out, String err) {}

  /**
   * The longest valid name, 255 bytes (ü is two): with a temporary name derived from it, no file
   * could hold it.
   */
  private static final String LONG = "long-" + "ü".repeat(50) + "n".repeat(146) + ".txt";

  /**
   * The table: every command, in order; {@code OUT} stands for a fresh output path, {@code LONG}
   * for {@link #LONG}.
   */
  private static final List<String[]> TABLE =
      List.of(
          new String[] {"store", "in.txt", "--as", "t.txt", "--scheme", "naive", "n=2"},
          new String[] {"ls"},
          new String[] {"get", "t.txt", "-o", "OUT"},
          new String[] {"get", "t.txt", "--range", "4-13", "-o", "OUT"},
          new String[] {"schemes"},
          new String[] {"scheme"},
          new String[] {"get", "nope.txt", "-o", "OUT"},
          new String[] {"store", "in.txt", "--as", "t.txt"},
          new String[] {"store", "in.txt", "--as", "u.txt", "--scheme", "naive", "n=9"},
          new String[] {
            "store", "in.txt", "--as", "u.txt", "--scheme", "reedsolomon", "k=3", "n=2"
          },
          new String[] {"status", "nope.txt"},
          new String[] {"pin", "add", "t.txt", "--fraction", "0.5"},
          new String[] {"pin", "ls"},
          new String[] {"pin", "rm", "t.txt"},
          new String[] {"get", "t.txt", "--to", "peer-1"},
          new String[] {"get", "t.txt", "--to", "peer-1"},
          new String[] {"get", "t.txt", "--to", "peer-1", "--force"},
          new String[] {"delete", "t.txt"},
          new String[] {"delete", "t.txt"},
          new String[] {"store", "in.txt", "--as", "LONG", "--scheme", "naive", "n=2"},
          new String[] {"get", "LONG"},
          new String[] {"get", "LONG", "--to", "peer-1"},
          new String[] {"delete", "LONG"},
          new String[] {
            "store", "in.txt", "--as", "v.txt", "--scheme", "reedsolomon", "k=2", "n=3"
          },
          new String[] {"check"},
          new String[] {"check", "v.txt"},
          new String[] {"verify", "--all"},
          new String[] {"repair", "v.txt"},
          new String[] {"repair", "nope.txt"},
          new String[] {"retune", "v.txt", "--n", "2"},
          new String[] {"retune", "v.txt", "--n", "2"},
          new String[] {"retune", "v.txt", "--n", "3"},
          new String[] {"get", "v.txt", "-o", "OUT"},
          new String[] {"retune", "v.txt", "--n", "4"},
          new String[] {"retune", "v.txt", "--n", "1"},
          new String[] {"delete", "v.txt"},
          new String[] {"token", "revoke", "t99"},
          new String[] {"s3", "key", "ls"},
          new String[] {"s3", "key", "revoke", "JWLAAAAAAAAAAAAAAAAA"},
          new String[] {"store", "in.txt", "--as", "photos/2026/x.txt", "--scheme", "naive", "n=2"},
          new String[] {"ls", "photos/"},
          new String[] {"get", "photos/2026/x.txt"},
          new String[] {"get", "photos/2026/x.txt", "--to", "peer-1"},
          new String[] {"store", "photos/2026/x.txt", "--from", "peer-1", "--as", "copies/x.txt"},
          new String[] {"delete", "photos/2026/x.txt"},
          new String[] {"ls", "copies/"},
          new String[] {"delete", "copies/x.txt"});

  @Test
  void bothBackendsGiveTheSameAnswers() throws Exception {
    JewelClient http = HttpJewelClient.at(cluster.peer(2).apiUrl(), cluster.adminToken());
    JewelClient member = cluster.client().gateway();
    List<Outcome> viaHttp = runTable(http, "http");
    List<Outcome> viaCluster = runTable(member, "cluster");
    for (int i = 0; i < TABLE.size(); i++) {
      String command = String.join(" ", TABLE.get(i));
      assertEquals(viaHttp.get(i), viaCluster.get(i), command);
    }
    // And the answers are the right ones, not merely equal.
    assertEquals(0, viaHttp.get(0).exit(), viaHttp.get(0).toString());
    assertTrue(viaHttp.get(1).out().contains("t.txt"), viaHttp.get(1).out());
    assertEquals(new Outcome(1, "", "jewel: unknown file 'nope.txt' (try: ls)\n"), viaHttp.get(6));
    assertTrue(viaHttp.get(7).err().contains("exists"), viaHttp.get(7).toString());
    assertTrue(viaHttp.get(8).err().contains("live peers"), viaHttp.get(8).toString());
    assertEquals(1, viaHttp.get(9).exit(), viaHttp.get(9).toString());
    assertEquals(0, viaHttp.get(14).exit(), viaHttp.get(14).toString());
    assertEquals(
        new Outcome(
            1,
            "",
            "jewel: peer-1 already has 't.txt' in its disk/files/: use --force to replace it\n"),
        viaHttp.get(15));
    assertEquals(0, viaHttp.get(16).exit(), viaHttp.get(16).toString());
    assertEquals(0, viaHttp.get(17).exit(), viaHttp.get(17).toString());
    assertEquals(1, viaHttp.get(18).exit(), viaHttp.get(18).toString());
    for (int i = 19; i <= 22; i++) {
      assertEquals(0, viaHttp.get(i).exit(), viaHttp.get(i).toString());
    }
    assertTrue(viaHttp.get(24).out().contains("1 file: 1 healthy"), viaHttp.get(24).toString());
    assertEquals(0, viaHttp.get(25).exit(), viaHttp.get(25).toString());
    assertTrue(viaHttp.get(26).out().contains("v.txt: 3 copies intact"), viaHttp.get(26).out());
    assertTrue(viaHttp.get(27).out().contains("nothing to re-create"), viaHttp.get(27).out());
    assertEquals(new Outcome(1, "", "jewel: unknown file 'nope.txt' (try: ls)\n"), viaHttp.get(28));
    assertTrue(
        viaHttp
            .get(29)
            .out()
            .startsWith("retuned v.txt from n=3 to n=2: dropped jewel 2; now healthy"),
        viaHttp.get(29).toString());
    assertEquals(
        new Outcome(0, "v.txt already has n=2 jewels: nothing to do\n", ""), viaHttp.get(30));
    assertTrue(
        viaHttp.get(31).out().startsWith("retuned v.txt from n=2 to n=3: jewel 2 on peer-"),
        viaHttp.get(31).toString());
    assertTrue(
        viaHttp.get(31).out().contains("now healthy: survives 1 peer loss"),
        viaHttp.get(31).toString());
    assertEquals(0, viaHttp.get(32).exit(), viaHttp.get(32).toString());
    assertEquals(
        new Outcome(
            1,
            "",
            "jewel: cannot retune 'v.txt' to n=4: each new jewel needs a live peer that holds none"
                + " of its 3 jewels, and none is up; the most it can have now is n=3 (add peers)\n"),
        viaHttp.get(33));
    assertEquals(
        new Outcome(
            1,
            "",
            "jewel: cannot retune 'v.txt' to n=1: it needs at least k=2 jewels (any k of them"
                + " rebuild it)\n"),
        viaHttp.get(34));
    assertEquals(
        new Outcome(1, "", "jewel: unknown token id 't99' (try: token ls)\n"), viaHttp.get(36));
    assertEquals(
        new Outcome(0, "no S3 access keys (make one with: s3 key create)\n", ""), viaHttp.get(37));
    assertEquals(
        new Outcome(
            1, "", "jewel: unknown S3 access key 'JWLAAAAAAAAAAAAAAAAA' (try: s3 key ls)\n"),
        viaHttp.get(38));
    assertEquals(0, viaHttp.get(39).exit(), viaHttp.get(39).toString());
    assertTrue(viaHttp.get(40).out().contains("photos/2026/x.txt"), viaHttp.get(40).toString());
    assertTrue(viaHttp.get(40).out().contains("1 file,"), viaHttp.get(40).toString());
    assertTrue(
        viaHttp.get(41).out().startsWith("got photos/2026/x.txt -> ./x.txt"),
        viaHttp.get(41).toString());
    assertEquals(0, viaHttp.get(42).exit(), viaHttp.get(42).toString());
    assertTrue(viaHttp.get(43).out().startsWith("stored copies/x.txt"), viaHttp.get(43).toString());
    assertTrue(
        viaHttp.get(44).out().startsWith("deleted photos/2026/x.txt"), viaHttp.get(44).toString());
    assertTrue(viaHttp.get(45).out().contains("copies/x.txt"), viaHttp.get(45).toString());
    assertEquals(0, viaHttp.get(46).exit(), viaHttp.get(46).toString());
  }

  private List<Outcome> runTable(JewelClient client, String label) throws Exception {
    List<Outcome> outcomes = new ArrayList<>();
    Path dir = Files.createDirectories(home.resolve(label));
    Files.copy(home.resolve("in.txt"), dir.resolve("in.txt"));
    Path peerFiles = home.resolve("peer-1").resolve("disk").resolve("files");
    for (String name : List.of("t.txt", LONG, "photos/2026/x.txt")) {
      Files.deleteIfExists(peerFiles.resolve(name)); // the other backend's get --to left it
    }
    int n = 0;
    for (String[] row : TABLE) {
      Path out = dir.resolve("out-" + n++);
      String[] args =
          Arrays.stream(row)
              .map(a -> a.equals("OUT") ? out.toString() : a.equals("LONG") ? LONG : a)
              .toArray(String[]::new);
      Outcome outcome = run(client, dir, args);
      outcomes.add(
          new Outcome(
              outcome.exit(),
              outcome.out().replace(dir.toString(), "DIR"),
              outcome.err().replace(dir.toString(), "DIR")));
      List<String> options = List.of(args);
      String what = label + ": " + String.join(" ", args);
      if (args[0].equals("get") && options.contains("--to")) {
        // A refused get --to keeps the peer's file; then the peer has its own again, for the next
        // row.
        Path peerCopy = peerFiles.resolve(args[1]);
        assertArrayEquals(
            outcome.exit() == 0 ? CONTENT : PEERS_OWN, Files.readAllBytes(peerCopy), what);
        Files.write(peerCopy, PEERS_OWN);
      } else if (args[0].equals("get") && outcome.exit() == 0) {
        byte[] expected =
            options.contains("--range") ? Arrays.copyOfRange(CONTENT, 4, 14) : CONTENT;
        Path written = // the default: ./BASE, the name's last segment
            options.contains("-o")
                ? out
                : dir.resolve(args[1].substring(args[1].lastIndexOf('/') + 1));
        assertArrayEquals(expected, Files.readAllBytes(written), what);
      }
    }
    try (var left = Files.list(dir)) {
      assertEquals(
          List.of(), left.filter(p -> p.getFileName().toString().startsWith(".")).toList(), label);
    }
    return outcomes;
  }

  /**
   * Runs one command line in a session whose backend is {@code client} (left open for the next).
   */
  private static Outcome run(JewelClient client, Path cwd, String... args) {
    JewelClient kept =
        (JewelClient)
            Proxy.newProxyInstance(
                JewelClient.class.getClassLoader(),
                new Class<?>[] {JewelClient.class},
                (proxy, method, methodArgs) -> {
                  if (method.getName().equals("close")) {
                    return null;
                  }
                  try {
                    return method.invoke(client, methodArgs);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    Backend backend = (h, port, api, token) -> kept;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Session session =
        new Session(
            backend,
            Map.of(),
            cwd,
            new BufferedReader(new StringReader("")),
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            false);
    int exit = JewelCli.run(session, args);
    return new Outcome(exit, out.toString(), err.toString());
  }
}
