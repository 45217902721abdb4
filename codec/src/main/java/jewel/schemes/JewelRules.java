package jewel.schemes;

import java.util.Set;
import jewel.api.BlockLayout;
import jewel.api.FileEntry;
import jewel.api.JewelException;
import jewel.api.SchemeInfo;
import jewel.api.SchemeSpec;
import jewel.codec.Codecs;

/**
 * The rules of {@code parity} (k shards and their XOR) and {@code reedsolomon} (n jewels, any k
 * rebuild the file).
 */
public final class JewelRules implements SchemeRules {
  public static final int MAX_JEWELS = 256;

  /**
   * A segment's n chunks must fit in this many bytes: a store keeps a few segments in flight and
   * nodes run with small heaps. Without {@code chunk=}, the chunk size is lowered to fit.
   */
  public static final int MAX_SEGMENT_JEWEL_BYTES = 32 << 20;

  private final SchemeInfo info;
  private final boolean xor;

  private JewelRules(SchemeInfo info, boolean xor) {
    this.info = info;
    this.xor = xor;
  }

  public static JewelRules parity() {
    return new JewelRules(
        new SchemeInfo(
            "parity",
            "k shards + 1 XOR parity shard, on k+1 peers",
            "k: data shards, 1.."
                + (MAX_JEWELS - 1)
                + " (default jewel.schemes.k)"
                + SchemeParams.PLACEMENT,
            "(k+1)/k",
            "1 peer loss"),
        true);
  }

  public static JewelRules reedSolomon() {
    return new JewelRules(
        new SchemeInfo(
            "reedsolomon",
            "n jewels on n peers, any k rebuild the file",
            "k <= n <= "
                + MAX_JEWELS
                + ", codec="
                + String.join("|", Codecs.names())
                + ", chunk=BYTES (jewel.schemes.*); availability=P [max-overhead=D]"
                + " instead of k and n: the cheapest k and n that reach P"
                + SchemeParams.PLACEMENT,
            "n/k",
            "n-k peer losses"),
        false);
  }

  @Override
  public SchemeInfo info() {
    return info;
  }

  @Override
  public SchemeSpec normalize(SchemeSpec spec, SchemeDefaults given) {
    if (xor) {
      SchemeParams.allowOnly(spec, Set.of("k", "placement"));
      int k = spec.intParam("k", given.k());
      SchemeParams.check(
          k >= 1 && k < MAX_JEWELS, "parity needs 1 <= k <= " + (MAX_JEWELS - 1) + ", got k=" + k);
      return SchemeParams.withPlacement(
          spec, SchemeSpec.of(info.id()).with("k", Integer.toString(k)));
    }
    SchemeParams.allowOnly(
        spec, Set.of("k", "n", "codec", "chunk", "placement", TARGET, MAX_OVERHEAD));
    double target = target(spec);
    maxOverhead(spec); // checked here; used where k and n are picked
    SchemeParams.check(
        !Double.isNaN(target) || !spec.params().containsKey(MAX_OVERHEAD),
        "max-overhead goes with availability=P (it caps D when k and n are picked)");
    int k = spec.intParam("k", given.k());
    int n = spec.intParam("n", given.n());
    String shown = "reedsolomon k=" + k + " n=" + n;
    SchemeParams.check(k >= 1, "reedsolomon needs k >= 1, got k=" + k);
    SchemeParams.check(
        n >= k, "reedsolomon needs n >= k (n jewels, any k rebuild), got k=" + k + " n=" + n);
    SchemeParams.check(n <= MAX_JEWELS, "reedsolomon needs n <= " + MAX_JEWELS + ", got n=" + n);
    String codec = spec.params().getOrDefault("codec", given.codec());
    Codecs.checkName(codec);
    try {
      Codecs.reedSolomon(codec, k, n - k);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(shown + ": " + e.getMessage());
    }
    int chunk = spec.intParam("chunk", chunkFor(given.chunkSize(), n));
    SchemeParams.check(chunk >= 1, "reedsolomon needs chunk >= 1 byte, got chunk=" + chunk);
    SchemeParams.check(
        (long) n * chunk <= MAX_SEGMENT_JEWEL_BYTES,
        shown
            + " with chunk="
            + chunk
            + " holds n × chunk = "
            + ((long) n * chunk)
            + " bytes per segment in memory;"
            + " keep it at most "
            + MAX_SEGMENT_JEWEL_BYTES
            + " (lower chunk)");
    SchemeSpec normalized =
        SchemeSpec.of(info.id())
            .with("k", Integer.toString(k))
            .with("n", Integer.toString(n))
            .with("codec", codec)
            .with("chunk", Integer.toString(chunk));
    if (!Double.isNaN(target)) {
      normalized = normalized.with(TARGET, spec.params().get(TARGET));
    }
    if (spec.params().containsKey(MAX_OVERHEAD)) {
      normalized = normalized.with(MAX_OVERHEAD, spec.params().get(MAX_OVERHEAD));
    }
    return SchemeParams.withPlacement(spec, normalized);
  }

