package jewel.api;

import java.util.List;

/**
 * What {@code verify} found: every copy of every block of a file read back and hashed on its peer.
 *
 * @param copies copies checked (on the peers that are up)
 * @param bad the copies that were missing or corrupt; corrupt ones are quarantined on their peer
 *     and no longer count as copies, so {@code repair} re-creates them
 * @param down holders that were not up, whose copies could not be checked
 */
public record VerifyReport(FileName name, int copies, List<BadCopy> bad, List<PeerId> down) {
  public VerifyReport {
    bad = List.copyOf(bad);
    down = List.copyOf(down);
  }

  /**
   * @param problem {@code corrupt} (its bytes no longer hash to its id) or {@code missing}
   */
  public record BadCopy(int index, BlockId block, PeerId peer, String problem) {}

  public boolean clean() {
    return bad.isEmpty();
  }
}
