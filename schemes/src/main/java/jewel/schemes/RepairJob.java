package jewel.schemes;

import java.util.List;
import java.util.Map;
import java.util.Set;
import jewel.api.FileEntry;
import jewel.api.PeerId;
import org.apache.pekko.stream.Materializer;

/**
 * One repair (or extension), as a scheme sees it.
 *
 * @param entry the file, with the holders to read from
 * @param live the peers that are up
 * @param targets for a block's index in the file's tree (or, to {@link StorageScheme#extend} the
 *     file, past its end), the peers that get a new copy of it
 */
public record RepairJob(
    FileEntry entry,
    Set<PeerId> live,
    Map<Integer, List<PeerId>> targets,
    BlockTransport transport,
    Materializer materializer) {
  public RepairJob {
    targets = Map.copyOf(targets);
  }
}
