package jewel.placement;

import static jewel.placement.RoundRobinPlacementTest.ids;
import static jewel.placement.RoundRobinPlacementTest.peers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import jewel.api.BlockId;
import jewel.api.BlockLayout;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.PeerId;
import jewel.api.SchemeSpec;
import jewel.api.StoredBlock;
import jewel.placement.Availability.Choice;
import jewel.placement.Availability.Estimate;
import org.junit.jupiter.api.Test;

class AvailabilityTest {

  /** P[at least k of the events], by summing over every outcome. */
  static double bruteAtLeast(int k, double[] p) {
    double sum = 0;
    for (int s = 0; s < (1 << p.length); s++) {
      if (Integer.bitCount(s) >= k) {
        sum += weight(s, p);
      }
    }
    return sum;
  }

  static double weight(int state, double[] p) {
    double w = 1;
    for (int i = 0; i < p.length; i++) {
      w *= (state >>> i & 1) == 1 ? p[i] : 1 - p[i];
    }
    return w;
  }

  /** P[readable], by trying every up/down state of every distinct peer. */
  static double bruteReadable(List<Redundancy.Group> groups, Map<PeerId, Double> up) {
    List<PeerId> all = new ArrayList<>(up.keySet());
    double[] p = all.stream().mapToDouble(up::get).toArray();
    double sum = 0;
    for (int s = 0; s < (1 << all.size()); s++) {
      boolean ok = true;
      for (Redundancy.Group g : groups) {
        int have = 0;
        for (List<PeerId> h : g.holders()) {
          int state = s;
          if (h.stream().anyMatch(x -> (state >>> all.indexOf(x) & 1) == 1)) {
            have++;
          }
        }
        ok &= have >= g.needed();
      }
      if (ok) {
        sum += weight(s, p);
      }
    }
    return sum;
  }

  static Map<PeerId, Double> randomUp(List<PeerId> peers, Random random) {
    Map<PeerId, Double> up = new HashMap<>();
    for (PeerId p : peers) {
      up.put(p, random.nextInt(4) == 0 ? random.nextInt(2) : random.nextDouble());
    }
    return up;
  }

  @Test
  void atLeastMatchesBruteForce() {
    Random random = new Random(1);
    for (int trial = 0; trial < 300; trial++) {
      int n = random.nextInt(13);
      double[] p = new double[n];
      for (int i = 0; i < n; i++) {
        p[i] = random.nextInt(5) == 0 ? random.nextInt(2) : random.nextDouble();
      }
      for (int k = 0; k <= n + 1; k++) {
        double brute = bruteAtLeast(k, p);
        assertEquals(brute, Availability.atLeast(k, p), 1e-12, "k=" + k + " n=" + n);
        assertEquals(1 - brute, Availability.fewerThan(k, p), 1e-12, "k=" + k + " n=" + n);
      }
    }
  }

  @Test
  void binomialByHand() {
    // 3 of 4 with p = 0.9: 4·0.9³·0.1 + 0.9⁴ = 0.2916 + 0.6561.
    assertEquals(0.9477, Availability.atLeast(3, new double[] {0.9, 0.9, 0.9, 0.9}), 1e-12);
    assertEquals(1, Availability.atLeast(0, new double[] {}), 0);
    assertEquals(0, Availability.atLeast(1, new double[] {}), 0);
  }

  @Test
  void tinyUnavailabilityKeepsItsDigits() {
    // 1 of 20 with p = 0.9: unavailable only if all 20 are down, 0.1^20 = 1e-20.
    double[] p = new double[20];
    Arrays.fill(p, 0.9);
    assertEquals(1e-20, Availability.fewerThan(1, p), 1e-32);
    // 20 of 20 with p = 0.1 is 1e-20 too: the tail near 0 is accurate as well.
    Arrays.fill(p, 0.1);
    assertEquals(1e-20, Availability.atLeast(20, p), 1e-32);
  }

  @Test
  void atLeastRejectsBadProbabilities() {
    assertThrows(IllegalArgumentException.class, () -> Availability.atLeast(1, new double[] {2}));
    assertThrows(
        IllegalArgumentException.class, () -> Availability.atLeast(1, new double[] {Double.NaN}));
    assertThrows(IllegalArgumentException.class, () -> Availability.atLeast(-1, new double[] {}));
  }

