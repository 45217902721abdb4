package jewel.protocol;

import java.util.List;

/** Every answer of a Peer actor. */
public sealed interface PeerReply extends JewelSerializable {

  record Description(PeerId peer, DataAddress data, long blocks, long bytes) implements PeerReply {}

  record Contents(PeerId peer, List<LocalFile> files, List<HeldBlock> blocks) implements PeerReply {}

  record LocalFile(String name, long size) implements JewelSerializable {}

  record HeldBlock(BlockId id, long size) implements JewelSerializable {}

  record BlocksDeleted(PeerId peer, int deleted) implements PeerReply {}

  /** A file of the peer's folder, readable on its data channel as {@code source}. */
  record FileOffered(ByteSource source) implements PeerReply {}

  /** A file of the peer's folder, writable on its data channel as {@code sink}. */
  record FileAccepted(ByteSink sink) implements PeerReply {}

  record PeerRefused(PeerId peer, String reason) implements PeerReply {}
}
