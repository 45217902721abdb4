package jewel.schemes;

import java.util.Set;
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
                + ", chunk=BYTES (jewel.schemes.*)"
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
    SchemeParams.allowOnly(spec, Set.of("k", "n", "codec", "chunk", "placement"));
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
    return SchemeParams.withPlacement(
        spec,
        SchemeSpec.of(info.id())
            .with("k", Integer.toString(k))
            .with("n", Integer.toString(n))
            .with("codec", codec)
            .with("chunk", Integer.toString(chunk)));
  }

  /** The configured chunk size, lowered if n chunks of it would not fit the segment budget. */
  public static int chunkFor(int configured, int n) {
    return Math.max(1, Math.min(configured, MAX_SEGMENT_JEWEL_BYTES / n));
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
