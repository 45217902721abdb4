package jewel.protocol;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/** Everything the file registry (a Cluster Singleton on role {@code registry}) handles. */
public sealed interface RegistryCommand extends JewelSerializable {

  /**
   * Adds a file to the index once its blocks are stored. Refused if the name exists and
   * {@code replace} is false; with {@code replace}, the reply lists the blocks that no
   * file references any more.
   */
  record Commit(FileEntry entry, boolean replace, ActorRef<RegistryReply> replyTo)
      implements RegistryCommand {}

  record Lookup(FileName name, ActorRef<RegistryReply> replyTo) implements RegistryCommand {}

  record ListFiles(ActorRef<RegistryReply> replyTo) implements RegistryCommand {}

  /** Removes a file from the index; the reply lists the blocks no file references any more. */
  record Delete(FileName name, ActorRef<RegistryReply> replyTo) implements RegistryCommand {}

  /**
   * A peer's complete list of the blocks it holds (on joining, and after a change): the
   * block book takes it as the truth for that peer. Blocks no file references are ignored.
   */
  record ReportHoldings(PeerId peer, List<BlockId> blocks) implements RegistryCommand {}

  /** Sets the default scheme of the cluster ({@code peer} null) or of one peer. */
  record SetDefaultScheme(PeerId peer, SchemeSpec scheme, ActorRef<RegistryReply> replyTo)
      implements RegistryCommand {}

  record GetSettings(ActorRef<RegistryReply> replyTo) implements RegistryCommand {}
}
