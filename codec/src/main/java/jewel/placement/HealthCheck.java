package jewel.placement;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jewel.api.BlockId;
import jewel.api.FileEntry;
import jewel.api.FileHealth;
import jewel.api.FileHealth.BlockHealth;
import jewel.api.PeerId;
import jewel.api.StoredBlock;

/**
 * A file's health from the registry's view of it: which holders are up, which have been down for
 * less than the repair grace (waiting: a restart or a blip must not start a repair storm) and which
 * for longer (lost). Plain Java: the gateway's {@code check}, its {@code repair} and the registry
 * node's repair queue all decide from it.
 */
public final class HealthCheck {
  private HealthCheck() {}

  /**
   * @param copies copies the file's scheme keeps of each block ({@code copiesOfEachBlock})
   * @param live the peers up now
   * @param downSince when each peer that is not up went down (epoch ms); a holder missing here went
   *     down just now, as far as anyone knows
   * @param grace how long a holder may be down before its copies are re-created elsewhere
   */
  public static FileHealth of(
      FileEntry entry,
      int copies,
      Set<PeerId> live,
      Map<PeerId, Long> downSince,
      long nowMillis,
      Duration grace) {
    // A block whose content appears twice in the tree (two equal shards) needs its copies twice.
    Map<BlockId, Integer> uses = new HashMap<>();
    for (StoredBlock b : entry.blocks()) {
      uses.merge(b.id(), 1, Integer::sum);
    }
    List<BlockHealth> blocks = new ArrayList<>();
    List<StoredBlock> up = new ArrayList<>();
    for (StoredBlock b : entry.blocks()) {
      List<PeerId> upHolders = new ArrayList<>();
      List<PeerId> waiting = new ArrayList<>();
      List<PeerId> lost = new ArrayList<>();
      for (PeerId p : b.holders()) {
        if (live.contains(p)) {
          upHolders.add(p);
        } else if (nowMillis - downSince.getOrDefault(p, nowMillis) < grace.toMillis()) {
          waiting.add(p);
        } else {
          lost.add(p);
        }
      }
      blocks.add(
          new BlockHealth(
              b.index(), b.id(), b.length(), copies * uses.get(b.id()), upHolders, waiting, lost));
      up.add(b.withHolders(upHolders));
    }
    int survives = Durability.of(entry.withBlocks(up)).survives();
    FileHealth.State state;
    if (survives < 0) {
      state = FileHealth.State.UNREADABLE;
    } else if (blocks.stream().allMatch(b -> b.missing() == 0)) {
      state = FileHealth.State.HEALTHY;
    } else {
      state = FileHealth.State.DEGRADED;
    }
    return new FileHealth(
        entry.name(), entry.scheme(), state, survives, promised(entry, copies), blocks, null);
  }

  /** Peer losses the file survives with each copy of each block on a peer of its own. */
  static int promised(FileEntry entry, int copies) {
    return switch (entry.layout().kind()) {
      case "segments" -> entry.layout().n() - entry.layout().k();
      default -> copies - 1;
    };
  }
}
