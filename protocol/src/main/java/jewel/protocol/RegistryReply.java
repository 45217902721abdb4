package jewel.protocol;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jewel.api.BlockId;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.PeerSettings;
import jewel.api.PinView;
import jewel.api.S3KeyInfo;
import jewel.api.SchemeSpec;
import jewel.api.StoredBlock;
import jewel.api.TokenInfo;

/**
 * Every answer of the file registry (a refusal is a {@link org.apache.pekko.pattern.StatusReply}
 * error: see {@link RegistryCommand}).
 */
public sealed interface RegistryReply extends JewelSerializable {

  /**
   * A file committed. (Not the entry: the committer has it, and the book's holders could make it
   * outgrow a frame.)
   *
   * @param orphans blocks of a replaced file that no file references any more
   */
  record Committed(List<BlockId> orphans) implements RegistryReply {}

  /**
   * @param entry the file of that name with the first page of its blocks, or null if the index has
   *     none
   * @param next where its next page of blocks starts, or null if {@code entry} has them all
   */
  record LookedUp(FileName name, FileEntry entry, BlockCursor next) implements RegistryReply {}

  /**
   * A page of one file's blocks (see {@link RegistryCommand.LookupBlocks}).
   *
   * @param next where the next page starts, or null if this is the last
   */
  record BlockPage(List<StoredBlock> blocks, BlockCursor next) implements RegistryReply {}

  /**
   * @param next where the next page starts, or null if this is the last
   * @param moreBlocks null, or the cursor of the rest of the blocks of the last file (then alone on
   *     its page: it is too big for one)
   */
  record Listing(List<FileEntry> files, FileName next, BlockCursor moreBlocks)
      implements RegistryReply {}

  /**
   * @param entry the deleted file, without its blocks (they may be too many for a message)
   * @param orphans the deleted file's blocks that no other file references
   */
  record Deleted(FileEntry entry, List<BlockId> orphans) implements RegistryReply {}

  /**
   * @param clusterDefault the scheme a store without {@code --scheme} uses
   * @param peerDefaults per-peer defaults by peer name, for stores {@code --from} that peer
   */
  record Settings(SchemeSpec clusterDefault, Map<String, SchemeSpec> peerDefaults)
      implements RegistryReply {}

  /**
   * @param next where the next page starts, or null if this is the last
   */
  record Pins(List<PinView> pins, double defaultFraction, FileName next) implements RegistryReply {}

  /**
   * @param events the sequence number of the last event persisted: how many events there are
   * @param greylisted peers whose copies do not count (failed audits)
   */
  record Stats(long events, int files, int blocks, int greylisted) implements RegistryReply {}

  /**
   * The registry's mark for a holdings report (see {@link RegistryCommand.StartHoldingsReport}).
   *
   * @param asOf the number of the registry's last event when it answered
   */
  record HoldingsMark(long asOf) implements RegistryReply {}

  /** Per-peer settings by peer name; peers not listed have {@link PeerSettings#DEFAULT}. */
  record PeerTable(Map<String, PeerSettings> peers) implements RegistryReply {}

  /**
   * @param blocks every block of every pinned file, with its salt and fraction
   * @param peers per-peer settings by peer name
   * @param minHolders a block with fewer live holders gets a new salt; no peer drops a block unless
   *     this many others hold it
   * @param next where the next page starts, or null if this is the last
   */
  record PinPlan(
      List<PinnedBlock> blocks, Map<String, PeerSettings> peers, int minHolders, BlockId next)
      implements RegistryReply {}

