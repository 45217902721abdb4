package jewel.node.coordinator;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import jewel.node.PeerDirectory.LivePeer;
import jewel.protocol.BlockId;
import jewel.protocol.PeerId;
import jewel.protocol.data.DataClient;
import jewel.protocol.data.DataRequest;
import jewel.schemes.BlockTransport;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/** Block bytes to and from live peers over their data channels. */
final class DataTransport implements BlockTransport {
  private final DataClient client;
  private final Map<PeerId, LivePeer> live;

  DataTransport(DataClient client, Map<PeerId, LivePeer> live) {
    this.client = client;
    this.live = live;
  }

  @Override
  public Sink<ByteString, CompletionStage<BlockId>> upload(PeerId peer, long length) {
    return client.put(peer(peer).data(), DataRequest.putBlock(length))
        .mapMaterializedValue(result -> result.thenApply(BlockId::new));
  }

  @Override
  public Source<ByteString, NotUsed> download(PeerId peer, BlockId block, long offset, long length) {
    return client.get(peer(peer).data(), DataRequest.getBlock(block, offset, length))
        .mapMaterializedValue(m -> NotUsed.getInstance());
  }

  private LivePeer peer(PeerId peer) {
    LivePeer p = live.get(peer);
    if (p == null) {
      throw new OperationFailure("peer " + peer + " is not live");
    }
    return p;
  }
}
