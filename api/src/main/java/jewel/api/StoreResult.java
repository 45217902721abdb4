package jewel.api;

/**
 * @param redundancy D: bytes stored / file size
 * @param survives peer failures the file survives in the worst case
 * @param minPeersUp M: the fewest peers that must be up to read it
 * @param availability for a store with an availability target: the probability that the file is
 *     readable, computed from its real placement and its holders' observed availability; null
 *     otherwise
 */
public record StoreResult(
    FileEntry entry, double redundancy, int survives, int minPeersUp, Double availability) {

  /** A store without an availability target. */
  public StoreResult(FileEntry entry, double redundancy, int survives, int minPeersUp) {
    this(entry, redundancy, survives, minPeersUp, null);
  }
}
