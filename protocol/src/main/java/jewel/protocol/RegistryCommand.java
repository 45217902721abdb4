package jewel.protocol;

import java.util.List;
import jewel.api.BlockId;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.ObjectAttributes;
import jewel.api.PeerId;
import jewel.api.PeerSettings;
import jewel.api.Pin;
import jewel.api.SchemeSpec;
import jewel.api.StoredBlock;
import jewel.protocol.RegistryReply.BlockPage;
import jewel.protocol.RegistryReply.BucketFound;
import jewel.protocol.RegistryReply.Buckets;
import jewel.protocol.RegistryReply.Committed;
import jewel.protocol.RegistryReply.Deleted;
import jewel.protocol.RegistryReply.DeletionPlan;
import jewel.protocol.RegistryReply.HoldingsMark;
import jewel.protocol.RegistryReply.Listing;
import jewel.protocol.RegistryReply.LookedUp;
import jewel.protocol.RegistryReply.MultipartFound;
import jewel.protocol.RegistryReply.Multiparts;
import jewel.protocol.RegistryReply.PeerStates;
import jewel.protocol.RegistryReply.PeerTable;
import jewel.protocol.RegistryReply.PinPlan;
import jewel.protocol.RegistryReply.Pins;
import jewel.protocol.RegistryReply.S3KeyFound;
import jewel.protocol.RegistryReply.S3Keys;
import jewel.protocol.RegistryReply.Settings;
import jewel.protocol.RegistryReply.Stats;
import jewel.protocol.RegistryReply.Token;
import jewel.protocol.RegistryReply.TokenFound;
import jewel.protocol.RegistryReply.Tokens;
import jewel.protocol.RegistryReply.UploadOpened;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * Everything the file registry (a Cluster Singleton on role {@code registry}) handles.
 *
 * <p>Lists that grow with the cluster (files, pins, pinned blocks, a peer's holdings, one file's
 * blocks and their holders) travel in pages: Artery drops a message over its frame size (256 KiB)
 * silently. A listing names where it starts ({@code after}, exclusive; null for the first page) and
 * its reply where the next page starts ({@code next}, null on the last); a holdings report names
 * the range of block ids it covers.
 *
 * <p>Each command's {@code replyTo} takes exactly what it answers. A command the registry may
 * refuse (a bad argument, an unknown file, an existing name) answers a {@link StatusReply}, whose
 * error is one line that says why.
 */
public sealed interface RegistryCommand extends JewelSerializable {

  /**
   * Adds a file to the index once its blocks are stored. {@code entry} comes without its blocks:
   * the store staged them under its upload first ({@link StageBlocks}), page by page, so that no
   * message of a commit outgrows Artery's frame however many blocks and holders the file has; the
   * commit takes them from there and names how many it expects. Refused if the entry is incomplete,
   * if fewer blocks are staged (the registry restarted during the store: store again), or if the
   * name exists and {@code replace} is false; with {@code replace}, the reply lists the blocks that
   * no file references any more.
   */
  record Commit(
      FileEntry entry,
      long upload,
      int blocks,
      boolean replace,
      ActorRef<StatusReply<Committed>> replyTo)
      implements RegistryCommand {}

  /**
   * The file of a name, if there is one, with the first page of its blocks (the rest: {@link
   * LookupBlocks}); refused only without a name.
   */
  record Lookup(FileName name, ActorRef<StatusReply<LookedUp>> replyTo)
      implements RegistryCommand {}

  /**
   * The next page of the blocks of file {@code name}, where {@code from} (a {@code next} of {@link
   * LookedUp}, {@link BlockPage} or {@link Listing}) says. Refused if there is no such file any
   * more or it was replaced since the cursor was handed out.
   */
  record LookupBlocks(FileName name, BlockCursor from, ActorRef<StatusReply<BlockPage>> replyTo)
      implements RegistryCommand {}

  /**
   * A page of the index: the files after {@code after} in name order, only those whose names start
   * with {@code prefix} (null: all). A file too big for a page alone comes alone with its first
   * page of blocks (the rest: {@link LookupBlocks}).
   */
  record ListFiles(FileName after, String prefix, ActorRef<Listing> replyTo)
      implements RegistryCommand {}

