package jewel.api;

/**
 * What the registry records about one peer, so that every node computes the same fractional
 * placement: no peer's claim about itself changes another peer's share.
 *
 * @param modifier multiplies the pin fraction for this peer (+Infinity: holds everything)
 * @param trusted holds every pinned block, like an infinite modifier
 * @param quotaBytes the most bytes of pinned blocks it should hold, or -1 for no limit
 * @param greylisted failed audits: its blocks counted as not held, no longer audited, and asked
 *     last by reads
 */
public record PeerSettings(double modifier, boolean trusted, long quotaBytes, boolean greylisted) {
  public static final PeerSettings DEFAULT = new PeerSettings(1.0, false, -1, false);

  public PeerSettings {
    if (!(modifier > 0)) {
      throw new IllegalArgumentException("a modifier must be above 0 (or inf), not " + modifier);
    }
    if (quotaBytes < -1) {
      throw new IllegalArgumentException("a quota must be a size, not " + quotaBytes);
    }
  }

  public PeerSettings withModifier(double m) {
    return new PeerSettings(m, trusted, quotaBytes, greylisted);
  }

  public PeerSettings withTrusted(boolean t) {
    return new PeerSettings(modifier, t, quotaBytes, greylisted);
  }

  public PeerSettings withQuota(long q) {
    return new PeerSettings(modifier, trusted, q, greylisted);
  }

  public PeerSettings withGreylisted(boolean g) {
    return new PeerSettings(modifier, trusted, quotaBytes, g);
  }
}
