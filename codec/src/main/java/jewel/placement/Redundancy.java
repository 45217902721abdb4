package jewel.placement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jewel.api.FileEntry;
import jewel.api.PeerId;
import jewel.api.StoredBlock;

/**
 * What a placement buys: the redundancy factor D and how many peer failures a file survives.
 *
 * <p>A file is a list of {@link Group}s; it is readable iff every group is, a group is readable iff
 * at least {@code needed} of its pieces are, and a piece is readable iff at least one of its
 * holders is up. That covers every scheme: whole copies are one group of one piece with n holders
 * (needed 1); shards are one group of k pieces, all needed; parity and Reed-Solomon are one group
 * of n pieces, any k needed; a file of several blocks is several groups.
 *
 * @param d bytes stored / file size
 * @param survivesFailures the most peers that may fail, whichever they are, with the file still
 *     readable: the size of the smallest set of peers whose loss makes it unreadable, minus 1 (−1
 *     if it is unreadable with every peer up)
 * @param minPeersUp the fewest peers that, if up, suffice to read the file, for the best choice of
 *     which (−1 if no choice does)
 * @param peers the distinct peers that hold a piece
 * @param exact whether both numbers are exact; see {@link #analyze} for the bounds used above
 *     {@link #EXACT_PEERS} peers
 */
public record Redundancy(double d, int survivesFailures, int minPeersUp, int peers, boolean exact) {

  /** Up to this many distinct peers, every subset of peers is tried. */
  public static final int EXACT_PEERS = 20;

  /**
   * Part of a file that is readable iff {@code needed} of its pieces are.
   *
   * @param holders for each piece, the peers holding a copy of it
   * @param needed how many pieces rebuild the group (k)
   * @param pieceSize bytes in each piece as stored (shards padded to equal size)
   */
  public record Group(List<List<PeerId>> holders, int needed, long pieceSize) {
    /**
     * A stored file's blocks as one group: the pieces are its blocks with their recorded holders,
     * needing 1 for whole copies, all for shards, k for coded jewels.
     */
    public static Group of(FileEntry entry) {
      List<List<PeerId>> holders = entry.blocks().stream().map(StoredBlock::holders).toList();
      int needed =
          switch (entry.layout().kind()) {
            case "whole" -> 1;
            case "shards" -> holders.size();
            default -> entry.layout().k();
          };
      return new Group(holders, needed, 1);
    }

    public Group {
      holders = holders.stream().map(List::copyOf).toList();
      if (needed < 1 || needed > holders.size()) {
        throw new IllegalArgumentException(
            "a group of "
                + holders.size()
                + " pieces cannot need "
                + needed
                + " of them: give 1 to "
                + holders.size());
      }
      if (pieceSize < 0) {
        throw new IllegalArgumentException("piece size " + pieceSize + " is negative");
      }
    }
  }

  /** Whether some choice of live peers reads the file. */
  public boolean readable() {
    return minPeersUp >= 0;
  }

  /** Whole copies (hosting, naive): the file is one block held by {@code holders}. */
  public static Redundancy wholeCopies(List<PeerId> holders) {
    return analyze(List.of(new Group(List.of(holders), 1, 1)), 1);
  }

  /** Shards (shard, shardshard): every piece is needed; pieces of equal size. */
  public static Redundancy shards(List<List<PeerId>> holders) {
    return analyze(List.of(new Group(holders, holders.size(), 1)), holders.size());
  }

  /** k of n (parity with k + 1 pieces, Reed-Solomon): any {@code k} pieces; equal sizes. */
  public static Redundancy kOfN(List<List<PeerId>> holders, int k) {
    return analyze(List.of(new Group(holders, k, 1)), k);
  }

  /**
   * The general case. Up to {@link #EXACT_PEERS} distinct peers, both numbers are exact (every
   * subset of peers is tried). Above that:
   *
   * <ul>
   *   <li>{@code survivesFailures} is a lower bound (the file survives at least that many). To
   *       break a group of n pieces that needs k, all holders of some t = n − k + 1 of its pieces
   *       must fail. Their union has at least as many peers as the t-th smallest holder set, and at
   *       least (sum of the t smallest holder-set sizes) / (the most pieces of the group that one
   *       peer holds). The bound is exact when t = 1 (all pieces needed, or whole copies) or when
   *       no peer holds two pieces of the group.
   *   <li>{@code minPeersUp} is an upper bound (these many peers, chosen greedily for the most
   *       pieces still missing, do suffice), exact when it meets the lower bound needed / (the most
   *       pieces of a group that one peer holds).
   * </ul>
   */
  public static Redundancy analyze(List<Group> groups, long fileSize) {
    return analyze(groups, fileSize, false);
  }

