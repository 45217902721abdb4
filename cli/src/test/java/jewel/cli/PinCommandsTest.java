package jewel.cli;

import static jewel.cli.JewelCliTest.failsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import jewel.api.PeerSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PinCommandsTest {
  @TempDir Path dir;
  Fakes.Backend backend;

  @BeforeEach
  void setUp() {
    backend = new Fakes.Backend();
    backend.client.add("a.iso", "aaaa");
    backend.client.add("b.iso", "bbbbbbbb");
  }

  Fakes.Result run(String... args) {
    return backend.run(dir, args);
  }

  @Test
  void pinsListOneLineEach() {
    assertEquals(0, run("pin", "add", "a.iso", "--fraction", "20%").code());
    assertEquals(0, run("pin", "add", "b.iso").code());
    assertEquals(0, run("pin", "update", "b.iso", "--fraction-size-limit", "2B").code());
    Fakes.Result ls = run("pin", "ls", "--type", "fraction");
    assertEquals(0, ls.code(), ls::toString);
    assertTrue(ls.out().contains("a.iso  direct+fraction (fraction=0.2)"), ls.out());
    assertTrue(
        ls.out().contains("b.iso  direct+fraction (fraction-size-limit=2B - fraction=0.25)"),
        ls.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "1.5", "-0.1", "abc", "150%", "0%"})
  void aFractionOutsideZeroToOneIsRefusedAndNothingChanges(String bad) {
    failsWith(run("pin", "add", "a.iso", "--fraction", bad), "fraction");
    failsWith(run("pin", "default", "--fraction", bad), "fraction");
    assertTrue(backend.client.pins.isEmpty());
    assertEquals(0.5, backend.client.defaultFraction);
  }

  @Test
  void unknownFilesAndPeersAreRefused() {
    failsWith(run("pin", "add", "nope.iso"), "unknown file 'nope.iso'");
    failsWith(run("pin", "update", "a.iso", "--fraction", "0.3"), "'a.iso' is not pinned");
    failsWith(run("peer", "trust", "peer-9"), "unknown peer 'peer-9'");
    failsWith(run("peer", "quota", "peer-1", "lots"), "not a size: 'lots'");
    failsWith(run("peer", "modifier", "peer-1", "0"), "above 0");
    failsWith(run("peer", "modifier", "peer-1", "-2"), "above 0");
    assertTrue(backend.client.peerSettings.isEmpty());
  }

  @Test
  void peerSettingsChangeOneAtATime() {
    assertEquals(0, run("peer", "modifier", "peer-1", "inf").code());
    assertEquals(0, run("peer", "quota", "peer-2", "1.5GiB").code());
    assertEquals(0, run("peer", "trust", "peer-3").code());
    assertEquals(
        new PeerSettings(Double.POSITIVE_INFINITY, false, -1, false),
        backend.client.peerSettings.get("peer-1"));
    assertEquals(
        new PeerSettings(1, false, 1610612736L, false), backend.client.peerSettings.get("peer-2"));
    assertEquals(new PeerSettings(1, true, -1, false), backend.client.peerSettings.get("peer-3"));
  }

  @Test
  void storeWithAFractionPins() throws Exception {
    Path f = java.nio.file.Files.writeString(dir.resolve("c.iso"), "c");
    Fakes.Result r = run("store", f.toString(), "--fraction", "0.3");
    assertEquals(0, r.code(), r::toString);
    assertTrue(
        backend.client.calls.stream()
            .anyMatch(c -> c.startsWith("store c.iso as c.iso pinned Pin[fraction=0.3")),
        backend.client.calls::toString);
    failsWith(run("store", f.toString(), "--as", "d.iso", "--fraction", "2"), "fraction");
  }

  @Test
  void simulateNeedsNoClusterAndChecksItsInput() {
    Fakes.Result r = run("simulate", "--peers", "20", "--fraction", "0.25", "--blocks", "2000");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("replication"), r.out());
    assertEquals(0, backend.connects);
    failsWith(run("simulate", "--peers", "0", "--fraction", "0.25", "--blocks", "10"), "peer");
    failsWith(run("simulate", "--peers", "5", "--fraction", "2", "--blocks", "10"), "fraction");
  }
}
