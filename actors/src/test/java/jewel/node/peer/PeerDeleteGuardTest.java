package jewel.node.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import jewel.api.BlockId;
import jewel.api.PeerId;
import jewel.node.store.BlockStore;
import jewel.node.store.LocalFiles;
import jewel.node.store.RecentWrites;
import jewel.protocol.DataAddress;
import jewel.protocol.DeleteGuard;
import jewel.protocol.PeerCommand;
import jewel.protocol.PeerReply;
import jewel.protocol.RegistryCommand;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer deletes an unreferenced block only if the registry's guard lets it: not while the upload
 * that last wrote it is open or newer than the plan, not while such an upload may be writing it,
 * and not before it is old enough.
 */
class PeerDeleteGuardTest {
  private static final ActorTestKit kit = ActorTestKit.create(jewel.node.TestConfig.local());
  private static final PeerId NAME = new PeerId("peer-7");
  private static final long OPEN = 1_000;
  private static final long CLOSED = 999;

  @TempDir Path disk;
  private BlockStore store;
  private RecentWrites writes;
  private ActorRef<PeerCommand> peer;

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void peer() throws Exception {
    store = BlockStore.open(disk.resolve("blocks"));
    writes = new RecentWrites(store);
    peer =
        kit.spawn(
            Peer.create(
                NAME,
                new DataAddress("127.0.0.1", 4242),
                writes,
                LocalFiles.inFolder(disk.resolve("files")),
                kit.<RegistryCommand>createTestProbe().getRef(),
                null));
  }

  private BlockId write(String content, long upload) throws Exception {
    ByteString bytes = ByteString.fromString(content);
    return Source.single(bytes)
        .runWith(
            writes.writer(Optional.empty(), bytes.size(), OptionalLong.of(upload)), kit.system())
        .toCompletableFuture()
        .get();
  }

  private int delete(List<BlockId> blocks, DeleteGuard guard) {
    TestProbe<PeerReply.BlocksDeleted> probe = kit.createTestProbe();
    peer.tell(new PeerCommand.DeleteBlocks(blocks, guard, probe.getRef()));
    return probe.receiveMessage().deleted();
  }

  @Test
  void keepsWhatAnOpenOrANewerUploadWroteAndDeletesWhatAClosedOneDid() throws Exception {
    BlockId open = write("written by an open upload", OPEN);
    BlockId closed = write("written by a closed upload", CLOSED);
    BlockId newer = write("written by an upload opened after the plan", OPEN + 1);

    assertEquals(1, delete(List.of(open, closed, newer), new DeleteGuard(List.of(OPEN), OPEN, 0)));

    assertTrue(store.has(open));
    assertFalse(store.has(closed));
    assertTrue(store.has(newer));

    assertEquals(2, delete(List.of(open, newer), new DeleteGuard(List.of(), OPEN + 1, 0)));
    assertFalse(store.has(open));
    assertFalse(store.has(newer));
  }

  @Test
  void theLastWriterCounts() throws Exception {
    BlockId block = write("same bytes", CLOSED);
    write("same bytes", OPEN); // a store in progress wrote the same content again
    assertEquals(0, delete(List.of(block), new DeleteGuard(List.of(OPEN), OPEN, 0)));
    assertTrue(store.has(block));
  }

  @Test
  void aWriteUnderWayKeepsEveryBlockItCouldBecome() throws Exception {
    BlockId old = write("0123456789", CLOSED);
    BlockId otherLength = write("01234567890", CLOSED);
    // The same length as `old`, from an open upload, still writing: its id is not known yet.
    CompletableFuture<Optional<ByteString>> rest = new CompletableFuture<>();
    CompletionStage<BlockId> writing =
        Source.single(ByteString.fromString("01234"))
            .concat(
                Source.<ByteString>maybe().mapMaterializedValue(m -> rest.thenAccept(m::complete)))
            .runWith(writes.writer(Optional.empty(), 10, OptionalLong.of(OPEN)), kit.system());

    assertEquals(1, delete(List.of(old, otherLength), new DeleteGuard(List.of(OPEN), OPEN, 0)));
    assertTrue(store.has(old), "it could be what the write under way is writing");
    assertFalse(store.has(otherLength));

    rest.complete(Optional.of(ByteString.fromString("56789")));
    assertEquals(old, writing.toCompletableFuture().get());
    assertEquals(0, delete(List.of(old), new DeleteGuard(List.of(OPEN), OPEN, 0)));
    assertEquals(1, delete(List.of(old), new DeleteGuard(List.of(), OPEN, 0)));
  }

  @Test
  void keepsBlocksYoungerThanTheMinimumAge() throws Exception {
    BlockId young = write("young", CLOSED);
    BlockId old = write("old", CLOSED);
    BlockId unknownWriter =
        Source.single(ByteString.fromString("nobody's"))
            .runWith(store.writer(), kit.system())
            .toCompletableFuture()
            .get();
    Path oldFile = store.root().resolve(old.prefix()).resolve(old.hex());
    Files.setLastModifiedTime(oldFile, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    DeleteGuard anHour = new DeleteGuard(List.of(), OPEN, Duration.ofHours(1).toMillis());

    assertEquals(1, delete(List.of(young, old, unknownWriter), anHour));

    assertTrue(store.has(young));
    assertFalse(store.has(old));
    assertTrue(store.has(unknownWriter));
    assertEquals(2, delete(List.of(young, unknownWriter), new DeleteGuard(List.of(), OPEN, 0)));
  }
}
