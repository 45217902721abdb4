package jewel.node.client;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.PeerId;
import jewel.api.PeerSettings;
import jewel.api.Pin;
import jewel.protocol.PeerReply;
import jewel.protocol.RegistryReply;
import jewel.api.SchemeSpec;

/**
 * What the shell and the CLI can ask of a running cluster. Every method blocks until it
 * has an answer and throws {@link JewelException} with one clear line when it cannot.
 */
public interface JewelClient extends AutoCloseable {

  List<NodeStatus> peers();

  PeerReply.Contents dir(PeerId peer);

  /**
   * Stores a local file. {@code scheme} null means the cluster's default; {@code pin}
   * non-null also puts the file under that fractional pin.
   */
  StoreResult store(Path localFile, FileName name, SchemeSpec scheme, boolean replace, Pin pin);

  /** Stores a file of {@code peer}'s {@code disk/files/}. {@code scheme} null means that peer's default. */
  StoreResult storeFrom(PeerId peer, String fileName, FileName name, SchemeSpec scheme, boolean replace, Pin pin);

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

  /** Puts a stored file under a fractional pin, or ({@code pin} null) takes it off; peers rescan. */
  RegistryReply.Pins setPin(FileName name, Pin pin);

  RegistryReply.Pins pins();

  /** Sets the cluster's default fraction; peers rescan. */
  RegistryReply.Pins setDefaultPin(double fraction);

  /** Per-peer settings by peer name (peers not listed have the defaults). */
  Map<String, PeerSettings> peerSettings();

  /** Changes one peer's settings; peers rescan. */
  Map<String, PeerSettings> updatePeer(PeerId peer, UnaryOperator<PeerSettings> change);

  @Override
  void close();
}
