package jewel.node.client;

import java.util.List;
import java.util.Set;
import jewel.protocol.FileEntry;

/**
 * A stored file with, per block, which of the peers that should hold it are live now.
 *
 * @param livePeers names of the peers that are up and reachable
 */
public record FileStatus(FileEntry entry, Set<String> livePeers, List<BlockStatus> blocks) {

  /** @param live the holders among {@code holders} that are live now */
  public record BlockStatus(int index, String id, long size, List<String> holders, List<String> live) {}
}
