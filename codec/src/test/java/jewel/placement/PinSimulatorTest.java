package jewel.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jewel.api.BlockId;
import jewel.api.PeerId;
import org.junit.jupiter.api.Test;

class PinSimulatorTest {
  @Test
  void meanReplicationIsCloseToNf() {
    PinSimulator.Result r = PinSimulator.simulate(100, 0.25, 10_000, 2, Map.of(), Map.of(), 0);
    assertEquals(25.0, r.formulas().meanReplication(), 1e-9);
    assertTrue(Math.abs(r.meanReplication() - 25) < 0.03 * 25, r.table());
    assertTrue(Math.abs(r.joinMoves() - 0.25) < 0.03, r.table());
    assertTrue(Math.abs(r.leaveMoves() - 0.25) < 0.03, r.table());
    assertEquals(0, r.zeroHolders());
    assertEquals(10_000 * 0.25, r.formulas().loadMean(), 1e-6);
    assertEquals(Math.sqrt(10_000 * 0.25 * 0.75), r.formulas().loadStddev(), 1e-6);
    assertTrue(r.table().contains("mean replication"));
  }

  @Test
  void formulasMatchTheClosedForms() {
    PinSimulator.Result r = PinSimulator.simulate(20, 0.1, 100, 3, Map.of(), Map.of(), 0);
    PinSimulator.Formulas f = r.formulas();
    assertEquals(Math.pow(0.9, 20), f.zeroHolders(), 1e-15);
    double below = 0;
    for (int k = 0; k < 3; k++) {
      below += binom(20, k) * Math.pow(0.1, k) * Math.pow(0.9, 20 - k);
    }
    assertEquals(below, f.fewerThanMin(), 1e-12);
    assertEquals(
        0.1 * binom(19, 2) * Math.pow(0.1, 2) * Math.pow(0.9, 17), f.leaveDropsBelowMin(), 1e-12);
  }

  @Test
  void formulasUnderflowToZeroNotToASubnormal() {
    double[] fp = new double[10_001];
    java.util.Arrays.fill(fp, 0.25);
    PinSimulator.Formulas f = PinSimulator.formulas(fp, 10_000, 100_000, 2, 0, null);
    assertEquals(0.0, f.zeroHolders());
    assertEquals(0.0, f.fewerThanMin());
    java.util.Arrays.fill(fp, 0.001);
    f = PinSimulator.formulas(fp, 10_000, 100_000, 2, 0, null);
    assertEquals(Math.pow(0.999, 10_000), f.zeroHolders(), 1e-15);
    assertEquals(Math.pow(0.999, 10_000) * (1 + 10_000 * 0.001 / 0.999), f.fewerThanMin(), 1e-12);
  }

  static double binom(int n, int k) {
    double c = 1;
    for (int i = 0; i < k; i++) {
      c = c * (n - i) / (i + 1);
    }
    return c;
  }

