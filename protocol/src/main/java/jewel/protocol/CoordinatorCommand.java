package jewel.protocol;

import jewel.api.BlockId;
import jewel.api.FileName;
import jewel.api.SchemeSpec;
import jewel.api.Pin;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a per-file coordinator (a Cluster Sharding entity keyed by file name) handles.
 * One operation per name runs at a time; others wait their turn.
 */
public sealed interface CoordinatorCommand extends JewelSerializable {

  FileName name();

  ActorRef<OperationReply> replyTo();

  /**
   * Stores the bytes of {@code source} under {@code name} with {@code scheme}, and puts
   * the file under {@code pin} if that is not null.
   *
   * @param contentId the SHA-256 of the bytes, if the sender knows it before they flow (null
   *     otherwise): a pinned store of a whole-file scheme then writes its copies straight to
   *     the peers the pin's formula picks
   */
  record Store(
      FileName name,
      ByteSource source,
      SchemeSpec scheme,
      boolean replace,
      Pin pin,
      BlockId contentId,
      ActorRef<OperationReply> replyTo)
      implements CoordinatorCommand {

    public Store(FileName name, ByteSource source, SchemeSpec scheme, boolean replace, ActorRef<OperationReply> replyTo) {
      this(name, source, scheme, replace, null, null, replyTo);
    }
  }

  /** Reads the file, verifies its SHA-256 and writes it into {@code sink}. */
  record Get(FileName name, ByteSink sink, ActorRef<OperationReply> replyTo)
      implements CoordinatorCommand {}

  /** Removes the file from the index and its unshared blocks from the peers. */
  record Delete(FileName name, ActorRef<OperationReply> replyTo) implements CoordinatorCommand {}
}
