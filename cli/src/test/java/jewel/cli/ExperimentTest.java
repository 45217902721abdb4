package jewel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code experiment} against the fake cluster: argument rules, the table, the JSON, clean-up. */
class ExperimentTest {
  @TempDir Path dir;
  Fakes.Backend backend;

  @BeforeEach
  void setUp() {
    backend = new Fakes.Backend();
  }

  Fakes.Result run(String... args) {
    return backend.run(dir, args);
  }

  static Stream<Arguments> badInputs() {
    return Stream.of(
        Arguments.of(
            List.of("--schemes", "naive n=2; ; hosting", "--down", "0.1", "--trials", "2"),
            "--schemes: an empty scheme"),
        Arguments.of(
            List.of("--schemes", "naive n=", "--down", "0.1", "--trials", "2"),
            "--schemes: bad scheme parameter 'n='"),
        Arguments.of(
            List.of("--schemes", "raid5", "--down", "0.1", "--trials", "2"),
            "--schemes: unknown scheme 'raid5'"),
        Arguments.of(
            List.of("--schemes", "naive n=2", "--down", "1", "--trials", "2"),
            "--down: a peer's probability of being down must be in [0, 1), not 1"),
        Arguments.of(
            List.of("--schemes", "naive n=2", "--down", "-0.1", "--trials", "2"),
            "must be in [0, 1), not -0.1"),
        Arguments.of(
            List.of("--schemes", "naive n=2", "--down", "0.1,lots", "--trials", "2"),
            "--down: not a probability: 'lots'"),
        Arguments.of(
            List.of("--schemes", "naive n=2", "--down", "0.1", "--trials", "0"),
            "--trials must be 1 or more, not 0"),
        Arguments.of(
            List.of("--schemes", "naive n=2", "--down", "0.1", "--trials", "2", "--files", "-1"),
            "--files must be 1 or more, not -1"),
        Arguments.of(
            List.of("--schemes", "naive n=2", "--trials", "2"),
            "give --down P,... (like 0.1,0.25) or --observed"));
  }

  @ParameterizedTest
  @MethodSource("badInputs")
  void badInputIsOneLineBeforeTheClusterIsAsked(List<String> args, String expected) {
    Fakes.Result r =
        run(Stream.concat(Stream.of("experiment"), args.stream()).toArray(String[]::new));
    JewelCliTest.failsWith(r, expected);
    assertEquals(0, backend.connects);
  }

  @Test
  void moreHoldersThanLivePeersIsRefusedBeforeStoringAnything() {
    Fakes.Result r =
        run("experiment", "--schemes", "naive n=2; naive n=4", "--down", "0.1", "--trials", "2");
    JewelCliTest.failsWith(r, "naive n=4 needs 4 peers up, only 3 are (start more with: add)");
    assertTrue(
        backend.client.calls.stream().noneMatch(c -> c.startsWith("store")),
        backend.client.calls::toString);
  }

  @Test
  void noClusterRunningIsOneLine() {
    backend.running = false;
    Fakes.Result r = run("experiment", "--schemes", "naive n=2", "--down", "0.1", "--trials", "2");
    JewelCliTest.failsWith(r, "start one with ./jewel up");
  }