  /**
   * Removes a file from the index (refused if there is none of that name); the reply lists the
   * blocks no file references any more.
   */
  record Delete(FileName name, ActorRef<StatusReply<Deleted>> replyTo) implements RegistryCommand {}

  /**
   * Starts a holdings report: {@code replyTo} hears the registry's mark, the number of its last
   * event. The peer lists its blocks only after this answer and sends the list with the mark
   * ({@link ReportHoldings}), so the registry can tell what it recorded after the listing began.
   */
  record StartHoldingsReport(ActorRef<HoldingsMark> replyTo) implements RegistryCommand {}

  /**
   * The blocks a peer holds among the ids in {@code (after, upTo]} (null bounds: open), listed
   * after the registry handed out the mark {@code asOf} ({@link StartHoldingsReport}), sent in
   * parts that together cover every id, on joining and after a change. The block book takes it as
   * the truth for that peer in that range as of that mark: the peer is added as a holder of the
   * blocks listed and removed from the others, except those the book recorded it holding after the
   * mark (a block stored through a commit while the report was on its way). Blocks no file
   * references are ignored.
   */
  record ReportHoldings(PeerId peer, BlockId after, BlockId upTo, List<BlockId> blocks, long asOf)
      implements RegistryCommand {}

  /**
   * Sets the default scheme of the cluster ({@code peer} null) or of one peer. Refused if it would
   * leave the cluster without one.
   */
  record SetDefaultScheme(PeerId peer, SchemeSpec scheme, ActorRef<StatusReply<Settings>> replyTo)
      implements RegistryCommand {}

  record GetSettings(ActorRef<Settings> replyTo) implements RegistryCommand {}

  /**
   * Puts a stored file under a fractional pin ({@code pin} non-null) or takes it off one (null).
   * Replies with the changed file's line; refused if there is no file of that name.
   */
  record SetPin(FileName name, Pin pin, ActorRef<StatusReply<Pins>> replyTo)
      implements RegistryCommand {}

  /**
   * Sets the cluster's default fraction, which pins made with {@link Pin#followDefault} follow.
   * Refused if it is not in (0, 1].
   */
  record SetDefaultPin(double fraction, ActorRef<StatusReply<Pins>> replyTo)
      implements RegistryCommand {}

  /** The pin of one file: its line, or none if it has no pin. */
  record GetPin(FileName name, ActorRef<Pins> replyTo) implements RegistryCommand {}

  /**
   * A page of the pinned files after {@code after}, each with its pin and the fraction in force.
   */
  record ListPins(FileName after, ActorRef<Pins> replyTo) implements RegistryCommand {}

  /** Records one peer's modifier, trust, quota or greylisting; refused without a peer. */
  record SetPeerSettings(
      PeerId peer, PeerSettings settings, ActorRef<StatusReply<PeerTable>> replyTo)
      implements RegistryCommand {}

  record GetPeerSettings(ActorRef<PeerTable> replyTo) implements RegistryCommand {}

  /** Counts for the registry node's metrics. */
  record GetStats(ActorRef<Stats> replyTo) implements RegistryCommand {}

  /**
   * What every peer needs to compute its share of pinned blocks, a page of blocks after {@code
   * after} in id order. With a {@code file}, only that file's blocks (none if it is not pinned), as
   * a reader needs them.
   */
  record GetPinPlan(BlockId after, FileName file, ActorRef<PinPlan> replyTo)
      implements RegistryCommand {}

  /**
   * Gives a block a new salt (so a new set of holders), if its salt is still {@code fromSalt}: the
   * availability scan's answer to a block with too few live holders. No reply; the next plan shows
   * it.
   */
  record BumpSalt(BlockId block, long fromSalt, String reason) implements RegistryCommand {}

  // ---------------------------------------------------------------- durability

