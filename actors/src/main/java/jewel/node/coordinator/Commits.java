package jewel.node.coordinator;

import java.util.List;
import java.util.concurrent.CompletionStage;
import jewel.api.BlockId;
import jewel.protocol.CoordinatorCommand;
import jewel.protocol.OperationReply;

/**
 * The registry work a {@link Coordinator} sequences; {@link RegistryCommits} is the real one. A
 * commit or a delete that cannot be done fails, with a {@link jewel.api.JewelException} that says
 * why where it can.
 */
public interface Commits {
  /** Commits a stored file (and its pin), and drops the blocks a replaced file no longer uses. */
  CompletionStage<OperationReply.Stored> commit(CoordinatorCommand.Commit command);

  /** Removes a file from the index and its unshared blocks from the peers. */
  CompletionStage<OperationReply.Removed> delete(CoordinatorCommand.Delete command);

  /**
   * Closes a failed store's upload, then deletes the blocks it wrote that no committed file uses;
   * best effort.
   */
  void discard(long upload, List<BlockId> uploaded);
}