  @Test
  void printsARowPerSchemeAndPDrawsTheChartAndLeavesNothingBehind() throws Exception {
    Fakes.Result r =
        run(
            "experiment",
            "--schemes",
            "hosting; naive n=3",
            "--down",
            "0,0.5",
            "--trials",
            "20",
            "--files",
            "2",
            "--size",
            "1KiB",
            "--seed",
            "7");
    assertEquals(0, r.code(), r::toString);
    List<String> lines = r.out().lines().toList();
    assertEquals(
        "2 schemes, p = 0 0.5, 20 trials, 2 files of 1.0 KiB per scheme, 3 peers up, seed 7;"
            + " reads through seed",
        lines.get(0));
    assertEquals(
        List.of(
            "SCHEME", "D", "P", "READS", "READ", "MEASURED", "95%", "INTERVAL", "FORMULA", "MB/S"),
        List.of(lines.get(1).trim().split("\\s+")));
    // No peer down: every read succeeds, and the formula says 1.
    assertTrue(
        lines
            .get(2)
            .matches(
                "hosting\\s+1\\s+0\\s+40\\s+40\\s+1\\.0000\\s+0\\.9\\d+ - 1\\.0000\\s+1\\.0000\\s+\\S+"),
        lines.get(2));
    assertTrue(lines.get(3).startsWith("hosting "), lines.get(3));
    assertTrue(
        lines.get(3).contains("0.5000"), "the formula for one holder at p=0.5: " + lines.get(3));
    assertTrue(lines.get(5).startsWith("naive n=3 "), lines.get(5));
    assertTrue(lines.get(5).contains("0.8750"), "1 - 0.5^3: " + lines.get(5));
    assertEquals("chart: " + dir.resolve("experiment.png"), lines.get(6));
    assertEquals("deleted the experiment's files", lines.get(7));

    byte[] png = Files.readAllBytes(dir.resolve("experiment.png"));
    assertEquals((byte) 0x89, png[0]);
    assertEquals("PNG", new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
    assertTrue(backend.client.files.isEmpty(), "its files are deleted");
    assertTrue(backend.client.isolated.isEmpty(), "every peer is back");
    long isolations = backend.client.calls.stream().filter(c -> c.startsWith("isolate")).count();
    long restores = backend.client.calls.stream().filter(c -> c.startsWith("restore")).count();
    assertTrue(isolations > 0, backend.client.calls::toString);
    assertEquals(isolations, restores);
    assertTrue(
        backend.client.calls.contains("isolate peer-1 600s"), backend.client.calls::toString);
  }

  @Test
  void theSameSeedGivesTheSameMeasurementsAndJsonHasEveryField() throws Exception {
    String[] args = {
      "experiment",
      "--schemes",
      "naive n=2",
      "--down",
      "0.4",
      "--trials",
      "30",
      "--files",
      "1",
      "--size",
      "100",
      "--seed",
      "11",
      "--json",
      "--chart",
      "out/chart.png",
      "--keep"
    };
    Fakes.Result first = run(args);
    assertEquals(0, first.code(), first::toString);
    JsonNode doc = new ObjectMapper().readTree(first.out());
    assertEquals(11, doc.get("seed").asLong());
    assertEquals(30, doc.get("trials").asInt());
    assertEquals(1, doc.get("files").asInt());
    assertEquals(100, doc.get("size").asLong());
    assertEquals("seed", doc.get("readThrough").asText());
    assertEquals(0.95, doc.get("confidence").asDouble());
    assertEquals(dir.resolve("out/chart.png").toString(), doc.get("chart").asText());
    assertTrue(Files.exists(dir.resolve("out/chart.png")));
    assertTrue(doc.get("kept").asBoolean());
    JsonNode row = doc.get("results").get(0);
    assertEquals("naive n=2", row.get("scheme").asText());
    assertEquals(2.0, row.get("redundancy").asDouble());
    assertEquals(0.4, row.get("p").asDouble());
    assertEquals(30, row.get("reads").asInt());
    long ok = row.get("succeeded").asLong();
    assertEquals(ok / 30.0, row.get("availability").asDouble(), 1e-12);
    assertEquals(Wilson.of(ok, 30).low(), row.get("low").asDouble(), 1e-12);
    assertEquals(Wilson.of(ok, 30).high(), row.get("high").asDouble(), 1e-12);
    assertEquals(1 - 0.4 * 0.4, row.get("formula").asDouble(), 1e-12);
    assertEquals(1, backend.client.files.size(), "--keep keeps the file");
    assertTrue(backend.client.isolated.isEmpty());

    backend.client.files.clear();
    backend.client.contents.clear();
    Fakes.Result again = run(args);
    assertEquals(
        ok,
        new ObjectMapper().readTree(again.out()).get("results").get(0).get("succeeded").asLong());
  }

  @Test
  void onATerminalOneLineTellsEachTrialAndIsClearedAtTheEnd() {
    backend.terminal = true;
    Fakes.Result r =
        run(
            "experiment",
            "--schemes",
            "naive n=2",
            "--down",
            "0.5",
            "--trials",
            "3",
            "--seed",
            "1");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.err().startsWith("\rstoring experiment-"), r::toString);
    assertTrue(r.err().contains("\rp=0.5 trial 3/3: "), r::toString);
    assertTrue(r.err().endsWith("\r"), "the line is cleared: " + r);
    assertTrue(!r.err().contains("\n"), "one line, redrawn: " + r);

    backend.terminal = false;
    Fakes.Result piped =
        run(
            "experiment",
            "--schemes",
            "naive n=2",
            "--down",
            "0.5",
            "--trials",
            "3",
            "--seed",
            "1");
    assertEquals("", piped.err(), "nothing on a pipe");
  }

