package jewel.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import jewel.api.BlockId;
import jewel.api.PeerId;
import org.junit.jupiter.api.Test;

class FractionalPinTest {
  /** SHA-256 of "abc". */
  static final BlockId ABC =
      new BlockId("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  static PeerId peer(String name) {
    return new PeerId(name);
  }

  /** The decision value computed here, independently: MessageDigest over the spelled-out bytes. */
  static long independentX(String hex, String peer, long salt) throws Exception {
    byte[] d =
        MessageDigest.getInstance("SHA-256")
            .digest((hex + "\0" + peer + "\0" + salt).getBytes(StandardCharsets.UTF_8));
    return new BigInteger(1, java.util.Arrays.copyOf(d, 8)).longValue();
  }

  @Test
  void valuesComputedOutsideJava() {
    // printf '<hex>\x00peer-1\x000' | sha256sum, first 16 hex digits (and python's hashlib).
    assertEquals(0x3dcd898b79e0f1fbL, FractionalPin.x(ABC, peer("peer-1"), 0));
    assertEquals(0xc66d06764286c803L, FractionalPin.x(ABC, peer("peer-2"), 0));
    assertEquals(0xe3349098e033e6ddL, FractionalPin.x(ABC, peer("peer-10"), 0));
    assertEquals(0x86cb89517f31f4abL, FractionalPin.x(ABC, peer("peer-1"), 1));
    assertEquals(0x372cf979c650c86eL, FractionalPin.x(ABC, peer("seed"), 42));
    assertEquals(0xdfa69e44acf4ab1cL, FractionalPin.x(ABC, peer("peer-3"), Long.MAX_VALUE));
  }

  @Test
  void holdsAgainstTheseValues() {
    // peer-1's x is 0x3dcd… ≈ 0.2414 · 2^64; peer-2's 0xc66d… ≈ 0.7751 · 2^64.
    assertTrue(FractionalPin.holds(ABC, peer("peer-1"), 0, 0.25, 1));
    assertFalse(FractionalPin.holds(ABC, peer("peer-1"), 0, 0.24, 1));
    assertTrue(FractionalPin.holds(ABC, peer("peer-1"), 0, 0.125, 2)); // f_p = 0.25
    assertFalse(FractionalPin.holds(ABC, peer("peer-2"), 0, 0.5, 1));
    assertTrue(FractionalPin.holds(ABC, peer("peer-2"), 0, 0.5, 1.6)); // f_p = 0.8
    assertEquals(
        List.of(peer("peer-1")),
        FractionalPin.holders(
            ABC, 0, 0.25, List.of(peer("peer-10"), peer("peer-2"), peer("peer-1"))));
  }

  @Test
  void matchesAnIndependentDigestOnManyInputs() throws Exception {
    Random rnd = new Random(1);
    for (int i = 0; i < 2000; i++) {
      byte[] raw = new byte[32];
      rnd.nextBytes(raw);
      BlockId b = BlockId.of(raw);
      String name =
          i % 3 == 0
              ? "peer-" + rnd.nextInt(100000)
              : "n" + Long.toString(rnd.nextLong() >>> 1, 36);
      long salt = i % 2 == 0 ? rnd.nextInt(5) : rnd.nextLong() >>> 1;
      long x = independentX(b.hex(), name, salt);
      assertEquals(x, FractionalPin.x(b, peer(name), salt));
      double f = rnd.nextDouble();
      if (f == 0) {
        continue;
      }
      boolean expected =
          new BigDecimal(Long.toUnsignedString(x))
                  .compareTo(
                      new BigDecimal(f).multiply(new BigDecimal(BigInteger.ONE.shiftLeft(64))))
              < 0;
      assertEquals(expected, FractionalPin.holds(b, peer(name), salt, f, 1), "f=" + f);
    }
  }

  /** x < fp · 2^64, with exact rationals. */
  static boolean exactlyBelow(long x, double fp) {
    return new BigDecimal(Long.toUnsignedString(x))
            .compareTo(new BigDecimal(fp).multiply(new BigDecimal(BigInteger.ONE.shiftLeft(64))))
        < 0;
  }

