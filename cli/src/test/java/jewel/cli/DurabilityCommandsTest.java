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
}
