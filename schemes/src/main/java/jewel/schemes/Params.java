package jewel.schemes;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import jewel.api.PeerId;
import jewel.api.SchemeSpec;
import jewel.placement.Placement;

/** Checks of scheme parameters, with messages a person can act on. */
final class Params {
  private Params() {}

  /** Where the blocks at positions 0..count-1 of a file go, by the spec's placement. */
  static List<List<PeerId>> place(
      SchemeSpec spec, String fileName, int count, int copies, List<PeerId> live) {
    Placement placement =
        Placement.named(spec.params().getOrDefault("placement", Placement.NAMES.get(0)));
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

  static String names(Collection<PeerId> peers) {
    return peers.stream().map(PeerId::name).collect(Collectors.joining(", "));
  }
}
