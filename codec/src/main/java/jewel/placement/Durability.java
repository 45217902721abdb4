package jewel.placement;

import java.util.ArrayList;
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

  /**
   * A composite (a multipart object) has no blocks of its own: from its entry alone its durability
   * is unknown (its parts' is {@link #ofParts}).
   */
  public static final Durability UNKNOWN = new Durability(Double.NaN, -1, -1);

  public static Durability of(FileEntry entry) {
    if (entry.composite()) {
      return UNKNOWN;
    }
    Redundancy r = Redundancy.analyze(List.of(Redundancy.Group.of(entry)), 1);
    double d = entry.size() == 0 ? r.d() : (double) entry.storedBytes() / entry.size();
    return new Durability(d, r.survivesFailures(), r.minPeersUp());
  }

  /**
   * A composite's durability from its parts: readable only while every part is, so each part is a
   * group of its own.
   */
  public static Durability ofParts(long size, List<FileEntry> parts) {
    List<Redundancy.Group> groups = new ArrayList<>();
    long stored = 0;
    for (FileEntry part : parts) {
      groups.add(Redundancy.Group.of(part));
      stored += part.storedBytes();
    }
    if (groups.isEmpty()) {
      return UNKNOWN;
    }
    Redundancy r = Redundancy.analyze(groups, 1);
    double d = size == 0 ? r.d() : (double) stored / size;
    return new Durability(d, r.survivesFailures(), r.minPeersUp());
  }
}