  /**
   * Records copies that a repair made of blocks of file {@code name}, if the file still has root
   * {@code root} (a file replaced meanwhile is refused: its blocks are other blocks).
   */
  record RecordCopies(
      FileName name, BlockId root, List<BlockHolder> copies, ActorRef<StatusReply<Done>> replyTo)
      implements RegistryCommand {}

  /**
   * Changes the number of jewels of Reed-Solomon file {@code name} from {@code fromN} to {@code n},
   * if the file still has root {@code root} and {@code fromN} jewels (refused otherwise: it was
   * replaced or retuned meanwhile). Raising n: {@code added} are exactly the new jewels {@code
   * fromN .. n−1}, each with the peers that hold it; every existing jewel stays. Lowering n: {@code
   * added} is empty and the jewels {@code n} and above leave the file. The reply lists the blocks
   * no file references any more (the dropped jewels), for deletion.
   */
  record Retune(
      FileName name,
      BlockId root,
      int fromN,
      int n,
      List<StoredBlock> added,
      ActorRef<StatusReply<Committed>> replyTo)
      implements RegistryCommand {}

  /**
   * The peers the registry node found up and down at {@code atMillis}: the registry records each
   * peer whose state changed, so how long a holder has been down survives a restart of the
   * registry, and keeps each peer's changes over the availability window. {@code up} is every live
   * peer: a peer recorded up that is in neither list went down.
   */
  record RecordPeerStates(List<PeerId> up, List<PeerId> down, long atMillis)
      implements RegistryCommand {}

  record GetPeerStates(ActorRef<PeerStates> replyTo) implements RegistryCommand {}

  // ---------------------------------------------------------------- uploads and garbage

  // A store opens an upload before its first byte, names it on every block it writes, reports the
  // blocks peers acknowledged at least every quarter of jewel.gc.upload-lease, and closes it when
  // it has committed or failed. Uploads live in the registry's memory only: one not heard from for
  // the lease is gone. They let deletions spare the blocks a store in progress wrote
  // (PlanDeletion).

  /**
   * Opens an upload. Ids grow, and start from the clock, so a restarted registry's ids are greater
   * than its predecessor's.
   */
  record OpenUpload(ActorRef<UploadOpened> replyTo) implements RegistryCommand {}

  /** Upload {@code upload} is alive and wrote {@code written} (more, maybe none). No reply. */
  record UploadProgress(long upload, List<BlockId> written) implements RegistryCommand {}

  /**
   * Adds {@code blocks} (the next of a file's blocks in order, one page: see {@link Pages}) to what
   * upload {@code upload} will commit; renews the upload like a progress report. Kept in memory
   * with the upload until it closes.
   */
  record StageBlocks(long upload, List<StoredBlock> blocks, ActorRef<Done> replyTo)
      implements RegistryCommand {}

  /** The store of upload {@code upload} committed or failed. No reply. */
  record CloseUpload(long upload) implements RegistryCommand {}

  /**
   * Which of {@code candidates} may be deleted: those no committed file references and no open
   * upload wrote, with the guard the peers check before deleting each (see {@link DeleteGuard}).
   *
   * @param minAgeMillis the guard's minimum age of a block file: 0 for the blocks a delete or a
   *     failed store just left, the grace for the collector's sweeps
   */
  record PlanDeletion(List<BlockId> candidates, long minAgeMillis, ActorRef<DeletionPlan> replyTo)
      implements RegistryCommand {}

  // ---------------------------------------------------------------- API tokens

  /**
   * Records a new API token under the next free id ({@code t1}, {@code t2}, …), of which the
   * registry keeps only {@code secretHash}, the SHA-256 of the secret the gateway made; the reply
   * names the id, which is part of the token. Refused without a hash, with a label over 200
   * characters or with control characters, or with an expiry not after {@code createdAtMillis}.
   */
  record CreateToken(
      String secretHash,
      boolean readOnly,
      String label,
      long createdAtMillis,
      Long expiresAtMillis,
      ActorRef<StatusReply<Token>> replyTo)
      implements RegistryCommand {}

  /** Revokes token {@code id} at {@code atMillis}; refused if there is none or it is revoked. */
  record RevokeToken(String id, long atMillis, ActorRef<StatusReply<Token>> replyTo)
      implements RegistryCommand {}