  /** Recounts every decision with FractionalPin: both engines must agree with it exactly. */
  @Test
  void everyDecisionIsTheFormulas() {
    int peers = 7, blocks = 333, h = 2;
    long seed = 12;
    Map<String, Double> mods =
        Map.of("peer-2", Double.POSITIVE_INFINITY, "peer-3", 0.5, "peer-8", 3.0);
    List<PeerId> all = new ArrayList<>();
    for (int i = 1; i <= peers; i++) {
      all.add(new PeerId("peer-" + i));
    }
    double f = 0.3;
    Map<PeerId, Double> m =
        Map.of(new PeerId("peer-2"), Double.POSITIVE_INFINITY, new PeerId("peer-3"), 0.5);
    PeerId leaver = new PeerId("peer-" + (1 + seed % peers));
    long holders = 0, zero = 0, fewer = 0, join = 0, leave = 0, below = 0;
    long[] load = new long[peers];
    for (int i = 0; i < blocks; i++) {
      BlockId b = PinSimulator.blockId(seed, i);
      List<PeerId> hs = FractionalPin.holders(b, 0, f, all, m, Set.of());
      holders += hs.size();
      zero += hs.isEmpty() ? 1 : 0;
      fewer += hs.size() < h ? 1 : 0;
      join += FractionalPin.holds(b, new PeerId("peer-8"), 0, f, 3.0) ? 1 : 0;
      leave += hs.contains(leaver) ? 1 : 0;
      below += hs.contains(leaver) && hs.size() == h ? 1 : 0;
      for (PeerId p : hs) {
        load[all.indexOf(p)]++;
      }
    }
    long min = java.util.Arrays.stream(load).min().getAsLong();
    long max = java.util.Arrays.stream(load).max().getAsLong();
    List<Boolean> engines = Sha256Lanes.AVAILABLE ? List.of(false, true) : List.of(false);
    for (boolean vector : engines) {
      PinSimulator.Result r =
          PinSimulator.simulate(peers, f, blocks, h, mods, Map.of(), seed, vector);
      String t = r.table();
      assertEquals(holders, Math.round(r.meanReplication() * blocks), t);
      assertEquals(zero, Math.round(r.zeroHolders() * blocks), t);
      assertEquals(fewer, Math.round(r.fewerThanMin() * blocks), t);
      assertEquals(join, Math.round(r.joinMoves() * blocks), t);
      assertEquals(leave, Math.round(r.leaveMoves() * blocks), t);
      assertEquals(below, Math.round(r.leaveDropsBelowMin() * blocks), t);
      assertEquals(min, r.loadMin(), t);
      assertEquals(max, r.loadMax(), t);
      assertEquals(leaver.name(), r.leavingPeer());
      assertEquals(blocks, r.loadMax()); // peer-2 holds everything
    }
  }

  @Test
  void vectorAndScalarAgreeOnALargerRun() {
    if (!Sha256Lanes.AVAILABLE) {
      return;
    }
    PinSimulator.Result s = PinSimulator.simulate(50, 0.2, 5001, 3, Map.of(), Map.of(), 5, false);
    PinSimulator.Result v = PinSimulator.simulate(50, 0.2, 5001, 3, Map.of(), Map.of(), 5, true);
    assertEquals(s.meanReplication(), v.meanReplication());
    assertEquals(s.fewerThanMin(), v.fewerThanMin());
    assertEquals(s.loadMin(), v.loadMin());
    assertEquals(s.loadMax(), v.loadMax());
    assertEquals(s.loadStddev(), v.loadStddev());
    assertEquals(s.joinMoves(), v.joinMoves());
    assertEquals(s.leaveDropsBelowMin(), v.leaveDropsBelowMin());
  }

  @Test
  void badInputIsOneClearLine() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PinSimulator.simulate(5, 0.5, 10, 2, Map.of("peer-9", 2.0), Map.of(), 0));
    assertTrue(e.getMessage().contains("unknown peer 'peer-9'"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> PinSimulator.simulate(0, 0.5, 10, 2, Map.of(), Map.of(), 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> PinSimulator.simulate(5, 0, 10, 2, Map.of(), Map.of(), 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> PinSimulator.simulate(5, 0.5, 0, 2, Map.of(), Map.of(), 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> PinSimulator.simulate(5, 0.5, 10, 2, Map.of("peer-1", -1.0), Map.of(), 0));
  }

  @Test
  void unreadableBlocksMatchTheFormulaWhenPeersAreUpWithTheirOwnProbability() {
    Map<String, Double> up = new java.util.HashMap<>();
    for (int p = 1; p <= 20; p++) {
      up.put("peer-" + p, p <= 10 ? 0.5 : 0.9);
    }
    PinSimulator.Result r = PinSimulator.simulate(20, 0.2, 20_000, 2, Map.of(), up, 3);
    // Π (1 − f·u_p) = 0.9^10 · 0.82^10
    double formula = Math.pow(0.9, 10) * Math.pow(0.82, 10);
    assertEquals(formula, r.formulas().unreadable(), 1e-12);
    assertEquals(formula, r.unreadable(), 0.003);
    assertTrue(r.table().contains("share unreadable"), r.table());
    assertTrue(
        Double.isNaN(PinSimulator.simulate(5, 0.5, 10, 2, Map.of(), Map.of(), 0).unreadable()));
    assertThrows(
        IllegalArgumentException.class,
        () -> PinSimulator.simulate(5, 0.5, 10, 2, Map.of(), Map.of("peer-1", 0.5), 0));
  }
}
