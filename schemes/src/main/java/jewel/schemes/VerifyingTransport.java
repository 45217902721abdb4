package jewel.schemes;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import jewel.api.BlockId;
import jewel.api.FileEntry;
import jewel.api.PeerId;
import jewel.api.StoredBlock;
import jewel.schemes.stream.Sha256Stage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport of one read of one file, checking every whole block it downloads against its id: a
 * peer that serves corrupt bytes is logged, reported to {@code onCorrupt} and named in a {@link
 * CorruptBlockException}. Copies already known to be corrupt ({@code excluded}) are refused at
 * once, so a retry of the read goes to other holders. Downloads of part of a block cannot be
 * checked alone: the rest of a block after a holder failed part way is covered by the reader's
 * check of the whole file's hash, but the parts a range read asks for (see {@link
 * StorageScheme#read}) are checked by nothing.
 */
public final class VerifyingTransport implements BlockTransport {
  private static final Logger log = LoggerFactory.getLogger(VerifyingTransport.class);

  /** One peer's copy of one block. */
  public record BlockCopy(BlockId block, PeerId peer) {
    @Override
    public String toString() {
      return "block " + block.shortHex() + "… on " + peer;
    }
  }

  private final BlockTransport inner;
  private final Map<BlockId, Long> lengths = new HashMap<>();
  private final Set<BlockCopy> excluded;
  private final Consumer<CorruptBlockException> onCorrupt;

  public VerifyingTransport(
      FileEntry entry,
      BlockTransport inner,
      Set<BlockCopy> excluded,
      Consumer<CorruptBlockException> onCorrupt) {
    this.inner = inner;
    this.excluded = Set.copyOf(excluded);
    this.onCorrupt = onCorrupt;
    for (StoredBlock b : entry.blocks()) {
      lengths.put(b.id(), b.length());
    }
  }

  /**
   * {@code transport} itself if it already verifies, else a verifying one over it with nothing
   * excluded.
   */
  public static VerifyingTransport of(FileEntry entry, BlockTransport transport) {
    return transport instanceof VerifyingTransport v
        ? v
        : new VerifyingTransport(entry, transport, Set.of(), e -> {});
  }

  /**
   * Whether {@code peer}'s copy of {@code block} is known to be corrupt (and so not to be read).
   */
  public boolean excluded(BlockId block, PeerId peer) {
    return excluded.contains(new BlockCopy(block, peer));
  }

  @Override
  public Sink<ByteString, CompletionStage<BlockId>> upload(PeerId peer, long length) {
    return inner.upload(peer, length);
  }

  @Override
  public Source<ByteString, NotUsed> download(
      PeerId peer, BlockId block, long offset, long length) {
    if (excluded(block, peer)) {
      return Source.failed(
          new IllegalStateException(
              "block "
                  + block.shortHex()
                  + "… on "
                  + peer
                  + " was found corrupted earlier in this read"));
    }
    Long whole = lengths.get(block);
    Source<ByteString, NotUsed> bytes = inner.download(peer, block, offset, length);
    if (offset != 0 || whole == null || length != whole) {
      return bytes;
    }
    return bytes.via(
        Sha256Stage.failBeforeLastChunkOfBlock(
            block,
            length,
            (actual, size) -> {
              CorruptBlockException e = new CorruptBlockException(block, peer, actual);
              log.warn(
                  "{} served corrupt bytes for block {}: they hash to {}", peer, block, actual);
              onCorrupt.accept(e);
              return e;
            }));
  }
}
