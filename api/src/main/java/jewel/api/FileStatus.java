package jewel.api;

import java.util.List;
import java.util.Set;

/**
 * A stored file with, per block, which of the peers that should hold it are live now.
 *
 * @param livePeers names of the peers that are up and reachable
 * @param pin the file's fractional pin, or null
 */
public record FileStatus(
    FileEntry entry, Set<String> livePeers, PinView pin, List<BlockStatus> blocks) {

  /**
   * @param holders the peers that report holding it
   * @param live the holders among {@code holders} that are live now
   * @param salt the block's salt (pinned files; 0 otherwise)
   * @param expected the live, not greylisted peers that keep it: the pin's formula within each
   *     peer's quota, as the peers and the scan compute it (pinned files; empty otherwise)
   */
  public record BlockStatus(
      int index,
      String id,
      long size,
      List<String> holders,
      List<String> live,
      long salt,
      List<String> expected) {}
}
