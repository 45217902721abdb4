package jewel.placement;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * A small SHA-256 (FIPS 180-4) that exposes what {@link java.security.MessageDigest} hides: the
 * chaining state after a prefix (the "midstate") and the message schedule of a suffix.
 *
 * <p>The fractional-pin decision hashes {@code blockId ‖ 0x00 ‖ peerName ‖ 0x00 ‖ salt}. The block
 * id is 64 hex characters, exactly one SHA-256 message block, so its compression is shared by every
 * peer ({@link #midstate}); and the rest of the message (with its padding) does not depend on the
 * block, so its schedule is shared by every block ({@link #tailSchedule}). One (block, peer)
 * decision then costs only the 64 rounds of one compression ({@link #first8}).
 *
 * <p>The round constants and initial hash are derived exactly from the primes (integer square and
 * cube roots), as the standard defines them, rather than typed in; the tests check every path
 * against the JDK's SHA-256.
 */
final class Sha256 {
  static final int[] K = constants(64, 3, 96);
  static final int[] IV = constants(8, 2, 64);

  private Sha256() {}

  /** The 64-byte hex of a block id, as ASCII bytes: the first message block of every decision. */
  static byte[] hexBytes(String hex) {
    return hex.getBytes(StandardCharsets.US_ASCII);
  }

  /** The chaining state after compressing one 64-byte block from the initial hash. */
  static int[] midstate(byte[] block, int off) {
    int[] h = IV.clone();
    compress(h, schedule(block, off));
    return h;
  }

  /**
   * The schedules (each W[t] + K[t]) of the padded final message blocks for a message whose first
   * 64 bytes were compressed already and whose remaining bytes are {@code tail}: one schedule when
   * the tail has at most 55 bytes, two when it has 56..119, and so on.
   */
  static int[][] tailSchedule(byte[] tail) {
    long bitLength = (64L + tail.length) * 8;
    int padded = ((tail.length + 8) / 64 + 1) * 64;
    byte[] buf = new byte[padded];
    System.arraycopy(tail, 0, buf, 0, tail.length);
    buf[tail.length] = (byte) 0x80;
    for (int i = 0; i < 8; i++) {
      buf[padded - 1 - i] = (byte) (bitLength >>> (8 * i));
    }
    int[][] out = new int[padded / 64][];
    for (int b = 0; b < out.length; b++) {
      out[b] = schedule(buf, b * 64);
    }
    return out;
  }

  /** The first 8 bytes of the digest, big-endian, from a midstate and the tail's schedules. */
  static long first8(int[] midstate, int[][] tail) {
    if (tail.length == 1) {
      return first8(midstate, tail[0]);
    }
    int[] h = midstate.clone();
    for (int[] kw : tail) {
      compress(h, kw);
    }
    return ((long) h[0] << 32) | (h[1] & 0xffffffffL);
  }

  /** {@link #first8(int[], int[][])} for a single final block: the simulator's hot loop. */
  static long first8(int[] m, int[] kw) {
    int a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5], g = m[6], h = m[7];
    for (int t = 0; t < 64; t += 8) {
      // Eight rounds with the roles of the working variables rotated instead of moved.
      int t1;
      t1 = h + sig1(e) + (g ^ (e & (f ^ g))) + kw[t];
      d += t1;
      h = t1 + sig0(a) + ((a & b) | (c & (a | b)));
      t1 = g + sig1(d) + (f ^ (d & (e ^ f))) + kw[t + 1];
      c += t1;
      g = t1 + sig0(h) + ((h & a) | (b & (h | a)));
      t1 = f + sig1(c) + (e ^ (c & (d ^ e))) + kw[t + 2];
      b += t1;
      f = t1 + sig0(g) + ((g & h) | (a & (g | h)));
      t1 = e + sig1(b) + (d ^ (b & (c ^ d))) + kw[t + 3];
      a += t1;
      e = t1 + sig0(f) + ((f & g) | (h & (f | g)));
      t1 = d + sig1(a) + (c ^ (a & (b ^ c))) + kw[t + 4];
      h += t1;
      d = t1 + sig0(e) + ((e & f) | (g & (e | f)));
      t1 = c + sig1(h) + (b ^ (h & (a ^ b))) + kw[t + 5];
      g += t1;
      c = t1 + sig0(d) + ((d & e) | (f & (d | e)));
      t1 = b + sig1(g) + (a ^ (g & (h ^ a))) + kw[t + 6];
      f += t1;
      b = t1 + sig0(c) + ((c & d) | (e & (c | d)));
      t1 = a + sig1(f) + (h ^ (f & (g ^ h))) + kw[t + 7];
      e += t1;
      a = t1 + sig0(b) + ((b & c) | (d & (b | c)));
    }
    return ((long) (a + m[0]) << 32) | ((b + m[1]) & 0xffffffffL);
  }

  /** The whole digest of a message: used by the tests, and to check this class against the JDK. */
  static byte[] digest(byte[] msg) {
    int[] h = IV.clone();
    long bitLength = (long) msg.length * 8;
    int padded = ((msg.length + 8) / 64 + 1) * 64;
    byte[] buf = new byte[padded];
    System.arraycopy(msg, 0, buf, 0, msg.length);
    buf[msg.length] = (byte) 0x80;
    for (int i = 0; i < 8; i++) {
      buf[padded - 1 - i] = (byte) (bitLength >>> (8 * i));
    }
    for (int off = 0; off < padded; off += 64) {
      compress(h, schedule(buf, off));
    }
    byte[] out = new byte[32];
    for (int i = 0; i < 8; i++) {
      out[4 * i] = (byte) (h[i] >>> 24);
      out[4 * i + 1] = (byte) (h[i] >>> 16);
      out[4 * i + 2] = (byte) (h[i] >>> 8);
      out[4 * i + 3] = (byte) h[i];
    }
    return out;
  }

  /** W[0..63] + K[0..63] of one 64-byte block. */
  static int[] schedule(byte[] buf, int off) {
    int[] w = new int[64];
    for (int t = 0; t < 16; t++) {
      int i = off + 4 * t;
      w[t] =
          (buf[i] & 0xff) << 24
              | (buf[i + 1] & 0xff) << 16
              | (buf[i + 2] & 0xff) << 8
              | (buf[i + 3] & 0xff);
    }
    for (int t = 16; t < 64; t++) {
      int s0 =
          Integer.rotateRight(w[t - 15], 7)
              ^ Integer.rotateRight(w[t - 15], 18)
              ^ (w[t - 15] >>> 3);
      int s1 =
          Integer.rotateRight(w[t - 2], 17) ^ Integer.rotateRight(w[t - 2], 19) ^ (w[t - 2] >>> 10);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    for (int t = 0; t < 64; t++) {
      w[t] += K[t];
    }
    return w;
  }

  /** One compression with feed-forward, from a schedule that already includes K. */
  static void compress(int[] h, int[] kw) {
    // Not hot (midstates, long tails, tests): the plain form of the rounds.
    int a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int t = 0; t < 64; t++) {
      int t1 = hh + sig1(e) + (g ^ (e & (f ^ g))) + kw[t];
      int t2 = sig0(a) + ((a & b) | (c & (a | b)));
      hh = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
  }

  private static int sig0(int a) {
    return Integer.rotateRight(a, 2) ^ Integer.rotateRight(a, 13) ^ Integer.rotateRight(a, 22);
  }

  private static int sig1(int e) {
    return Integer.rotateRight(e, 6) ^ Integer.rotateRight(e, 11) ^ Integer.rotateRight(e, 25);
  }

  /**
   * The first 32 bits of the fractional parts of the {@code root}-th roots of the first {@code
   * count} primes: floor(root(p · 2^(32·root))) mod 2^32, computed with integers.
   */
  private static int[] constants(int count, int root, int shift) {
    int[] out = new int[count];
    int found = 0;
    for (int p = 2; found < count; p++) {
      if (BigInteger.valueOf(p).isProbablePrime(50)) {
        BigInteger v = BigInteger.valueOf(p).shiftLeft(shift);
        long lo = 0, hi = 1L << 36; // the root of p · 2^96 is below 7 · 2^32 for the primes used
        while (hi - lo > 1) {
          long mid = (lo + hi) >>> 1;
          if (BigInteger.valueOf(mid).pow(root).compareTo(v) <= 0) {
            lo = mid;
          } else {
            hi = mid;
          }
        }
        out[found++] = (int) lo;
      }
    }
    return out;
  }
}
