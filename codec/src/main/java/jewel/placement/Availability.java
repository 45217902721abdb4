package jewel.placement;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import java.util.function.ToDoubleFunction;
import jewel.api.FileEntry;
import jewel.api.PeerId;
import jewel.schemes.JewelRules;

/**
 * The probability that a file can be read when every peer is up independently with a probability of
 * its own (its observed availability, or one p for all).
 *
 * <p>Three entry points, kept small because the experiment and {@code store --availability} both
 * build on them:
 *
 * <ul>
 *   <li>{@link #atLeast}: the Poisson-binomial tail P[at least k of n independent events], each
 *       with its own probability. The formula for k of n jewels on n distinct peers.
 *   <li>{@link #readable} (and {@link #of(FileEntry, ToDoubleFunction)} for a stored file): the
 *       same question for a real placement, in the shape {@link Redundancy} uses: a file is a list
 *       of {@link Redundancy.Group}s, each readable iff {@code needed} of its pieces have a live
 *       holder. A piece may have several holders and a peer may hold several pieces, so pieces are
 *       not independent in general.
 *   <li>{@link #cheapest}: the Reed-Solomon k and n with the smallest D = n/k whose {@link
 *       #atLeast} meets a target.
 * </ul>
 */
public final class Availability {
  private Availability() {}

  /**
   * {@link #readable} conditions on at most this many shared peers (2^16 states), as long as the
   * work stays under {@link #WORK}; beyond, it samples.
   */
  static final int ENUMERATED_PEERS = 16;

  /** Budget of (state × piece × k) steps for one {@link #readable}: about a second of work. */
  static final long WORK = 1L << 26;

  /** Fewest and most sampled states of the shared peers when {@link #readable} samples. */
  static final int MIN_SAMPLES = 1_000, MAX_SAMPLES = 100_000;

  /** The seed of the sampler: the same placement and probabilities give the same estimate. */
  static final long SEED = 0x6a6577656cL;

  /**
   * A probability and how far it may be from the true value.
   *
   * @param value the probability
   * @param standardError 0 when {@code value} is exact (up to rounding); otherwise the standard
   *     error of a sampled estimate (the true value is within 2 standard errors with about 95%
   *     confidence)
   * @param samples 0 when exact; otherwise how many states of the shared peers were sampled
   */
  public record Estimate(double value, double standardError, int samples) {
    public boolean exact() {
      return samples == 0;
    }
  }

  /**
   * A Reed-Solomon scheme and what it buys.
   *
   * @param availability {@link #atLeast}(k, the up-probabilities of the n peers it would use)
   */
  public record Choice(int k, int n, double availability) {
    /** D: bytes stored per byte of file. */
    public double overhead() {
      return (double) n / k;
    }
  }

  /**
   * P[at least {@code k} of the events happen], event i independently with probability {@code
   * p[i]}: the Poisson-binomial upper tail (the binomial one when all are equal). O(n·k) by dynamic
   * programming over the count of events so far, with "k or more" kept as one absorbing state:
   * every step adds products of probabilities, nothing is subtracted, so the result is accurate
   * both when it is close to 0 and when it is close to 1 (as close as a double can be: use {@link
   * #fewerThan} to see an unavailability of 1e-20).
   *
   * @throws IllegalArgumentException if a probability is outside [0, 1] or k is negative
   */
  public static double atLeast(int k, double[] p) {
    return tail(k, p)[k];
  }

  /** P[fewer than {@code k} of the events happen]: 1 − {@link #atLeast}, without the rounding. */
  public static double fewerThan(int k, double[] p) {
    double[] dist = tail(k, p);
    double sum = 0;
    for (int j = 0; j < k; j++) {
      sum += dist[j];
    }
    return sum;
  }