  /**
   * The parameter that records a file's availability target: given instead of k and n, the gateway
   * picks them ({@code store --availability}); kept in the file's scheme afterwards, so that {@code
   * ls} shows it and a retune can find the files stored with a target.
   */
  public static final String TARGET = "availability";

  /** The parameter that caps D when k and n are picked for a target (no cap without it). */
  public static final String MAX_OVERHEAD = "max-overhead";

  /** The spec's availability target, in (0, 1); NaN when it has none. */
  public static double target(SchemeSpec spec) {
    String text = spec.params().get(TARGET);
    if (text == null) {
      return Double.NaN;
    }
    double p = number(TARGET, text);
    SchemeParams.check(
        p > 0 && p < 1, "availability must be between 0 and 1, like 0.9999, not " + text);
    return p;
  }

  /** The spec's cap on D = n/k, at least 1; {@link #MAX_JEWELS} (no cap) when it has none. */
  public static double maxOverhead(SchemeSpec spec) {
    String text = spec.params().get(MAX_OVERHEAD);
    if (text == null) {
      return MAX_JEWELS;
    }
    double d = number(MAX_OVERHEAD, text);
    SchemeParams.check(d >= 1, "max-overhead must be at least 1 (D = n/k), like 2.0, not " + text);
    return d;
  }

  private static double number(String key, String text) {
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, not '" + text + "'", e);
    }
  }

  /** The configured chunk size, lowered if n chunks of it would not fit the segment budget. */
  public static int chunkFor(int configured, int n) {
    return Math.max(1, Math.min(configured, MAX_SEGMENT_JEWEL_BYTES / n));
  }

  /**
   * The most jewels a file whose segments have chunks of {@code chunk} bytes may have: the codec's
   * {@value #MAX_JEWELS}, and a segment's n chunks within {@link #MAX_SEGMENT_JEWEL_BYTES}. A
   * retune keeps a file's chunk size (its segment layout), so this bounds how far it can raise n.
   */
  public static int maxJewels(int chunk) {
    return (int) Math.min(MAX_JEWELS, MAX_SEGMENT_JEWEL_BYTES / Math.max(1, (long) chunk));
  }

  /**
   * The file's n now, if it can have {@code n} jewels; one line otherwise: not a Reed-Solomon file,
   * fewer jewels than k, more than the codec or the segment budget allows.
   */
  public static int retunable(FileEntry entry, int n) {
    BlockLayout layout = entry.layout();
    String file = "'" + entry.name() + "'";
    if (!"reedsolomon".equals(entry.scheme().id())) {
      throw new JewelException(
          "cannot retune "
              + file
              + ": it is stored with "
              + entry.scheme()
              + ", and only reedsolomon files have jewels to add or drop");
    }
    if (n < layout.k()) {
      throw new JewelException(
          "cannot retune "
              + file
              + " to n="
              + n
              + ": it needs at least k="
              + layout.k()
              + " jewels (any k of them rebuild it)");
    }
    int most = maxJewels(layout.chunkSize());
    if (n > most) {
      throw new JewelException(
          "cannot retune "
              + file
              + " to n="
              + n
              + ": with its chunks of "
              + layout.chunkSize()
              + " bytes it can have at most n="
              + most
              + (most == MAX_JEWELS
                  ? " (the codec's limit)"
                  : " (a segment's n chunks must fit "
                      + (MAX_SEGMENT_JEWEL_BYTES >> 20)
                      + " MiB)"));
    }
    return layout.n();
  }

  /** Every jewel on its own peer: that is what lets n−k of them go. */
  @Override
  public int peersNeeded(SchemeSpec normalized) {
    int k = normalized.intParam("k", 1);
    return xor ? k + 1 : normalized.intParam("n", k);
  }

  /** One copy of each jewel: a lost one is re-encoded from any k others, not copied. */
  @Override
  public int copiesOfEachBlock(SchemeSpec normalized) {
    return 1;
  }
}
