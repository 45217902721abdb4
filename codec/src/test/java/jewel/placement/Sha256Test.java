package jewel.placement;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import java.util.Random;
import jewel.api.BlockId;
import jewel.api.PeerId;
import org.junit.jupiter.api.Test;

class Sha256Test {
  @Test
  void digestMatchesTheJdkOnRandomInputs() throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    Random rnd = new Random(4);
    for (int len = 0; len < 300; len++) {
      byte[] msg = new byte[len];
      rnd.nextBytes(msg);
      assertArrayEquals(md.digest(msg), Sha256.digest(msg), "length " + len);
    }
    assertEquals(0x428a2f98, Sha256.K[0]);
    assertEquals(0xc67178f2, Sha256.K[63]);
    assertEquals(0x6a09e667, Sha256.IV[0]);
    assertEquals(0x5be0cd19, Sha256.IV[7]);
  }

  @Test
  void midstateFastPathEqualsTheDecisionValue() {
    Random rnd = new Random(5);
    for (int i = 0; i < 3000; i++) {
      byte[] raw = new byte[32];
      rnd.nextBytes(raw);
      BlockId b = BlockId.of(raw);
      // Names up to 63 characters and long salts: tails of one and of two final blocks.
      StringBuilder name = new StringBuilder("p");
      int extra = rnd.nextInt(63);
      for (int k = 0; k < extra; k++) {
        name.append((char) ('a' + rnd.nextInt(26)));
      }
      PeerId p = new PeerId(i % 2 == 0 ? "peer-" + rnd.nextInt(20000) : name.toString());
      long salt = i % 3 == 0 ? 0 : rnd.nextLong() >>> 1;
      int[] mid = Sha256.midstate(Sha256.hexBytes(b.hex()), 0);
      int[][] tail = Sha256.tailSchedule(FractionalPin.tail(p, salt));
      long expected = FractionalPin.x(b, p, salt);
      assertEquals(expected, Sha256.first8(mid, tail), p + " salt " + salt);
      if (tail.length == 1) {
        assertEquals(expected, Sha256.first8(mid, tail[0]));
      }
    }
  }
}
