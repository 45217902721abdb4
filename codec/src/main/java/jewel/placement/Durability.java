package jewel.placement;

import java.util.List;
import jewel.api.FileEntry;

/**
 * What a stored file's real placement buys: D, bytes stored divided by file size, and how many peer
 * failures it survives in the worst case. Computed from the placement the registry recorded, not
 * from the scheme's formula, so striping that put two pieces on one peer shows.
 *
 * @param minPeersUp M: the fewest peers that must be up to read the file
 */
public record Durability(double redundancy, int survives, int minPeersUp) {

  public static Durability of(FileEntry entry) {
    Redundancy r = Redundancy.analyze(List.of(Redundancy.Group.of(entry)), 1);
    double d = entry.size() == 0 ? r.d() : (double) entry.storedBytes() / entry.size();
    return new Durability(d, r.survivesFailures(), r.minPeersUp());
  }
}
