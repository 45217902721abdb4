package jewel.placement;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import jewel.api.BlockId;
import jewel.api.Digests;
import jewel.api.PeerId;

/**
 * Fractional pins without a cluster: decides, exactly as {@link FractionalPin} does, every (block,
 * peer) pair of {@code blocks} synthetic blocks over peers {@code peer-1 .. peer-N} (salt 0), and
 * measures what the formulas predict.
 *
 * <p>Block i has the id SHA-256(UTF-8 of {@code "<seed>:<i>"}) ({@link #blockId}). The joining peer
 * is {@code peer-(N+1)}; the leaving peer is {@code peer-(1 + seed mod N)}.
 *
 * <p>Speed: the message is {@code hex ‖ 0x00 ‖ name ‖ 0x00 ‖ salt} and the hex is exactly one
 * 64-byte SHA-256 block, so each block's first compression is computed once (its midstate) and each
 * peer's final block, padding included, is scheduled once; a decision is then one compression's 64
 * rounds, run in parallel over blocks. With {@code --add-modules jdk.incubator.vector} and at least
 * {@link #VECTOR_FROM} decisions, the rounds run on vectors, one block per lane ({@link
 * Sha256Lanes}); otherwise on scalars. Either way the decisions are the exact ones: the tests
 * compare both engines with {@link FractionalPin}.
 */
public final class PinSimulator {
  private static final int CHUNK = 512; // blocks per task: a multiple of any vector's lanes

