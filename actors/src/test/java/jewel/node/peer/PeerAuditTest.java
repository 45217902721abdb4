package jewel.node.peer;

import static jewel.node.pins.PinFixtures.peer;
import static jewel.node.pins.PinFixtures.randomBytes;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import jewel.api.BlockId;
import jewel.api.PeerId;
import jewel.node.PeerDirectory.LivePeer;
import jewel.node.TestConfig;
import jewel.node.pins.PinFixtures;
import jewel.node.store.BlockStore;
import jewel.node.store.LocalFiles;
import jewel.node.store.NodeDataHandler;
import jewel.node.store.RecentWrites;
import jewel.protocol.DataAddress;
import jewel.protocol.PeerCommand;
import jewel.protocol.PeerReply;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryReply;
import jewel.protocol.data.DataChannel;
import jewel.protocol.data.DataClient;
import jewel.schemes.audit.MerkleTree;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Peer answering audits: a chunk of a block with its Merkle path, or a refusal. */
class PeerAuditTest {
  private static final ActorTestKit kit = ActorTestKit.create(TestConfig.local());
  private static final PeerId SELF = peer(7);
  private static final DataAddress DATA = new DataAddress("127.0.0.1", 1);

  /** Four chunks: three whole and a short last one. */
  private static final byte[] BIG = randomBytes(3 * MerkleTree.CHUNK + 3392, 5);

  @TempDir Path dir;
  private BlockStore store;

  @BeforeEach
  void open() throws Exception {
    store = BlockStore.open(dir.resolve("blocks"));
  }

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  private ActorRef<PeerCommand> startPeer(ShareKeeper.Setup sharing) throws Exception {
    TestProbe<RegistryCommand> registry = kit.createTestProbe();
    return kit.spawn(
        Peer.create(
            SELF,
            DATA,
            new RecentWrites(store),
            LocalFiles.inFolder(dir.resolve("files")),
            registry.getRef(),
            sharing));
  }

