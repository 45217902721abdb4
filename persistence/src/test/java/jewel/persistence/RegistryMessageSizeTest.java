package jewel.persistence;

import static jewel.persistence.Fixtures.block;
import static jewel.persistence.Fixtures.merkleRoot;
import static jewel.persistence.Fixtures.name;
import static jewel.persistence.Fixtures.whole;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import jewel.api.BlockId;
import jewel.api.BlockLayout;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.PeerId;
import jewel.api.Pin;
import jewel.api.SchemeSpec;
import jewel.api.StoredBlock;
import jewel.protocol.BlockCursor;
import jewel.protocol.BlockHolder;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryEvent;
import jewel.protocol.RegistryReply;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A file of 256 blocks, each held by 200 peers (about 0.5 MiB as one entry: two frames): every
 * message of its commit and every registry reply about it, serialized as Artery would (Pekko's
 * serialization, Jackson CBOR), stays far under Artery's 256 KiB frame, and the pages put together
 * give the whole file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(TestKitJUnit5Extension.class)
class RegistryMessageSizeTest {
  private static final int FRAME = 256 * 1024;
  private static final int BLOCKS = 256;
  private static final int HOLDERS = 200;

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withCustomConfig(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()))
          .build();

  private EventSourcedBehaviorTestKit<RegistryCommand, RegistryEvent, RegistryState> registry;
  private FileEntry huge;
  private int largest;

  @BeforeAll
  void hugeFileBetweenTwoSmallOnes() {
    // Serialization checks off: the state is the big one, and it goes to the journal, never
    // across Artery; the commands are measured by hand.
    registry =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            Registry.create(PersistenceId.ofUniqueId("registry-sizes")),
            EventSourcedBehaviorTestKit.disabledSerializationSettings());
    huge = huge("huge", "h");
    commit(whole("a-small", "a", Fixtures.P1));
    commit(huge);
    commit(whole("z-small", "z", Fixtures.P2));
    int whole = bytes(new RegistryReply.LookedUp(huge.name(), huge, null));
    assertTrue(whole > FRAME, () -> "the whole entry takes " + whole + " bytes");
  }

  /** {@code name} as {@value #BLOCKS} Reed-Solomon jewels, each on {@value #HOLDERS} peers. */
  private static FileEntry huge(String name, String content) {
    List<PeerId> holders = new ArrayList<>();
    for (int p = 0; p < HOLDERS; p++) {
      holders.add(new PeerId("peer-" + p));
    }
    List<StoredBlock> blocks = new ArrayList<>();
    for (int i = 0; i < BLOCKS; i++) {
      BlockId id = block(content + i);
      blocks.add(
          new StoredBlock(i, id, 1 << 20, holders.stream().sorted().toList(), merkleRoot(id)));
    }
    return new FileEntry(
        name(name),
        128L << 20,
        block(content),
        SchemeSpec.parse("reedsolomon k=128 n=256"),
        new BlockLayout("jewels", 128, BLOCKS, 65536, "reedsolomon"),
        blocks,
        1_700_000_000_000L);
  }

  private <R> R reply(Function<ActorRef<R>, RegistryCommand> command) {
    R reply = registry.<R>runCommand(command).reply();
    int size = bytes(reply);
    largest = Math.max(largest, size);
    assertTrue(size < FRAME / 2, () -> reply.getClass().getSimpleName() + ": " + size + " bytes");
    return reply;
  }

  private <R> R accepted(Function<ActorRef<StatusReply<R>>, RegistryCommand> command) {
    StatusReply<R> reply = reply(command);
    assertTrue(reply.isSuccess(), reply::toString);
    return reply.getValue();
  }

  private int bytes(Object message) {
    return SerializationExtension.get(Adapter.toClassic(testKit.system()))
        .serialize(message)
        .get()
        .length;
  }

  private void commit(FileEntry entry) {
    long upload = Fixtures.staged(registry, entry);
    registry.<StatusReply<RegistryReply.Committed>>runCommand(
        r -> Fixtures.commit(entry, upload, true, r));
  }

  /** The rest of a file's blocks, page by page from {@code next}. */
  private List<StoredBlock> rest(FileName name, BlockCursor next) {
    List<StoredBlock> blocks = new ArrayList<>();
    while (next != null) {
      BlockCursor from = next;
      RegistryReply.BlockPage page = accepted(r -> new RegistryCommand.LookupBlocks(name, from, r));
      blocks.addAll(page.blocks());
      next = page.next();
    }
    return blocks;
  }

  @Test
  void aLookupComesInPagesThatMakeTheWholeFile() {
    RegistryReply.LookedUp first = accepted(r -> new RegistryCommand.Lookup(huge.name(), r));
    assertNotNull(first.next(), "a file this big does not fit one page");
    List<StoredBlock> blocks = new ArrayList<>(first.entry().blocks());
    blocks.addAll(rest(huge.name(), first.next()));
    assertTrue(huge.equals(first.entry().withBlocks(blocks)), "the pages make the file");
    System.out.println("largest registry message of a lookup: " + largest + " bytes");
  }

  @Test
  void aListingGivesTheHugeFileAloneAndItsPagesMakeTheWholeFile() {
    List<FileEntry> files = new ArrayList<>();
    FileName after = null;
    do {
      FileName from = after;
      RegistryReply.Listing page = reply(r -> new RegistryCommand.ListFiles(from, null, r));
      files.addAll(page.files());
      if (page.moreBlocks() != null) {
        assertEquals(1, page.files().size(), "a file cut in pages comes alone");
        FileEntry last = files.remove(files.size() - 1);
        List<StoredBlock> blocks = new ArrayList<>(last.blocks());
        blocks.addAll(rest(last.name(), page.moreBlocks()));
        files.add(last.withBlocks(blocks));
      }
      after = page.next();
    } while (after != null);
    assertEquals(
        List.of(name("a-small"), name("huge"), name("z-small")),
        files.stream().map(FileEntry::name).toList());
    assertTrue(huge.equals(files.get(1)), "the pages make the file");
  }

  @Test
  void thePagesOfAReplacedFileAreRefused() {
    RegistryReply.LookedUp first = accepted(r -> new RegistryCommand.Lookup(huge.name(), r));
    // The same content under another layout: the same root, another tree.
    FileEntry sameRoot =
        new FileEntry(
            huge.name(),
            huge.size(),
            huge.root(),
            SchemeSpec.parse("reedsolomon k=1 n=2"),
            new BlockLayout("jewels", 1, 2, 65536, "reedsolomon"),
            huge.blocks().subList(0, 2),
            huge.storedAtMillis());
    commit(sameRoot);
    StatusReply<RegistryReply.BlockPage> refused =
        reply(r -> new RegistryCommand.LookupBlocks(huge.name(), first.next(), r));
    assertTrue(refused.isError(), refused::toString);
    commit(huge);
  }

  @Test
  void theMessagesOfACommitOfTheHugeFileStaySmall() {
    ActorRef<Object> anyone = testKit.createTestProbe().getRef();
    List<List<StoredBlock>> pages = Fixtures.pages(huge);
    assertTrue(pages.size() > 1, () -> "staged in " + pages.size() + " page");
    for (List<StoredBlock> page : pages) {
      int size = bytes(new RegistryCommand.StageBlocks(1L, page, anyone.unsafeUpcast()));
      assertTrue(size < FRAME / 2, () -> "a page of " + page.size() + " blocks: " + size);
    }
    int commit = bytes(Fixtures.commit(huge, 1L, true, anyone.unsafeUpcast()));
    assertTrue(commit < FRAME / 2, () -> "the commit: " + commit + " bytes");
    assertEquals(huge.blocks(), pages.stream().flatMap(List::stream).toList());
  }

  @Test
  void commitDeleteRepairAndPinPlanRepliesStaySmall() {
    commit(huge("second", "s"));
    FileEntry second = huge("second", "t");
    long upload = Fixtures.staged(registry, second);
    RegistryReply.Committed replaced = accepted(r -> Fixtures.commit(second, upload, true, r));
    assertEquals(BLOCKS, replaced.orphans().size());

    Done recorded =
        accepted(
            r ->
                new RegistryCommand.RecordCopies(
                    second.name(),
                    second.root(),
                    List.of(new BlockHolder(second.blocks().get(0).id(), new PeerId("peer-new"))),
                    r));
    assertEquals(Done.getInstance(), recorded);

    accepted(
        (ActorRef<StatusReply<RegistryReply.Pins>> r) ->
            new RegistryCommand.SetPin(second.name(), Pin.fraction(0.5), r));
    BlockId after = null;
    int pinned = 0;
    do {
      BlockId from = after;
      RegistryReply.PinPlan page = reply(r -> new RegistryCommand.GetPinPlan(from, null, r));
      pinned += page.blocks().size();
      after = page.next();
    } while (after != null);
    assertEquals(BLOCKS, pinned);

    RegistryReply.Deleted deleted = accepted(r -> new RegistryCommand.Delete(name("second"), r));
    assertEquals(BLOCKS, deleted.orphans().size());
    assertNull(registry.getState().entry(name("second")).orElse(null));
  }
}
