package jewel.schemes;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import jewel.api.ByteRange;
import jewel.api.FileEntry;
import jewel.api.JewelException;
import jewel.api.PeerId;
import jewel.api.Progress;
import jewel.api.RepairReport.NewCopy;
import jewel.api.StoredBlock;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * A way of turning a file into blocks on peers and back. The coordinator runs any scheme through
 * this interface: adding a scheme means adding an implementation and listing it in {@link Schemes},
 * nothing else. Its id, parameters and checks are its {@link SchemeRules}, which live apart (in the
 * codec module) so the command line checks a scheme without Pekko.
 */
public interface StorageScheme extends SchemeRules {

  /** Encodes the job's content, fans blocks out to peers, and reports what was stored. */
  CompletionStage<Encoded> store(StoreJob job);

  /**
   * The bytes of {@code range} of the file ({@code null}: the whole file), rebuilt from blocks on
   * the {@code live} peers. The caller clamps the range to the file ({@link ByteRange#within}); a
   * range outside it is thrown back as an {@link IllegalArgumentException}, and an empty file is
   * read with {@code null}. Only what covers the range is moved: a ranged download of a whole-file
   * block, the overlapping parts of the shards that overlap it, or the chunks of the segments that
   * overlap it from each jewel read.
   *
   * <p>Verification: every block read whole is checked against its id by {@link
   * VerifyingTransport}; a part of a block cannot be, so a range that does not need all of a block
   * moves bytes no hash checks. The caller verifies the whole file's SHA-256 when it reads the
   * whole file (a null range, or one covering the file, which reads exactly as null does); a range
   * has no hash of its own to check.
   *
   * <p>This source fails with a {@link MissingBlocksException} when too few of the blocks the range
   * needs can be read, and with a {@link CorruptBlockException} when a block read whole turned out
   * corrupt after some of its bytes had gone on (read again without that copy).
   */
  Source<ByteString, NotUsed> read(
      FileEntry entry, Set<PeerId> live, BlockTransport transport, ByteRange range);

  /**
   * Makes the new copies {@code job.targets()} asks for, from what is readable on the live peers: a
   * copy from one of the block's holders, or, for a coded block none of whose holders is up, a
   * re-encoding from any k others. Each new copy is hashed by the peer that stores it and must be
   * the block's id. Completes with the copies made, or fails naming the block that could not be
   * re-created (copies made before that stay, unrecorded: garbage collection takes them).
   */
  CompletionStage<List<NewCopy>> repair(RepairJob job);

  /**
   * Adds coded blocks past the file's last one, without touching those it has: blocks {@code
   * entry.layout().n()} to {@code n − 1}, encoded from what is readable on the live peers (as
   * {@link #repair} re-encodes a lost jewel), each uploaded to the peers {@code job.targets()}
   * names for its index. {@code progress} hears the bytes of the file read so far. Completes with
   * the new blocks and their holders; copies made before a failure stay, unrecorded: garbage
   * collection takes them. Only a code whose first blocks do not depend on how many there are
   * (Reed-Solomon's systematic Vandermonde construction) can do this; the others refuse.
   */
  default CompletionStage<List<StoredBlock>> extend(RepairJob job, int n, Progress progress) {
    return CompletableFuture.failedFuture(
        new JewelException(
            "cannot retune '"
                + job.entry().name()
                + "': it is stored with "
                + job.entry().scheme()
                + ", and only reedsolomon files have jewels to add or drop"));
  }
}
