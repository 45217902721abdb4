package jewel.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * A peer's recent ups and downs as the registry node saw them, and the availability they add up to.
 * Bounded: {@link #changed} keeps only the changes within the window (plus the one before it, which
 * says what the state was when the window began) and at most a given number of them.
 *
 * @param fromMillis since when the peer's state is known (epoch ms): when the registry first saw
 *     it, or the oldest change kept once more changes than the cap fell within one window
 * @param changes when it went up or down, oldest first, never two in a row with the same state
 */
public record PeerHistory(long fromMillis, List<PeerState> changes) implements JewelSerializable {
  public PeerHistory {
    changes = List.copyOf(changes == null ? List.of() : changes);
  }

  /** A peer first seen {@code up} (or down) at {@code atMillis}. */
  public static PeerHistory first(boolean up, long atMillis) {
    return new PeerHistory(atMillis, List.of(new PeerState(up, atMillis)));
  }

  /**
   * This history with the peer going {@code up} (or down) at {@code atMillis}, then trimmed to
   * {@code windowMillis} before that moment and to at most {@code maxChanges} changes (at least 1).
   * The same state again changes nothing.
   */
  public PeerHistory changed(boolean up, long atMillis, long windowMillis, int maxChanges) {
    if (!changes.isEmpty() && changes.get(changes.size() - 1).up() == up) {
      return this;
    }
    List<PeerState> kept = new ArrayList<>(changes);
    kept.add(new PeerState(up, atMillis));
    long windowStart = atMillis - windowMillis;
    int drop = 0;
    while (drop + 1 < kept.size() && kept.get(drop + 1).sinceMillis() <= windowStart) {
      drop++; // the next change already says what the state was when the window began
    }
    drop = Math.max(drop, kept.size() - Math.max(1, maxChanges));
    List<PeerState> rest = kept.subList(drop, kept.size());
    long from =
        drop > 0 && rest.get(0).sinceMillis() > windowStart
            ? rest.get(0).sinceMillis()
            : fromMillis;
    return new PeerHistory(Math.max(fromMillis, from), rest);
  }

  /** Whether the peer was up at its last change. */
  public boolean up() {
    return !changes.isEmpty() && changes.get(changes.size() - 1).up();
  }

  /**
   * The time this history covers in the window that ends at {@code nowMillis}: from the later of
   * the window's start and {@link #fromMillis}, to {@code nowMillis} (0 if none).
   */
  public long observedMillis(long nowMillis, long windowMillis) {
    return Math.max(0, nowMillis - Math.max(fromMillis, nowMillis - windowMillis));
  }

  /**
   * The fraction of {@link #observedMillis} the peer was up, the state after the last change
   * lasting until {@code nowMillis}; NaN when nothing was observed yet.
   */
  public double availability(long nowMillis, long windowMillis) {
    long observed = observedMillis(nowMillis, windowMillis);
    if (observed == 0) {
      return Double.NaN;
    }
    long start = nowMillis - observed;
    long up = 0;
    for (int i = 0; i < changes.size(); i++) {
      if (!changes.get(i).up()) {
        continue;
      }
      long from = Math.max(start, changes.get(i).sinceMillis());
      long to = i + 1 < changes.size() ? changes.get(i + 1).sinceMillis() : nowMillis;
      up += Math.max(0, Math.min(to, nowMillis) - from);
    }
    return (double) up / observed;
  }
}
