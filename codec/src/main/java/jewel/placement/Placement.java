package jewel.placement;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import jewel.api.BlockId;
import jewel.api.Digests;
import jewel.api.PeerId;

/**
 * Which peers hold the blocks of one file: what a scheme asks instead of naming peers itself.
 * Round-robin striping ({@link RoundRobinPlacement}) uses only each block's position and the file's
 * key; weighted rendezvous ({@link RendezvousPlacement}) uses only the block ids, so equal blocks
 * land on the same peers and a peer joining or leaving moves only its own blocks.
 */
public interface Placement {
  /**
   * The holders of each block of one file.
   *
   * @param key a stable key for the file, such as its name (round robin rotates its start by it)
   * @param blocks the file's blocks in order: the one whole block, its shards, or its jewels
   * @param copies how many distinct peers hold each block (1 for plain striping)
   * @param live the peers that can take blocks now; the answer does not depend on their order
   * @return one list per block, in block order, of {@code copies} distinct peers, the preferred
   *     (first to write to, first to read from) first
   * @throws IllegalArgumentException if {@code copies} is below 1 or above the number of live peers
   */
  List<List<PeerId>> place(String key, List<BlockId> blocks, int copies, List<PeerId> live);

  /** Round-robin striping rotated by the file's key (see {@link RoundRobinPlacement}). */
  static Placement roundRobin() {
    return RoundRobinPlacement.rotating();
  }

  /** Rendezvous hashing with every peer weighing 1 and salt 0. */
  static Placement rendezvous() {
    return new RendezvousPlacement();
  }

  /** The values of a scheme's {@code placement=} parameter; the first is the default. */
  List<String> NAMES = List.of("roundrobin", "rendezvous");

  /** The placement a scheme's {@code placement=} parameter names. */
  static Placement named(String name) {
    return switch (name) {
      case "roundrobin" -> roundRobin();
      case "rendezvous" -> rendezvous();
      default ->
          throw new IllegalArgumentException(
              "placement must be " + String.join(" or ", NAMES) + ", not '" + name + "'");
    };
  }

  /**
   * Stand-in ids for a file's blocks at positions 0..count-1: SHA-256 of {@code key#i}. A scheme
   * places blocks before their bytes, and so their ids, exist; rendezvous over these keeps its
   * promise per position: a peer joining or leaving moves only the positions it wins or held.
   */
  static List<BlockId> positions(String key, int count) {
    MessageDigest sha256 = Digests.sha256();
    List<BlockId> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add(BlockId.of(sha256.digest((key + "#" + i).getBytes(StandardCharsets.UTF_8))));
    }
    return ids;
  }
}
