package jewel.node.store;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import jewel.api.BlockId;
import jewel.protocol.DeleteGuard;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;

/**
 * Which upload last wrote each block of a {@link BlockStore}, and the uploads' writes under way: a
 * peer deletes a block the registry found unreferenced only if neither says a store in progress
 * wrote it ({@link DeleteGuard}). A block's id is known only once its bytes are hashed, so a write
 * under way counts against every block it could become: the id it expects, or else every block of
 * its length (equal content has equal length). Checks and deletions hold the same lock as the start
 * of a write, so a write either counts or starts after the deletion (and then puts the block back).
 *
 * <p>In memory only: a restarted peer has forgotten its writers, and only the guard's minimum age
 * then spares what it wrote just before. It forgets a writer as soon as a guard says that upload
 * needs no sparing any more (ids only grow, so it never will again).
 */
public final class RecentWrites {
  /** A write under way; its identity tells it apart from another of the same upload and length. */
  private static final class Writing {
    final long upload;
    final long length;
    final Optional<BlockId> expected;

    Writing(long upload, long length, Optional<BlockId> expected) {
      this.upload = upload;
      this.length = length;
      this.expected = expected;
    }

    boolean couldBe(BlockId block, long size) {
      return expected.map(block::equals).orElse(length == size);
    }
  }

  /** What a deletion did: blocks deleted, and blocks held here that the guard kept. */
  public record Deleted(int deleted, int spared) {}

  private final BlockStore store;
  private final LongSupplier clock;
  private final Map<BlockId, Long> lastWriter = new HashMap<>(); // guarded by this
  private final Set<Writing> writing = new HashSet<>(); // guarded by this

  public RecentWrites(BlockStore store) {
    this(store, System::currentTimeMillis);
  }

  /**
   * @param clock milliseconds since the epoch, compared with block files' modification times
   */
  RecentWrites(BlockStore store, LongSupplier clock) {
    this.store = store;
    this.clock = clock;
  }

  public BlockStore store() {
    return store;
  }

  /**
   * A sink that stores {@code length} bytes as a block ({@link BlockStore#writer(Optional)}), as
   * written by {@code upload} if there is one.
   */
  public Sink<ByteString, CompletionStage<BlockId>> writer(
      Optional<BlockId> expected, long length, OptionalLong upload) {
    if (upload.isEmpty()) {
      return store.writer(expected);
    }
    return Sink.<ByteString, CompletionStage<BlockId>>fromMaterializer(
            (mat, attributes) -> {
              Writing w = started(new Writing(upload.getAsLong(), length, expected));
              return store
                  .writer(expected)
                  .mapMaterializedValue(id -> id.whenComplete((block, failure) -> ended(w, block)));
            })
        .mapMaterializedValue(stage -> stage.thenCompose(id -> id));
  }

  private synchronized Writing started(Writing w) {
    writing.add(w);
    return w;
  }

  private synchronized void ended(Writing w, BlockId block) {
    if (block != null) {
      lastWriter.put(block, w.upload);
    }
    writing.remove(w);
  }

  /** Deletes those of {@code blocks} held here that {@code guard} does not keep. */
  public synchronized Deleted delete(List<BlockId> blocks, DeleteGuard guard) {
    lastWriter.values().removeIf(upload -> !guard.protects(upload));
    int deleted = 0;
    int spared = 0;
    for (BlockId block : blocks) {
      OptionalLong size = store.size(block);
      if (size.isEmpty()) {
        continue;
      }
      if (keeps(guard, block, size.getAsLong())) {
        spared++;
      } else if (store.delete(block)) {
        deleted++;
      }
    }
    return new Deleted(deleted, spared);
  }

  private boolean keeps(DeleteGuard guard, BlockId block, long size) {
    if (lastWriter.containsKey(block)) {
      return true; // the writers the guard does not protect are forgotten already
    }
    for (Writing w : writing) {
      if (guard.protects(w.upload) && w.couldBe(block, size)) {
        return true;
      }
    }
    return !oldEnough(block, guard.minAgeMillis());
  }

  private boolean oldEnough(BlockId block, long minAgeMillis) {
    if (minAgeMillis <= 0) {
      return true;
    }
    try {
      long modified = Files.getLastModifiedTime(store.pathOf(block)).toMillis();
      return clock.getAsLong() - modified >= minAgeMillis;
    } catch (IOException e) {
      return false; // gone meanwhile, or unreadable: nothing to delete now
    }
  }
}