  /**
   * Each peer the registry has seen, by name: up or down and since when, and its recent history.
   *
   * @param histories each peer's changes over the window, for its observed availability
   * @param windowMillis the availability window ({@code jewel.availability.window})
   * @param prior what a peer's availability is taken to be before it is observed ({@code
   *     jewel.availability.prior})
   * @param priorMillis how much observed time the prior weighs ({@code
   *     jewel.availability.prior-weight}); 0: none, the observed share alone
   */
  record PeerStates(
      Map<String, PeerState> peers,
      Map<String, PeerHistory> histories,
      long windowMillis,
      double prior,
      long priorMillis)
      implements RegistryReply {
    /**
     * Each peer's availability at {@code nowMillis}, by name: its observed share of up time ({@link
     * PeerHistory#availability}) blended with the prior as if the prior had been observed for
     * {@code priorMillis}, (up + prior × priorMillis) / (observed + priorMillis). So a peer seen up
     * for one minute is not yet taken as always up, and its own record counts for more the longer
     * it is. Without a prior weight, a peer observed for no time yet is left out.
     */
    public Map<String, Double> availability(long nowMillis) {
      Map<String, Double> out = new TreeMap<>();
      histories.forEach(
          (name, h) -> {
            long observed = h.observedMillis(nowMillis, windowMillis);
            if (observed + priorMillis == 0) {
              return;
            }
            double raw = observed == 0 ? 0 : h.availability(nowMillis, windowMillis);
            out.put(
                name, (raw * observed + prior * priorMillis) / ((double) observed + priorMillis));
          });
      return out;
    }

    /**
     * The availability of a peer the registry has not seen at all: the prior, or 1 (up) when it
     * weighs nothing.
     */
    public double unobserved() {
      return priorMillis > 0 ? prior : 1.0;
    }
  }

  // ---------------------------------------------------------------- uploads and garbage

  /** An upload opened (see {@link RegistryCommand.OpenUpload}). */
  record UploadOpened(long upload) implements RegistryReply {}

  /**
   * @param blocks the candidates that may be deleted, in the order asked
   * @param guard what each peer checks before deleting one
   */
  record DeletionPlan(List<BlockId> blocks, DeleteGuard guard) implements RegistryReply {}

  // ---------------------------------------------------------------- API tokens

  /**
   * @param next the id after which the next page starts, or null if this is the last
   */
  record Tokens(List<TokenInfo> tokens, String next) implements RegistryReply {}

  /** One token, as it is after a {@link RegistryCommand.CreateToken} or a revocation. */
  record Token(TokenInfo token) implements RegistryReply {}

  /**
   * @param token the token of the id asked, or null if there is none
   * @param secretHash the SHA-256 of its secret (hex), or null if there is no such token
   */
  record TokenFound(TokenInfo token, String secretHash) implements RegistryReply {}

  // ---------------------------------------------------------------- S3 access keys

  /**
   * @param next the access key after which the next page starts, or null if this is the last
   */
  record S3Keys(List<S3KeyInfo> keys, String next) implements RegistryReply {}

  /** One S3 access key, as it is after a {@link RegistryCommand.CreateS3Key} or a revocation. */
  record S3Key(S3KeyInfo key) implements RegistryReply {}

  /**
   * @param key the access key asked, or null if there is none
   * @param secretKey its secret, or null if there is no such key
   */
  record S3KeyFound(S3KeyInfo key, String secretKey) implements RegistryReply {
    /** Without the secret, which must not reach a log. */
    @Override
    public String toString() {
      return "S3KeyFound[" + key + "]";
    }
  }

  // ---------------------------------------------------------------- S3 buckets and uploads

  /** Every bucket, by name. */
  record Buckets(List<BucketInfo> buckets) implements RegistryReply {}

  /**
   * @param bucket the bucket asked for, or null if there is none of that name
   */
  record BucketFound(BucketInfo bucket) implements RegistryReply {}

  /**
   * @param upload the multipart upload asked for, or null if there is none of that id
   */
  record MultipartFound(MultipartInfo upload) implements RegistryReply {}

  /**
   * Multipart uploads in progress, by key then start; {@code truncated} if more matched than a
   * reply carries ({@link RegistryCommand.ListMultiparts}).
   */
  record Multiparts(List<MultipartInfo> uploads, boolean truncated) implements RegistryReply {}
}
