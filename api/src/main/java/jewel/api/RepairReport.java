package jewel.api;

import java.util.List;

/**
 * What {@code repair} did to a file.
 *
 * @param created the copies it made: each block (by its index in the file's tree) on its new peer
 * @param bytes bytes of blocks it wrote
 * @param after the file's health once the new copies were recorded
 */
public record RepairReport(FileName name, List<NewCopy> created, long bytes, FileHealth after) {
  public RepairReport {
    created = List.copyOf(created);
  }

  /**
   * @param rebuilt true if it was re-encoded from other blocks, false if copied from a holder
   */
  public record NewCopy(int index, BlockId block, PeerId peer, boolean rebuilt) {}
}
