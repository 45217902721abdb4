package jewel.protocol;

import java.util.List;
import java.util.Map;

/** Every answer of the file registry. */
public sealed interface RegistryReply extends JewelSerializable {

  /** @param orphans blocks of a replaced file that no file references any more */
  record Committed(FileEntry entry, List<BlockId> orphans) implements RegistryReply {}

  record Rejected(String reason) implements RegistryReply {}

  record Found(FileEntry entry) implements RegistryReply {}

  record NotFound(FileName name) implements RegistryReply {}

  record Listing(List<FileEntry> files) implements RegistryReply {}

  /** @param orphans the deleted file's blocks that no other file references */
  record Deleted(FileEntry entry, List<BlockId> orphans) implements RegistryReply {}

  /**
   * @param clusterDefault the scheme a store without {@code --scheme} uses
   * @param peerDefaults per-peer defaults by peer name, for stores {@code --from} that peer
   */
  record Settings(SchemeSpec clusterDefault, Map<String, SchemeSpec> peerDefaults)
      implements RegistryReply {}
}
