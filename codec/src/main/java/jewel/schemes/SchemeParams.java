package jewel.schemes;

import java.util.Set;
import java.util.TreeSet;
import jewel.api.SchemeSpec;
import jewel.placement.Placement;

/** Checks of scheme parameters, with messages a person can act on. */
final class SchemeParams {
  private SchemeParams() {}

  /** How {@code parameters()} lists the placement every scheme takes. */
  static final String PLACEMENT = ", placement=" + String.join("|", Placement.NAMES);

  static void allowOnly(SchemeSpec spec, Set<String> allowed) {
    Set<String> unknown = new TreeSet<>(spec.params().keySet());
    unknown.removeAll(allowed);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "scheme "
              + spec.id()
              + " has no parameter "
              + String.join(", ", unknown)
              + (allowed.isEmpty()
                  ? " (it takes none)"
                  : " (it takes " + String.join(", ", new TreeSet<>(allowed)) + ")"));
    }
  }

  /**
   * {@code normalized} with the spec's {@code placement=} if it names one other than the default
   * (round robin), so that specs without it stay as they were.
   */
  static SchemeSpec withPlacement(SchemeSpec spec, SchemeSpec normalized) {
    String name = spec.params().get("placement");
    if (name == null) {
      return normalized;
    }
    Placement.named(name); // throws with the names it takes
    return name.equals(Placement.NAMES.get(0)) ? normalized : normalized.with("placement", name);
  }

  static void check(boolean ok, String problem) {
    if (!ok) {
      throw new IllegalArgumentException(problem);
    }
  }
}
