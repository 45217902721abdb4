package jewel.cli;

/**
 * The Wilson score interval of a proportion: where the true success probability lies, with a given
 * confidence, after {@code successes} of {@code n} independent trials. Unlike the normal
 * approximation it stays inside [0, 1] and is not empty when every trial succeeded (the usual case
 * for availability), e.g. 200 of 200 gives [0.981, 1] at 95%.
 *
 * @param low the interval's lower end
 * @param high its upper end
 */
record Wilson(double low, double high) {
  /** The confidence level {@code experiment} reports. */
  static final double LEVEL = 0.95;

  /** The standard normal quantile of 1 − (1 − {@link #LEVEL}) / 2. */
  static final double Z = 1.959963984540054;

  /** The {@link #LEVEL} interval of {@code successes} of {@code n} ({@code n} > 0). */
  static Wilson of(long successes, long n) {
    if (n <= 0 || successes < 0 || successes > n) {
      throw new IllegalArgumentException(successes + " successes of " + n + " trials");
    }
    double p = (double) successes / n;
    double z2 = Z * Z;
    double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = Z / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return new Wilson(Math.max(0, centre - half), Math.min(1, centre + half));
  }

  boolean contains(double value) {
    return value >= low && value <= high;
  }
}
