package jewel.api;

import java.util.List;
import jewel.api.RepairReport.NewCopy;

/**
 * What {@code retune} did to a Reed-Solomon file: its number of jewels went from {@code fromN} to
 * {@code n}, and every jewel it kept is the one it had.
 *
 * @param added the new jewels (raising n), each on its peer
 * @param dropped the jewels that left the file (lowering n): garbage, dropped from the live peers
 *     at once unless another file uses them, and by the garbage collector from peers that were down
 * @param bytes bytes of new jewels written
 * @param after the file's health once the registry recorded the new n
 */
public record RetuneReport(
    FileName name,
    int fromN,
    int n,
    List<NewCopy> added,
    List<BlockId> dropped,
    long bytes,
    FileHealth after) {
  public RetuneReport {
    added = List.copyOf(added);
    dropped = List.copyOf(dropped);
  }
}
