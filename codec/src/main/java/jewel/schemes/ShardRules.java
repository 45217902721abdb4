package jewel.schemes;

import java.util.Set;
import jewel.api.SchemeInfo;
import jewel.api.SchemeSpec;

/**
 * The rules of {@code shard} (k shards, striped) and {@code shardshard} (each shard on m peers).
 */
public final class ShardRules implements SchemeRules {
  public static final int MAX_SHARDS = 256;
  public static final int MAX_COPIES = 255;

  private final SchemeInfo info;
  private final boolean copies;

  private ShardRules(SchemeInfo info, boolean copies) {
    this.info = info;
    this.copies = copies;
  }

  public static ShardRules shard() {
    return new ShardRules(
        new SchemeInfo(
            "shard",
            "k shards, striped round robin",
            "k: shards, 1.." + MAX_SHARDS + " (default jewel.schemes.k)" + SchemeParams.PLACEMENT,
            "1",
            "0 peer losses"),
        false);
  }

  public static ShardRules shardShard() {
    return new ShardRules(
        new SchemeInfo(
            "shardshard",
            "k shards, each on m peers, striped round robin",
            "k: shards, m: copies of each (defaults jewel.schemes.k, .m)" + SchemeParams.PLACEMENT,
            "m",
            "m-1 peer losses or more (ls shows)"),
        true);
  }

  @Override
  public SchemeInfo info() {
    return info;
  }

  @Override
  public SchemeSpec normalize(SchemeSpec spec, SchemeDefaults defaults) {
    SchemeParams.allowOnly(spec, copies ? Set.of("k", "m", "placement") : Set.of("k", "placement"));
    int k = spec.intParam("k", defaults.k());
    SchemeParams.check(
        k >= 1 && k <= MAX_SHARDS, info.id() + " needs 1 <= k <= " + MAX_SHARDS + ", got k=" + k);
    SchemeSpec normalized = SchemeSpec.of(info.id()).with("k", Integer.toString(k));
    if (copies) {
      int m = spec.intParam("m", defaults.m());
      SchemeParams.check(
          m >= 1 && m <= MAX_COPIES, info.id() + " needs 1 <= m <= " + MAX_COPIES + ", got m=" + m);
      normalized = normalized.with("m", Integer.toString(m));
    }
    return SchemeParams.withPlacement(spec, normalized);
  }

  /** Every shard's first copy on its own peer, and each shard's copies on distinct peers. */
  @Override
  public int peersNeeded(SchemeSpec normalized) {
    return Math.max(normalized.intParam("k", 1), copiesOfEachBlock(normalized));
  }

  @Override
  public int copiesOfEachBlock(SchemeSpec normalized) {
    return copies ? normalized.intParam("m", 1) : 1;
  }
}
