package jewel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code store --availability} and the observed availability {@code peers} shows. */
class AvailabilityCommandsTest {
  @TempDir Path dir;
  Fakes.Backend backend;
  Path photo;

  @BeforeEach
  void setUp() throws IOException {
    backend = new Fakes.Backend();
    photo =
        Files.write(
            dir.resolve("photo.jpg"), "not really a photo".getBytes(StandardCharsets.UTF_8));
    backend.client.live.clear();
    for (int i = 1; i <= 8; i++) {
      backend.client.live.add("peer-" + i);
      backend.client.observed.put("peer-" + i, 0.9);
    }
  }

  Fakes.Result run(String... args) {
    return backend.run(dir, args);
  }

  /** Exit non-zero, one line on stderr containing {@code expected}, nothing stored. */
  void failsWith(Fakes.Result r, String expected) {
    assertNotEquals(0, r.code(), r::toString);
    assertEquals(1, r.errLines().size(), r::toString);
    assertTrue(r.err().contains(expected), () -> "expected '" + expected + "' in\n" + r);
    assertTrue(backend.client.files.isEmpty(), "nothing stored");
  }

  @Test
  void eightPeersAtNinetyPercentGetFourOfEightForThreeNines() {
    Fakes.Result r = run("store", photo.toString(), "--availability", "0.999");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("k=4 n=8"), r.out());
    assertTrue(r.out().contains("availability=0.999"), "the target is recorded: " + r.out());
    // 4 of 8 at p = 0.9 is 0.999568…, shown with its nines and two more digits, rounded down.
    assertTrue(r.out().contains("avail    0.99956  ("), r.out());
    assertTrue(backend.client.files.get("photo.jpg").scheme().params().containsKey("availability"));
    assertTrue(run("ls").out().contains("availability=0.999"), "ls shows the target");
  }

  @Test
  void maxOverheadIsRecordedAndJsonHasTheAvailability() throws IOException {
    Fakes.Result r =
        run("store", photo.toString(), "--availability", "0.98", "--max-overhead", "1.5", "--json");
    assertEquals(0, r.code(), r::toString);
    JsonNode stored = new ObjectMapper().readTree(r.out());
    assertTrue(stored.get("scheme").asText().contains("max-overhead=1.5"), r.out());
    double a = stored.get("availability").asDouble();
    // The cheapest with D <= 1.5 that reaches 0.98: 4 of 6, 0.98415.
    String scheme = stored.get("scheme").asText();
    assertTrue(scheme.contains("k=4 ") && scheme.endsWith("n=6"), r.out());
    assertEquals(0.98415, a, 1e-5);
  }

  @Test
  void anUnreachableTargetSaysWhatIsReachableInOneLine() {
    failsWith(
        run("store", photo.toString(), "--availability", "0.9999", "--max-overhead", "1.5"),
        "availability 0.9999 is out of reach on 8 live peers with D <= 1.5: the most is 0.984 (k=4 n=6)");
    failsWith(
        run("store", photo.toString(), "--availability", "0.9999", "--max-overhead", "1.5"),
        "without max-overhead, k=");
    backend.client.live.retainAll(List.of("peer-1"));
    failsWith(
        run("store", photo.toString(), "--availability", "0.99"),
        "availability 0.99 is out of reach on 1 live peer: the most is 0.9 (k=1 n=1)");
  }

  @Test
  void badArgumentsAreRefusedLocally() {
    failsWith(
        run("store", photo.toString(), "--availability", "1.5"),
        "availability must be between 0 and 1");
    failsWith(
        run("store", photo.toString(), "--availability", "0.99", "--max-overhead", "0.5"),
        "max-overhead must be at least 1");
    failsWith(run("store", photo.toString(), "--max-overhead", "2"), "goes with --availability");
    failsWith(
        run("store", photo.toString(), "--availability", "0.99", "--scheme", "naive"),
        "use either --scheme or --availability");
    failsWith(run("store", photo.toString(), "--availability", "0.99", "k=2"), "picks k and n");
    assertEquals(0, backend.connects);
  }

  @Test
  void peersShowObservedAvailability() throws IOException {
    backend.client.observed.put("peer-2", 0.9876);
    String table = run("peers").out();
    assertTrue(table.lines().findFirst().orElseThrow().contains("AVAILABLE"), table);
    assertTrue(
        table.lines().anyMatch(l -> l.startsWith("peer-2") && l.contains(" 98.7% of 7d")), table);
    assertTrue(table.lines().anyMatch(l -> l.startsWith("seed") && l.contains(" - ")), table);
    JsonNode peers = new ObjectMapper().readTree(run("peers", "--json").out()).get("peers");
    assertEquals(0.9876, peers.get(2).get("availability").asDouble(), 1e-12);
    assertEquals(7L * 24 * 3600 * 1000, peers.get(2).get("observedMillis").asLong());
    assertTrue(peers.get(0).get("availability").isNull());
  }

  @Test
  void simulateTakesOneUpProbabilityOrTheObservedOnes() {
    String one =
        run("simulate", "--peers", "8", "--fraction", "0.5", "--blocks", "2000", "--up", "0.9")
            .out();
    assertTrue(one.contains("share unreadable, peers up with u_p"), one);
    assertEquals(0, backend.connects, "--up needs no cluster");
    backend.client.observed.put("peer-3", 0.5);
    String seen =
        run("simulate", "--peers", "8", "--fraction", "0.5", "--blocks", "2000", "--observed")
            .out();
    // The formula: 0.55^7 · 0.75 (peer-3 at 0.5, the others at 0.9, each holding with f = 0.5).
    String formula = String.format(java.util.Locale.ROOT, "%.6f", Math.pow(0.55, 7) * 0.75);
    assertTrue(
        seen.lines().anyMatch(l -> l.contains("share unreadable") && l.contains(formula)), seen);
    Fakes.Result tooMany =
        run("simulate", "--peers", "9", "--fraction", "0.5", "--blocks", "10", "--observed");
    assertEquals(1, tooMany.code(), tooMany::toString);
    assertTrue(tooMany.err().contains("peer-9 has no observed availability"), tooMany::toString);
    Fakes.Result both =
        run(
            "simulate",
            "--peers",
            "2",
            "--fraction",
            "0.5",
            "--blocks",
            "10",
            "--observed",
            "--up",
            "0.9");
    assertTrue(both.err().contains("use either --up P or --observed"), both::toString);
  }
}
