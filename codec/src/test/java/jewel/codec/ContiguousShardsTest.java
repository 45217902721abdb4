package jewel.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ContiguousShardsTest {

  @Test
  void shardSizesAndOffsets() {
    ContiguousShards c = new ContiguousShards(10, 4);
    assertEquals(3, c.shardSize());
    long[] offsets = {0, 3, 6, 9};
    long[] lengths = {3, 3, 3, 1};
    for (int i = 0; i < 4; i++) {
      assertEquals(offsets[i], c.shardOffset(i));
      assertEquals(lengths[i], c.shardLength(i));
    }
    ContiguousShards tail = new ContiguousShards(9, 4); // s = 3: shards of 3, 3, 3, 0
    assertEquals(0, tail.shardLength(3));
    assertEquals(9, tail.shardOffset(3));
    ContiguousShards empty = new ContiguousShards(0, 3);
    assertEquals(0, empty.shardSize());
    assertEquals(0, empty.shardLength(2));
    ContiguousShards many = new ContiguousShards(2, 5); // s = 1: 1, 1, 0, 0, 0
    assertEquals(1, many.shardLength(1));
    assertEquals(0, many.shardLength(2));
    assertEquals(1, many.shardOf(1));
  }

  @Test
  void splitAndJoinKeepEveryByteIncludingTrailingZeros() {
    Random random = new Random(41);
    for (int trial = 0; trial < 300; trial++) {
      int k = 1 + random.nextInt(10);
      byte[] block = new byte[random.nextInt(100)];
      random.nextBytes(block);
      if (block.length > 3) {
        block[block.length - 1] = 0;
        block[block.length - 2] = 0;
      }
      byte[][] shards = ContiguousShards.split(block, k);
      ContiguousShards layout = new ContiguousShards(block.length, k);
      long total = 0;
      for (int i = 0; i < k; i++) {
        assertEquals(layout.shardLength(i), shards[i].length);
        total += shards[i].length;
      }
      assertEquals(block.length, total);
      assertArrayEquals(block, layout.join(shards));
    }
  }

  @Test
  void badArguments() {
    assertThrows(IllegalArgumentException.class, () -> new ContiguousShards(-1, 2));
    assertThrows(IllegalArgumentException.class, () -> new ContiguousShards(5, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> new ContiguousShards(5, 2).shardLength(2));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ContiguousShards(5, 2).join(new byte[][] {new byte[3], new byte[3]}));
  }
}