  /** {@link #analyze(List, long)}, with the bounds used whatever the number of peers if asked. */
  static Redundancy analyze(List<Group> groups, long fileSize, boolean bounds) {
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("a file has at least one group of pieces");
    }
    if (fileSize <= 0) {
      throw new IllegalArgumentException("file size " + fileSize + " must be positive");
    }
    Map<PeerId, Integer> index = new HashMap<>();
    long stored = 0;
    for (Group g : groups) {
      for (List<PeerId> h : g.holders()) {
        if (h.stream().distinct().count() != h.size()) {
          throw new IllegalArgumentException("a piece lists a holder twice: " + h);
        }
        stored += g.pieceSize() * h.size();
        for (PeerId p : h) {
          index.putIfAbsent(p, index.size());
        }
      }
    }
    double d = (double) stored / fileSize;
    int n = index.size();
    if (n <= EXACT_PEERS && !bounds) {
      return exhaustive(groups, index, d);
    }
    return bounded(groups, index, d);
  }

  private static Redundancy exhaustive(List<Group> groups, Map<PeerId, Integer> index, double d) {
    int n = index.size();
    int[][] masks = masks(groups, index);
    int minUp = Integer.MAX_VALUE;
    int maxUpUnreadable = -1; // the most peers that can be up with the file still unreadable
    for (int up = 0; up < (1 << n); up++) {
      int count = Integer.bitCount(up);
      if (count >= minUp && count <= maxUpUnreadable) {
        continue; // cannot improve either number
      }
      if (readable(masks, groups, up)) {
        minUp = Math.min(minUp, count);
      } else {
        maxUpUnreadable = Math.max(maxUpUnreadable, count);
      }
    }
    boolean ever = minUp != Integer.MAX_VALUE;
    // The smallest failing set is the complement of the largest unreadable up-set.
    int survives = ever ? n - maxUpUnreadable - 1 : -1;
    return new Redundancy(d, survives, ever ? minUp : -1, n, true);
  }

  private static boolean readable(int[][] masks, List<Group> groups, int up) {
    for (int g = 0; g < masks.length; g++) {
      int have = 0;
      for (int m : masks[g]) {
        if ((m & up) != 0) {
          have++;
        }
      }
      if (have < groups.get(g).needed()) {
        return false;
      }
    }
    return true;
  }

  private static int[][] masks(List<Group> groups, Map<PeerId, Integer> index) {
    int[][] masks = new int[groups.size()][];
    for (int g = 0; g < groups.size(); g++) {
      List<List<PeerId>> h = groups.get(g).holders();
      masks[g] = new int[h.size()];
      for (int i = 0; i < h.size(); i++) {
        for (PeerId p : h.get(i)) {
          masks[g][i] |= 1 << index.get(p);
        }
      }
    }
    return masks;
  }

  private static Redundancy bounded(List<Group> groups, Map<PeerId, Integer> index, double d) {
    int n = index.size();
    boolean exact = true;
    int minFail = Integer.MAX_VALUE;
    int upLower = 0;
    for (Group g : groups) {
      int pieces = g.holders().size();
      int t = pieces - g.needed() + 1;
      int[] sizes = g.holders().stream().mapToInt(List::size).sorted().toArray();
      int[] perPeer = new int[n];
      for (List<PeerId> h : g.holders()) {
        for (PeerId p : h) {
          perPeer[index.get(p)]++;
        }
      }
      int deg = Math.max(1, Arrays.stream(perPeer).max().orElse(1));
      long sum = 0;
      for (int i = 0; i < t; i++) {
        sum += sizes[i];
      }
      int bound = (int) Math.max(sizes[t - 1], (sum + deg - 1) / deg);
      minFail = Math.min(minFail, bound);
      exact &= t == 1 || deg == 1;
      upLower = Math.max(upLower, (g.needed() + deg - 1) / deg);
    }
    int up = greedyUp(groups, index);
    if (up < 0) {
      return new Redundancy(d, -1, -1, n, true);
    }
    exact &= up == upLower;
    return new Redundancy(d, minFail - 1, up, n, exact);
  }

  /** Peers added one by one, each time the one that makes the most progress: −1 if none reads. */
  private static int greedyUp(List<Group> groups, Map<PeerId, Integer> index) {
    int n = index.size();
    List<List<int[]>> piecesOf = new ArrayList<>(); // per peer: {group, piece} it holds
    for (int i = 0; i < n; i++) {
      piecesOf.add(new ArrayList<>());
    }
    boolean[][] covered = new boolean[groups.size()][];
    int[] have = new int[groups.size()];
    for (int g = 0; g < groups.size(); g++) {
      List<List<PeerId>> h = groups.get(g).holders();
      covered[g] = new boolean[h.size()];
      for (int i = 0; i < h.size(); i++) {
        for (PeerId p : h.get(i)) {
          piecesOf.get(index.get(p)).add(new int[] {g, i});
        }
      }
    }
    boolean[] chosen = new boolean[n];
    for (int count = 0; ; count++) {
      boolean done = true;
      for (int g = 0; g < groups.size(); g++) {
        done &= have[g] >= groups.get(g).needed();
      }
      if (done) {
        return count;
      }
      int best = -1, bestGain = 0;
      for (int p = 0; p < n; p++) {
        if (chosen[p]) {
          continue;
        }
        int gain = 0;
        for (int[] gi : piecesOf.get(p)) {
          if (!covered[gi[0]][gi[1]] && have[gi[0]] < groups.get(gi[0]).needed()) {
            gain++;
          }
        }
        if (gain > bestGain) {
          best = p;
          bestGain = gain;
        }
      }
      if (best < 0) {
        return -1;
      }
      chosen[best] = true;
      for (int[] gi : piecesOf.get(best)) {
        if (!covered[gi[0]][gi[1]]) {
          covered[gi[0]][gi[1]] = true;
          have[gi[0]]++;
        }
      }
    }
  }
}
