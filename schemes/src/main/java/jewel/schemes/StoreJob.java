package jewel.schemes;

import java.util.List;
import jewel.api.FileName;
import jewel.api.PeerId;
import jewel.api.SchemeSpec;
import jewel.placement.FormulaPlacement;
import jewel.placement.Placement;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * One store, as a scheme sees it.
 *
 * @param scheme the scheme with its defaults filled in ({@link StorageScheme#normalize})
 * @param content the file's bytes, read once from start to end
 * @param livePeers the peers that may receive blocks, in a stable order
 * @param placement where the blocks go instead of the scheme's own {@code placement=}, or null (a
 *     pinned whole file whose id is known: {@link FormulaPlacement})
 */
public record StoreJob(
    FileName name,
    SchemeSpec scheme,
    long size,
    Source<ByteString, NotUsed> content,
    List<PeerId> livePeers,
    BlockTransport transport,
    Materializer materializer,
    Placement placement) {}
