package jewel.codec;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Looks Reed-Solomon codecs up by name. Codecs are immutable and thread-safe, so instances are
 * shared per (name, k, m).
 *
 * <ul>
 *   <li>{@code jewel} (the default): {@link ReedSolomonCodec}, the project's own, vectorised codec;
 *   <li>{@code backblaze}: {@link BackblazeCodec}, Backblaze's JavaReedSolomon.
 * </ul>
 *
 * Both produce identical bytes, so jewels written with one are read by the other.
 */
public final class Codecs {

  public static final String JEWEL = "jewel";
  public static final String BACKBLAZE = "backblaze";
  public static final String DEFAULT = JEWEL;

  private static final List<String> NAMES = List.of(JEWEL, BACKBLAZE);
  private static final Map<String, ErasureCodec> CACHE = new ConcurrentHashMap<>();

  private Codecs() {}

  /** The valid codec names, default first. */
  public static List<String> names() {
    return NAMES;
  }

  /** The default codec ({@value #DEFAULT}). */
  public static ErasureCodec reedSolomon(int k, int m) {
    return reedSolomon(DEFAULT, k, m);
  }

  /**
   * A Reed-Solomon codec with k data and m parity shards.
   *
   * @throws IllegalArgumentException for an unknown name (the message lists the valid ones) or
   *     impossible k, m
   */
  public static ErasureCodec reedSolomon(String name, int k, int m) {
    String n = checkName(name);
    CodecChecks.checkShape(k, m);
    return CACHE.computeIfAbsent(
        n + ":" + k + ":" + m,
        key -> JEWEL.equals(n) ? new ReedSolomonCodec(k, m) : new BackblazeCodec(k, m));
  }

  /**
   * Validates a codec name and returns it; {@link IllegalArgumentException} naming the valid ones
   * otherwise.
   */
  public static String checkName(String name) {
    if (name == null || !NAMES.contains(name)) {
      throw new IllegalArgumentException(
          "unknown codec '" + name + "': valid codecs are " + String.join(", ", NAMES));
    }
    return name;
  }
}
