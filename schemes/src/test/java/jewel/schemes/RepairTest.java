package jewel.schemes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jewel.api.FileEntry;
import jewel.api.JewelException;
import jewel.api.PeerId;
import jewel.api.RepairReport.NewCopy;
import jewel.api.StoredBlock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Repair: lost copies come back on new peers, copied or re-encoded, and the file then reads from
 * the new copies alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RepairTest {
  static final int C = Harness.CHUNK;
  static final List<PeerId> SEVEN = MemoryPeers.peers(7);
  Harness h;

  @BeforeAll
  void start() {
    h = new Harness();
  }

  @AfterAll
  void stop() {
    h.close();
  }

  @Test
  void reedSolomonReEncodesLostJewelsWithTheirOldIds() {
    MemoryPeers peers = new MemoryPeers();
    byte[] bytes = Harness.bytes(10 * C + 7, 3);
    List<PeerId> five = SEVEN.subList(0, 5);
    FileEntry entry = h.store(peers, five, "rs.bin", "reedsolomon k=3 n=5", bytes);
    List<PeerId> gone = List.of(holderOf(entry, 0), holderOf(entry, 4));
    Set<PeerId> up = up(gone);

    List<NewCopy> made =
        repair(entry, peers, up, Map.of(0, List.of(SEVEN.get(5)), 4, List.of(SEVEN.get(6))));

    assertEquals(2, made.size());
    assertTrue(made.stream().allMatch(NewCopy::rebuilt), "no live holder: re-encoded");
    FileEntry repaired = withCopies(entry, made);
    // Every original holder of jewels 1 and 2 gone too: the two new jewels and jewel 3 suffice.
    Set<PeerId> after = new HashSet<>(up);
    after.remove(holderOf(entry, 1));
    after.remove(holderOf(entry, 2));
    assertArrayEquals(bytes, h.read(repaired, after, SchemeRoundTripTest.onlyUp(peers, after)));
  }

  @Test
  void parityRebuildsItsLostShard() {
    MemoryPeers peers = new MemoryPeers();
    byte[] bytes = Harness.bytes(5 * C + 1, 4);
    FileEntry entry = h.store(peers, SEVEN.subList(0, 4), "p.bin", "parity k=3", bytes);
    PeerId lost = holderOf(entry, 1);
    List<NewCopy> made = repair(entry, peers, up(List.of(lost)), Map.of(1, List.of(SEVEN.get(6))));
    assertEquals(entry.blocks().get(1).id(), made.get(0).block());
    Set<PeerId> after = up(List.of(lost, holderOf(entry, 3)));
    assertArrayEquals(
        bytes, h.read(withCopies(entry, made), after, SchemeRoundTripTest.onlyUp(peers, after)));
  }

  @Test
  void naiveCopiesFromASurvivorAndGoesPastACorruptOne() {
    MemoryPeers peers = new MemoryPeers();
    byte[] bytes = Harness.bytes(3 * C, 5);
    FileEntry entry = h.store(peers, SEVEN.subList(0, 3), "n.bin", "naive n=3", bytes);
    List<PeerId> holders = entry.blocks().get(0).holders();
    peers.corrupt(holders.get(0), entry.blocks().get(0).id(), 17);
    Set<PeerId> up = up(List.of(holders.get(2)));

    List<NewCopy> made = repair(entry, peers, up, Map.of(0, List.of(SEVEN.get(6))));

    assertEquals(List.of(new NewCopy(0, entry.root(), SEVEN.get(6), false)), made);
    assertArrayEquals(bytes, peers.disks.get(SEVEN.get(6)).get(entry.root()));
  }

  @Test
  void aShardWithNoLiveCopyCannotBeRepaired() {
    MemoryPeers peers = new MemoryPeers();
    byte[] bytes = Harness.bytes(3 * C, 6);
    FileEntry entry = h.store(peers, SEVEN.subList(0, 3), "s.bin", "shard k=3", bytes);
    PeerId lost = holderOf(entry, 2);
    JewelException e =
        assertThrows(
            JewelException.class,
            () -> repair(entry, peers, up(List.of(lost)), Map.of(2, List.of(SEVEN.get(6)))));
    assertTrue(e.getMessage().contains("no holder of block 2"), e.getMessage());
  }

  /** Repairs with the peers not in {@code up} down; the new copies land on {@code peers}. */
  private List<NewCopy> repair(
      FileEntry entry, MemoryPeers peers, Set<PeerId> up, Map<Integer, List<PeerId>> targets) {
    MemoryPeers view = SchemeRoundTripTest.onlyUp(peers, up);
    try {
      return Harness.await(
          h.schemes
              .get(entry.scheme().id())
              .repair(new RepairJob(entry, up, targets, view, h.materializer)));
    } finally {
      view.disks.forEach(peers.disks::putIfAbsent);
    }
  }

  private static PeerId holderOf(FileEntry entry, int index) {
    return entry.blocks().get(index).holders().get(0);
  }

  private static Set<PeerId> up(List<PeerId> gone) {
    Set<PeerId> up = new HashSet<>(SEVEN);
    gone.forEach(up::remove);
    return up;
  }

  private static FileEntry withCopies(FileEntry entry, List<NewCopy> made) {
    Map<Integer, List<PeerId>> added = new HashMap<>();
    made.forEach(c -> added.computeIfAbsent(c.index(), i -> new ArrayList<>()).add(c.peer()));
    return entry.withBlocks(
        entry.blocks().stream()
            .map(
                b -> {
                  List<PeerId> holders = new ArrayList<>(b.holders());
                  holders.addAll(added.getOrDefault(b.index(), List.of()));
                  return b.withHolders(holders);
                })
            .map(StoredBlock.class::cast)
            .toList());
  }
}
