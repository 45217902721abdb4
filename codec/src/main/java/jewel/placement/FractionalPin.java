package jewel.placement;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import jewel.api.BlockId;
import jewel.api.Digests;
import jewel.api.PeerId;

/**
 * The fractional-pin decision: every peer decides alone, and every node can recompute, whether a
 * peer holds a block.
 *
 * <p>{@code x(b, p, s)} is the first 8 bytes, as an unsigned big-endian integer, of SHA-256 over
 * the UTF-8 bytes of the block id's lowercase hex, a 0x00 byte, the peer's name, a 0x00 byte and
 * the decimal salt. Peer p holds block b under fraction f iff {@code x < f_p · 2^64}, compared
 * exactly, where {@code f_p = min(1, f × modifier(p))} as a double. A modifier of +∞, a trusted
 * peer, or {@code f_p = 1} holds every block. Nothing a peer says about itself enters another
 * peer's decision.
 */
public final class FractionalPin {
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Digests::sha256);

  private FractionalPin() {}

  /** The decision value: the first 8 bytes of the digest, unsigned (use the unsigned compares). */
  public static long x(BlockId block, PeerId peer, long salt) {
    byte[] digest = SHA256.get().digest(message(block, peer, salt));
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (digest[i] & 0xff);
    }
    return v;
  }

  /** Whether {@code peer} holds {@code block} under {@code fraction} and its {@code modifier}. */
  public static boolean holds(
      BlockId block, PeerId peer, long salt, double fraction, double modifier) {
    double fp = effectiveFraction(fraction, modifier);
    return fp >= 1 || below(x(block, peer, salt), fp);
  }

  /**
   * {@code f_p = min(1, fraction × modifier)}, after checking both: 1 for a modifier of +∞.
   *
   * @throws IllegalArgumentException if the fraction is not in (0, 1] or the modifier is not
   *     positive
   */
  public static double effectiveFraction(double fraction, double modifier) {
    checkFraction(fraction);
    checkModifier(modifier);
    return modifier == Double.POSITIVE_INFINITY ? 1.0 : Math.min(1.0, fraction * modifier);
  }

  /**
   * The peers among {@code peers} that hold {@code block}, in {@link PeerId} order. {@code
   * modifier} gives each peer's modifier (1 for an ordinary peer, +∞ to hold everything) and {@code
   * trusted} the peers that hold everything whatever their modifier.
   */
  public static List<PeerId> holders(
      BlockId block,
      long salt,
      double fraction,
      Collection<PeerId> peers,
      ToDoubleFunction<PeerId> modifier,
      Predicate<PeerId> trusted) {
    checkFraction(fraction);
    checkSalt(salt);
    List<PeerId> out = new ArrayList<>();
    for (PeerId p : peers) {
      if (trusted.test(p)) {
        out.add(p);
        continue;
      }
      double fp = effectiveFraction(fraction, modifier.applyAsDouble(p));
      if (fp >= 1 || below(x(block, p, salt), fp)) {
        out.add(p);
      }
    }
    out.sort(null);
    return out;
  }

  /**
   * {@link #holders(BlockId, long, double, Collection, ToDoubleFunction, Predicate)} from a map of
   * modifiers (absent: 1) and a set of trusted peers.
   */
  public static List<PeerId> holders(
      BlockId block,
      long salt,
      double fraction,
      Collection<PeerId> peers,
      Map<PeerId, Double> modifiers,
      Set<PeerId> trusted) {
    return holders(
        block, salt, fraction, peers, p -> modifiers.getOrDefault(p, 1.0), trusted::contains);
  }

  /** The holders among {@code peers} when every modifier is 1 and no peer is trusted. */
  public static List<PeerId> holders(
      BlockId block, long salt, double fraction, Collection<PeerId> peers) {
    return holders(block, salt, fraction, peers, p -> 1.0, p -> false);
  }

  /**
   * Exactly {@code x < fp · 2^64}, with x read as unsigned 64-bit, for {@code 0 ≤ fp}: true for
   * every x when {@code fp ≥ 1}.
   */
  static boolean below(long x, double fp) {
    return fp >= 1 || Long.compareUnsigned(x, limit(fp)) < 0;
  }

  /**
   * For {@code 0 ≤ fp < 1}: the unsigned 64-bit L with {@code x < fp · 2^64 ⟺ x < L} (unsigned) for
   * every integer x, namely {@code ceil(fp · 2^64)}. Scaling by 2^64 is exact for a double (it only
   * changes the exponent), and below 1 the product is at most 2^64 − 2^11, whose ceiling fits an
   * unsigned long and converts without rounding.
   */
  static long limit(double fp) {
    if (!(fp >= 0 && fp < 1)) {
      throw new IllegalArgumentException("limit needs 0 <= fp < 1, not " + fp);
    }
    double c = Math.ceil(Math.scalb(fp, 64));
    final double twoTo63 = 0x1p63;
    return c < twoTo63 ? (long) c : ((long) (c - twoTo63)) ^ Long.MIN_VALUE;
  }

  /** The hashed bytes: hex ‖ 0x00 ‖ peer name ‖ 0x00 ‖ decimal salt. */
  static byte[] message(BlockId block, PeerId peer, long salt) {
    checkSalt(salt);
    byte[] tail = tail(peer, salt);
    byte[] msg = new byte[64 + tail.length];
    System.arraycopy(block.hex().getBytes(StandardCharsets.US_ASCII), 0, msg, 0, 64);
    System.arraycopy(tail, 0, msg, 64, tail.length);
    return msg;
  }

  /** The bytes after the block id: 0x00 ‖ peer name ‖ 0x00 ‖ decimal salt. */
  static byte[] tail(PeerId peer, long salt) {
    byte[] name = peer.name().getBytes(StandardCharsets.UTF_8);
    byte[] s = Long.toString(salt).getBytes(StandardCharsets.US_ASCII);
    byte[] tail = new byte[name.length + s.length + 2];
    System.arraycopy(name, 0, tail, 1, name.length);
    System.arraycopy(s, 0, tail, name.length + 2, s.length);
    return tail;
  }

  static void checkFraction(double fraction) {
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException(
          "fraction " + fraction + " is outside (0, 1]: give a share like 0.1 (10% of the blocks)");
    }
  }

  static void checkModifier(double modifier) {
    if (!(modifier > 0)) {
      throw new IllegalArgumentException(
          "modifier " + modifier + " must be above 0 (1 is normal, inf holds everything)");
    }
  }

  static void checkSalt(long salt) {
    if (salt < 0) {
      throw new IllegalArgumentException("salt " + salt + " is negative: salts start at 0");
    }
  }
}
