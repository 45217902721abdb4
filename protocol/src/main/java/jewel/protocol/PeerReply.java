package jewel.protocol;

import java.util.List;
import jewel.api.BlockId;
import jewel.api.JewelException;
import jewel.api.PeerContents.HeldBlock;
import jewel.api.PeerContents.LocalFile;
import jewel.api.PeerId;

/**
 * Every answer of a Peer actor (a refusal is a {@link org.apache.pekko.pattern.StatusReply} error:
 * see {@link PeerCommand}, except for {@link PeerCommand.AcceptFile}, whose refusal keeps its kind:
 * {@link AcceptReply}).
 */
public sealed interface PeerReply extends JewelSerializable {

  /**
   * @param overQuota the peer holds as much of its pinned share as its quota allows and refuses the
   *     rest (like EDQUOT): not a misbehaviour
   */
  record Description(PeerId peer, DataAddress data, long blocks, long bytes, boolean overQuota)
      implements PeerReply {}

  /**
   * @param next where the next page of blocks starts, or null if this is the last
   */
  record Contents(PeerId peer, List<LocalFile> files, List<HeldBlock> blocks, BlockId next)
      implements PeerReply {}

  record BlocksDeleted(PeerId peer, int deleted) implements PeerReply {}

  /** A file of the peer's folder, readable on its data channel as {@code source}. */
  record FileOffered(ByteSource source) implements PeerReply {}

  /**
   * What {@link PeerCommand.AcceptFile} answers: {@link FileAccepted}, or {@link AcceptRefused}.
   */
  sealed interface AcceptReply extends PeerReply {
    /** The file accepted; a refusal throws the {@link JewelException} it describes. */
    FileAccepted accepted();
  }

  /** A file of the peer's folder, writable on its data channel as {@code sink}. */
  record FileAccepted(ByteSink sink) implements AcceptReply {
    @Override
    public FileAccepted accepted() {
      return this;
    }
  }

  /**
   * The peer will not take the file: one line that says why and what to do, and its kind (a file
   * already there without replace: {@link JewelException.Kind#CONFLICT}).
   */
  record AcceptRefused(String reason, JewelException.Kind kind) implements AcceptReply {
    @Override
    public FileAccepted accepted() {
      throw new JewelException(reason, kind);
    }
  }

  /**
   * An answer to an audit.
   *
   * @param data the chunk's bytes
   * @param path hex SHA-256 sibling hashes from the chunk's leaf up to the root
   */
  @SuppressWarnings("ArrayRecordComponent") // checked against a Merkle root, never compared
  record AuditProof(PeerId peer, BlockId block, int chunk, byte[] data, List<String> path)
      implements PeerReply {}

  /**
   * What a {@link PeerCommand.VerifyBlocks} found, each list in the order asked.
   *
   * @param missing not in the peer's store
   * @param corrupt there, but their bytes no longer hash to their id (or could not be read): now
   *     quarantined
   */
  record Verified(PeerId peer, List<BlockId> intact, List<BlockId> missing, List<BlockId> corrupt)
      implements PeerReply {}
}
