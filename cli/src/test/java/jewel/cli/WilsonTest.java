package jewel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class WilsonTest {
  @Test
  void matchesPublishedValues() {
    // Newcombe (1998), Statistics in Medicine 17, table II, method 3 (Wilson score, no correction).
    Wilson a = Wilson.of(81, 263);
    assertEquals(0.2553, a.low(), 5e-5);
    assertEquals(0.3662, a.high(), 5e-5);
    Wilson b = Wilson.of(15, 148);
    assertEquals(0.0624, b.low(), 5e-5);
    assertEquals(0.1605, b.high(), 5e-5);
    Wilson c = Wilson.of(0, 20);
    assertEquals(0.0, c.low());
    assertEquals(0.1611, c.high(), 5e-5);
    Wilson d = Wilson.of(1, 29);
    assertEquals(0.0061, d.low(), 5e-5);
    assertEquals(0.1718, d.high(), 5e-5);
  }

  @Test
  void allSuccessesStillLeaveRoomBelowOne() {
    Wilson all = Wilson.of(200, 200);
    assertEquals(1.0, all.high(), 1e-12);
    assertEquals(200 / (200 + Wilson.Z * Wilson.Z), all.low(), 1e-12);
    assertTrue(all.low() > 0.98 && all.low() < 0.99, all::toString);
    assertTrue(all.contains(1.0));
    assertTrue(!all.contains(0.97));
  }

  @Test
  void theIntervalHoldsTheMeasuredShareAndNarrowsWithMoreTrials() {
    for (List<Integer> sn : List.of(List.of(3, 10), List.of(30, 100), List.of(300, 1000))) {
      Wilson w = Wilson.of(sn.get(0), sn.get(1));
      assertTrue(w.contains(0.3), w::toString);
    }
    assertTrue(
        Wilson.of(300, 1000).high() - Wilson.of(300, 1000).low()
            < Wilson.of(30, 100).high() - Wilson.of(30, 100).low());
  }

  @Test
  void refusesImpossibleCounts() {
    assertThrows(IllegalArgumentException.class, () -> Wilson.of(0, 0));
    assertThrows(IllegalArgumentException.class, () -> Wilson.of(5, 4));
    assertThrows(IllegalArgumentException.class, () -> Wilson.of(-1, 4));
  }
}
