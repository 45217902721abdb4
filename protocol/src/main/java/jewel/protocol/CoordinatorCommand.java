package jewel.protocol;

import java.util.List;
import jewel.api.BlockId;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.Pin;
import jewel.protocol.OperationReply.CommitReply;
import jewel.protocol.OperationReply.DeleteReply;
import jewel.protocol.OperationReply.Granted;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * What a per-file coordinator (a Cluster Sharding entity keyed by file name) handles: control only.
 * The node that serves a store or a get (the gateway) does the scheme's work and moves the bytes
 * itself; the coordinator makes operations on one name take turns, by lease, and commits stores to
 * the registry. One operation per name holds the lease at a time; others wait their turn.
 */
public sealed interface CoordinatorCommand extends JewelSerializable, CoordinatorMessage {

  FileName name();

  /**
   * Asks for the name's lease; {@code replyTo} hears {@link Granted} when it is this operation's
   * turn, or an error if too many operations wait on the name. The coordinator watches {@code
   * holder}, an actor that lives as long as the operation: if it stops (its node died), the lease
   * ends with it.
   */
  record Begin(FileName name, ActorRef<StatusReply<Granted>> replyTo, ActorRef<?> holder)
      implements CoordinatorCommand {}

  /**
   * Commits a stored file under the lease {@code lease}, puts it under {@code pin} if that is not
   * null, and ends the lease. A replaced file's blocks that no file uses any more are dropped.
   * {@code entry} comes without its blocks: the store staged its {@code blocks} blocks in the
   * registry under {@code upload} (see {@link jewel.protocol.RegistryCommand.Commit}).
   */
  record Commit(
      FileName name,
      long lease,
      FileEntry entry,
      long upload,
      int blocks,
      boolean replace,
      Pin pin,
      ActorRef<CommitReply> replyTo)
      implements CoordinatorCommand {}

  /**
   * Ends the lease without committing: a get that ended, or a store that failed. {@code uploaded}
   * are the blocks a failed store had written under its {@code upload} (null: none, a get); the
   * upload is closed first, then those blocks no committed file uses are deleted.
   */
  record Release(FileName name, long lease, Long upload, List<BlockId> uploaded)
      implements CoordinatorCommand {}

  /** Removes the file from the index and its unshared blocks from the peers. */
  record Delete(FileName name, ActorRef<DeleteReply> replyTo) implements CoordinatorCommand {}
}