  /**
   * From this many decisions on, the vector engine: it runs about 7 times faster than the scalar
   * one once compiled, but the JIT takes a few seconds to get there, so small runs are quicker on
   * scalars.
   */
  static final long VECTOR_FROM = 40_000_000L;

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Digests::sha256);

  private PinSimulator() {}

  /** The formula for each measured value, with the same meaning. */
  public record Formulas(
      double meanReplication,
      double zeroHolders,
      double fewerThanMin,
      double loadMean,
      double loadStddev,
      double joinMoves,
      double leaveMoves,
      double leaveDropsBelowMin,
      double unreadable) {}

  /**
   * What a simulation measured.
   *
   * @param meanReplication mean holders per block (formula Σ f_p, = N·f without modifiers)
   * @param zeroHolders share of blocks no peer holds (formula Π (1 − f_p), = (1 − f)^N)
   * @param fewerThanMin share of blocks with fewer than {@code minHolders} holders: those a scan
   *     would re-salt (formula P[X &lt; H] for X the number of holders, Bin(N, f) without
   *     modifiers, Poisson-binomial with them)
   * @param loadMin fewest blocks held by one peer
   * @param loadMean mean blocks per peer (formula B·mean f_p)
   * @param loadMax most blocks held by one peer
   * @param loadStddev standard deviation of blocks per peer across peers (formula √(B·f·(1−f))
   *     without modifiers)
   * @param joinMoves share of blocks whose holder set changes when {@code joiningPeer} joins:
   *     exactly the blocks it holds, since nobody else's decision changes (formula f)
   * @param leaveMoves share of blocks whose holder set changes when {@code leavingPeer} leaves:
   *     exactly the blocks it held (formula its f_p)
   * @param leaveDropsBelowMin share of blocks that had {@code minHolders} or more holders and have
   *     fewer once {@code leavingPeer} leaves, so a scan re-salts them (formula f_q · P[X_{−q} = H
   *     − 1], X_{−q} the holders among the other peers)
   * @param unreadable with up-probabilities given: the share of blocks unreadable on average, each
   *     block counting the probability that all its holders are down (formula Π (1 − f_p·u_p), u_p
   *     peer p's up-probability); NaN without them
   * @param decisions (block, peer) decisions computed
   * @param engine how the rounds ran: {@code "vector xL"} or {@code "scalar"}
   */
  public record Result(
      int peers,
      double fraction,
      int blocks,
      int minHolders,
      long seed,
      boolean modified,
      double meanReplication,
      double zeroHolders,
      double fewerThanMin,
      long loadMin,
      double loadMean,
      long loadMax,
      double loadStddev,
      String joiningPeer,
      double joinMoves,
      String leavingPeer,
      double leaveMoves,
      double leaveDropsBelowMin,
      double unreadable,
      Formulas formulas,
      long decisions,
      String engine,
      Duration elapsed) {

    /** The measured values beside the formulas, one row each, for people. */
    public String table() {
      StringBuilder sb = new StringBuilder();
      sb.append(
          String.format(
              Locale.ROOT,
              "simulate: %d peers, fraction %s, %d blocks, min-holders %d, seed %d%s%n"
                  + "  %,d decisions in %.3f s (%s)%n",
              peers,
              fraction,
              blocks,
              minHolders,
              seed,
              modified ? ", with modifiers" : "",
              decisions,
              elapsed.toNanos() / 1e9,
              engine));
      sb.append(
          String.format(
              Locale.ROOT, "  %-36s %14s %14s  %s%n", "", "measured", "formula", "formula is"));
      boolean m = modified;
      row(
          sb,
          "mean replication",
          num(meanReplication),
          num(formulas.meanReplication()),
          m ? "sum of f_p" : "N*f");
      row(
          sb,
          "share of blocks with 0 holders",
          share(zeroHolders),
          share(formulas.zeroHolders()),
          m ? "prod of (1-f_p)" : "(1-f)^N");
      row(
          sb,
          "share with < " + minHolders + " holders",
          share(fewerThanMin),
          share(formulas.fewerThanMin()),
          m ? "P[X < H], Poisson-binomial" : "P[Bin(N,f) < H]");
      row(sb, "blocks per peer: min", Long.toString(loadMin), "", "");
      row(
          sb,
          "blocks per peer: mean",
          num(loadMean),
          num(formulas.loadMean()),
          m ? "B * mean f_p" : "B*f");
      row(sb, "blocks per peer: max", Long.toString(loadMax), "", "");
      row(
          sb,
          "blocks per peer: stddev",
          num(loadStddev),
          num(formulas.loadStddev()),
          m ? "sqrt(mean B f_p(1-f_p) + var B f_p)" : "sqrt(B*f*(1-f))");
      row(
          sb,
          "join " + joiningPeer + ": share that moves",
          share(joinMoves),
          share(formulas.joinMoves()),
          "f (the blocks it takes)");
      row(
          sb,
          "leave " + leavingPeer + ": share that moves",
          share(leaveMoves),
          share(formulas.leaveMoves()),
          "f_q (the blocks it held)");
      row(
          sb,
          "leave " + leavingPeer + ": falls below " + minHolders,
          share(leaveDropsBelowMin),
          share(formulas.leaveDropsBelowMin()),
          m ? "f_q * P[X_-q = H-1]" : "f * P[Bin(N-1,f) = H-1]");
      if (!Double.isNaN(unreadable)) {
        row(
            sb,
            "share unreadable, peers up with u_p",
            share(unreadable),
            share(formulas.unreadable()),
            "prod of (1-f_p*u_p)");
      }
      return sb.toString();
    }

    private static void row(
        StringBuilder sb, String what, String measured, String formula, String is) {
      sb.append(
              String.format(Locale.ROOT, "  %-36s %14s %14s  %s%n", what, measured, formula, is)
                  .stripTrailing())
          .append('\n');
    }

    private static String num(double v) {
      return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String share(double v) {
      if (v == 0) {
        return "0";
      }
      return Math.abs(v) >= 1e-4
          ? String.format(Locale.ROOT, "%.6f", v)
          : String.format(Locale.ROOT, "%.3e", v);
    }
  }

  /** Decides one peer for a run of blocks: the scalar and the vector engines. */
  interface Kernel {
    /** Adds 1 to {@code cnt[i - from]} for each block i in [from, to) the peer holds; the count. */
    long count(int peer, int from, int to, int[] cnt);

    /** Sets {@code out[i - from]} to whether the peer holds block i, for i in [from, to). */
    void held(int peer, int from, int to, boolean[] out);
  }

  /**
   * Simulates a fractional pin.
   *
   * @param peers N, the peers {@code peer-1 .. peer-N}
   * @param fraction f, in (0, 1]
   * @param blocks B, the synthetic blocks
   * @param minHolders H, the scan's minimum (≥ 1)
   * @param modifiers modifiers by peer name (absent: 1; +∞ holds everything); may name the joining
   *     peer {@code peer-(N+1)}
   * @param up each peer's up-probability by name, for the share of unreadable blocks (empty: not
   *     measured; otherwise every peer peer-1 .. peer-N must have one, in [0, 1]); this costs a
   *     second pass over the decisions
   * @param seed picks the block ids and the leaving peer
   * @throws IllegalArgumentException with one line saying what to change
   */
  public static Result simulate(
      int peers,
      double fraction,
      int blocks,
      int minHolders,
      Map<String, Double> modifiers,
      Map<String, Double> up,
      long seed) {
    boolean big = (long) blocks * (peers + 1) >= VECTOR_FROM;
    return simulate(
        peers, fraction, blocks, minHolders, modifiers, up, seed, big && Sha256Lanes.AVAILABLE);
  }

  static Result simulate(
      int peers,
      double fraction,
      int blocks,
      int minHolders,
      Map<String, Double> modifiers,
      Map<String, Double> up,
      long seed,
      boolean vector) {
    long t0 = System.nanoTime();
    if (peers < 1) {
      throw new IllegalArgumentException("simulate needs at least 1 peer, not " + peers);
    }
    if (blocks < 1) {
      throw new IllegalArgumentException("simulate needs at least 1 block, not " + blocks);
    }
    if (minHolders < 1) {
      throw new IllegalArgumentException("min-holders " + minHolders + " must be at least 1");
    }
    FractionalPin.checkFraction(fraction);
    double[] fp = new double[peers + 1]; // index N is the joining peer
    for (int p = 0; p <= peers; p++) {
      fp[p] = FractionalPin.effectiveFraction(fraction, 1.0);
    }
    for (Map.Entry<String, Double> e : modifiers.entrySet()) {
      int p = peerIndex(e.getKey(), peers);
      if (e.getValue() == null) {
        throw new IllegalArgumentException("modifier of " + e.getKey() + " is missing");
      }
      fp[p] = FractionalPin.effectiveFraction(fraction, e.getValue());
    }
    double[] upP = up.isEmpty() ? null : new double[peers];
    for (int p = 0; upP != null && p < peers; p++) {
      Double u = up.get("peer-" + (p + 1));
      if (u == null || !(u >= 0 && u <= 1)) {
        throw new IllegalArgumentException(
            "peer-" + (p + 1) + " needs an up-probability between 0 and 1, not " + u);
      }
      upP[p] = u;
    }
    boolean[] all = new boolean[peers + 1];
    long[] limit = new long[peers + 1];
    int[][] kw = new int[peers + 1][];
    for (int p = 0; p <= peers; p++) {
      all[p] = fp[p] >= 1;
      limit[p] = all[p] ? 0 : FractionalPin.limit(fp[p]);
      int[][] tail = Sha256.tailSchedule(FractionalPin.tail(new PeerId("peer-" + (p + 1)), 0));
      kw[p] = tail[0]; // "\0peer-N\00" is well under 56 bytes: one final block
    }
    int padded = (blocks + CHUNK - 1) / CHUNK * CHUNK;
    int[][] mid = new int[8][padded];
    IntStream.range(0, blocks)
        .parallel()
        .forEach(
            i -> {
              int[] m = Sha256.midstate(hexOf(DIGEST.get().digest(idText(seed, i))), 0);
              for (int w = 0; w < 8; w++) {
                mid[w][i] = m[w];
              }
            });
    Kernel kernel = vector ? Sha256Lanes.Impl.kernel(mid, kw, limit) : scalar(mid, kw, limit);
    String engine = vector ? "vector x" + Sha256Lanes.Impl.lanes() : "scalar";
    int leaver = (int) Math.floorMod(seed, (long) peers);
    int chunks = padded / CHUNK;

    Partial total =
        IntStream.range(0, chunks)
            .parallel()
            .mapToObj(
                c ->
                    chunk(
                        c * CHUNK,
                        Math.min(blocks, (c + 1) * CHUNK),
                        peers,
                        minHolders,
                        all,
                        leaver,
                        upP,
                        kernel))
            .reduce(Partial::merge)
            .orElseThrow();

    long min = Arrays.stream(total.load).min().orElse(0);
    long max = Arrays.stream(total.load).max().orElse(0);
    double mean = Arrays.stream(total.load).average().orElse(0);
    double var = Arrays.stream(total.load).mapToDouble(l -> (l - mean) * (l - mean)).sum() / peers;
    Formulas formulas = formulas(fp, peers, blocks, minHolders, leaver, upP);
    double b = blocks;
    return new Result(
        peers,
        fraction,
        blocks,
        minHolders,
        seed,
        !modifiers.isEmpty(),
        total.holders / b,
        total.zero / b,
        total.fewer / b,
        min,
        mean,
        max,
        Math.sqrt(var),
        "peer-" + (peers + 1),
        total.joinHeld / b,
        "peer-" + (leaver + 1),
        total.leaveHeld / b,
        total.leaveBelow / b,
        upP == null ? Double.NaN : total.unreadable / b,
        formulas,
        (long) blocks * (peers + 1),
        engine,
        Duration.ofNanos(System.nanoTime() - t0));
  }

  /** Block i's id: SHA-256 of the UTF-8 text {@code "<seed>:<i>"}. */
  public static BlockId blockId(long seed, int i) {
    return BlockId.of(DIGEST.get().digest(idText(seed, i)));
  }

  private static byte[] idText(long seed, int i) {
    return (seed + ":" + i).getBytes(StandardCharsets.UTF_8);
  }

  /** The lowercase hex of a digest as ASCII bytes, as {@link BlockId#hex()} spells it. */
  private static byte[] hexOf(byte[] digest) {
    byte[] out = new byte[2 * digest.length];
    for (int i = 0; i < digest.length; i++) {
      out[2 * i] = HEX[(digest[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[digest[i] & 0xf];
    }
    return out;
  }

  private static int peerIndex(String name, int peers) {
    if (name != null && name.startsWith("peer-")) {
      try {
        int i = Integer.parseInt(name.substring(5));
        if (i >= 1 && i <= peers + 1 && name.equals("peer-" + i)) {
          return i - 1;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw new IllegalArgumentException(
        "modifier for unknown peer '"
            + name
            + "': the simulated peers are peer-1 to peer-"
            + peers
            + ", and peer-"
            + (peers + 1)
            + " joins");
  }

  /** Sums over one run of blocks. */
  private static final class Partial {
    final long[] load;
    long holders, zero, fewer, joinHeld, leaveHeld, leaveBelow;
    double unreadable;

    Partial(int peers) {
      load = new long[peers];
    }

    Partial merge(Partial o) {
      for (int p = 0; p < load.length; p++) {
        load[p] += o.load[p];
      }
      holders += o.holders;
      zero += o.zero;
      fewer += o.fewer;
      joinHeld += o.joinHeld;
      leaveHeld += o.leaveHeld;
      leaveBelow += o.leaveBelow;
      unreadable += o.unreadable;
      return this;
    }
  }

  private static Partial chunk(
      int from,
      int to,
      int peers,
      int minHolders,
      boolean[] all,
      int leaver,
      double[] up,
      Kernel kernel) {
    Partial part = new Partial(peers);
    int[] cnt = new int[CHUNK];
    int n = to - from;
    for (int p = 0; p < peers; p++) {
      if (all[p]) {
        for (int i = 0; i < n; i++) {
          cnt[i]++;
        }
        part.load[p] += n;
      } else {
        part.load[p] += kernel.count(p, from, to, cnt);
      }
    }
    boolean[] leaverHeld = new boolean[CHUNK];
    if (all[leaver]) {
      Arrays.fill(leaverHeld, true);
    } else {
      kernel.held(leaver, from, to, leaverHeld);
    }
    boolean[] joinerHeld = new boolean[CHUNK];
    if (all[peers]) {
      Arrays.fill(joinerHeld, true);
    } else {
      kernel.held(peers, from, to, joinerHeld);
    }
    for (int i = 0; i < n; i++) {
      part.holders += cnt[i];
      part.zero += cnt[i] == 0 ? 1 : 0;
      part.fewer += cnt[i] < minHolders ? 1 : 0;
      part.joinHeld += joinerHeld[i] ? 1 : 0;
      part.leaveHeld += leaverHeld[i] ? 1 : 0;
      part.leaveBelow += leaverHeld[i] && cnt[i] == minHolders ? 1 : 0;
    }
    if (up != null) {
      double[] allDown = new double[n];
      Arrays.fill(allDown, 1);
      boolean[] held = new boolean[CHUNK];
      for (int p = 0; p < peers; p++) {
        if (all[p]) {
          Arrays.fill(held, true);
        } else {
          kernel.held(p, from, to, held);
        }
        for (int i = 0; i < n; i++) {
          allDown[i] *= held[i] ? 1 - up[p] : 1;
        }
      }
      for (int i = 0; i < n; i++) {
        part.unreadable += allDown[i];
      }
    }
    return part;
  }

  private static Kernel scalar(int[][] mid, int[][] kw, long[] limit) {
    return new Kernel() {
      @Override
      public long count(int peer, int from, int to, int[] cnt) {
        long held = 0;
        int[] m = new int[8];
        for (int i = from; i < to; i++) {
          if (holds(i, peer, m)) {
            cnt[i - from]++;
            held++;
          }
        }
        return held;
      }

      @Override
      public void held(int peer, int from, int to, boolean[] out) {
        int[] m = new int[8];
        for (int i = from; i < to; i++) {
          out[i - from] = holds(i, peer, m);
        }
      }

      private boolean holds(int block, int peer, int[] m) {
        for (int w = 0; w < 8; w++) {
          m[w] = mid[w][block];
        }
        return Long.compareUnsigned(Sha256.first8(m, kw[peer]), limit[peer]) < 0;
      }
    };
  }

  /** The exact expectations for the same quantities, from each peer's f_p. */
  static Formulas formulas(double[] fp, int peers, int blocks, int h, int leaver, double[] up) {
    double rep = 0, varSum = 0;
    for (int p = 0; p < peers; p++) {
      rep += fp[p];
      varSum += blocks * fp[p] * (1 - fp[p]);
    }
    double meanLoad = blocks * rep / peers;
    double spread = 0;
    for (int p = 0; p < peers; p++) {
      spread += (blocks * fp[p] - meanLoad) * (blocks * fp[p] - meanLoad);
    }
    double stddev = Math.sqrt((varSum + spread) / peers);
    double[] dist = holderDistribution(fp, peers, h, -1);
    double fewer = 0;
    for (int k = 0; k < h; k++) {
      fewer += dist[k];
    }
    double[] others = holderDistribution(fp, peers, h, leaver);
    double drops = fp[leaver] * others[h - 1];
    double unreadable = Double.NaN;
    if (up != null) {
      unreadable = 1;
      for (int p = 0; p < peers; p++) {
        unreadable *= 1 - fp[p] * up[p];
      }
    }
    return new Formulas(
        rep, dist[0], fewer, meanLoad, stddev, fp[peers], fp[leaver], drops, unreadable);
  }

  /**
   * P[X = k] for k &lt; h, X the number of holders among peers 0..N−1 except {@code skip}: the
   * Poisson-binomial distribution (Bin(N, f) when all f_p are equal), by dynamic programming. P[X =
   * 0] is Π (1 − f_p). The values are kept scaled so that ones far below the smallest double, like
   * 0.75^10000, end as 0 instead of sticking at a subnormal.
   */
  private static double[] holderDistribution(double[] fp, int peers, int h, int skip) {
    double[] dist = new double[h];
    dist[0] = 1;
    long scale = 0; // the true values are dist[k] · 2^scale
    for (int p = 0; p < peers; p++) {
      if (p == skip) {
        continue;
      }
      double max = 0;
      for (int k = h - 1; k >= 1; k--) {
        dist[k] = dist[k] * (1 - fp[p]) + dist[k - 1] * fp[p];
        max = Math.max(max, dist[k]);
      }
      dist[0] *= 1 - fp[p];
      max = Math.max(max, dist[0]);
      if (max > 0 && max < 0x1p-500) {
        for (int k = 0; k < h; k++) {
          dist[k] = Math.scalb(dist[k], 500);
        }
        scale -= 500;
      }
    }
    for (int k = 0; k < h; k++) {
      dist[k] = Math.scalb(dist[k], (int) Math.max(scale, -2000));
    }
    return dist;
  }
}
