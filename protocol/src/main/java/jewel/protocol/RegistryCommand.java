package jewel.protocol;

import jewel.api.BlockId;
import jewel.api.PeerId;
import jewel.api.FileName;
import jewel.api.SchemeSpec;
import jewel.api.Pin;
import jewel.api.PeerSettings;
import jewel.api.FileEntry;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Everything the file registry (a Cluster Singleton on role {@code registry}) handles.
 *
 * <p>Lists that grow with the cluster (files, pins, pinned blocks, a peer's holdings) travel
 * in pages: Artery drops a message over its frame size (256 KiB) silently. A listing names
 * where it starts ({@code after}, exclusive; null for the first page) and its reply where
 * the next page starts ({@code next}, null on the last); a holdings report names the range
 * of block ids it covers.
 */
public sealed interface RegistryCommand extends JewelSerializable {

  /**
   * Adds a file to the index once its blocks are stored. Refused if the name exists and
   * {@code replace} is false; with {@code replace}, the reply lists the blocks that no
   * file references any more.
   */
  record Commit(FileEntry entry, boolean replace, ActorRef<RegistryReply> replyTo)
      implements RegistryCommand {}

  record Lookup(FileName name, ActorRef<RegistryReply> replyTo) implements RegistryCommand {}

  /** A page of the index: the files after {@code after} in name order. Replies {@link RegistryReply.Listing}. */
  record ListFiles(FileName after, ActorRef<RegistryReply> replyTo) implements RegistryCommand {}

  /** Removes a file from the index; the reply lists the blocks no file references any more. */
  record Delete(FileName name, ActorRef<RegistryReply> replyTo) implements RegistryCommand {}

  /**
   * The blocks a peer holds among the ids in {@code (after, upTo]} (null bounds: open), sent
   * in parts that together cover every id, on joining and after a change: the block book
   * takes it as the truth for that peer in that range. Blocks no file references are ignored.
   */
  record ReportHoldings(PeerId peer, BlockId after, BlockId upTo, List<BlockId> blocks) implements RegistryCommand {}

  /** Sets the default scheme of the cluster ({@code peer} null) or of one peer. */
  record SetDefaultScheme(PeerId peer, SchemeSpec scheme, ActorRef<RegistryReply> replyTo)
      implements RegistryCommand {}

  record GetSettings(ActorRef<RegistryReply> replyTo) implements RegistryCommand {}

  /**
   * Puts a stored file under a fractional pin ({@code pin} non-null) or takes it off one
   * (null). Replies {@link RegistryReply.Pins} with the changed file's line, or NotFound.
   */
  record SetPin(FileName name, Pin pin, ActorRef<RegistryReply> replyTo) implements RegistryCommand {}

  /** Sets the cluster's default fraction, which pins made with {@link Pin#followDefault} follow. */
  record SetDefaultPin(double fraction, ActorRef<RegistryReply> replyTo) implements RegistryCommand {}

  /** The pin of one file: replies {@link RegistryReply.Pins} with its line, or none if it has no pin. */
  record GetPin(FileName name, ActorRef<RegistryReply> replyTo) implements RegistryCommand {}

  /**
   * A page of the pinned files after {@code after}, each with its pin and the fraction in
   * force: replies {@link RegistryReply.Pins}.
   */
  record ListPins(FileName after, ActorRef<RegistryReply> replyTo) implements RegistryCommand {}

  /** Records one peer's modifier, trust, quota or greylisting: replies {@link RegistryReply.PeerTable}. */
  record SetPeerSettings(PeerId peer, PeerSettings settings, ActorRef<RegistryReply> replyTo)
      implements RegistryCommand {}

  record GetPeerSettings(ActorRef<RegistryReply> replyTo) implements RegistryCommand {}

  /** Counts for the registry node's metrics; answered with {@link RegistryReply.Stats}. */
  record GetStats(ActorRef<RegistryReply> replyTo) implements RegistryCommand {}

  /**
   * Which of {@code blocks} no committed file uses (a failed store's uploads, which are safe to
   * delete); answered with {@link RegistryReply.Blocks}.
   */
  record FindUnused(List<BlockId> blocks, ActorRef<RegistryReply> replyTo) implements RegistryCommand {}

  /**
   * What every peer needs to compute its share of pinned blocks, a page of blocks after
   * {@code after} in id order: replies {@link RegistryReply.PinPlan}. With a {@code file},
   * only that file's blocks (none if it is not pinned), as a reader needs them.
   */
  record GetPinPlan(BlockId after, FileName file, ActorRef<RegistryReply> replyTo) implements RegistryCommand {}

  /**
   * Gives a block a new salt (so a new set of holders), if its salt is still
   * {@code fromSalt}: the availability scan's answer to a block with too few live holders.
   * No reply; the next plan shows it.
   */
  record BumpSalt(BlockId block, long fromSalt, String reason) implements RegistryCommand {}
}
