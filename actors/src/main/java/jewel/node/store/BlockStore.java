package jewel.node.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import jewel.api.BlockId;
import jewel.api.Digests;
import jewel.api.PeerContents;
import jewel.schemes.stream.Sha256Stage;
import org.apache.pekko.stream.IOResult;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A peer's blocks on disk ({@code disk/blocks/}), each in a file named by its SHA-256 under a
 * folder of its first two hex characters: {@code blocks/ab/abcdef…}. Writes go to {@code
 * blocks/tmp/}, are hashed on the way and synced, and only then move (atomically) to their real
 * name, so a crash never leaves a partial block under a real name; what is left in {@code tmp/} is
 * deleted when the store is opened. One store per folder: two stores (or JVMs) on the same folder
 * would delete each other's writes in progress.
 *
 * <p>The methods other than {@link #writer} and {@link #reader} do blocking file I/O: call them off
 * the actors' dispatcher for anything big ({@link #verify}, {@link #list} of many blocks).
 */
public final class BlockStore {
  private static final Logger log = LoggerFactory.getLogger(BlockStore.class);
  private static final Pattern PREFIX = Pattern.compile("[0-9a-f]{2}");
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  private final Path root;
  private final Path tmp;
  private final Object lock = new Object();
  private long count; // guarded by lock
  private long bytes; // guarded by lock

  private BlockStore(Path root) {
    this.root = root;
    this.tmp = root.resolve("tmp");
  }

  /**
   * Opens (creating if needed) the store in {@code folder}: deletes what a crash left in {@code
   * tmp/} and counts the blocks.
   */
  public static BlockStore open(Path folder) throws IOException {
    BlockStore store = new BlockStore(folder.toAbsolutePath().normalize());
    Files.createDirectories(store.tmp);
    int stale = 0;
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(store.tmp)) {
      for (Path temp : temps) {
        Files.deleteIfExists(temp);
        stale++;
      }
    }
    if (stale > 0) {
      log.info("deleted {} unfinished block writes in {}", stale, store.tmp);
    }
    for (PeerContents.HeldBlock b : store.list()) {
      store.count++;
      store.bytes += b.size();
    }
    return store;
  }

  /** The folder of this store. */
  public Path root() {
    return root;
  }

  /** Where block {@code id} lives, whether it is there or not. */
  Path pathOf(BlockId id) {
    return root.resolve(id.prefix()).resolve(id.hex());
  }

  /**
   * A sink that stores its bytes as a block, whatever their hash; see {@link #writer(Optional)}.
   */
  public Sink<ByteString, CompletionStage<BlockId>> writer() {
    return writer(Optional.empty());
  }

  /**
   * A sink that stores the bytes it receives as one block; its value is the block's id. If {@code
   * expected} is present and the bytes hash to something else, it fails with "block hash mismatch:
   * expected X, got Y" and stores nothing. A block that is already here is replaced by the new,
   * verified copy (same content by name; a rename, and it repairs a copy damaged on disk). If the
   * stream fails or stops early, nothing is stored.
   */
  public Sink<ByteString, CompletionStage<BlockId>> writer(Optional<BlockId> expected) {
    Objects.requireNonNull(expected, "expected");
    return FileSink.create(
        () -> Files.createTempFile(tmp, "put-", ".part"),
        (temp, size, sha256) -> commit(temp, size, BlockId.of(sha256), expected));
  }

  private BlockId commit(Path temp, long size, BlockId actual, Optional<BlockId> expected)
      throws IOException {
    if (expected.isPresent() && !expected.get().equals(actual)) {
      Files.deleteIfExists(temp);
      throw new StoreException(
          "block hash mismatch: expected " + expected.get() + ", got " + actual);
    }
    Path target = pathOf(actual);
    synchronized (lock) {
      // Already here? Its name says what it should hold, not that it still does: the bytes just
      // written are checked, so moving them over it costs a rename and repairs a damaged copy.
      OptionalLong existing = sizeAt(target);
      Path folder = target.getParent();
      boolean newFolder = !Files.isDirectory(folder);
      Files.createDirectories(folder);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      syncFolder(folder);
      if (newFolder) {
        syncFolder(root);
      }
      if (existing.isPresent()) {
        bytes += size - existing.getAsLong();
      } else {
        count++;
        bytes += size;
      }
    }
    return actual;
  }

  /**
   * A read of the whole block {@code id}, checked against its hash; see {@link #reader(BlockId,
   * long, long)}.
   */
  public Source<ByteString, CompletionStage<IOResult>> reader(BlockId id) {
    return reader(id, 0, -1);
  }

  /**
   * {@code length} bytes (−1: to the end) of block {@code id} from {@code offset}, in chunks of 256
   * KiB, read on demand. A read of the whole block checks its SHA-256 at the end and fails the
   * stream, after the last bytes, with "block X is corrupted on disk (hash Y)" if it does not
   * match. Fails at once if the block is not here or the range is outside it. The value is the
   * number of bytes read.
   */
  public Source<ByteString, CompletionStage<IOResult>> reader(
      BlockId id, long offset, long length) {
    Objects.requireNonNull(id, "id");
    if (offset < 0 || length < -1) {
      throw new IllegalArgumentException("bad range: offset " + offset + ", length " + length);
    }
    Path path = pathOf(id);
    Source<ByteString, CompletionStage<IOResult>> bytes =
        FileSource.create(
            path,
            offset,
            length,
            "block " + id.shortHex(),
            () -> "no block " + id + " in this store");
    OptionalLong size = sizeAt(path);
    boolean whole = offset == 0 && (length < 0 || (size.isPresent() && length == size.getAsLong()));
    if (!whole) {
      return bytes;
    }
    // The check runs after FileSource's asynchronous island, in the reader's: its failure then
    // comes after the last bytes rather than overtaking them. It need not hold the last chunk
    // back: the data channel that serves these reads to other nodes does so itself.
    return bytes.viaMat(
        Sha256Stage.failAfterLastChunk(
            id,
            (actual, read) -> {
              log.error("block {} is corrupted on disk: its {} bytes hash to {}", id, read, actual);
              return new StoreException(
                  "block " + id + " is corrupted on disk (hash " + actual + ")");
            }),
        (io, checked) -> io.thenCombine(checked, (result, done) -> result));
  }

  public boolean has(BlockId id) {
    return Files.isRegularFile(pathOf(id));
  }

  /** The size of block {@code id}, if it is here. */
  public OptionalLong size(BlockId id) {
    return sizeAt(pathOf(id));
  }

  /** Every block here with its size, in id order (a scan of the folder). */
  public List<PeerContents.HeldBlock> list() {
    List<PeerContents.HeldBlock> held = new ArrayList<>();
    try (DirectoryStream<Path> folders = Files.newDirectoryStream(root)) {
      for (Path folder : folders) {
        String prefix = folder.getFileName().toString();
        if (!PREFIX.matcher(prefix).matches() || !Files.isDirectory(folder)) {
          continue;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
          for (Path file : files) {
            String name = file.getFileName().toString();
            if (HEX.matcher(name).matches() && name.startsWith(prefix)) {
              OptionalLong size = sizeAt(file);
              if (size.isPresent()) {
                held.add(new PeerContents.HeldBlock(new BlockId(name), size.getAsLong()));
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the blocks in " + root, e);
    }
    held.sort((a, b) -> a.id().compareTo(b.id()));
    return held;
  }

  /** Deletes block {@code id}; false if it was not here. */
  public boolean delete(BlockId id) {
    Path path = pathOf(id);
    synchronized (lock) {
      OptionalLong size = sizeAt(path);
      if (size.isEmpty()) {
        return false;
      }
      try {
        if (!Files.deleteIfExists(path)) {
          return false;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete block " + id, e);
      }
      count--;
      bytes -= size.getAsLong();
      return true;
    }
  }

  /**
   * Moves block {@code id} out of the store into the quarantine folder beside it ({@code
   * disk/quarantine/} next to {@code disk/blocks/}), named by its hex: from then on it is not
   * listed, served or counted, but its bytes stay for a person to look at. A block quarantined
   * again replaces the older file there. The move is one rename, so the file is never lost. False
   * if the block was not here.
   */
  public boolean quarantine(BlockId id) {
    Path path = pathOf(id);
    Path folder = root.resolveSibling("quarantine");
    synchronized (lock) {
      OptionalLong size = sizeAt(path);
      if (size.isEmpty()) {
        return false;
      }
      try {
        Files.createDirectories(folder);
        Files.move(path, folder.resolve(id.hex()), StandardCopyOption.ATOMIC_MOVE);
      } catch (NoSuchFileException e) {
        return false;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot quarantine block " + id, e);
      }
      syncFolder(folder);
      syncFolder(path.getParent());
      count--;
      bytes -= size.getAsLong();
    }
    log.warn("quarantined block {} in {}", id, folder);
    return true;
  }

  /** How many blocks are here (kept in memory). */
  public long count() {
    synchronized (lock) {
      return count;
    }
  }

  /** How many bytes the blocks here hold (kept in memory). */
  public long bytes() {
    synchronized (lock) {
      return bytes;
    }
  }

  /**
   * Re-reads block {@code id} and checks its SHA-256: true if it is here and intact, false if it is
   * missing or corrupted.
   */
  public boolean verify(BlockId id) {
    BlockId actual;
    try {
      actual = idOf(pathOf(id));
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read block " + id, e);
    }
    if (!actual.equals(id)) {
      log.error("block {} is corrupted on disk (hash {})", id, actual);
    }
    return actual.equals(id);
  }

  /** The id {@code file}'s content would have as a block: its SHA-256, read in chunks. */
  public static BlockId idOf(Path file) throws IOException {
    MessageDigest digest = Digests.sha256();
    ByteBuffer buffer = ByteBuffer.allocate(FileSource.CHUNK);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      while (channel.read(buffer.clear()) >= 0) {
        digest.update(buffer.flip());
      }
    }
    return BlockId.of(digest.digest());
  }

  @Override
  public String toString() {
    return "BlockStore(" + root + ")";
  }

  private static OptionalLong sizeAt(Path path) {
    try {
      return OptionalLong.of(Files.size(path));
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void syncFolder(Path folder) {
    try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // not every platform syncs folders; the file itself is synced
    }
  }
}
