package jewel.schemes;

import java.util.Set;
import jewel.api.SchemeInfo;
import jewel.api.SchemeSpec;

/** The rules of {@code hosting} (the whole file on one peer) and {@code naive} (on n peers). */
public final class ReplicationRules implements SchemeRules {
  public static final int MAX_COPIES = 255;

  private final SchemeInfo info;
  private final boolean single;

  private ReplicationRules(SchemeInfo info, boolean single) {
    this.info = info;
    this.single = single;
  }

  public static ReplicationRules hosting() {
    return new ReplicationRules(
        new SchemeInfo(
            "hosting",
            "the whole file on one peer",
            SchemeParams.PLACEMENT.substring(2),
            "1",
            "0 peer losses"),
        true);
  }

  public static ReplicationRules naive() {
    return new ReplicationRules(
        new SchemeInfo(
            "naive",
            "the whole file on n distinct peers",
            "n: copies, 1.."
                + MAX_COPIES
                + " (default jewel.schemes.copies)"
                + SchemeParams.PLACEMENT,
            "n",
            "n-1 peer losses"),
        false);
  }

  @Override
  public SchemeInfo info() {
    return info;
  }

  @Override
  public SchemeSpec normalize(SchemeSpec spec, SchemeDefaults defaults) {
    SchemeParams.allowOnly(spec, single ? Set.of("placement") : Set.of("n", "placement"));
    if (single) {
      return SchemeParams.withPlacement(spec, SchemeSpec.of(info.id()));
    }
    int n = spec.intParam("n", defaults.copies());
    SchemeParams.check(
        n >= 1 && n <= MAX_COPIES, "naive needs 1 <= n <= " + MAX_COPIES + ", got n=" + n);
    return SchemeParams.withPlacement(
        spec, SchemeSpec.of(info.id()).with("n", Integer.toString(n)));
  }

  @Override
  public int peersNeeded(SchemeSpec normalized) {
    return copiesOfEachBlock(normalized);
  }

  @Override
  public int copiesOfEachBlock(SchemeSpec normalized) {
    return single ? 1 : normalized.intParam("n", 1);
  }
}
