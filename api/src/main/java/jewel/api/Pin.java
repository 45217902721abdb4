package jewel.api;

/**
 * A file's fractional pin: every peer holds each of the file's blocks with probability {@code
 * fraction}, decided by hash so anyone can recompute who should hold what.
 *
 * @param fraction the fraction in (0, 1], or null to follow the cluster's default pin
 * @param sizeLimitBytes if positive, the fraction is derived instead: min(1, limit / the bytes of
 *     the file's blocks), so each peer holds about {@code limit} bytes of it
 */
public record Pin(Double fraction, long sizeLimitBytes) {
  public Pin {
    if (fraction != null && !(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException(
          "a fraction must be in (0, 1], like 0.1 or 10%, not " + fraction);
    }
    if (sizeLimitBytes < 0) {
      throw new IllegalArgumentException("a size limit must be positive, not " + sizeLimitBytes);
    }
  }

  public static Pin fraction(double fraction) {
    return new Pin(fraction, 0);
  }

  public static Pin sizeLimit(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("a size limit must be positive, not " + bytes);
    }
    return new Pin(null, bytes);
  }

  /** A pin that follows the cluster's default fraction. */
  public static Pin followDefault() {
    return new Pin(null, 0);
  }

  /** The fraction in force for a file whose blocks total {@code blockBytes}. */
  public double effectiveFraction(double defaultFraction, long blockBytes) {
    if (sizeLimitBytes > 0) {
      return blockBytes <= 0 ? 1.0 : Math.min(1.0, (double) sizeLimitBytes / blockBytes);
    }
    return fraction != null ? fraction : defaultFraction;
  }
}
