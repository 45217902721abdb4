package jewel.node.pins;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import jewel.api.BlockId;
import jewel.api.PeerId;
import jewel.api.PeerSettings;
import jewel.placement.FractionalPin;
import jewel.protocol.PinnedBlock;
import jewel.protocol.RegistryReply.PinPlan;

/**
 * A pin plan as a peer and the scan read it: one entry per block, and the formula of {@link
 * FractionalPin} with each peer's settings applied.
 *
 * <p>The registry lists a block shared by two pinned files once, under the larger of their
 * fractions (the decision {@code x < f·2^64} only widens as f grows). Should a plan list a block
 * twice anyway, the entries are merged the same way; the first one's salt wins.
 *
 * <p>Not thread-safe (it caches the blocks each peer with a quota keeps): one actor uses it.
 */
public final class PlanView {
  /**
   * One pinned block.
   *
   * @param holders the peers the block book lists as holding it
   * @param merkleRoot hex root over its 64 KiB chunks, or null if unknown
   * @param usedUnpinned a file without a pin uses it too, so no holder drops it
   */
  public record Block(
      BlockId id,
      long length,
      long salt,
      double fraction,
      Set<PeerId> holders,
      String merkleRoot,
      boolean usedUnpinned) {
    /** The same block under another salt: whom the formula would give it to then. */
    public Block withSalt(long newSalt) {
      return new Block(id, length, newSalt, fraction, holders, merkleRoot, usedUnpinned);
    }
  }

  private final Map<BlockId, Block> blocks;
  private final Map<String, PeerSettings> peers;
  private final int minHolders;
  private final Map<PeerId, Set<BlockId>> keptIds =
      new HashMap<>(); // of peers with a quota, as asked

  private PlanView(Map<BlockId, Block> blocks, Map<String, PeerSettings> peers, int minHolders) {
    this.blocks = blocks;
    this.peers = peers;
    this.minHolders = minHolders;
  }

  public static PlanView of(PinPlan plan) {
    Map<BlockId, Block> blocks = new TreeMap<>();
    for (PinnedBlock p : plan.blocks()) {
      Block seen = blocks.get(p.id());
      if (seen == null) {
        blocks.put(
            p.id(),
            new Block(
                p.id(),
                p.length(),
                p.salt(),
                p.fraction(),
                new TreeSet<>(p.holders()),
                p.merkleRoot(),
                p.usedUnpinned()));
      } else {
        Set<PeerId> holders = new TreeSet<>(seen.holders());
        holders.addAll(p.holders());
        blocks.put(
            p.id(),
            new Block(
                p.id(),
                seen.length(),
                seen.salt(),
                Math.max(seen.fraction(), p.fraction()),
                holders,
                seen.merkleRoot() != null ? seen.merkleRoot() : p.merkleRoot(),
                seen.usedUnpinned() || p.usedUnpinned()));
      }
    }
    return new PlanView(
        Collections.unmodifiableMap(blocks),
        plan.peers() == null ? Map.of() : Map.copyOf(plan.peers()),
        plan.minHolders());
  }

  /** Every pinned block, in block id order. */
  public Collection<Block> blocks() {
    return blocks.values();
  }

  public Block block(BlockId id) {
    return blocks.get(id);
  }

  public int minHolders() {
    return minHolders;
  }

  public PeerSettings settings(PeerId peer) {
    return peers.getOrDefault(peer.name(), PeerSettings.DEFAULT);
  }

  public boolean greylisted(PeerId peer) {
    return settings(peer).greylisted();
  }

  /**
   * Whether the formula gives {@code block} to {@code peer}: always for a trusted peer or one with
   * modifier +∞. Greylisting does not enter: a greylisted peer keeps its share, and it is the
   * readers and the scan that do not count it.
   */
  public boolean holds(Block block, PeerId peer) {
    PeerSettings s = settings(peer);
    return s.trusted()
        || FractionalPin.holds(block.id(), peer, block.salt(), block.fraction(), s.modifier());
  }

  /** The blocks the formula gives {@code peer}, in block id order. */
  public List<Block> share(PeerId peer) {
    return blocks.values().stream().filter(b -> holds(b, peer)).toList();
  }

  /**
   * The part of its share {@code peer} keeps: all of it, or under a quota the blocks, in block id
   * order, whose lengths add up to at most the quota. A prefix in a fixed order, so that every node
   * computes the same, and raising the quota only adds at the end.
   */
  public List<Block> kept(PeerId peer) {
    List<Block> share = share(peer);
    long quota = settings(peer).quotaBytes();
    if (quota < 0) {
      return share;
    }
    List<Block> kept = new ArrayList<>();
    long bytes = 0;
    for (Block b : share) {
      if (bytes + b.length() > quota) {
        break;
      }
      bytes += b.length();
      kept.add(b);
    }
    return kept;
  }

  /** Whether {@code peer}'s quota leaves part of its share out. */
  public boolean overQuota(PeerId peer) {
    return settings(peer).quotaBytes() >= 0 && kept(peer).size() < share(peer).size();
  }

  /**
   * Whether {@code peer} keeps {@code block}: the formula gives it and it fits the peer's quota.
   * The scan expects exactly these peers to hold a block, and no holder drops a block unless enough
   * others keep it.
   */
  public boolean keeps(Block block, PeerId peer) {
    if (!holds(block, peer)) {
      return false;
    }
    if (settings(peer).quotaBytes() < 0) {
      return true;
    }
    return keptIds
        .computeIfAbsent(peer, p -> kept(p).stream().map(Block::id).collect(Collectors.toSet()))
        .contains(block.id());
  }

  /** The peers among {@code peers} that keep {@code block}, in name order. */
  public List<PeerId> expected(Block block, Collection<PeerId> peers) {
    List<PeerId> out = new ArrayList<>();
    for (PeerId p : peers) {
      if (keeps(block, p)) {
        out.add(p);
      }
    }
    out.sort(null);
    return out;
  }
}
