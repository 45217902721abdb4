package jewel.node.client;

import java.nio.file.Path;
import java.util.List;
import jewel.protocol.FileEntry;
import jewel.protocol.FileName;
import jewel.protocol.PeerId;
import jewel.protocol.PeerReply;
import jewel.protocol.RegistryReply;
import jewel.protocol.SchemeSpec;

/**
 * What the shell and the CLI can ask of a running cluster. Every method blocks until it
 * has an answer and throws {@link JewelException} with one clear line when it cannot.
 */
public interface JewelClient extends AutoCloseable {

  List<NodeStatus> peers();

  PeerReply.Contents dir(PeerId peer);

  /** Stores a local file. {@code scheme} null means the cluster's default. */
  StoreResult store(Path localFile, FileName name, SchemeSpec scheme, boolean replace);

  /** Stores a file of {@code peer}'s {@code disk/files/}. {@code scheme} null means that peer's default. */
  StoreResult storeFrom(PeerId peer, String fileName, FileName name, SchemeSpec scheme, boolean replace);

  /** Reads a file back into {@code out}, verifying its SHA-256. */
  FileEntry get(FileName name, Path out);

  /** Reads a file back into {@code peer}'s {@code disk/files/}. */
  FileEntry getTo(FileName name, PeerId peer);

  FileEntry delete(FileName name);

  List<FileEntry> ls();

  FileStatus status(FileName name);

  RegistryReply.Settings settings();

  /** Sets the cluster's default scheme ({@code peer} null) or one peer's. */
  RegistryReply.Settings setDefaultScheme(PeerId peer, SchemeSpec scheme);

  List<SchemeInfo> schemes();

  @Override
  void close();
}
