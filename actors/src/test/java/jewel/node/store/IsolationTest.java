package jewel.node.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IsolationTest {
  /** A clock the test moves by hand. */
  static final class HandClock extends Clock {
    Instant now = Instant.parse("2026-11-27T19:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @Test
  void anIsolationEndsAtItsDeadlineOrWhenRestored() {
    HandClock clock = new HandClock();
    Isolation isolation = new Isolation("peer-3", clock);
    assertEquals(Optional.empty(), isolation.refusal());

    Instant end = isolation.isolateFor(Duration.ofSeconds(30));
    assertEquals(Optional.of(end), isolation.until());
    assertTrue(isolation.refusal().orElseThrow().startsWith("peer-3 is isolated"));

    clock.now = clock.now.plusSeconds(29);
    assertTrue(isolation.refusal().isPresent());
    clock.now = clock.now.plusSeconds(1);
    assertEquals(Optional.empty(), isolation.refusal(), "over at its deadline, by itself");

    isolation.isolateFor(Duration.ofSeconds(30));
    isolation.restore();
    assertEquals(Optional.empty(), isolation.until());
  }

  @Test
  void anIsolationLastsSomeTimeAndAtMostAnHour() {
    Isolation isolation = new Isolation("peer-1", new HandClock());
    assertThrows(IllegalArgumentException.class, () -> isolation.isolateFor(Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class, () -> isolation.isolateFor(Duration.ofSeconds(3601)));
  }
}
