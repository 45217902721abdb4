package jewel.schemes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import jewel.api.BlockId;
import jewel.api.Digests;
import jewel.api.PeerId;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Peers in memory, for scheme tests: each holds blocks by id, computes a block's id from the bytes
 * it receives (as a real peer does), and serves ranges in small, odd-sized pieces. Tests take peers
 * down, corrupt copies, or make a peer fail part way through a download.
 */
final class MemoryPeers implements BlockTransport {
  static final int PIECE = 777;

  final Map<PeerId, Map<BlockId, byte[]>> disks = new ConcurrentHashMap<>();
  final Set<PeerId> down = ConcurrentHashMap.newKeySet();

  /** Peer → the offset, in any block, at which its downloads break. */
  final Map<PeerId, Long> breakAfter = new ConcurrentHashMap<>();

  /** Peers that serve every byte and then fail, as a peer that found its own copy corrupt does. */
  final Set<PeerId> failAtEnd = ConcurrentHashMap.newKeySet();

  /** Peers whose downloads never deliver a byte (stalled). */
  final Set<PeerId> stalled = ConcurrentHashMap.newKeySet();

  final List<String> downloads = new CopyOnWriteArrayList<>();

  static List<PeerId> peers(int n) {
    List<PeerId> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(new PeerId("peer-" + i));
    }
    return out;
  }

  static BlockId sha256(byte[] bytes) {
    return BlockId.of(Digests.sha256().digest(bytes));
  }

  @Override
  public Sink<ByteString, CompletionStage<BlockId>> upload(PeerId peer, long length) {
    if (down.contains(peer)) {
      return Sink.<ByteString>cancelled()
          .mapMaterializedValue(
              x ->
                  CompletableFuture.failedFuture(
                      new IllegalStateException("peer at " + peer + " is not reachable")));
    }
    return Sink.<ByteString, ByteString>fold(ByteString.emptyByteString(), ByteString::concat)
        .mapMaterializedValue(
            all ->
                all.thenApply(
                    bytes -> {
                      if (bytes.size() != length) {
                        throw new IllegalStateException(
                            "got " + bytes.size() + " bytes, announced " + length);
                      }
                      byte[] array = bytes.toArray();
                      BlockId id = sha256(array);
                      disks.computeIfAbsent(peer, p -> new ConcurrentHashMap<>()).put(id, array);
                      return id;
                    }));
  }

  @Override
  public Source<ByteString, NotUsed> download(
      PeerId peer, BlockId block, long offset, long length) {
    downloads.add(peer + " " + block.shortHex() + " " + offset + "+" + length);
    if (down.contains(peer)) {
      return Source.failed(new IllegalStateException("peer at " + peer + " is not reachable"));
    }
    if (stalled.contains(peer)) {
      return Source.never();
    }
    byte[] bytes = disks.getOrDefault(peer, Map.of()).get(block);
    if (bytes == null) {
      return Source.failed(
          new IllegalStateException("no block " + block.shortHex() + " on " + peer));
    }
    long end = Math.min(offset + length, bytes.length);
    long cut =
        breakAfter.containsKey(peer) ? Math.max(offset, Math.min(end, breakAfter.get(peer))) : end;
    List<ByteString> pieces = new ArrayList<>();
    for (long at = offset; at < cut; at += PIECE) {
      pieces.add(ByteString.fromArray(bytes, (int) at, (int) Math.min(PIECE, cut - at)));
    }
    Source<ByteString, NotUsed> served = Source.from(pieces);
    if (cut < end) {
      return served.concat(failure("connection to " + peer + " broke"));
    }
    if (failAtEnd.contains(peer)) {
      return served.concat(failure(peer + " says block is corrupted on disk"));
    }
    return served;
  }

  /** A failure that comes after the bytes before it (a plain failed source would overtake them). */
  private static Source<ByteString, NotUsed> failure(String message) {
    return Source.lazySource(() -> Source.<ByteString>failed(new IllegalStateException(message)))
        .mapMaterializedValue(m -> NotUsed.getInstance());
  }

  /** Flips one byte of {@code peer}'s copy of {@code block}. */
  void corrupt(PeerId peer, BlockId block, int at) {
    byte[] bytes = disks.get(peer).get(block);
    byte[] changed = Arrays.copyOf(bytes, bytes.length);
    changed[at] ^= 0x5a;
    disks.get(peer).put(block, changed);
  }
}
