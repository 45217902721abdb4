package jewel.schemes;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import jewel.api.PeerId;
import jewel.api.SchemeSpec;
import jewel.placement.Placement;

/** Checks of scheme parameters, with messages a person can act on. */
final class Params {
  private Params() {}

  /** How {@code parameters()} lists the placement every scheme takes. */
  static final String PLACEMENT = ", placement=" + String.join("|", Placement.NAMES);

  static void allowOnly(SchemeSpec spec, Set<String> allowed) {
    Set<String> unknown = new TreeSet<>(spec.params().keySet());
    unknown.removeAll(allowed);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "scheme " + spec.id() + " has no parameter " + String.join(", ", unknown)
              + (allowed.isEmpty() ? " (it takes none)" : " (it takes " + String.join(", ", new TreeSet<>(allowed)) + ")"));
    }
  }

  /**
   * {@code normalized} with the spec's {@code placement=} if it names one other than the
   * default (round robin), so that specs without it stay as they were.
   */
  static SchemeSpec withPlacement(SchemeSpec spec, SchemeSpec normalized) {
    String name = spec.params().get("placement");
    if (name == null) {
      return normalized;
    }
    Placement.named(name); // throws with the names it takes
    return name.equals(Placement.NAMES.get(0)) ? normalized : normalized.with("placement", name);
  }

  /** Where the blocks at positions 0..count-1 of a file go, by the spec's placement. */
  static List<List<PeerId>> place(SchemeSpec spec, String fileName, int count, int copies, List<PeerId> live) {
    Placement placement = Placement.named(spec.params().getOrDefault("placement", Placement.NAMES.get(0)));
    return placement.place(fileName, Placement.positions(fileName, count), copies, live);
  }

  /** Where the blocks of a job go: by the job's own placement if it has one, else by its spec's. */
  static List<List<PeerId>> place(StoreJob job, int count, int copies) {
    if (job.placement() == null) {
      return place(job.scheme(), job.name().value(), count, copies, job.livePeers());
    }
    String key = job.name().value();
    return job.placement().place(key, Placement.positions(key, count), copies, job.livePeers());
  }

  static void check(boolean ok, String problem) {
    if (!ok) {
      throw new IllegalArgumentException(problem);
    }
  }

  static String names(Collection<PeerId> peers) {
    return peers.stream().map(PeerId::name).collect(Collectors.joining(", "));
  }
}
