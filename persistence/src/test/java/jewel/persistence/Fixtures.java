package jewel.persistence;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jewel.api.BlockId;
import jewel.api.BlockLayout;
import jewel.api.Digests;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.PeerId;
import jewel.api.SchemeSpec;
import jewel.api.StoredBlock;
import jewel.protocol.Pages;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryEvent;
import jewel.protocol.RegistryReply;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;

/** Small builders for registry tests. */
final class Fixtures {
  private Fixtures() {}

  static final PeerId P1 = new PeerId("peer-1");
  static final PeerId P2 = new PeerId("peer-2");
  static final PeerId P3 = new PeerId("peer-3");
  static final PeerId P10 = new PeerId("peer-10");

  /** The block id of the UTF-8 bytes of {@code content}. */
  static BlockId block(String content) {
    return BlockId.of(Digests.sha256().digest(content.getBytes(StandardCharsets.UTF_8)));
  }

  static FileName name(String name) {
    return new FileName(name);
  }

  static StoredBlock stored(int index, BlockId id, PeerId... holders) {
    return new StoredBlock(index, id, 100 + index, Arrays.asList(holders));
  }

  /** A file stored whole (one block, the root itself) on {@code holders}. */
  static FileEntry whole(String name, String content, PeerId... holders) {
    BlockId root = block(content);
    return new FileEntry(
        name(name),
        content.length(),
        root,
        SchemeSpec.parse("naive n=" + holders.length),
        BlockLayout.whole(),
        List.of(new StoredBlock(0, root, content.length(), Arrays.asList(holders))),
        1_700_000_000_000L);
  }

  /**
   * A file stored as shards {@code shards}, shard i on peer {@code holders[i % holders.length]}.
   */
  static FileEntry sharded(String name, String content, List<BlockId> shards, PeerId... holders) {
    List<StoredBlock> blocks = new ArrayList<>();
    for (int i = 0; i < shards.size(); i++) {
      blocks.add(stored(i, shards.get(i), holders[i % holders.length]));
    }
    return new FileEntry(
        name(name),
        1000,
        block(content),
        SchemeSpec.parse("shard k=" + shards.size()),
        new BlockLayout("shards", shards.size(), shards.size(), 0, "none"),
        blocks,
        1_700_000_000_000L);
  }

  /** A Merkle root for {@code block}, made up but stable: 64 hex characters. */
  static String merkleRoot(BlockId block) {
    return block("merkle root of " + block.hex()).hex();
  }

  /** {@code entry} with a Merkle root on every block, as a store records them. */
  static FileEntry rooted(FileEntry entry) {
    return entry.withBlocks(
        entry.blocks().stream().map(b -> b.withMerkleRoot(merkleRoot(b.id()))).toList());
  }

  static List<BlockId> ids(FileEntry entry) {
    return entry.blocks().stream().map(StoredBlock::id).toList();
  }

  // ---------------------------------------------------------------- commits as a store sends them

  /**
   * Opens an upload and stages {@code entry}'s blocks under it, page by page, as a store does
   * before its commit; the upload's id.
   */
  static long staged(
      EventSourcedBehaviorTestKit<RegistryCommand, RegistryEvent, RegistryState> registry,
      FileEntry entry) {
    long upload =
        registry
            .<RegistryReply.UploadOpened>runCommand(RegistryCommand.OpenUpload::new)
            .reply()
            .upload();
    for (List<StoredBlock> page : pages(entry)) {
      registry.<Done>runCommand(r -> new RegistryCommand.StageBlocks(upload, page, r));
    }
    return upload;
  }

  /** As {@link #staged(EventSourcedBehaviorTestKit, FileEntry)}, on a running registry. */
  static long staged(ActorTestKit testKit, ActorRef<RegistryCommand> registry, FileEntry entry) {
    TestProbe<RegistryReply.UploadOpened> opened = testKit.createTestProbe();
    registry.tell(new RegistryCommand.OpenUpload(opened.getRef()));
    long upload = opened.receiveMessage().upload();
    TestProbe<Done> staged = testKit.createTestProbe();
    for (List<StoredBlock> page : pages(entry)) {
      registry.tell(new RegistryCommand.StageBlocks(upload, page, staged.getRef()));
      staged.receiveMessage();
    }
    return upload;
  }

  /** The commit of {@code entry}, whose blocks are staged under {@code upload}. */
  static RegistryCommand.Commit commit(
      FileEntry entry,
      long upload,
      boolean replace,
      ActorRef<StatusReply<RegistryReply.Committed>> replyTo) {
    return new RegistryCommand.Commit(
        entry.withBlocks(List.of()), upload, entry.blocks().size(), replace, replyTo);
  }

  /** {@code entry}'s blocks in the pages a store stages them in. */
  static List<List<StoredBlock>> pages(FileEntry entry) {
    List<List<StoredBlock>> pages = new ArrayList<>();
    Integer from = 0;
    while (from != null) {
      Pages.Page<StoredBlock, Integer> page =
          Pages.from(entry.blocks(), from, Pages.BUDGET, b -> Pages.blockBytes(b.holders().size()));
      pages.add(page.items());
      from = page.next();
    }
    return pages;
  }
}
