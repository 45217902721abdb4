package jewel.node.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jewel.api.BlockId;
import jewel.api.JewelException;
import jewel.api.PeerContents;
import jewel.api.PeerId;
import jewel.node.store.BlockStore;
import jewel.node.store.LocalFiles;
import jewel.protocol.DataAddress;
import jewel.protocol.DeleteGuard;
import jewel.protocol.PeerCommand;
import jewel.protocol.PeerReply;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryReply;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerTest {
  private static final ActorTestKit kit = ActorTestKit.create(jewel.node.TestConfig.local());
  private static final PeerId NAME = new PeerId("peer-7");
  private static final DataAddress DATA = new DataAddress("127.0.0.1", 4242);

  @TempDir Path disk;

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /** Plays the registry asked for its mark before a holdings report. */
  private static void markAs(TestProbe<RegistryCommand> registry, long asOf) {
    registry
        .expectMessageClass(RegistryCommand.StartHoldingsReport.class)
        .replyTo()
        .tell(new RegistryReply.HoldingsMark(asOf));
  }

  private BlockId put(BlockStore store, String content) throws Exception {
    return Source.single(ByteString.fromString(content))
        .runWith(store.writer(), kit.system())
        .toCompletableFuture()
        .get();
  }

  @Test
  void reportsItsBlocksOnStartAndAnswersAboutItsDisk() throws Exception {
    BlockStore store = BlockStore.open(disk.resolve("blocks"));
    BlockId a = put(store, "alpha");
    Files.createDirectories(disk.resolve("files"));
    Files.writeString(disk.resolve("files").resolve("notes.txt"), "hello", StandardCharsets.UTF_8);
    TestProbe<RegistryCommand> registry = kit.createTestProbe();

    ActorRef<PeerCommand> peer =
        kit.spawn(
            Peer.create(
                NAME, DATA, store, LocalFiles.inFolder(disk.resolve("files")), registry.getRef()));

    markAs(registry, 7);
    assertEquals(
        new RegistryCommand.ReportHoldings(NAME, null, null, List.of(a), 7),
        registry.receiveMessage());

    TestProbe<PeerReply.Description> described = kit.createTestProbe();
    peer.tell(new PeerCommand.Describe(described.getRef()));
    assertEquals(new PeerReply.Description(NAME, DATA, 1, 5, false), described.receiveMessage());

    TestProbe<PeerReply.Contents> listed = kit.createTestProbe();
    peer.tell(new PeerCommand.ListContents(null, listed.getRef()));
    PeerReply.Contents contents = listed.receiveMessage();
    assertEquals(List.of(new PeerContents.LocalFile("notes.txt", 5)), contents.files());
    assertEquals(List.of(new PeerContents.HeldBlock(a, 5)), contents.blocks());
    assertEquals(null, contents.next(), "one page");
  }

  @Test
  void listsItsBlocksInPagesThatCoverEveryBlockOnce() throws Exception {
    BlockStore store = BlockStore.open(disk.resolve("blocks"));
    List<BlockId> all = new java.util.ArrayList<>();
    for (int i = 0; i < Peer.CONTENTS_PAGE + 3; i++) {
      all.add(put(store, "block " + i));
    }
    all.sort(null);
    ActorRef<PeerCommand> peer =
        kit.spawn(
            Peer.create(
                NAME,
                DATA,
                store,
                LocalFiles.inFolder(disk.resolve("files")),
                kit.<RegistryCommand>createTestProbe().getRef()));
    TestProbe<PeerReply.Contents> probe = kit.createTestProbe();
    peer.tell(new PeerCommand.ListContents(null, probe.getRef()));
    PeerReply.Contents first = probe.receiveMessage();
    assertEquals(Peer.CONTENTS_PAGE, first.blocks().size());
    peer.tell(new PeerCommand.ListContents(first.next(), probe.getRef()));
    PeerReply.Contents second = probe.receiveMessage();
    assertEquals(null, second.next());
    List<BlockId> listed = new java.util.ArrayList<>();
    first.blocks().forEach(b -> listed.add(b.id()));
    second.blocks().forEach(b -> listed.add(b.id()));
    assertEquals(all, listed);
  }

  @Test
  void deletesOnlyWhatItHoldsAndTellsTheRegistry() throws Exception {
    BlockStore store = BlockStore.open(disk.resolve("blocks"));
    BlockId a = put(store, "alpha");
    BlockId b = put(store, "beta");
    BlockId never = BlockId.of(new byte[32]);
    TestProbe<RegistryCommand> registry = kit.createTestProbe();
    ActorRef<PeerCommand> peer =
        kit.spawn(
            Peer.create(
                NAME, DATA, store, LocalFiles.inFolder(disk.resolve("files")), registry.getRef()));
    markAs(registry, 1);
    registry.expectMessageClass(RegistryCommand.ReportHoldings.class);

    TestProbe<PeerReply.BlocksDeleted> probe = kit.createTestProbe();
    peer.tell(
        new PeerCommand.DeleteBlocks(
            List.of(a, never), new DeleteGuard(List.of(), 0, 0), probe.getRef()));
    assertEquals(new PeerReply.BlocksDeleted(NAME, 1), probe.receiveMessage());
    assertFalse(store.has(a));
    assertTrue(store.has(b));
    markAs(registry, 2);
    assertEquals(
        new RegistryCommand.ReportHoldings(NAME, null, null, List.of(b), 2),
        registry.receiveMessage());
  }

  @Test
  void offersItsOwnFilesAndRefusesPathsOutsideItsFolder() throws Exception {
    BlockStore store = BlockStore.open(disk.resolve("blocks"));
    Files.createDirectories(disk.resolve("files"));
    Files.writeString(disk.resolve("files").resolve("notes.txt"), "hello", StandardCharsets.UTF_8);
    TestProbe<RegistryCommand> registry = kit.createTestProbe();
    ActorRef<PeerCommand> peer =
        kit.spawn(
            Peer.create(
                NAME, DATA, store, LocalFiles.inFolder(disk.resolve("files")), registry.getRef()));
    TestProbe<StatusReply<PeerReply.FileOffered>> offers = kit.createTestProbe();

    peer.tell(new PeerCommand.OfferFile("notes.txt", offers.getRef()));
    PeerReply.FileOffered offered = offers.receiveMessage().getValue();
    assertEquals(DATA, offered.source().address());
    assertEquals(5, offered.source().size());

    peer.tell(new PeerCommand.OfferFile("missing.txt", offers.getRef()));
    assertTrue(offers.receiveMessage().isError());

    peer.tell(new PeerCommand.OfferFile("../blocks", offers.getRef()));
    assertTrue(offers.receiveMessage().isError());

    TestProbe<PeerReply.AcceptReply> accepts = kit.createTestProbe();
    peer.tell(new PeerCommand.AcceptFile("incoming.bin", false, accepts.getRef()));
    assertEquals(DATA, accepts.receiveMessage().accepted().sink().address());

    // A file already there is kept unless the get says force.
    peer.tell(new PeerCommand.AcceptFile("notes.txt", false, accepts.getRef()));
    assertEquals(
        new PeerReply.AcceptRefused(
            "peer-7 already has 'notes.txt' in its disk/files/: use --force to replace it",
            JewelException.Kind.CONFLICT),
        accepts.receiveMessage());
    peer.tell(new PeerCommand.AcceptFile("notes.txt", true, accepts.getRef()));
    assertEquals(DATA, accepts.receiveMessage().accepted().sink().address());

    peer.tell(new PeerCommand.AcceptFile("../blocks", true, accepts.getRef()));
    assertEquals(
        JewelException.Kind.BAD_INPUT,
        accepts.expectMessageClass(PeerReply.AcceptRefused.class).kind());
  }

  @Test
  void verifiesBlocksQuarantinesTheCorruptAndReportsItsHoldingsWithoutThem() throws Exception {
    BlockStore store = BlockStore.open(disk.resolve("blocks"));
    BlockId intact = put(store, "intact");
    BlockId corrupt = put(store, "corrupt");
    BlockId never = BlockId.of(new byte[32]);
    Files.writeString(store.root().resolve(corrupt.prefix()).resolve(corrupt.hex()), "rotten");
    TestProbe<RegistryCommand> registry = kit.createTestProbe();
    ActorRef<PeerCommand> peer =
        kit.spawn(
            Peer.create(
                NAME, DATA, store, LocalFiles.inFolder(disk.resolve("files")), registry.getRef()));
    markAs(registry, 1);
    registry.expectMessageClass(RegistryCommand.ReportHoldings.class);
    TestProbe<StatusReply<PeerReply.Verified>> probe = kit.createTestProbe();

    peer.tell(new PeerCommand.VerifyBlocks(List.of(corrupt, never, intact), probe.getRef()));

    assertEquals(
        new PeerReply.Verified(NAME, List.of(intact), List.of(never), List.of(corrupt)),
        probe.receiveMessage().getValue());
    assertFalse(store.has(corrupt));
    assertTrue(Files.isRegularFile(disk.resolve("quarantine").resolve(corrupt.hex())));
    markAs(registry, 2);
    assertEquals(
        new RegistryCommand.ReportHoldings(NAME, null, null, List.of(intact), 2),
        registry.receiveMessage());

    // Asked again, the quarantined block is missing, and nothing changed to report.
    peer.tell(new PeerCommand.VerifyBlocks(List.of(corrupt, intact), probe.getRef()));
    assertEquals(
        new PeerReply.Verified(NAME, List.of(intact), List.of(corrupt), List.of()),
        probe.receiveMessage().getValue());
    registry.expectNoMessage(java.time.Duration.ofMillis(200));
  }

  @Test
  void refusesToVerifyMoreBlocksThanAMessageMayName() throws Exception {
    BlockStore store = BlockStore.open(disk.resolve("blocks"));
    ActorRef<PeerCommand> peer =
        kit.spawn(
            Peer.create(
                NAME,
                DATA,
                store,
                LocalFiles.inFolder(disk.resolve("files")),
                kit.<RegistryCommand>createTestProbe().getRef()));
    List<BlockId> tooMany =
        java.util.stream.IntStream.rangeClosed(0, PeerCommand.VerifyBlocks.MAX_BLOCKS)
            .mapToObj(i -> BlockId.of(java.nio.ByteBuffer.allocate(32).putInt(i).array()))
            .toList();
    TestProbe<StatusReply<PeerReply.Verified>> probe = kit.createTestProbe();

    peer.tell(new PeerCommand.VerifyBlocks(tooMany, probe.getRef()));

    StatusReply<PeerReply.Verified> reply = probe.receiveMessage();
    assertTrue(reply.isError());
    assertEquals(
        "asked to verify 1001 blocks in one message; send at most 1000 a message",
        reply.getError().getMessage());
  }
}