  /** P[X = j] for j &lt; k and, at index k, P[X ≥ k]. */
  private static double[] tail(int k, double[] p) {
    if (k < 0) {
      throw new IllegalArgumentException("k " + k + " is negative");
    }
    double[] dist = new double[k + 1];
    dist[0] = 1;
    if (k == 0) {
      return dist;
    }
    for (double q : p) {
      if (!(q >= 0 && q <= 1)) {
        throw new IllegalArgumentException("probability " + q + " is not between 0 and 1");
      }
      dist[k] += dist[k - 1] * q;
      for (int j = k - 1; j >= 1; j--) {
        dist[j] = dist[j] * (1 - q) + dist[j - 1] * q;
      }
      dist[0] *= 1 - q;
    }
    return dist;
  }

  /**
   * A probability for people: every leading nine and two digits after them, rounded down so that it
   * never shows more nines than it has ({@code 0.99957}, {@code 0.9}; {@code 1} only for 1).
   */
  public static String format(double p) {
    if (Double.isNaN(p)) {
      return "-";
    }
    if (p >= 1) {
      return "1";
    }
    int digits = (int) Math.max(2, Math.min(15, Math.floor(-Math.log10(1 - p)) + 2));
    return BigDecimal.valueOf(p)
        .setScale(digits, RoundingMode.DOWN)
        .stripTrailingZeros()
        .toPlainString();
  }

  /** {@link #readable} for a stored file, its blocks as one group ({@link Redundancy.Group#of}). */
  public static Estimate of(FileEntry entry, ToDoubleFunction<PeerId> up) {
    return readable(List.of(Redundancy.Group.of(entry)), up);
  }

