package jewel.node.peer;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletionStage;
import jewel.api.BlockId;
import jewel.api.Digests;
import jewel.node.store.BlockStore;
import jewel.schemes.audit.MerkleTree;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;

/**
 * Reads what an audit answer needs: the Merkle leaves of a block (SHA-256 of each 64 KiB chunk) and
 * the challenged chunk's bytes.
 *
 * <p>The first audit of a block reads it whole, through the store's hash check, and remembers its
 * leaves: they depend only on the content, which the block's id names, so they never go stale.
 * Later audits read just the chunk and check it against its leaf, so a copy damaged on disk since
 * is still caught. Used from the Peer's thread only (the cache is not shared).
 */
final class ChunkProofs {
  /** At most this many leaves are cached: 8 MiB of hashes, the leaves of 16 GiB of blocks. */
  private static final long MAX_CACHED_LEAVES = 1L << 18;

  /** The leaves of a block and the bytes of one of its chunks. */
  @SuppressWarnings("ArrayRecordComponent") // built, read once and dropped, never compared
  record Read(List<byte[]> leaves, byte[] chunk) {}

  private final BlockStore store;
  private final ActorSystem<?> system;
  private final LinkedHashMap<BlockId, List<byte[]>> cache = new LinkedHashMap<>(16, 0.75f, true);
  private long cachedLeaves;

  ChunkProofs(BlockStore store, ActorSystem<?> system) {
    this.store = store;
    this.system = system;
  }

  /**
   * Reads chunk {@code chunk} of block {@code id}, of {@code size} bytes, and the block's leaves.
   * Fails if the block is gone or damaged on disk.
   */
  CompletionStage<Read> read(BlockId id, long size, int chunk) {
    long from = (long) chunk * MerkleTree.CHUNK;
    int length = (int) Math.min(MerkleTree.CHUNK, size - from);
    List<byte[]> leaves = cache.get(id);
    if (leaves != null) {
      return store
          .reader(id, from, length)
          .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), system)
          .thenApply(
              bytes -> {
                byte[] data = bytes.toArray();
                if (!Arrays.equals(Digests.sha256().digest(data), leaves.get(chunk))) {
                  throw new IllegalStateException(
                      "chunk " + chunk + " of block " + id + " is corrupted on disk");
                }
                return new Read(leaves, data);
              });
    }
    return store
        .reader(id)
        .runWith(Sink.fold(new Gather(from, length), Gather::add), system)
        .thenApply(g -> new Read(g.builder.leaves(), g.chunk));
  }

  /** Keeps the leaves of a block read whole, dropping the least recently audited past the cap. */
  void remember(BlockId id, List<byte[]> leaves) {
    List<byte[]> old = cache.put(id, leaves);
    cachedLeaves += leaves.size() - (old == null ? 0 : old.size());
    var eldest = cache.entrySet().iterator();
    while (cachedLeaves > MAX_CACHED_LEAVES && cache.size() > 1) {
      cachedLeaves -= eldest.next().getValue().size();
      eldest.remove();
    }
  }

  /** Feeds a whole block to a Merkle builder and keeps the bytes of one chunk on the way. */
  private static final class Gather {
    final MerkleTree.Builder builder = new MerkleTree.Builder();
    final byte[] chunk;
    final long from;
    long position;

    Gather(long from, int length) {
      this.from = from;
      this.chunk = new byte[length];
    }

    Gather add(ByteString bytes) {
      long start = Math.max(position, from);
      long end = Math.min(position + bytes.size(), from + chunk.length);
      if (start < end) {
        bytes
            .slice((int) (start - position), (int) (end - position))
            .asByteBuffer()
            .get(chunk, (int) (start - from), (int) (end - start));
      }
      for (ByteBuffer b : bytes.getByteBuffers()) {
        builder.update(b);
      }
      position += bytes.size();
      return this;
    }
  }
}