  @Test
  void observedTakesEachPeerDownWithOneMinusItsAvailabilityAndAnUnobservedOneNever()
      throws Exception {
    backend.client.observed.put("peer-1", 0.0);
    backend.client.observed.put("peer-2", 1.0);
    // peer-3: not observed yet, so always up.
    Fakes.Result r =
        run(
            "experiment",
            "--schemes",
            "hosting; naive n=2",
            "--observed",
            "--trials",
            "12",
            "--files",
            "1",
            "--size",
            "100",
            "--seed",
            "4",
            "--json");
    assertEquals(0, r.code(), r::toString);
    List<String> isolations =
        backend.client.calls.stream().filter(c -> c.startsWith("isolate")).toList();
    assertEquals(12, isolations.size(), isolations::toString);
    assertTrue(
        isolations.stream().allMatch(c -> c.equals("isolate peer-1 600s")), isolations::toString);
    assertTrue(backend.client.isolated.isEmpty(), "every peer is back");

    JsonNode doc = new ObjectMapper().readTree(r.out());
    JsonNode observed = doc.get("observed");
    assertEquals(0.0, observed.get("peer-1").asDouble());
    assertEquals(1.0, observed.get("peer-2").asDouble());
    assertTrue(observed.get("peer-3").isNull(), observed::toString);
    JsonNode results = doc.get("results");
    assertEquals(2, results.size(), "one row per scheme: no --down");
    // hosting holds on peer-1 (availability 0): never readable, as the formula says.
    JsonNode hosting = results.get(0);
    assertEquals("hosting", hosting.get("scheme").asText());
    assertEquals("observed", hosting.get("p").asText());
    assertEquals(12, hosting.get("reads").asInt());
    assertEquals(0, hosting.get("succeeded").asInt());
    assertEquals(0.0, hosting.get("formula").asDouble(), 1e-12);
    assertEquals(Wilson.of(0, 12).high(), hosting.get("high").asDouble(), 1e-12);
    // naive n=2 holds on peer-1 and peer-2 (availability 1): always readable.
    JsonNode naive = results.get(1);
    assertEquals("observed", naive.get("p").asText());
    assertEquals(12, naive.get("succeeded").asInt());
    assertEquals(1.0, naive.get("formula").asDouble(), 1e-12);
    assertTrue(backend.client.files.isEmpty(), "its files are deleted");
  }

  @Test
  void observedBesideDownAddsARowPerSchemeWhoseFormulaUsesEachHoldersAvailability()
      throws Exception {
    backend.client.observed.put("peer-1", 0.9);
    backend.client.observed.put("peer-2", 0.8);
    Fakes.Result r =
        run(
            "experiment",
            "--schemes",
            "hosting; naive n=2",
            "--down",
            "0.5",
            "--observed",
            "--trials",
            "10",
            "--files",
            "1",
            "--size",
            "1KiB",
            "--seed",
            "7");
    assertEquals(0, r.code(), r::toString);
    List<String> lines = r.out().lines().toList();
    assertEquals(
        "2 schemes, p = 0.5 observed, 10 trials, 1 file of 1.0 KiB per scheme, 3 peers up,"
            + " seed 7; reads through seed",
        lines.get(0));
    assertEquals(
        "observed availability: peer-1 90% of 7d, peer-2 80% of 7d, peer-3 not observed yet"
            + " (always up)",
        lines.get(1));
    assertTrue(
        lines.get(3).matches("hosting\\s+1\\s+0\\.5\\s+10\\s.*0\\.5000\\s+\\S+"), lines.get(3));
    assertTrue(
        lines.get(4).matches("hosting\\s+1\\s+observed\\s+10\\s.*0\\.9000\\s+\\S+"),
        "the formula is peer-1's availability: " + lines.get(4));
    assertTrue(lines.get(5).startsWith("naive n=2 "), lines.get(5));
    assertTrue(
        lines.get(6).matches("naive n=2\\s+2\\s+observed\\s+10\\s.*0\\.9800\\s+\\S+"),
        "1 - 0.1 * 0.2: " + lines.get(6));
    assertEquals("chart: " + dir.resolve("experiment.png"), lines.get(7));
    assertTrue(Files.size(dir.resolve("experiment.png")) > 0);
  }

  @Test
  void observedWhenNoPeerHasBeenObservedIsOneLineAndStoresNothing() {
    Fakes.Result r = run("experiment", "--schemes", "naive n=2", "--observed", "--trials", "2");
    JewelCliTest.failsWith(
        r, "--observed: no peer that is up has an observed availability yet (see: peers)");
    assertTrue(
        backend.client.calls.stream().noneMatch(c -> c.startsWith("store")),
        backend.client.calls::toString);
  }

  @Test
  void aFailureInATrialStillBringsEveryPeerBackAndDeletesTheFiles() {
    backend.client.live.add("peer-4");
    backend.client.live.add("peer-5");
    backend.client.serveWrongBytes = true;
    Fakes.Result r =
        run(
            "experiment",
            "--schemes",
            "naive n=2",
            "--down",
            "0.9",
            "--trials",
            "5",
            "--files",
            "3",
            "--seed",
            "3");
    JewelCliTest.failsWith(r, "differ from those stored");
    assertTrue(backend.client.calls.stream().anyMatch(c -> c.startsWith("isolate")));
    assertTrue(backend.client.isolated.isEmpty(), "every peer is back");
    assertTrue(backend.client.files.isEmpty(), backend.client.files::toString);
  }
}
