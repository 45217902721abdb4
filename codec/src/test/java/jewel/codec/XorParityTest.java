package jewel.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class XorParityTest {

  @Test
  void parityIsTheXorOfTheData() {
    byte[][] shards = {{0x1, 0x2, 0x3}, {0x4, 0x5, 0x6}, {0x10, 0x20, 0x40}, null};
    new XorParity(3).encodeParity(shards, 0, 3);
    assertArrayEquals(new byte[] {0x1 ^ 0x4 ^ 0x10, 0x2 ^ 0x5 ^ 0x20, 0x3 ^ 0x6 ^ 0x40}, shards[3]);
    assertArrayEquals(shards[3], XorParity.xor(shards[0], shards[1], shards[2]));
  }

  @Test
  void rebuildsAnySingleMissingShard() {
    Random random = new Random(11);
    for (int k : new int[] {1, 2, 3, 7, 16, 255}) {
      for (int size : new int[] {0, 1, 17, 1000}) {
        XorParity xor = new XorParity(k);
        byte[][] expected = TestSupport.randomShards(random, k + 1, size);
        xor.encodeParity(expected, 0, size);
        for (int missing = 0; missing <= k; missing++) {
          byte[][] shards = TestSupport.deepCopy(expected);
          boolean[] present = new boolean[k + 1];
          Arrays.fill(present, true);
          present[missing] = false;
          shards[missing] = missing % 2 == 0 ? null : new byte[size];
          xor.decodeMissing(shards, present, 0, size);
          assertArrayEquals(expected, shards, "k=" + k + " size=" + size + " missing " + missing);
        }
      }
    }
  }

  @Test
  void worksOnASubRange() {
    byte[][] shards = TestSupport.randomShards(new Random(2), 4, 20);
    byte[] before = shards[3].clone();
    new XorParity(3).encodeParity(shards, 5, 10);
    for (int b = 0; b < 20; b++) {
      byte want =
          b >= 5 && b < 15 ? (byte) (shards[0][b] ^ shards[1][b] ^ shards[2][b]) : before[b];
      assertEquals(want, shards[3][b], "byte " + b);
    }
  }

  @Test
  void twoMissingIsRefused() {
    XorParity xor = new XorParity(3);
    boolean[] present = {true, false, false, true};
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> xor.decodeMissing(new byte[4][2], present, 0, 2));
    assertTrue(e.getMessage().contains("only 2 are present"), e.getMessage());
    assertEquals(1, xor.parityShards());
    assertEquals(3, xor.dataShards());
  }
}