  private static StatusReply<PeerReply.AuditProof> audit(
      ActorRef<PeerCommand> peer, BlockId block, int chunk) {
    TestProbe<StatusReply<PeerReply.AuditProof>> probe = kit.createTestProbe();
    peer.tell(new PeerCommand.Audit(block, chunk, probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(10));
  }

  /** Whether the answer is a proof that checks out against the root of {@code content}. */
  private static boolean verifies(
      StatusReply<PeerReply.AuditProof> reply, byte[] content, int chunk) {
    if (reply.isError()) {
      return false;
    }
    PeerReply.AuditProof p = reply.getValue();
    return p.chunk() == chunk
        && p.peer().equals(SELF)
        && MerkleTree.verify(
            MerkleTree.rootHex(content), content.length, chunk, p.data(), p.path());
  }

  private Path fileOf(BlockId id) {
    return store.root().resolve(id.prefix()).resolve(id.hex());
  }

  private void flipByteAt(BlockId id, long position) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(fileOf(id).toFile(), "rw")) {
      f.seek(position);
      int b = f.read();
      f.seek(position);
      f.write(b ^ 0xff);
    }
  }

  @Test
  void proofsOfAHealthyStoreVerifyAgainstTheRecordedRoot() throws Exception {
    BlockId big = PinFixtures.put(store, BIG, kit.system());
    byte[] small = "a small block".getBytes(StandardCharsets.UTF_8);
    BlockId tiny = PinFixtures.put(store, small, kit.system());
    BlockId empty = PinFixtures.put(store, new byte[0], kit.system());
    ActorRef<PeerCommand> peer = startPeer(null);

    for (int chunk :
        new int[] {3, 0, 1, 2, 3}) { // the first reads it whole, the rest use the cached leaves
      assertTrue(verifies(audit(peer, big, chunk), BIG, chunk), "chunk " + chunk);
    }
    assertTrue(verifies(audit(peer, tiny, 0), small, 0));
    assertTrue(verifies(audit(peer, empty, 0), new byte[0], 0));
    // A proof of one chunk does not pass for another.
    PeerReply.AuditProof two = audit(peer, big, 2).getValue();
    assertFalse(MerkleTree.verify(MerkleTree.rootHex(BIG), BIG.length, 1, two.data(), two.path()));
  }

  @Test
  void refusesBlocksItDoesNotHoldAndChunksOutsideTheBlock() throws Exception {
    BlockId big = PinFixtures.put(store, BIG, kit.system());
    ActorRef<PeerCommand> peer = startPeer(null);

    assertTrue(audit(peer, PinFixtures.id("never stored"), 0).isError());
    assertTrue(audit(peer, big, 4).isError());
    assertTrue(audit(peer, big, -1).isError());
  }

  @Test
  void aBlockCorruptedOrDeletedBehindTheStoresBackFailsItsAudit() throws Exception {
    BlockId corruptFirst = PinFixtures.put(store, BIG, kit.system());
    BlockId corruptLater =
        PinFixtures.put(store, randomBytes(2 * MerkleTree.CHUNK, 6), kit.system());
    BlockId deleted = PinFixtures.put(store, randomBytes(1000, 7), kit.system());
    ActorRef<PeerCommand> peer = startPeer(null);

    // Damaged before any audit: the whole read fails its hash check.
    flipByteAt(corruptFirst, 10);
    assertFalse(verifies(audit(peer, corruptFirst, 3), BIG, 3));

    // Damaged after an audit cached its leaves: the chunk no longer matches its leaf.
    byte[] later = Files.readAllBytes(fileOf(corruptLater));
    assertTrue(verifies(audit(peer, corruptLater, 1), later, 1));
    flipByteAt(corruptLater, MerkleTree.CHUNK + 5);
    assertFalse(verifies(audit(peer, corruptLater, 1), later, 1));
    assertTrue(verifies(audit(peer, corruptLater, 0), later, 0), "the other chunk is still intact");

    Files.delete(fileOf(deleted));
    assertTrue(audit(peer, deleted, 0).isError());
  }

  @Test
  void aPeerKeepingASharePutsAGoodCopyOverABlockFoundDamaged() throws Exception {
    BlockStore other = BlockStore.open(dir.resolve("other"));
    DataChannel channel =
        DataChannel.bind(
                kit.system(),
                "127.0.0.1",
                0,
                new NodeDataHandler(other, LocalFiles.inFolder(dir.resolve("other-files"))))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    try {
      BlockId id = PinFixtures.put(other, BIG, kit.system());
      PinFixtures.put(store, BIG, kit.system());
      TestProbe<PeerCommand> nobody = kit.createTestProbe();
      Map<PeerId, LivePeer> live =
          Map.of(peer(1), PinFixtures.live(peer(1), nobody.getRef(), channel.address(), false));
      RegistryReply.PinPlan plan = new RegistryReply.PinPlan(List.of(), Map.of(), 2, null);
      ActorRef<RegistryCommand> registry =
          kit.spawn(
              Behaviors.receive(RegistryCommand.class)
                  .onMessage(
                      RegistryCommand.GetPinPlan.class,
                      g -> {
                        g.replyTo().tell(plan);
                        return Behaviors.same();
                      })
                  .onAnyMessage(m -> Behaviors.same())
                  .build());
      ShareKeeper.Setup setup =
          new ShareKeeper.Setup(
              PinFixtures.settings(),
              PinFixtures.fixed(new AtomicReference<>(live)),
              new DataClient(kit.system()));
      ActorRef<PeerCommand> peer =
          kit.spawn(
              Peer.create(
                  SELF,
                  DATA,
                  new RecentWrites(store),
                  LocalFiles.inFolder(dir.resolve("files")),
                  registry,
                  setup));
      flipByteAt(id, 70_000);

      assertTrue(audit(peer, id, 1).isError());

      TestProbe<Object> wait = kit.createTestProbe();
      wait.awaitAssert(
          Duration.ofSeconds(10),
          () -> {
            assertTrue(store.verify(id));
            return null;
          });
      assertTrue(verifies(audit(peer, id, 1), BIG, 1));
    } finally {
      channel.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
