package jewel.schemes;

import java.util.Set;
import jewel.api.SchemeSpec;

/** The rules of {@code hosting} (the whole file on one peer) and {@code naive} (on n peers). */
public final class ReplicationRules implements SchemeRules {
  public static final int MAX_COPIES = 255;

  private final String id;
  private final boolean single;

  private ReplicationRules(String id, boolean single) {
    this.id = id;
    this.single = single;
  }

  public static ReplicationRules hosting() {
    return new ReplicationRules("hosting", true);
  }

  public static ReplicationRules naive() {
    return new ReplicationRules("naive", false);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String summary() {
    return single ? "the whole file on one peer" : "the whole file on n distinct peers";
  }

  @Override
  public String parameters() {
    return single ? SchemeParams.PLACEMENT.substring(2)
        : "n: copies, 1.." + MAX_COPIES + " (default jewel.schemes.copies)" + SchemeParams.PLACEMENT;
  }

  @Override
  public String redundancyFormula() {
    return single ? "1" : "n";
  }

  @Override
  public String survivesFormula() {
    return single ? "0 peer losses" : "n-1 peer losses";
  }

  @Override
  public SchemeSpec normalize(SchemeSpec spec, SchemeDefaults defaults) {
    SchemeParams.allowOnly(spec, single ? Set.of("placement") : Set.of("n", "placement"));
    if (single) {
      return SchemeParams.withPlacement(spec, SchemeSpec.of(id));
    }
    int n = spec.intParam("n", defaults.copies());
    SchemeParams.check(n >= 1 && n <= MAX_COPIES, "naive needs 1 <= n <= " + MAX_COPIES + ", got n=" + n);
    return SchemeParams.withPlacement(spec, SchemeSpec.of(id).with("n", Integer.toString(n)));
  }

  @Override
  public int peersNeeded(SchemeSpec normalized) {
    return single ? 1 : normalized.intParam("n", 1);
  }
}
