package jewel.node.store;

import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import jewel.api.BlockId;
import jewel.protocol.data.DataException;
import jewel.protocol.data.DataHandler;
import jewel.protocol.data.DataRequest;
import jewel.protocol.data.ReadResult;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;

/**
 * What a node serves on its data channel: BLOCK requests from its {@link BlockStore} (a PUT's
 * result is the stored block's id in hex; its upload, if any, is remembered in {@link
 * RecentWrites}), TOKEN requests from its {@link LocalFiles} (a GET reads an offered file, a PUT
 * writes an accepted one; result "ok"). A node without a block store (the CLI) refuses BLOCK
 * requests.
 */
public final class NodeDataHandler implements DataHandler {
  private final RecentWrites writes;
  private final LocalFiles files;
  private final Isolation isolation; // null: never isolated

  /** {@code blocks} may be null: a node that keeps no blocks. */
  public NodeDataHandler(BlockStore blocks, LocalFiles files) {
    this(blocks == null ? null : new RecentWrites(blocks), files, null);
  }

  /**
   * {@code writes} may be null: a node that keeps no blocks; {@code isolation} may be null: one
   * that is never isolated.
   */
  public NodeDataHandler(RecentWrites writes, LocalFiles files, Isolation isolation) {
    this.writes = writes;
    this.files = java.util.Objects.requireNonNull(files, "files");
    this.isolation = isolation;
  }

  @Override
  public Sink<ByteString, CompletionStage<String>> openWrite(DataRequest request) {
    try {
      if (request.kind() == DataRequest.Kind.BLOCK) {
        return writes()
            .writer(request.expected(), request.length(), request.upload())
            .mapMaterializedValue(id -> id.thenApply(BlockId::hex));
      }
      return files.write(request.name()).mapMaterializedValue(n -> n.thenApply(written -> "ok"));
    } catch (StoreException e) {
      throw new DataException(e.getMessage(), e);
    }
  }

  @Override
  public ReadResult openRead(DataRequest request) {
    try {
      if (request.kind() == DataRequest.Kind.BLOCK) {
        BlockStore store = writes().store();
        BlockId id = request.blockId();
        OptionalLong size = store.size(id);
        if (size.isEmpty()) {
          throw new DataException("no block " + id + " on this node");
        }
        long offset = request.offset();
        long end = request.length() < 0 ? size.getAsLong() : offset + request.length();
        if (offset > size.getAsLong() || end > size.getAsLong()) {
          throw new DataException(
              "range "
                  + offset
                  + "+"
                  + request.length()
                  + " is outside block "
                  + id.shortHex()
                  + " of "
                  + size.getAsLong()
                  + " bytes");
        }
        return new ReadResult(end - offset, store.reader(id, offset, end - offset));
      }
      return files.read(request.name(), request.offset(), request.length());
    } catch (StoreException e) {
      throw new DataException(e.getMessage(), e);
    }
  }

  private RecentWrites writes() {
    if (writes == null) {
      throw new DataException("this node keeps no blocks (it is not a peer): ask a peer");
    }
    if (isolation != null) {
      isolation
          .refusal()
          .ifPresent(
              reason -> {
                throw new DataException(reason);
              });
    }
    return writes;
  }
}
