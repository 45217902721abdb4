package jewel.api;

/**
 * @param redundancy D: bytes stored / file size
 * @param survives peer failures the file survives in the worst case
 * @param minPeersUp M: the fewest peers that must be up to read it
 */
public record StoreResult(FileEntry entry, double redundancy, int survives, int minPeersUp) {}
