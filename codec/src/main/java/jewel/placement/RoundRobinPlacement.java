package jewel.placement;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import jewel.api.BlockId;
import jewel.api.Digests;
import jewel.api.PeerId;

/**
 * The original project's striping: over an ordered list of N peers, copy c of block i goes to
 * {@code peers[(start + i + c) mod N]}. With k = 3 blocks, 2 copies, 3 peers and start 0 that is
 * [1,2], [2,3], [3,1]. The copies of one block are on distinct peers as long as copies ≤ N.
 */
public final class RoundRobinPlacement implements Placement {
  private final boolean rotate;

  private RoundRobinPlacement(boolean rotate) {
    this.rotate = rotate;
  }

  /** Every file starts at the first live peer, like the original project. */
  public static RoundRobinPlacement original() {
    return new RoundRobinPlacement(false);
  }

  /** Each file starts at the live peer its key picks ({@link #start(String)}), spreading load. */
  public static RoundRobinPlacement rotating() {
    return new RoundRobinPlacement(true);
  }

  /**
   * The striping itself: for each of {@code blocks} blocks, its {@code copies} holders among {@code
   * peers} (used in the order given) starting at {@code start} (any int; taken mod N).
   */
  public static List<List<PeerId>> stripe(List<PeerId> peers, int blocks, int copies, int start) {
    int n = peers.size();
    if (blocks < 0) {
      throw new IllegalArgumentException("a file cannot have " + blocks + " blocks");
    }
    if (copies <= 0 || copies > n) {
      throw new IllegalArgumentException(
          copies
              + " copies of each block need at least "
              + Math.max(copies, 1)
              + " peers to land on distinct peers, and "
              + n
              + " are available");
    }
    if (new TreeSet<>(peers).size() != n) {
      throw new IllegalArgumentException("the peers " + peers + " name a peer twice");
    }
    int s = Math.floorMod(start, n);
    List<List<PeerId>> out = new ArrayList<>(blocks);
    for (int i = 0; i < blocks; i++) {
      List<PeerId> holders = new ArrayList<>(copies);
      for (int c = 0; c < copies; c++) {
        holders.add(peers.get((int) ((s + (long) i + c) % n)));
      }
      out.add(List.copyOf(holders));
    }
    return List.copyOf(out);
  }

  /** A start for a file key: the first 4 bytes of SHA-256(UTF-8 key) as a non-negative int. */
  public static int start(String key) {
    byte[] d = Digests.sha256().digest(key.getBytes(StandardCharsets.UTF_8));
    return ((d[0] & 0x7f) << 24) | ((d[1] & 0xff) << 16) | ((d[2] & 0xff) << 8) | (d[3] & 0xff);
  }

  /** Stripes over the live peers sorted in {@link PeerId} order (so every node agrees). */
  @Override
  public List<List<PeerId>> place(String key, List<BlockId> blocks, int copies, List<PeerId> live) {
    List<PeerId> sorted = new ArrayList<>(live);
    sorted.sort(null);
    return stripe(sorted, blocks.size(), copies, rotate ? start(key) : 0);
  }
}
