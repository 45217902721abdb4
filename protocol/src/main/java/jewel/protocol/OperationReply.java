package jewel.protocol;

import jewel.api.FileEntry;
import jewel.api.JewelException;

/** The outcome of a coordinator's commit or delete. */
public sealed interface OperationReply extends JewelSerializable {

  /**
   * @param redundancy bytes stored divided by file size (D)
   * @param survives how many peer failures the file survives in the worst case
   * @param minPeersUp the fewest peers that must be up to read it (M)
   */
  record Stored(FileEntry entry, double redundancy, int survives, int minPeersUp)
      implements OperationReply {}

  record Removed(FileEntry entry) implements OperationReply {}

  /**
   * One line that says what went wrong and, where it can, what to do.
   *
   * @param kind what sort of failure, so an API can answer with the right status
   */
  record Failed(String reason, JewelException.Kind kind) implements OperationReply {}
}
