package jewel.schemes;

import java.util.concurrent.CompletionStage;
import jewel.api.BlockId;
import jewel.api.PeerId;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * How a scheme moves block bytes to and from peers, without knowing what carries them (the node's
 * data channel in production, memory in tests). Both directions are streams with back-pressure, so
 * no block is ever held whole in memory.
 */
public interface BlockTransport {

  /**
   * A sink that stores one block of exactly {@code length} bytes on {@code peer}; it completes with
   * the id the peer computed from the bytes it received.
   */
  Sink<ByteString, CompletionStage<BlockId>> upload(PeerId peer, long length);

  /** Bytes {@code [offset, offset + length)} of {@code block} as {@code peer} holds them. */
  Source<ByteString, NotUsed> download(PeerId peer, BlockId block, long offset, long length);
}
