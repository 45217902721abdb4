package jewel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import jewel.api.PeerId;
import jewel.api.VerifyReport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** check, verify and repair against the in-memory cluster. */
class DurabilityCommandsTest {
  @TempDir Path dir;
  Fakes.Backend backend;

  @BeforeEach
  void setUp() {
    backend = new Fakes.Backend();
    backend.client.add("a.txt", "alpha");
    backend.client.add("b.txt", "beta");
  }

  Fakes.Result run(String... args) {
    return backend.run(dir, args);
  }

  @Test
  void checkSaysHealthyAndExitsZeroWhileEveryCopyIsUp() {
    Fakes.Result r = run("check");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("2 files: 2 healthy, 0 degraded, 0 unreadable"), r::toString);
  }

  @Test
  void checkNamesTheDownHolderAndExitsOneWhenAFileIsDegraded() {
    backend.client.live.remove("peer-1");
    Fakes.Result r = run("check", "a.txt");
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.out().contains("degraded: survives 0 peer losses (promised 1)"), r::toString);
    assertTrue(r.out().contains("1 of 2"), r::toString);
    assertTrue(r.out().contains("peer-1"), r::toString);
  }

  @Test
  void checkJsonIsOneDocument() {
    Fakes.Result r = run("check", "--json");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().trim().startsWith("{") && r.out().contains("\"HEALTHY\""), r::toString);
  }

  @Test
  void verifyNamesCorruptCopiesAndExitsOne() {
    var a = backend.client.files.get("a.txt");
    backend.client.corrupt.put(
        "a.txt", List.of(new VerifyReport.BadCopy(0, a.root(), new PeerId("peer-2"), "corrupt")));
    Fakes.Result r = run("verify", "--all");
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.out().contains("a.txt: 1 of 2 copies bad: block 0"), r::toString);
    assertTrue(r.out().contains("on peer-2 corrupt (quarantined)"), r::toString);
    assertTrue(r.out().contains("b.txt: 2 copies intact"), r::toString);
  }

  @Test
  void repairAllRepairsOnlyWhatIsNotHealthy() {
    backend.client.live.remove("peer-1");
    Fakes.Result r = run("repair", "--all");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("a.txt: 1 new copy (block 0 copied to peer-3)"), r::toString);
    assertTrue(r.out().contains("now healthy"), r::toString);
    assertTrue(r.out().contains("2 repaired, 0 failed"), r::toString);
    assertEquals(0, run("check").code());
  }

  @Test
  void nameAndAllTogetherOrNeitherIsAUsageError() {
    assertEquals(2, run("repair").code());
    assertEquals(2, run("verify", "a.txt", "--all").code());
    assertEquals(2, run("check", "a.txt", "--all").code());
  }

  @Test
  void anUnknownFileIsOneLine() {
    Fakes.Result r = run("repair", "nope");
    JewelCliTest.failsWith(r, "unknown file 'nope'");
  }

  @Test
  void retuneUpPlacesTheNewJewelsOnPeersHoldingNone() {
    backend.client.live.addAll(List.of("peer-4", "peer-5", "peer-6", "peer-7"));
    backend.client.addJewels("rs.bin", 5);
    Fakes.Result r = run("retune", "rs.bin", "--n", "7");
    assertEquals(0, r.code(), r::toString);
    assertEquals(
        "retuned rs.bin from n=5 to n=7: jewel 5 on peer-6, jewel 6 on peer-7 (200 B written);"
            + " now healthy: survives 4 peer losses\n",
        r.out(),
        r::toString);
    assertEquals(List.of("retune rs.bin 7"), backend.client.calls.subList(0, 1));
    assertEquals(7, backend.client.files.get("rs.bin").layout().n());
  }

  @Test
  void retuneDownDropsTheLastJewels() {
    backend.client.live.addAll(List.of("peer-4", "peer-5", "peer-6"));
    backend.client.addJewels("rs.bin", 6);
    Fakes.Result r = run("retune", "rs.bin", "--n", "4");
    assertEquals(0, r.code(), r::toString);
    assertTrue(
        r.out().startsWith("retuned rs.bin from n=6 to n=4: dropped jewels 4, 5; now"),
        r::toString);
    assertTrue(run("retune", "rs.bin", "--n", "4", "--json").out().contains("\"fromN\" : 4"));
  }

  @Test
  void retuneToTheSameNDoesNothingAndSucceeds() {
    backend.client.live.addAll(List.of("peer-4", "peer-5"));
    backend.client.addJewels("rs.bin", 5);
    Fakes.Result r = run("retune", "rs.bin", "--n", "5");
    assertEquals(0, r.code(), r::toString);
    assertEquals("rs.bin already has n=5 jewels: nothing to do\n", r.out());
  }

  @Test
  void retuneRefusesBadInputInOneLine() {
    backend.client.live.addAll(List.of("peer-4", "peer-5"));
    backend.client.addJewels("rs.bin", 5);
    JewelCliTest.failsWith(run("retune", "nope", "--n", "6"), "unknown file 'nope'");
    JewelCliTest.failsWith(
        run("retune", "a.txt", "--n", "3"),
        "cannot retune 'a.txt': it is stored with naive n=2, and only reedsolomon files have"
            + " jewels to add or drop");
    JewelCliTest.failsWith(
        run("retune", "rs.bin", "--n", "2"),
        "cannot retune 'rs.bin' to n=2: it needs at least k=3 jewels (any k of them rebuild it)");
    JewelCliTest.failsWith(
        run("retune", "rs.bin", "--n", "257"),
        "cannot retune 'rs.bin' to n=257: with its chunks of 64 bytes it can have at most n=256"
            + " (the codec's limit)");
    JewelCliTest.failsWith(
        run("retune", "rs.bin", "--n", "7"),
        "cannot retune 'rs.bin' to n=7: the most it can have now is n=5 (add peers)");
    assertEquals(2, run("retune", "rs.bin").code(), "--n is required");
    assertEquals(2, run("retune", "rs.bin", "--n", "x").code());
    assertEquals(5, backend.client.files.get("rs.bin").layout().n(), "nothing changed");
  }
}
