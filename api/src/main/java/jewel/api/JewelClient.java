package jewel.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What the shell and the CLI can ask of a running cluster, whatever carries the asking: the
 * one-shot command line talks HTTP to a node's API, the shell is a client member of the cluster
 * that does the work itself. Every method blocks until it has an answer and throws {@link
 * JewelException} with one clear line when it cannot.
 */
public interface JewelClient extends AutoCloseable {

  List<NodeStatus> peers();

  PeerContents dir(PeerId peer);

  /**
   * Stores a local file. {@code scheme} null means the cluster's default; {@code pin} non-null also
   * puts the file under that fractional pin.
   */
  StoreResult store(
      Path localFile,
      FileName name,
      SchemeSpec scheme,
      boolean replace,
      Pin pin,
      Progress progress);

  /**
   * Stores a file of {@code peer}'s {@code disk/files/}. {@code scheme} null means that peer's
   * default.
   */
  StoreResult storeFrom(
      PeerId peer, String fileName, FileName name, SchemeSpec scheme, boolean replace, Pin pin);

  /**
   * Reads a file back into {@code out}, verifying its SHA-256; with a {@code range}, only those
   * bytes (each block read whole is still checked against its id).
   */
  FileEntry get(FileName name, Path out, ByteRange range, Progress progress);

  /**
   * Reads a file back into {@code peer}'s {@code disk/files/}. A file of that name already there is
   * kept, and the read refused ({@link JewelException.Kind#CONFLICT}), unless {@code force}: then
   * the complete file replaces it atomically.
   */
  FileEntry getTo(FileName name, PeerId peer, boolean force);

  /** {@link #getTo(FileName, PeerId, boolean)} without force: never replaces the peer's file. */
  default FileEntry getTo(FileName name, PeerId peer) {
    return getTo(name, peer, false);
  }

  FileEntry delete(FileName name);

  /** The stored files whose names start with {@code prefix} (empty: every file), by name. */
  List<FileEntry> ls(String prefix);

  /** {@link #ls(String)} of every file. */
  default List<FileEntry> ls() {
    return ls("");
  }

  FileStatus status(FileName name);

  /**
   * The health of file {@code name} against what its scheme promised, or (null) of every file, in
   * name order: the registry's view, no block is read.
   */
  List<FileHealth> check(FileName name);

  /**
   * Has every live holder re-read and hash its copies of the file's blocks; corrupt copies are
   * quarantined and stop counting.
   */
  VerifyReport verify(FileName name);

  /** Re-creates every copy of the file's blocks that is not up now, on other live peers. */
  RepairReport repair(FileName name);

  /**
   * Gives a Reed-Solomon file {@code n} jewels: raising n encodes only the new jewels, from any k
   * it has, onto live peers that hold none of its jewels; lowering n drops its last jewels. Every
   * jewel it keeps stays as it is. {@code progress} hears the bytes of the file read so far (where
   * the backend can tell). With n unchanged, nothing happens and the report says so.
   */
  RetuneReport retune(FileName name, int n, Progress progress);

  DefaultSchemes settings();

  /** Sets the cluster's default scheme ({@code peer} null) or one peer's. */
  DefaultSchemes setDefaultScheme(PeerId peer, SchemeSpec scheme);

  List<SchemeInfo> schemes();

  /**
   * Puts a stored file under a fractional pin, or ({@code pin} null) takes it off; peers rescan.
   */
  PinTable setPin(FileName name, Pin pin);

  PinTable pins();

  /** Sets the cluster's default fraction; peers rescan. */
  PinTable setDefaultPin(double fraction);

  /** Per-peer settings by peer name (peers not listed have the defaults). */
  Map<String, PeerSettings> peerSettings();

  /** Changes one peer's settings; peers rescan. */
  Map<String, PeerSettings> updatePeer(PeerId peer, UnaryOperator<PeerSettings> change);

  /**
   * Makes an API token: admin, or ({@code readOnly}) one that may only read; it stops working after
   * {@code expiresIn} seconds (null: never). The answer holds the secret, shown only now.
   */
  NewToken createToken(boolean readOnly, Long expiresInSeconds, String label);

  /** Every API token the registry knows, revoked ones too, in the order they were made. */
  List<TokenInfo> tokens();

  /** Revokes token {@code id}: every node refuses it soon after (see the README). */
  TokenInfo revokeToken(String id);

  /**
   * Makes an S3 access key: read-write, or ({@code readOnly}) one that may only read; it stops
   * working after {@code expiresIn} seconds (null: never). The answer holds the secret key, shown
   * only now.
   */
  NewS3Key createS3Key(boolean readOnly, Long expiresInSeconds, String label);

  /** Every S3 access key the registry knows, revoked ones too, in the order they were made. */
  List<S3KeyInfo> s3Keys();

  /** Revokes S3 access key {@code accessKey}: every node refuses it soon after. */
  S3KeyInfo revokeS3Key(String accessKey);

  @Override
  void close();
}
