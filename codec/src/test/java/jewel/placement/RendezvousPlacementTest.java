package jewel.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jewel.api.BlockId;
import jewel.api.PeerId;
import org.junit.jupiter.api.Test;

class RendezvousPlacementTest {
  static PeerId peer(int i) {
    return new PeerId("peer-" + i);
  }

  static Map<PeerId, Double> equalWeights(int n) {
    Map<PeerId, Double> w = new LinkedHashMap<>();
    for (int i = 1; i <= n; i++) {
      w.put(peer(i), 1.0);
    }
    return w;
  }

  @Test
  void sharesAreProportionalToWeights() {
    Map<PeerId, Double> w = Map.of(peer(1), 1.0, peer(2), 2.0, peer(3), 3.0, peer(4), 4.0);
    Map<PeerId, Integer> wins = new HashMap<>();
    int blocks = 100_000;
    for (int i = 0; i < blocks; i++) {
      wins.merge(
          RendezvousPlacement.pick(PinSimulator.blockId(9, i), 0, w, 1).get(0), 1, Integer::sum);
    }
    for (int i = 1; i <= 4; i++) {
      double share = wins.get(peer(i)) / (double) blocks;
      double expected = i / 10.0;
      assertTrue(
          Math.abs(share - expected) < 0.03 * expected,
          "peer-" + i + " won " + share + ", expected " + expected);
    }
  }

  @Test
  void pickGivesDistinctHoldersHighestScoreFirst() {
    Map<PeerId, Double> w = equalWeights(10);
    w.put(peer(3), 2.5);
    for (int i = 0; i < 200; i++) {
      BlockId b = PinSimulator.blockId(1, i);
      List<PeerId> top = RendezvousPlacement.pick(b, 0, w, 4);
      assertEquals(4, new HashSet<>(top).size());
      double last = Double.POSITIVE_INFINITY;
      for (PeerId p : top) {
        double s = RendezvousPlacement.score(FractionalPin.x(b, p, 0), w.get(p));
        assertTrue(s <= last);
        last = s;
      }
      // Every peer left out scores no higher than the last one picked.
      for (PeerId p : w.keySet()) {
        if (!top.contains(p)) {
          assertTrue(RendezvousPlacement.score(FractionalPin.x(b, p, 0), w.get(p)) <= last);
        }
      }
      assertEquals(top.subList(0, 2), RendezvousPlacement.pick(b, 0, w, 2));
    }
  }

  @Test
  void scoreIsFiniteAndIncreasingInX() {
    long[] xs = {
      0,
      1,
      1L << 40,
      Long.MAX_VALUE - 1,
      Long.MAX_VALUE,
      Long.MIN_VALUE,
      Long.MIN_VALUE + 1,
      -1L << 20,
      -2,
      -1
    };
    double prev = 0;
    for (long x : xs) {
      double s = RendezvousPlacement.score(x, 1);
      assertTrue(
          Double.isFinite(s) && s > 0 && s >= prev, "x=" + Long.toUnsignedString(x) + " s=" + s);
      prev = s;
    }
    // u = 1/2 from either side of the split.
    assertEquals(-1 / Math.log(0.5), RendezvousPlacement.score(Long.MIN_VALUE, 1), 1e-12);
    assertEquals(-1 / Math.log(0.5), RendezvousPlacement.score(Long.MAX_VALUE, 1), 1e-12);
    assertEquals(2 * RendezvousPlacement.score(12345, 1), RendezvousPlacement.score(12345, 2));
  }

  @Test
  void joiningPeerMovesOnlyTheBlocksItWins() {
    Map<PeerId, Double> before = equalWeights(10);
    Map<PeerId, Double> after = new HashMap<>(before);
    after.put(peer(11), 1.0);
    int moved = 0, blocks = 5000, r = 3;
    for (int i = 0; i < blocks; i++) {
      BlockId b = PinSimulator.blockId(2, i);
      Set<PeerId> old = new HashSet<>(RendezvousPlacement.pick(b, 0, before, r));
      Set<PeerId> now = new HashSet<>(RendezvousPlacement.pick(b, 0, after, r));
      if (!old.equals(now)) {
        moved++;
        assertTrue(now.contains(peer(11)));
        Set<PeerId> lost = new HashSet<>(old);
        lost.removeAll(now);
        assertEquals(1, lost.size(), "one old holder makes room for the new peer");
      } else {
        assertTrue(!now.contains(peer(11)));
      }
    }
    double share = moved / (double) blocks;
    assertTrue(Math.abs(share - r / 11.0) < 0.03, "moved " + share + ", expected " + r / 11.0);
  }

  @Test
  void leavingPeerMovesOnlyTheBlocksItHeld() {
    Map<PeerId, Double> before = equalWeights(10);
    before.put(peer(4), 3.0);
    Map<PeerId, Double> after = new HashMap<>(before);
    after.remove(peer(5));
    for (int i = 0; i < 5000; i++) {
      BlockId b = PinSimulator.blockId(3, i);
      List<PeerId> old = RendezvousPlacement.pick(b, 0, before, 3);
      List<PeerId> now = RendezvousPlacement.pick(b, 0, after, 3);
      if (old.contains(peer(5))) {
        List<PeerId> kept = new ArrayList<>(old);
        kept.remove(peer(5));
        assertTrue(now.containsAll(kept));
      } else {
        assertEquals(old, now);
      }
    }
  }

  @Test
  void placementInterfaceUsesBlockIds() {
    List<PeerId> live = new ArrayList<>(equalWeights(6).keySet());
    List<BlockId> blocks =
        List.of(PinSimulator.blockId(0, 1), PinSimulator.blockId(0, 2), PinSimulator.blockId(0, 1));
    List<List<PeerId>> placed = Placement.rendezvous().place("f", blocks, 2, live);
    assertEquals(3, placed.size());
    assertEquals(placed.get(0), placed.get(2), "equal blocks land on the same peers");
    assertEquals(RendezvousPlacement.pick(blocks.get(1), 0, equalWeights(6), 2), placed.get(1));
    assertThrows(
        IllegalArgumentException.class, () -> Placement.rendezvous().place("f", blocks, 7, live));
  }

  @Test
  void badInputIsOneClearLine() {
    BlockId b = PinSimulator.blockId(0, 0);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> RendezvousPlacement.pick(b, 0, equalWeights(3), 4));
    assertTrue(e.getMessage().contains("cannot pick 4 holders among 3 peers"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> RendezvousPlacement.pick(b, 0, equalWeights(3), 0));
    for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
      Map<PeerId, Double> w = equalWeights(3);
      w.put(peer(2), bad);
      assertThrows(IllegalArgumentException.class, () -> RendezvousPlacement.pick(b, 0, w, 1));
    }
  }
}
