package jewel.schemes;

/**
 * Cluster-wide defaults for parameters a spec leaves out (from {@code jewel.schemes.*} in the
 * configuration).
 */
public record SchemeDefaults(int copies, int k, int n, int m, int chunkSize, String codec) {
  public static final SchemeDefaults STANDARD = new SchemeDefaults(2, 3, 5, 2, 1 << 20, "jewel");
}
