package jewel.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import jewel.api.BlockId;
import jewel.api.PeerId;
import org.junit.jupiter.api.Test;

class RoundRobinPlacementTest {
  static List<PeerId> peers(int n) {
    List<PeerId> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(new PeerId("peer-" + i));
    }
    return out;
  }

  static List<PeerId> ids(int... numbers) {
    List<PeerId> out = new ArrayList<>();
    for (int n : numbers) {
      out.add(new PeerId("peer-" + n));
    }
    return out;
  }

  @Test
  void threeShardsTwoCopiesOnThreePeers() {
    assertEquals(
        List.of(ids(1, 2), ids(2, 3), ids(3, 1)), RoundRobinPlacement.stripe(peers(3), 3, 2, 0));
    assertEquals(
        List.of(ids(2, 3), ids(3, 1), ids(1, 2)), RoundRobinPlacement.stripe(peers(3), 3, 2, 1));
    assertEquals(
        List.of(ids(3, 1), ids(1, 2), ids(2, 3)), RoundRobinPlacement.stripe(peers(3), 3, 2, -1));
  }

  @Test
  void copiesAreOnDistinctPeers() {
    for (int n = 1; n <= 9; n++) {
      for (int copies = 1; copies <= n; copies++) {
        for (List<PeerId> h : RoundRobinPlacement.stripe(peers(n), 20, copies, 7)) {
          assertEquals(copies, new HashSet<>(h).size());
        }
      }
    }
  }

  @Test
  void placeSortsPeersAndRotatesByKey() {
    List<PeerId> shuffled = new ArrayList<>(peers(12));
    Collections.shuffle(shuffled, new java.util.Random(6));
    List<BlockId> blocks = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      blocks.add(PinSimulator.blockId(0, i));
    }
    assertEquals(
        RoundRobinPlacement.stripe(peers(12), 4, 2, 0),
        RoundRobinPlacement.original().place("a.txt", blocks, 2, shuffled));
    int start = RoundRobinPlacement.start("a.txt");
    assertTrue(start >= 0);
    assertEquals(
        RoundRobinPlacement.stripe(peers(12), 4, 2, start),
        Placement.roundRobin().place("a.txt", blocks, 2, shuffled));
    assertEquals(start, RoundRobinPlacement.start("a.txt"));
  }

  @Test
  void tooManyCopiesIsOneClearLine() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> RoundRobinPlacement.stripe(peers(2), 3, 3, 0));
    assertTrue(e.getMessage().contains("3 copies"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> RoundRobinPlacement.stripe(peers(2), 3, 0, 0));
    assertThrows(
        IllegalArgumentException.class, () -> RoundRobinPlacement.stripe(ids(1, 1), 1, 1, 0));
  }
}