  @Test
  void readableMatchesBruteForceOnRandomPlacements() {
    Random random = new Random(2);
    for (int trial = 0; trial < 200; trial++) {
      List<PeerId> all = peers(1 + random.nextInt(9));
      List<Redundancy.Group> groups = new ArrayList<>();
      int blocks = 1 + random.nextInt(3);
      for (int b = 0; b < blocks; b++) {
        int pieces = 1 + random.nextInt(6);
        List<List<PeerId>> holders = new ArrayList<>();
        for (int i = 0; i < pieces; i++) {
          List<PeerId> h = new ArrayList<>(all);
          Collections.shuffle(h, random);
          holders.add(h.subList(0, random.nextInt(Math.min(3, all.size()) + 1)));
        }
        groups.add(new Redundancy.Group(holders, 1 + random.nextInt(pieces), 1));
      }
      Map<PeerId, Double> up = randomUp(all, random);
      Estimate e = Availability.readable(groups, up::get);
      assertTrue(e.exact(), "few shared peers: exact");
      assertEquals(bruteReadable(groups, up), e.value(), 1e-12, groups + " " + up);
    }
  }

  @Test
  void kOfNOnDistinctPeersIsThePoissonBinomial() {
    double[] p = {0.5, 0.6, 0.7, 0.8, 0.9, 0.95};
    List<PeerId> all = peers(6);
    List<List<PeerId>> holders = all.stream().map(List::of).toList();
    Estimate e =
        Availability.readable(List.of(new Redundancy.Group(holders, 4, 1)), x -> p[all.indexOf(x)]);
    assertTrue(e.exact());
    assertEquals(Availability.atLeast(4, p), e.value(), 1e-15);
  }

  @Test
  void onePeerHoldingTwoJewelsCostsAvailability() {
    // 4 jewels, any 3, on 3 peers with peer-1 holding two: readable iff peer-1 is up and one more.
    Map<PeerId, Double> up = Map.of(ids(1).get(0), 0.9, ids(2).get(0), 0.9, ids(3).get(0), 0.9);
    List<List<PeerId>> holders = List.of(ids(1), ids(2), ids(3), ids(1));
    Estimate e = Availability.readable(List.of(new Redundancy.Group(holders, 3, 1)), up::get);
    assertEquals(0.9 * (1 - 0.1 * 0.1), e.value(), 1e-15);
    assertTrue(e.value() < Availability.atLeast(3, new double[] {0.9, 0.9, 0.9, 0.9}));
  }

  @Test
  void manyDistinctPeersWithoutSharingAreExact() {
    // 200 jewels any 150, each on a peer of its own: no enumeration over 2^200 needed.
    List<PeerId> all = peers(200);
    List<List<PeerId>> holders = all.stream().map(List::of).toList();
    double[] p = new double[200];
    Arrays.fill(p, 0.8);
    Estimate e = Availability.readable(List.of(new Redundancy.Group(holders, 150, 1)), x -> 0.8);
    assertTrue(e.exact());
    assertEquals(Availability.atLeast(150, p), e.value(), 1e-12);
  }