  /** A page of the tokens after id {@code after} (null: from the first), in the order made. */
  record ListTokens(String after, ActorRef<Tokens> replyTo) implements RegistryCommand {}

  /** Token {@code id} with its secret's hash, for a gateway to check a request's token. */
  record LookupToken(String id, ActorRef<TokenFound> replyTo) implements RegistryCommand {}

  // ---------------------------------------------------------------- S3 access keys

  /**
   * Records a new S3 access key with its secret (Signature Version 4 signs with the secret itself,
   * so the registry keeps it; the gateway made both, see {@code jewel.api.S3AccessKeys}). Refused
   * for an access key or secret not of that shape, an access key the registry has already, a label
   * over 200 characters or with control characters, or an expiry not after {@code createdAtMillis}.
   */
  record CreateS3Key(
      String accessKey,
      String secretKey,
      boolean readOnly,
      String label,
      long createdAtMillis,
      Long expiresAtMillis,
      ActorRef<StatusReply<RegistryReply.S3Key>> replyTo)
      implements RegistryCommand {
    /** Without the secret, which must not reach a log. */
    @Override
    public String toString() {
      return "CreateS3Key[" + accessKey + ", readOnly=" + readOnly + "]";
    }
  }

  /** Revokes S3 access key {@code accessKey}; refused if there is none or it is revoked. */
  record RevokeS3Key(
      String accessKey, long atMillis, ActorRef<StatusReply<RegistryReply.S3Key>> replyTo)
      implements RegistryCommand {}

  /** A page of the S3 access keys after {@code after} (null: from the first), by access key. */
  record ListS3Keys(String after, ActorRef<S3Keys> replyTo) implements RegistryCommand {}

  /** S3 access key {@code accessKey} with its secret, for a gateway to check a signature. */
  record LookupS3Key(String accessKey, ActorRef<S3KeyFound> replyTo) implements RegistryCommand {}

  // ---------------------------------------------------------------- S3 buckets and uploads

  /**
   * Makes S3 bucket {@code name}; refused for a name S3 would refuse ({@link
   * jewel.api.BucketNames}) or one that exists.
   */
  record CreateBucket(
      String name, SchemeSpec scheme, long atMillis, ActorRef<StatusReply<BucketInfo>> replyTo)
      implements RegistryCommand {}

  /**
   * Deletes S3 bucket {@code name}; refused if there is none, or while a file or a multipart upload
   * is in it.
   */
  record DeleteBucket(String name, ActorRef<StatusReply<Done>> replyTo)
      implements RegistryCommand {}

  /** Every bucket (S3 lists them all at once; there are few). */
  record ListBuckets(ActorRef<Buckets> replyTo) implements RegistryCommand {}

  record GetBucket(String name, ActorRef<BucketFound> replyTo) implements RegistryCommand {}

  /**
   * Begins multipart upload {@code uploadId} of {@code key} in {@code bucket}; refused if the
   * bucket does not exist or the id is taken.
   */
  record StartMultipart(
      String uploadId,
      String bucket,
      String key,
      ObjectAttributes meta,
      SchemeSpec scheme,
      long atMillis,
      ActorRef<StatusReply<MultipartInfo>> replyTo)
      implements RegistryCommand {}

  /**
   * Ends multipart upload {@code uploadId} (completed or aborted: its parts are the gateway's to
   * commit or delete); refused if there is none.
   */
  record EndMultipart(String uploadId, ActorRef<StatusReply<Done>> replyTo)
      implements RegistryCommand {}

  record GetMultipart(String uploadId, ActorRef<MultipartFound> replyTo)
      implements RegistryCommand {}

  /**
   * The multipart uploads in {@code bucket} whose key starts with {@code prefix} (null: all), by
   * key then start, at most {@link #LIMIT} (S3 lists at most 1,000 a page) and a page's worth.
   */
  record ListMultiparts(String bucket, String prefix, ActorRef<Multiparts> replyTo)
      implements RegistryCommand {
    public static final int LIMIT = 1000;
  }
}
