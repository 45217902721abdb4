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