  @Test
  void manySharedPeersAreSampledWithinTheirError() {
    // 40 peers, 80 jewels any 50, each peer holding two: every peer is shared, 2^40 states.
    List<PeerId> all = peers(40);
    List<List<PeerId>> holders = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      holders.add(List.of(all.get(i % 40)));
    }
    Estimate e = Availability.readable(List.of(new Redundancy.Group(holders, 50, 1)), x -> 0.7);
    assertFalse(e.exact());
    assertTrue(e.samples() >= Availability.MIN_SAMPLES);
    // The truth: at least 25 of the 40 peers up (each brings two jewels).
    double[] p = new double[40];
    Arrays.fill(p, 0.7);
    double truth = Availability.atLeast(25, p);
    assertTrue(e.standardError() > 0 && e.standardError() < 0.01, "error " + e);
    assertEquals(truth, e.value(), 4 * e.standardError(), "truth " + truth + ", " + e);
    // Fixed seed: the same question, the same answer.
    assertEquals(e, Availability.readable(List.of(new Redundancy.Group(holders, 50, 1)), x -> 0.7));
  }

  @Test
  void ofAStoredFileUsesItsLayout() {
    BlockId id = new BlockId("ab".repeat(32));
    FileEntry naive =
        new FileEntry(
            new FileName("a"),
            10,
            id,
            SchemeSpec.of("naive"),
            BlockLayout.whole(),
            List.of(new StoredBlock(0, id, 10, ids(1, 2, 3))),
            0);
    // Whole copies: readable unless all three are down.
    assertEquals(1 - 0.5 * 0.5 * 0.5, Availability.of(naive, x -> 0.5).value(), 1e-15);
  }

  @Test
  void readableRejectsBadProbabilities() {
    List<Redundancy.Group> g = List.of(new Redundancy.Group(List.of(ids(1)), 1, 1));
    assertThrows(IllegalArgumentException.class, () -> Availability.readable(g, x -> 1.5));
    assertThrows(IllegalArgumentException.class, () -> Availability.readable(List.of(), x -> 1));
  }

  /** Every (k, n) tried, the cheapest meeting the target kept, ties as documented. */
  static Optional<Choice> bruteCheapest(
      int maxN, IntFunction<double[]> upFor, double target, double maxOverhead) {
    Choice best = null;
    for (int n = 1; n <= Math.min(maxN, 256); n++) {
      for (int k = 1; k <= n; k++) {
        double d = (double) n / k;
        double a = bruteAtLeast(k, upFor.apply(n));
        if (d > maxOverhead || a < target - 1e-12) {
          continue;
        }
        if (best == null
            || d < best.overhead() - 1e-12
            || (Math.abs(d - best.overhead()) < 1e-12
                && (a > best.availability() + 1e-12
                    || (Math.abs(a - best.availability()) <= 1e-12 && n < best.n())))) {
          best = new Choice(k, n, a);
        }
      }
    }
    return Optional.ofNullable(best);
  }

  @Test
  void cheapestMatchesABruteForceSearch() {
    Random random = new Random(3);
    for (int trial = 0; trial < 300; trial++) {
      int peers = 1 + random.nextInt(12);
      double[] up = new double[peers];
      for (int i = 0; i < peers; i++) {
        up[i] = 0.5 + 0.5 * random.nextDouble();
      }
      // A placement that starts at a different peer for each n, as round robin does per file.
      int shift = random.nextInt(peers);
      IntFunction<double[]> upFor =
          n -> IntStream.range(0, n).mapToDouble(i -> up[(i + shift * n) % peers]).toArray();
      double target = new double[] {0.9, 0.99, 0.999, 0.9999}[random.nextInt(4)];
      double maxOverhead = new double[] {1.5, 2, 3, 256}[random.nextInt(4)];
      Optional<Choice> brute = bruteCheapest(peers, upFor, target, maxOverhead);
      Optional<Choice> fast = Availability.cheapest(peers, upFor, target, maxOverhead);
      assertEquals(brute.isPresent(), fast.isPresent(), "trial " + trial);
      if (brute.isPresent()) {
        assertEquals(brute.get().k(), fast.get().k(), "k, trial " + trial);
        assertEquals(brute.get().n(), fast.get().n(), "n, trial " + trial);
        assertEquals(brute.get().availability(), fast.get().availability(), 1e-12);
      }
    }
  }

  @Test
  void eightPeersAtNinetyPercentForThreeNines() {
    IntFunction<double[]> up = n -> nines(n, 0.9);
    Choice c = Availability.cheapest(8, up, 0.999, 2).orElseThrow();
    // 4 of 8 is 0.99957 at D = 2; nothing cheaper (5 of 8, D = 1.6, is 0.99498) reaches 0.999.
    assertEquals(new Choice(4, 8, c.availability()), c);
    assertEquals(0.99957, c.availability(), 1e-5);
    assertTrue(Availability.cheapest(8, up, 0.9999, 1.9).isEmpty());
    Choice most = Availability.mostAvailable(8, up, 1.9).orElseThrow();
    assertTrue(most.overhead() <= 1.9 && most.availability() < 0.9999, most.toString());
  }

  @Test
  void nothingIsReachableWithoutPeers() {
    assertTrue(Availability.cheapest(0, n -> new double[n], 0.9, 2).isEmpty());
    assertTrue(Availability.mostAvailable(0, n -> new double[n], 2).isEmpty());
  }

  static double[] nines(int n, double p) {
    double[] up = new double[n];
    Arrays.fill(up, p);
    return up;
  }

  @Test
  void formatShowsTheNinesAndTwoDigitsRoundedDown() {
    assertEquals("0.99956", Availability.format(0.999568));
    assertEquals("0.99", Availability.format(0.99));
    assertEquals("0.9", Availability.format(0.9));
    assertEquals("0.12", Availability.format(0.123));
    assertEquals("0.99957", Availability.format(0.999579)); // down, never up to more nines
    assertEquals("0.9999999999999", Availability.format(0.9999999999999));
    assertEquals("1", Availability.format(1));
  }

  @Test
  void outOfReachNamesTheBestWithinTheCapAndTheCheapestWithout() {
    IntFunction<double[]> up = n -> nines(n, 0.9);
    assertEquals(
        "availability 0.9999 is out of reach on 8 live peers with D <= 1.5: the most is 0.984"
            + " (k=4 n=6); without max-overhead, k=3 n=8 reaches 0.999976; add peers or lower"
            + " the target",
        Availability.outOfReach(8, up, 0.9999, 1.5));
    assertEquals(
        "availability 0.9999 is out of reach: no peer is up",
        Availability.outOfReach(0, up, 0.9999, 256));
  }
}
