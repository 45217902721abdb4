package jewel.schemes;

import java.util.Set;
import java.util.concurrent.CompletionStage;
import jewel.api.FileEntry;
import jewel.api.PeerId;
import jewel.api.SchemeSpec;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * A way of turning a file into blocks on peers and back. The coordinator runs any scheme
 * through this interface: adding a scheme means adding an implementation and listing it
 * in {@link Schemes}, nothing else. Its id, parameters and checks are its {@link SchemeRules},
 * which live apart (in the codec module) so the command line checks a scheme without Pekko.
 */
public interface StorageScheme extends SchemeRules {

  /** Encodes the job's content, fans blocks out to peers, and reports what was stored. */
  CompletionStage<Encoded> store(StoreJob job);

  /**
   * The file's bytes, rebuilt from blocks on the {@code live} peers. The caller verifies
   * the whole file's SHA-256; this source fails with a {@link MissingBlocksException} when
   * too few blocks can be read, and with a {@link CorruptBlockException} when a block read
   * whole turned out corrupt after some of its bytes had gone on (read again without that
   * copy: see {@link VerifyingTransport}, which checks every whole block it downloads).
   */
  Source<ByteString, NotUsed> read(FileEntry entry, Set<PeerId> live, BlockTransport transport);
}
