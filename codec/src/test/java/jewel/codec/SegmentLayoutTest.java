package jewel.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SegmentLayoutTest {

  @Test
  void emptyBlockHasNoSegments() {
    SegmentLayout l = new SegmentLayout(3, 5, 100, 0);
    assertEquals(0, l.segmentCount());
    assertEquals(0, l.jewelLength());
    assertTrue(l.segmentsCovering(0, 0).isEmpty());
    assertThrows(IndexOutOfBoundsException.class, () -> l.chunkLength(0));
  }

  @Test
  void smallBlockGetsSmallChunks() {
    SegmentLayout l = new SegmentLayout(4, 6, 1000, 10);
    assertEquals(1, l.segmentCount());
    assertEquals(3, l.chunkLength(0)); // ceil(10 / 4)
    assertEquals(3, l.jewelLength());
    assertEquals(10, l.segmentLength(0));
    assertEquals(0, l.chunkOffset(0));
  }

  @Test
  void fullAndPartialSegments() {
    SegmentLayout l = new SegmentLayout(3, 5, 10, 3 * 10 * 2 + 7);
    assertEquals(3, l.segmentCount());
    assertEquals(30, l.segmentSize());
    assertEquals(10, l.chunkLength(0));
    assertEquals(10, l.chunkLength(1));
    assertEquals(3, l.chunkLength(2));
    assertEquals(23, l.jewelLength());
    assertEquals(20, l.chunkOffset(2));
    assertEquals(60, l.segmentOffset(2));
    assertEquals(7, l.segmentLength(2));
    assertEquals(30, l.segmentLength(1));
  }

  @Test
  void exactMultipleHasNoShortSegment() {
    SegmentLayout l = new SegmentLayout(2, 3, 8, 32);
    assertEquals(2, l.segmentCount());
    assertEquals(16, l.jewelLength());
    assertEquals(8, l.chunkLength(1));
  }

  @Test
  void propertiesHoldForManyShapes() {
    Random random = new Random(17);
    for (int trial = 0; trial < 2000; trial++) {
      int k = 1 + random.nextInt(12);
      int n = k + random.nextInt(5);
      int chunk = 1 + random.nextInt(50);
      long length = random.nextInt(5) == 0 ? random.nextInt(3) : random.nextInt(k * chunk * 6 + 2);
      SegmentLayout l = new SegmentLayout(k, n, chunk, length);
      long sum = 0;
      long jewel = 0;
      for (long s = 0; s < l.segmentCount(); s++) {
        assertEquals(sum, l.segmentOffset(s));
        assertEquals(jewel, l.chunkOffset(s));
        assertTrue(l.segmentLength(s) >= 1);
        assertEquals(SegmentLayout.chunkLengthFor(l.segmentLength(s), k), l.chunkLength(s));
        assertTrue((long) l.chunkLength(s) * k >= l.segmentLength(s));
        assertTrue(
            (long) (l.chunkLength(s) - 1) * k < l.segmentLength(s), "no whole padding chunk row");
        sum += l.segmentLength(s);
        jewel += l.chunkLength(s);
      }
      assertEquals(length, sum);
      assertEquals(jewel, l.jewelLength());
      // range coverage
      if (length > 0) {
        long off = (long) (random.nextDouble() * length);
        long len = (long) (random.nextDouble() * (length - off + 1));
        SegmentLayout.Span span = l.segmentsCovering(off, len);
        if (len == 0) {
          assertTrue(span.isEmpty());
        } else {
          assertEquals(l.segmentOf(off), span.first());
          assertEquals(l.segmentOf(off + len - 1) + 1, span.end());
          assertTrue(l.segmentOffset(span.first()) <= off);
          long last = span.end() - 1;
          assertTrue(l.segmentOffset(last) + l.segmentLength(last) >= off + len);
        }
      }
    }
  }

  @Test
  void rangesOutsideTheBlockAreRefused() {
    SegmentLayout l = new SegmentLayout(2, 3, 4, 20);
    assertEquals(new SegmentLayout.Span(0, 3), l.segmentsCovering(0, 20));
    assertEquals(new SegmentLayout.Span(1, 2), l.segmentsCovering(8, 8));
    assertEquals(new SegmentLayout.Span(1, 3), l.segmentsCovering(8, 9));
    assertThrows(IllegalArgumentException.class, () -> l.segmentsCovering(10, 11));
    assertThrows(IllegalArgumentException.class, () -> l.segmentsCovering(-1, 1));
    assertThrows(IllegalArgumentException.class, () -> l.segmentOf(20));
  }

  @Test
  void impossibleShapesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new SegmentLayout(0, 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new SegmentLayout(3, 2, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new SegmentLayout(3, 257, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new SegmentLayout(3, 4, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new SegmentLayout(3, 4, 1, -1));
    assertThrows(
        IllegalArgumentException.class,
        () -> new SegmentLayout(200, 210, Integer.MAX_VALUE / 100, 1));
  }
}
