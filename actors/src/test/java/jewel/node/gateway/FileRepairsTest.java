package jewel.node.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jewel.api.BlockId;
import jewel.api.BlockLayout;
import jewel.api.Digests;
import jewel.api.FileEntry;
import jewel.api.FileHealth;
import jewel.api.FileName;
import jewel.api.PeerId;
import jewel.api.SchemeSpec;
import jewel.api.StoredBlock;
import jewel.placement.HealthCheck;
import org.junit.jupiter.api.Test;

/** Where repair puts the copies it re-creates, and what a health check calls due. */
class FileRepairsTest {
  static final List<PeerId> PEERS =
      List.of("peer-1", "peer-2", "peer-3", "peer-4", "peer-5", "peer-6").stream()
          .map(PeerId::new)
          .toList();

  static BlockId id(String s) {
    return BlockId.of(Digests.sha256().digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  /** A reedsolomon k=3 n=5 file, jewel i on peer-(i+1). */
  static FileEntry jewels() {
    List<StoredBlock> blocks =
        java.util.stream.IntStream.range(0, 5)
            .mapToObj(i -> new StoredBlock(i, id("j" + i), 100, List.of(PEERS.get(i))))
            .toList();
    return new FileEntry(
        new FileName("rs.bin"),
        300,
        id("root"),
        SchemeSpec.parse("reedsolomon k=3 n=5"),
        new BlockLayout("segments", 3, 5, 64, "jewel"),
        blocks,
        0);
  }

  @Test
  void aLostJewelGoesToAPeerThatHoldsNoJewelOfTheFile() {
    Set<PeerId> live = Set.of(PEERS.get(1), PEERS.get(2), PEERS.get(3), PEERS.get(4), PEERS.get(5));
    FileHealth h = HealthCheck.of(jewels(), 1, live, Map.of(PEERS.get(0), 0L), 1000, Duration.ZERO);
    assertEquals(FileHealth.State.DEGRADED, h.state());
    assertEquals(1, h.survives());
    assertEquals(2, h.promised());
    assertEquals(Map.of(0, List.of(PEERS.get(5))), FileRepairs.targets(h, live));
  }

  @Test
  void withNoFreePeerItStillPlacesTheCopyOnAPeerWithoutThatBlock() {
    Set<PeerId> live = Set.of(PEERS.get(1), PEERS.get(2), PEERS.get(3), PEERS.get(4));
    FileHealth h = HealthCheck.of(jewels(), 1, live, Map.of(PEERS.get(0), 0L), 1000, Duration.ZERO);
    List<PeerId> target = FileRepairs.targets(h, live).get(0);
    assertEquals(1, target.size());
    assertTrue(live.contains(target.get(0)));
  }

  @Test
  void aHolderDownForLessThanTheGraceIsWaitedFor() {
    Set<PeerId> live = Set.of(PEERS.get(1), PEERS.get(2), PEERS.get(3), PEERS.get(4), PEERS.get(5));
    FileHealth h =
        HealthCheck.of(
            jewels(), 1, live, Map.of(PEERS.get(0), 10_000L), 20_000, Duration.ofSeconds(30));
    assertEquals(FileHealth.State.DEGRADED, h.state());
    assertFalse(h.repairDue());
    assertEquals(List.of(PEERS.get(0)), h.blocks().get(0).waiting());
    assertEquals(Map.of(), FileRepairs.targets(h, live));
    FileHealth later =
        HealthCheck.of(
            jewels(), 1, live, Map.of(PEERS.get(0), 10_000L), 40_001, Duration.ofSeconds(30));
    assertTrue(later.repairDue());
    assertEquals(List.of(PEERS.get(0)), later.blocks().get(0).lost());
  }

  @Test
  void tooFewJewelsUpIsUnreadable() {
    Set<PeerId> live = Set.of(PEERS.get(3), PEERS.get(4));
    FileHealth h = HealthCheck.of(jewels(), 1, live, Map.of(), 1000, Duration.ZERO);
    assertEquals(FileHealth.State.UNREADABLE, h.state());
    assertFalse(h.repairDue());
  }

  @Test
  void humanDurations() {
    assertEquals("45s", FileRepairs.human(Duration.ofSeconds(45)));
    assertEquals("7m 10s", FileRepairs.human(Duration.ofSeconds(430)));
    assertEquals("2h 5m", FileRepairs.human(Duration.ofMinutes(125)));
  }

  @Test
  void newJewelsGoToLivePeersHoldingNoneOfTheFile() {
    Set<PeerId> live = Set.copyOf(PEERS);
    assertEquals(Map.of(5, List.of(PEERS.get(5))), FileRepairs.newJewelTargets(jewels(), 6, live));
  }

  @Test
  void tooFewFreePeersIsRefusedSayingWhatIsReachable() {
    Set<PeerId> live = Set.copyOf(PEERS);
    jewel.api.JewelException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            jewel.api.JewelException.class, () -> FileRepairs.newJewelTargets(jewels(), 8, live));
    assertEquals(
        "cannot retune 'rs.bin' to n=8: each new jewel needs a live peer that holds none of its 5"
            + " jewels, and 1 is up (peer-6); the most it can have now is n=6 (add peers)",
        e.getMessage());
  }
}
