package jewel.node.gateway;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import jewel.api.BlockId;
import jewel.api.JewelException;
import jewel.api.PeerId;
import jewel.node.PeerDirectory.LivePeer;
import jewel.protocol.data.DataClient;
import jewel.protocol.data.DataRequest;
import jewel.schemes.BlockTransport;
import jewel.schemes.audit.MerkleTree;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Block bytes to and from live peers over their data channels. A store's blocks go up under its
 * {@link Upload}, which hears of every block a peer acknowledged. For a pinned file it also
 * computes, while uploading, each block's Merkle root over 64 KiB chunks: the root audits check a
 * holder's answers against, taken from the writer's bytes, not from any holder.
 */
final class DataTransport implements BlockTransport {
  private final DataClient client;
  private final Map<PeerId, LivePeer> live;
  private final Upload upload; // null: reads only
  private final Map<BlockId, String> merkleRoots; // null: not recording

  /** A transport for reads. */
  DataTransport(DataClient client, Map<PeerId, LivePeer> live) {
    this(client, live, null, false);
  }

  /** A transport for the store of {@code upload}. */
  DataTransport(
      DataClient client, Map<PeerId, LivePeer> live, Upload upload, boolean recordMerkleRoots) {
    this.client = client;
    this.live = live;
    this.upload = upload;
    this.merkleRoots = recordMerkleRoots ? new ConcurrentHashMap<>() : null;
  }

  /** The Merkle root of every block uploaded so far (empty unless recording). */
  Map<BlockId, String> merkleRoots() {
    return merkleRoots == null ? Map.of() : Map.copyOf(merkleRoots);
  }

  @Override
  public Sink<ByteString, CompletionStage<BlockId>> upload(PeerId peer, long length) {
    if (upload == null) {
      throw new IllegalStateException("a transport for reads uploads nothing");
    }
    Sink<ByteString, CompletionStage<BlockId>> put =
        client
            .put(
                peer(peer).data(),
                DataRequest.putBlock(length, Optional.empty(), OptionalLong.of(upload.id())))
            .mapMaterializedValue(
                result ->
                    result.thenApply(
                        hex -> {
                          BlockId id = new BlockId(hex);
                          upload.written(id);
                          return id;
                        }));
    if (merkleRoots == null) {
      return put;
    }
    return Sink.<ByteString, CompletionStage<BlockId>>fromMaterializer(
            (mat, attributes) -> {
              MerkleTree.Builder merkle = new MerkleTree.Builder();
              return Flow.of(ByteString.class)
                  .map(
                      chunk -> {
                        for (ByteBuffer b : chunk.getByteBuffers()) {
                          merkle.update(b);
                        }
                        return chunk;
                      })
                  .toMat(put, Keep.right())
                  .mapMaterializedValue(
                      id ->
                          id.thenApply(
                              block -> {
                                merkleRoots.putIfAbsent(block, merkle.rootHex());
                                return block;
                              }));
            })
        .mapMaterializedValue(stage -> stage.thenCompose(s -> s));
  }

  @Override
  public Source<ByteString, NotUsed> download(
      PeerId peer, BlockId block, long offset, long length) {
    return client
        .get(peer(peer).data(), DataRequest.getBlock(block, offset, length))
        .mapMaterializedValue(m -> NotUsed.getInstance());
  }

  private LivePeer peer(PeerId peer) {
    LivePeer p = live.get(peer);
    if (p == null) {
      throw new JewelException("peer " + peer + " is not live", JewelException.Kind.UNAVAILABLE);
    }
    return p;
  }
}
