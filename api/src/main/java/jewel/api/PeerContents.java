package jewel.api;

import java.util.List;

/** What one peer has: the files of its {@code disk/files/} and the blocks it holds. */
public record PeerContents(PeerId peer, List<LocalFile> files, List<HeldBlock> blocks) {

  public record LocalFile(String name, long size) {}

  public record HeldBlock(BlockId id, long size) {}
}
