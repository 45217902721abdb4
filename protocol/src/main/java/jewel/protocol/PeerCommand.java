package jewel.protocol;

import java.util.List;
import jewel.api.BlockId;
import jewel.protocol.PeerReply.AcceptReply;
import jewel.protocol.PeerReply.AuditProof;
import jewel.protocol.PeerReply.BlocksDeleted;
import jewel.protocol.PeerReply.Contents;
import jewel.protocol.PeerReply.Description;
import jewel.protocol.PeerReply.FileOffered;
import jewel.protocol.PeerReply.Verified;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.pattern.StatusReply;

/**
 * Everything a Peer actor (one per peer JVM) handles. Block bytes do not travel in these messages:
 * they go over the peer's data channel, whose address {@link Describe} returns. A command the peer
 * may refuse answers a {@link StatusReply}, whose error says why, or (where the kind of refusal
 * matters to the client) a reply of its own that says it.
 */
public sealed interface PeerCommand extends JewelSerializable, PeerMessage {

  /** Peers register under this key with the Receptionist. */
  ServiceKey<PeerCommand> SERVICE_KEY = ServiceKey.create(PeerCommand.class, "jewel-peer");

  record Describe(ActorRef<Description> replyTo) implements PeerCommand {}

  /**
   * A page of what the peer has: on the first page ({@code after} null) the files in its {@code
   * disk/files/}, and on every page the blocks in its {@code disk/blocks/} after {@code after}, in
   * id order, up to a size that stays far under Artery's frame.
   */
  record ListContents(BlockId after, ActorRef<Contents> replyTo) implements PeerCommand {}

  /**
   * Deletes those of {@code blocks} the peer holds and {@code guard} does not protect (see {@link
   * DeleteGuard}); the reply counts the blocks deleted. Also lets the peer forget which uploads
   * wrote blocks, for the uploads the guard no longer protects.
   */
  record DeleteBlocks(List<BlockId> blocks, DeleteGuard guard, ActorRef<BlocksDeleted> replyTo)
      implements PeerCommand {}

  /**
   * Makes a file of the peer's {@code disk/files/} readable on its data channel, for a store {@code
   * --from} this peer.
   */
  record OfferFile(String fileName, ActorRef<StatusReply<FileOffered>> replyTo)
      implements PeerCommand {}

  /**
   * Opens a file of the peer's {@code disk/files/} for writing, for a get {@code --to} it. Unless
   * {@code replace}, a file already there is kept: the peer refuses at once (a {@link
   * PeerReply.AcceptRefused} of kind conflict), and the write itself never replaces a file that
   * appeared meanwhile. With {@code replace}, the complete file replaces it atomically.
   */
  record AcceptFile(String fileName, boolean replace, ActorRef<AcceptReply> replyTo)
      implements PeerCommand {}

  /**
   * An audit challenge: return chunk {@code chunk} (64 KiB) of {@code block} with its Merkle path,
   * so the auditor can check it against the root recorded at store. Refused if the peer does not
   * hold the block, has no such chunk, or cannot read it.
   */
  record Audit(BlockId block, int chunk, ActorRef<StatusReply<AuditProof>> replyTo)
      implements PeerCommand {}

  /** Pins or peer settings changed: recompute this peer's share now, not at the next tick. */
  record Rescan() implements PeerCommand {}

  /**
   * Re-read and hash each of {@code blocks} now: the answer sorts them into intact, missing and
   * corrupt. The peer quarantines the corrupt ones (moves them out of its store, see {@code
   * BlockStore.quarantine}) and then reports its holdings to the registry again, so the block book
   * stops counting it as their holder. At most {@link #MAX_BLOCKS} blocks a message (the caller
   * pages longer lists): more is refused.
   */
  record VerifyBlocks(List<BlockId> blocks, ActorRef<StatusReply<Verified>> replyTo)
      implements PeerCommand {
    /** Blocks one message may ask about: its answer stays far under Artery's frame. */
    public static final int MAX_BLOCKS = 1000;
  }
}