  /**
   * P[every group has {@code needed} pieces with a live holder], peers up independently with
   * probability {@code up}.
   *
   * <p>Method. A peer that holds two or more pieces (in one group or across groups) is shared; the
   * others hold one piece each. Given which shared peers are up, pieces are independent: a piece is
   * up for sure if a live shared peer holds it, otherwise with probability 1 − Π (1 − p) over its
   * other holders; each group is then an {@link #atLeast} and the file the product over groups. So:
   *
   * <ul>
   *   <li>with no shared peer (every piece on peers of its own, whatever their number) the answer
   *       is one such product, exact;
   *   <li>with up to {@link #ENUMERATED_PEERS} shared peers (and the work within {@link #WORK}),
   *       every up/down state of the shared peers is weighted by its probability, exact;
   *   <li>otherwise the states of the shared peers are sampled (seed {@link #SEED}, between {@link
   *       #MIN_SAMPLES} and {@link #MAX_SAMPLES} of them, as many as the work budget allows) and
   *       the conditional probabilities averaged: the estimate comes with its standard error, which
   *       is small because only the shared peers are random.
   * </ul>
   *
   * @throws IllegalArgumentException if a probability is outside [0, 1]
   */
  public static Estimate readable(List<Redundancy.Group> groups, ToDoubleFunction<PeerId> up) {
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("a file has at least one group of pieces");
    }
    Map<PeerId, Integer> uses = new LinkedHashMap<>();
    for (Redundancy.Group g : groups) {
      for (List<PeerId> h : g.holders()) {
        for (PeerId p : h) {
          uses.merge(p, 1, Integer::sum);
        }
      }
    }
    Map<PeerId, Double> prob = new HashMap<>();
    List<PeerId> shared = new ArrayList<>();
    for (Map.Entry<PeerId, Integer> e : uses.entrySet()) {
      double q = up.applyAsDouble(e.getKey());
      if (!(q >= 0 && q <= 1)) {
        throw new IllegalArgumentException(
            "peer " + e.getKey() + ": probability " + q + " is not between 0 and 1");
      }
      prob.put(e.getKey(), q);
      if (e.getValue() > 1 && q > 0 && q < 1) { // a peer surely up or down is not random
        shared.add(e.getKey());
      }
    }
    Conditional model = new Conditional(groups, prob, shared);
    int s = shared.size();
    if (s <= ENUMERATED_PEERS && ((1L << s) * model.cost()) <= WORK) {
      double sum = 0;
      for (long state = 0; state < (1L << s); state++) {
        sum += model.weight(state) * model.readable(state);
      }
      return new Estimate(Math.min(1, sum), 0, 0);
    }
    int samples = (int) Math.max(MIN_SAMPLES, Math.min(MAX_SAMPLES, WORK / model.cost()));
    SplittableRandom random = new SplittableRandom(SEED);
    double sum = 0, sumSquares = 0;
    boolean[] upNow = new boolean[s];
    for (int i = 0; i < samples; i++) {
      for (int j = 0; j < s; j++) {
        upNow[j] = random.nextDouble() < prob.get(shared.get(j));
      }
      double r = model.readable(upNow);
      sum += r;
      sumSquares += r * r;
    }
    double mean = sum / samples;
    double variance = Math.max(0, sumSquares / samples - mean * mean);
    return new Estimate(mean, Math.sqrt(variance / (samples - 1)), samples);
  }

  /** P[readable | which shared peers are up]. */
  private static final class Conditional {
    private final List<Redundancy.Group> groups;
    private final List<PeerId> shared;
    private final double[] sharedUp;
    private final int[][][] sharedHolders; // [group][piece] -> indices into shared
    private final double[][] ownUp; // [group][piece] -> P[some unshared holder is up]

    Conditional(List<Redundancy.Group> groups, Map<PeerId, Double> prob, List<PeerId> shared) {
      this.groups = groups;
      this.shared = shared;
      Map<PeerId, Integer> index = new HashMap<>();
      for (PeerId p : shared) {
        index.put(p, index.size());
      }
      sharedUp = shared.stream().mapToDouble(prob::get).toArray();
      sharedHolders = new int[groups.size()][][];
      ownUp = new double[groups.size()][];
      for (int g = 0; g < groups.size(); g++) {
        List<List<PeerId>> holders = groups.get(g).holders();
        sharedHolders[g] = new int[holders.size()][];
        ownUp[g] = new double[holders.size()];
        for (int i = 0; i < holders.size(); i++) {
          List<PeerId> h = holders.get(i);
          sharedHolders[g][i] =
              h.stream().filter(index::containsKey).mapToInt(index::get).toArray();
          double allDown = 1;
          for (PeerId p : h) {
            if (!index.containsKey(p)) {
              allDown *= 1 - prob.get(p);
            }
          }
          ownUp[g][i] = 1 - allDown;
        }
      }
    }

    /** Steps of one conditional evaluation: Σ pieces × needed, at least 1. */
    long cost() {
      long c = 0;
      for (Redundancy.Group g : groups) {
        c += (long) g.holders().size() * g.needed();
      }
      return Math.max(1, c);
    }

    double weight(long state) {
      double w = 1;
      for (int j = 0; j < shared.size(); j++) {
        w *= (state >>> j & 1) == 1 ? sharedUp[j] : 1 - sharedUp[j];
      }
      return w;
    }

    double readable(long state) {
      boolean[] upNow = new boolean[shared.size()];
      for (int j = 0; j < upNow.length; j++) {
        upNow[j] = (state >>> j & 1) == 1;
      }
      return readable(upNow);
    }

    double readable(boolean[] upNow) {
      double product = 1;
      for (int g = 0; g < groups.size() && product > 0; g++) {
        double[] piece = new double[ownUp[g].length];
        for (int i = 0; i < piece.length; i++) {
          piece[i] = ownUp[g][i];
          for (int j : sharedHolders[g][i]) {
            if (upNow[j]) {
              piece[i] = 1;
              break;
            }
          }
        }
        product *= atLeast(groups.get(g).needed(), piece);
      }
      return product;
    }
  }

  /**
   * The Reed-Solomon scheme with the smallest D = n/k whose availability meets {@code target}, with
   * 1 ≤ k ≤ n ≤ min({@code maxN}, 256) and D ≤ {@code maxOverhead}; empty if none does.
   *
   * <p>{@code upFor.apply(n)} gives the up-probabilities of the n distinct peers the placement
   * would give n jewels to (one jewel each), so the availability of (k, n) is {@link #atLeast}(k,
   * {@code upFor.apply(n)}). O(maxN³) at most: each n's count distribution gives every k at once.
   *
   * <p>Ties in D (2 of 4 and 3 of 6) go to the higher availability, then to the smaller n (fewer
   * pieces to write and to track).
   */
  public static Optional<Choice> cheapest(
      int maxN, IntFunction<double[]> upFor, double target, double maxOverhead) {
    Choice best = null;
    for (Choice c : candidates(maxN, upFor, maxOverhead)) {
      if (c.availability() >= target && (best == null || better(c, best))) {
        best = c;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * The most available Reed-Solomon scheme with D ≤ {@code maxOverhead} (what is reachable when
   * {@link #cheapest} finds nothing), arguments as there; ties go to the smaller D, then the
   * smaller n. Empty only when {@code maxN} is 0 or {@code maxOverhead} is below 1.
   */
  public static Optional<Choice> mostAvailable(
      int maxN, IntFunction<double[]> upFor, double maxOverhead) {
    Choice best = null;
    for (Choice c : candidates(maxN, upFor, maxOverhead)) {
      if (best == null
          || c.availability() > best.availability()
          || (c.availability() == best.availability() && better(c, best))) {
        best = c;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * Why {@link #cheapest} found nothing, and what is reachable instead, in one line: the most
   * available scheme within {@code maxOverhead} and, if D was capped, the cheapest that reaches the
   * target without the cap. Arguments as for {@link #cheapest}.
   */
  public static String outOfReach(
      int maxN, IntFunction<double[]> upFor, double target, double maxOverhead) {
    String wanted = "availability " + format(target) + " is out of reach";
    if (maxN == 0) {
      return wanted + ": no peer is up";
    }
    boolean capped = maxOverhead < JewelRules.MAX_JEWELS;
    String line = wanted + " on " + maxN + (maxN == 1 ? " live peer" : " live peers");
    if (capped) {
      line += " with D <= " + BigDecimal.valueOf(maxOverhead).stripTrailingZeros().toPlainString();
    }
    Optional<Choice> best = mostAvailable(maxN, upFor, maxOverhead);
    if (best.isPresent()) {
      Choice b = best.get();
      line += ": the most is " + format(b.availability()) + " (k=" + b.k() + " n=" + b.n() + ")";
    }
    if (capped) {
      Optional<Choice> uncapped = cheapest(maxN, upFor, target, JewelRules.MAX_JEWELS);
      if (uncapped.isPresent()) {
        Choice u = uncapped.get();
        line +=
            "; without max-overhead, k="
                + u.k()
                + " n="
                + u.n()
                + " reaches "
                + format(u.availability());
      }
    }
    return line + "; add peers or lower the target";
  }

  private static boolean better(Choice c, Choice best) {
    int byOverhead = Long.compare((long) c.n() * best.k(), (long) best.n() * c.k());
    if (byOverhead != 0) {
      return byOverhead < 0;
    }
    if (c.availability() != best.availability()) {
      return c.availability() > best.availability();
    }
    return c.n() < best.n();
  }

  /** Every (k, n) within bounds, with its availability. */
  private static List<Choice> candidates(
      int maxN, IntFunction<double[]> upFor, double maxOverhead) {
    List<Choice> out = new ArrayList<>();
    for (int n = 1; n <= Math.min(maxN, JewelRules.MAX_JEWELS); n++) {
      double[] up = upFor.apply(n);
      if (up.length != n) {
        throw new IllegalArgumentException(
            "the placement gave " + up.length + " peers for " + n + " jewels");
      }
      double[] dist = {1}; // P[exactly j of these n peers up]
      for (double q : up) {
        if (!(q >= 0 && q <= 1)) {
          throw new IllegalArgumentException("probability " + q + " is not between 0 and 1");
        }
        double[] next = new double[dist.length + 1];
        for (int j = 0; j < dist.length; j++) {
          next[j] += dist[j] * (1 - q);
          next[j + 1] += dist[j] * q;
        }
        dist = next;
      }
      double atLeast = 0; // summed from the top, so small tails keep their digits
      for (int k = n; k >= 1; k--) {
        atLeast += dist[k];
        if ((double) n / k <= maxOverhead) {
          out.add(new Choice(k, n, Math.min(1, atLeast)));
        }
      }
    }
    return out;
  }
}
