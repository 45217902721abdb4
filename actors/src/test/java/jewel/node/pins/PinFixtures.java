package jewel.node.pins;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import jewel.api.BlockId;
import jewel.api.Digests;
import jewel.api.FileName;
import jewel.api.PeerId;
import jewel.node.PeerDirectory.LivePeer;
import jewel.node.store.BlockStore;
import jewel.protocol.DataAddress;
import jewel.protocol.PeerCommand;
import jewel.protocol.PinnedBlock;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/** Shared helpers of the pin tests (keeper, audits, scanner). */
public final class PinFixtures {
  private PinFixtures() {}

  public static final FileName PINNED = new FileName("pinned.bin");

  /** Every timer far away: the tests drive rescans and scans themselves. */
  public static PinSettings settings() {
    Duration never = Duration.ofHours(1);
    return new PinSettings(
        never,
        4,
        never,
        never,
        never,
        0,
        2,
        never,
        Duration.ofSeconds(3),
        10L << 20,
        Duration.ofSeconds(3));
  }

  public static PeerId peer(int i) {
    return new PeerId("peer-" + i);
  }

  /** A block id that is the SHA-256 of {@code seed}, for blocks whose bytes do not matter. */
  public static BlockId id(String seed) {
    return BlockId.of(Digests.sha256().digest(seed.getBytes(StandardCharsets.UTF_8)));
  }

  public static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  public static BlockId put(BlockStore store, byte[] bytes, ActorSystem<?> system)
      throws Exception {
    return Source.single(ByteString.fromArray(bytes))
        .runWith(store.writer(), system)
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  public static PinnedBlock pinned(
      BlockId id, long length, long salt, double fraction, List<PeerId> holders, String root) {
    return new PinnedBlock(PINNED, id, length, salt, fraction, holders, root, false);
  }

  public static LivePeer live(
      PeerId name, ActorRef<PeerCommand> ref, DataAddress data, boolean overQuota) {
    return new LivePeer(name, ref, data, 0, 0, overQuota);
  }

  /** A LivePeers that answers whatever {@code peers} holds at the time. */
  public static LivePeers fixed(
      java.util.concurrent.atomic.AtomicReference<Map<PeerId, LivePeer>> peers) {
    return () -> {
      CompletionStage<Map<PeerId, LivePeer>> now = CompletableFuture.completedFuture(peers.get());
      return now;
    };
  }
}
