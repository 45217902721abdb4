package jewel.node.gateway;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Block bytes to and from live peers over their data channels. For a pinned file it also computes,
 * while uploading, each block's Merkle root over 64 KiB chunks: the root audits check a holder's
 * answers against, taken from the writer's bytes, not from any holder.
 */
final class DataTransport implements BlockTransport {
  private final DataClient client;
  private final Map<PeerId, LivePeer> live;
  private final Map<BlockId, String> merkleRoots; // null: not recording

  /** Every block a peer confirmed, so a store that fails can have them discarded. */
  private final Set<BlockId> uploaded = ConcurrentHashMap.newKeySet();

  DataTransport(DataClient client, Map<PeerId, LivePeer> live, boolean recordMerkleRoots) {
    this.client = client;
    this.live = live;
    this.merkleRoots = recordMerkleRoots ? new ConcurrentHashMap<>() : null;
  }

  /** The blocks peers confirmed so far. */
  List<BlockId> uploaded() {
    return List.copyOf(uploaded);
  }

  /** The Merkle root of every block uploaded so far (empty unless recording). */
  Map<BlockId, String> merkleRoots() {
    return merkleRoots == null ? Map.of() : Map.copyOf(merkleRoots);
  }

  @Override
  public Sink<ByteString, CompletionStage<BlockId>> upload(PeerId peer, long length) {
    Sink<ByteString, CompletionStage<BlockId>> put =
        client
            .put(peer(peer).data(), DataRequest.putBlock(length))
            .mapMaterializedValue(
                result ->
                    result.thenApply(
                        hex -> {
                          BlockId id = new BlockId(hex);
                          uploaded.add(id);
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