  @Test
  void thresholdComparisonIsExactAtTheEdges() {
    Random rnd = new Random(2);
    List<Double> fs =
        new ArrayList<>(
            List.of(
                Double.MIN_VALUE,
                1e-300,
                0x1p-64,
                0x1p-63,
                3 * 0x1p-70,
                0.1,
                0.25,
                0.5,
                0.5 + 0x1p-53,
                Math.nextDown(1.0),
                1 - 0x1p-52,
                0.3,
                2.0 / 3));
    for (int i = 0; i < 2000; i++) {
      fs.add(rnd.nextDouble());
      fs.add(Math.scalb(rnd.nextDouble(), -rnd.nextInt(80)));
    }
    for (double f : fs) {
      if (f == 0) {
        continue;
      }
      long limit = FractionalPin.limit(f);
      for (long delta = -3; delta <= 3; delta++) {
        long x = limit + delta;
        assertEquals(
            exactlyBelow(x, f),
            FractionalPin.below(x, f),
            () -> "f=" + f + " x=" + Long.toUnsignedString(x));
      }
      long x = rnd.nextLong();
      assertEquals(exactlyBelow(x, f), FractionalPin.below(x, f));
    }
    // An integer threshold: fp · 2^64 = 2^62 exactly, so 2^62 − 1 holds and 2^62 does not.
    assertTrue(FractionalPin.below((1L << 62) - 1, 0.25));
    assertFalse(FractionalPin.below(1L << 62, 0.25));
    // The largest fraction below 1: threshold 2^64 − 2^11.
    assertTrue(FractionalPin.below(-2049L, Math.nextDown(1.0)));
    assertFalse(FractionalPin.below(-2048L, Math.nextDown(1.0)));
    // The tiniest fraction still takes x = 0, and only it.
    assertTrue(FractionalPin.below(0, Double.MIN_VALUE));
    assertFalse(FractionalPin.below(1, Double.MIN_VALUE));
  }

  @Test
  void fractionOneInfiniteModifierAndTrustHoldEverything() {
    Random rnd = new Random(3);
    List<PeerId> peers = new ArrayList<>();
    for (int i = 1; i <= 50; i++) {
      peers.add(peer("peer-" + i));
    }
    for (int i = 0; i < 50; i++) {
      byte[] raw = new byte[32];
      rnd.nextBytes(raw);
      BlockId b = BlockId.of(raw);
      assertEquals(peers, FractionalPin.holders(b, 0, 1.0, peers));
      assertTrue(FractionalPin.holds(b, peers.get(i), 0, 1e-9, Double.POSITIVE_INFINITY));
      assertTrue(FractionalPin.holds(b, peers.get(i), 0, 0.5, 2.0));
      List<PeerId> h =
          FractionalPin.holders(
              b,
              0,
              1e-9,
              peers,
              Map.of(peer("peer-7"), Double.POSITIVE_INFINITY),
              Set.of(peer("peer-3")));
      assertEquals(List.of(peer("peer-3"), peer("peer-7")), h);
    }
  }

  @Test
  void tinyFractionHoldsAlmostNothingAndHoldersAreSorted() {
    List<PeerId> peers = new ArrayList<>();
    for (int i = 200; i >= 1; i--) {
      peers.add(peer("peer-" + i));
    }
    int total = 0;
    for (int i = 0; i < 100; i++) {
      BlockId b = PinSimulator.blockId(0, i);
      assertTrue(FractionalPin.holders(b, 0, 1e-12, peers).isEmpty());
      List<PeerId> h = FractionalPin.holders(b, 0, 0.1, peers);
      List<PeerId> sorted = new ArrayList<>(h);
      sorted.sort(null);
      assertEquals(sorted, h);
      total += h.size();
    }
    assertTrue(total > 1700 && total < 2300, "about 100 × 200 × 0.1 holders, got " + total);
  }

  @Test
  void saltChangesTheSet() {
    List<PeerId> peers = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      peers.add(peer("peer-" + i));
    }
    List<PeerId> s0 = FractionalPin.holders(ABC, 0, 0.5, peers);
    List<PeerId> s1 = FractionalPin.holders(ABC, 1, 0.5, peers);
    assertNotEquals(s0, s1);
    assertEquals(s0, FractionalPin.holders(ABC, 0, 0.5, peers));
  }

  @Test
  void badInputIsOneClearLine() {
    for (double f : new double[] {0, -0.1, 1.0000001, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> FractionalPin.holds(ABC, peer("peer-1"), 0, f, 1));
      assertTrue(e.getMessage().contains("(0, 1]"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
    }
    for (double m : new double[] {0, -1, Double.NaN, Double.NEGATIVE_INFINITY}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> FractionalPin.holds(ABC, peer("peer-1"), 0, 0.5, m));
      assertTrue(e.getMessage().contains("modifier"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> FractionalPin.x(ABC, peer("peer-1"), -1));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            FractionalPin.holders(
                ABC, 0, 0.5, List.of(peer("peer-1")), Map.of(peer("peer-1"), 0.0), Set.of()));
  }
}
