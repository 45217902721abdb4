package jewel.api;

import java.util.List;

/**
 * How a stored file stands against what its scheme promised, as {@code check} reports it: per
 * block, how many copies the scheme keeps and where they are now.
 *
 * @param survives peer losses the file survives on the copies that are up now (−1: unreadable)
 * @param promised peer losses it survives with every copy in place on its own peer
 * @param repair what repair does about it: null when nothing is due, else one line ("queued, 2nd of
 *     5", "due in 7m: peer-2 down since 14:02", "kept by its pin", "cannot: no copy of jewel 3 is
 *     up")
 */
public record FileHealth(
    FileName name,
    SchemeSpec scheme,
    State state,
    int survives,
    int promised,
    List<BlockHealth> blocks,
    String repair) {

  public FileHealth {
    blocks = List.copyOf(blocks);
  }

  public enum State {
    /** Every block has all its copies on peers that are up. */
    HEALTHY,
    /** Readable, but some copies are down or gone: it survives fewer losses than promised. */
    DEGRADED,
    /** Too few blocks are up to rebuild the file. */
    UNREADABLE
  }

  /**
   * One block of the file's tree.
   *
   * @param wanted copies the scheme keeps of it
   * @param live holders that are up
   * @param waiting holders down for less than the repair grace: a blip is not repaired
   * @param lost holders down for longer than the grace
   */
  public record BlockHealth(
      int index,
      BlockId id,
      long length,
      int wanted,
      List<PeerId> live,
      List<PeerId> waiting,
      List<PeerId> lost) {
    public BlockHealth {
      live = List.copyOf(live);
      waiting = List.copyOf(waiting);
      lost = List.copyOf(lost);
    }

    /** Copies to re-create now: what is neither up nor expected back within the grace. */
    public int due() {
      return Math.max(0, wanted - live.size() - waiting.size());
    }

    /** Copies not up right now. */
    public int missing() {
      return Math.max(0, wanted - live.size());
    }
  }

  /** Whether repair has copies to re-create now (the grace has passed for some lost copy). */
  public boolean repairDue() {
    return state != State.UNREADABLE && blocks.stream().anyMatch(b -> b.due() > 0);
  }

  public FileHealth withRepair(String line) {
    return new FileHealth(name, scheme, state, survives, promised, blocks, line);
  }
}
