package jewel.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import jewel.api.BlockId;
import jewel.api.PeerId;

/**
 * Weighted rendezvous hashing (highest random weight): each peer scores each block, and the {@code
 * r} highest scores hold it. With {@code u = (x + 0.5) / 2^64} ({@code x} from {@link
 * FractionalPin#x} with the same block, peer and salt) and {@code score = −w_p / ln(u)}, a peer
 * wins a share of blocks proportional to its weight; adding a peer moves only the blocks it wins,
 * removing one moves only the blocks it held.
 *
 * <p>So that every node computes the same order, {@code ln(u)} is evaluated with {@link StrictMath}
 * (fdlibm, the same bits on every JVM), as {@code log((x + 0.5)·2^-64)} for x below 2^63 and as
 * {@code log1p(−(2^64 − x − 0.5)·2^-64)} above, so that u close to 1 keeps its precision and the
 * score stays finite. Equal scores are ordered by peer name.
 */
public final class RendezvousPlacement implements Placement {
  private final Map<PeerId, Double> weights;
  private final long salt;

  /**
   * A placement policy over the live peers: a peer missing from {@code weights} weighs 1. Blocks
   * are scored with {@code salt} (0 unless a scan bumped it).
   */
  public RendezvousPlacement(Map<PeerId, Double> weights, long salt) {
    weights.forEach((p, w) -> checkWeight(p, w));
    FractionalPin.checkSalt(salt);
    this.weights = Map.copyOf(weights);
    this.salt = salt;
  }

  /** Every peer weighs 1, salt 0. */
  public RendezvousPlacement() {
    this(Map.of(), 0);
  }

  /**
   * The {@code r} peers of {@code weights} with the highest scores for {@code block}, highest
   * first.
   *
   * @throws IllegalArgumentException if {@code r} is not in 1..number of peers, or a weight is not
   *     a positive finite number
   */
  public static List<PeerId> pick(BlockId block, long salt, Map<PeerId, Double> weights, int r) {
    if (r <= 0 || r > weights.size()) {
      throw new IllegalArgumentException(
          "cannot pick "
              + r
              + " holders among "
              + weights.size()
              + " peers: ask for 1 to "
              + weights.size()
              + ", or add peers");
    }
    FractionalPin.checkSalt(salt);
    record Scored(PeerId peer, double score) {}
    List<Scored> all = new ArrayList<>(weights.size());
    for (Map.Entry<PeerId, Double> e : weights.entrySet()) {
      checkWeight(e.getKey(), e.getValue());
      all.add(
          new Scored(e.getKey(), score(FractionalPin.x(block, e.getKey(), salt), e.getValue())));
    }
    all.sort(Comparator.comparingDouble(Scored::score).reversed().thenComparing(Scored::peer));
    List<PeerId> out = new ArrayList<>(r);
    for (int i = 0; i < r; i++) {
      out.add(all.get(i).peer());
    }
    return out;
  }

  /** A peer's score for a block from its decision value {@code x} (unsigned) and weight. */
  public static double score(long x, double weight) {
    double lnU;
    if (x >= 0) { // x < 2^63: u ≤ 1/2
      lnU = StrictMath.log(((double) x + 0.5) * 0x1p-64);
    } else { // 1 − u = (2^64 − 1 − x + 0.5) / 2^64, and 2^64 − 1 − x is ~x read as signed ≥ 0
      lnU = StrictMath.log1p(-(((double) ~x) + 0.5) * 0x1p-64);
    }
    return -weight / lnU;
  }

  @Override
  public List<List<PeerId>> place(String key, List<BlockId> blocks, int copies, List<PeerId> live) {
    Map<PeerId, Double> w = new java.util.HashMap<>();
    for (PeerId p : live) {
      w.put(p, weights.getOrDefault(p, 1.0));
    }
    if (w.size() != live.size()) {
      throw new IllegalArgumentException("the live peers " + live + " name a peer twice");
    }
    if (copies <= 0 || copies > w.size()) {
      throw new IllegalArgumentException(
          copies
              + " copies of each block need at least "
              + copies
              + " live peers, and "
              + w.size()
              + " are live");
    }
    List<List<PeerId>> out = new ArrayList<>(blocks.size());
    for (BlockId b : blocks) {
      out.add(List.copyOf(pick(b, salt, w, copies)));
    }
    return List.copyOf(out);
  }

  private static void checkWeight(PeerId p, Double w) {
    if (w == null || !(w > 0) || w.isInfinite()) {
      throw new IllegalArgumentException(
          "weight " + w + " of " + p + " must be a positive number (1 is normal)");
    }
  }
}
