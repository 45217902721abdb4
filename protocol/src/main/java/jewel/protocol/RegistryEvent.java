package jewel.protocol;

import java.util.List;
import jewel.api.BlockId;
import jewel.api.BlockLayout;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.ObjectAttributes;
import jewel.api.PeerId;
import jewel.api.PeerSettings;
import jewel.api.Pin;
import jewel.api.SchemeSpec;
import jewel.api.StoredBlock;

/** The registry's journal: the truth from which its state is rebuilt. */
public sealed interface RegistryEvent extends JewelSerializable {

  /** A file entered the index (replacing any file of that name); its holders enter the book. */
  record FileCommitted(FileEntry entry) implements RegistryEvent {}

  record FileDeleted(FileName name) implements RegistryEvent {}

  /**
   * The blocks {@code peer} holds among those the registry knows, in the id range {@code (after,
   * upTo]} (null bounds: open; events written before ranges have both null), as of the registry's
   * event number {@code asOf}: holders the book recorded after that are kept (null in events
   * written before marks: as of the event itself).
   */
  record HoldingsReported(PeerId peer, List<BlockId> blocks, BlockId after, BlockId upTo, Long asOf)
      implements RegistryEvent {}

  /** A default scheme for the cluster ({@code peer} null) or for one peer. */
  record DefaultSchemeSet(PeerId peer, SchemeSpec scheme) implements RegistryEvent {}

  /** A file's pin set ({@code pin} non-null) or removed (null). */
  record PinSet(FileName name, Pin pin) implements RegistryEvent {}

  record DefaultPinSet(double fraction) implements RegistryEvent {}

  record PeerSettingsSet(PeerId peer, PeerSettings settings) implements RegistryEvent {}

  /** A block of a pinned file got a new salt, and so a new set of expected holders. */
  record SaltBumped(BlockId block, long salt, String reason) implements RegistryEvent {}

  /** A repair made these copies of blocks the registry knows. */
  record CopiesRecorded(List<BlockHolder> copies) implements RegistryEvent {}

  /**
   * A Reed-Solomon file got a new number of jewels: its scheme and layout say the new n; {@code
   * added} (jewels past the old n, with their holders) join its tree, and jewels at {@code
   * layout.n()} and above leave it.
   */
  record FileRetuned(FileName name, SchemeSpec scheme, BlockLayout layout, List<StoredBlock> added)
      implements RegistryEvent {}

  /** These peers went up, and these down, at {@code atMillis} (epoch ms). */
  record PeerStatesChanged(List<PeerId> up, List<PeerId> down, long atMillis)
      implements RegistryEvent {}

  /**
   * An API token was made. Only the SHA-256 of its secret is kept (see {@code jewel.api.ApiToken}).
   *
   * @param expiresAtMillis when it stops working (epoch ms), or null: never
   */
  record TokenCreated(
      String id,
      String secretHash,
      boolean readOnly,
      String label,
      long createdAtMillis,
      Long expiresAtMillis)
      implements RegistryEvent {}

  /** API token {@code id} was revoked at {@code atMillis} (epoch ms). */
  record TokenRevoked(String id, long atMillis) implements RegistryEvent {}

  /**
   * An S3 access key was made, with its secret: Signature Version 4 needs the secret itself, so the
   * journal must be kept as safe as the admin token.
   *
   * @param expiresAtMillis when it stops working (epoch ms), or null: never
   */
  record S3KeyCreated(
      String accessKey,
      String secretKey,
      boolean readOnly,
      String label,
      long createdAtMillis,
      Long expiresAtMillis)
      implements RegistryEvent {
    /** Without the secret, which must not reach a log. */
    @Override
    public String toString() {
      return "S3KeyCreated[" + accessKey + ", readOnly=" + readOnly + "]";
    }
  }

  /** S3 access key {@code accessKey} was revoked at {@code atMillis} (epoch ms). */
  record S3KeyRevoked(String accessKey, long atMillis) implements RegistryEvent {}

  // ---------------------------------------------------------------- S3 buckets and uploads

  /** S3 bucket {@code name} was made at {@code atMillis}; {@code scheme} null: the default's. */
  record BucketCreated(String name, SchemeSpec scheme, long atMillis) implements RegistryEvent {}

  record BucketDeleted(String name) implements RegistryEvent {}

  /** An S3 multipart upload began (see {@link MultipartInfo}). */
  record UploadStarted(
      String uploadId,
      String bucket,
      String key,
      ObjectAttributes meta,
      SchemeSpec scheme,
      long atMillis)
      implements RegistryEvent {}

  /** An S3 multipart upload was completed or aborted. */
  record UploadEnded(String uploadId) implements RegistryEvent {}
}
