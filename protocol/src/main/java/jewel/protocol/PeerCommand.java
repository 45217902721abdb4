package jewel.protocol;

import jewel.api.BlockId;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Everything a Peer actor (one per peer JVM) handles. Block bytes do not travel in these
 * messages: they go over the peer's data channel, whose address {@link Describe} returns.
 */
public sealed interface PeerCommand extends JewelSerializable {

  /** Peers register under this key with the Receptionist. */
  ServiceKey<PeerCommand> SERVICE_KEY = ServiceKey.create(PeerCommand.class, "jewel-peer");

  record Describe(ActorRef<PeerReply> replyTo) implements PeerCommand {}

  /**
   * A page of what the peer has: on the first page ({@code after} null) the files in its
   * {@code disk/files/}, and on every page the blocks in its {@code disk/blocks/} after {@code
   * after}, in id order, up to a size that stays far under Artery's frame.
   */
  record ListContents(BlockId after, ActorRef<PeerReply> replyTo) implements PeerCommand {}

  record DeleteBlocks(List<BlockId> blocks, ActorRef<PeerReply> replyTo) implements PeerCommand {}

  /**
   * Makes a file of the peer's {@code disk/files/} readable on its data channel, for a
   * store {@code --from} this peer.
   */
  record OfferFile(String fileName, ActorRef<PeerReply> replyTo) implements PeerCommand {}

  /** Opens a file of the peer's {@code disk/files/} for writing, for a get {@code --to} it. */
  record AcceptFile(String fileName, ActorRef<PeerReply> replyTo) implements PeerCommand {}

  /**
   * An audit challenge: return chunk {@code chunk} (64 KiB) of {@code block} with its
   * Merkle path, so the auditor can check it against the root recorded at store.
   */
  record Audit(BlockId block, int chunk, ActorRef<PeerReply> replyTo) implements PeerCommand {}

  /** Pins or peer settings changed: recompute this peer's share now, not at the next tick. */
  record Rescan() implements PeerCommand {}
}
