package jewel.persistence;

import static jewel.persistence.Fixtures.block;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import jewel.protocol.DeleteGuard;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Upload leases on a clock the test moves. */
class UploadsTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final Uploads uploads =
      new Uploads(Duration.ofMinutes(2), now::get, LoggerFactory.getLogger(UploadsTest.class));

  @Test
  void anUploadNotHeardFromForItsLeaseExpiresAndNoLongerSparesItsBlocks() {
    now.addAndGet(Duration.ofMinutes(2).toMillis());
    long quiet = uploads.open();
    long talking = uploads.open();
    uploads.progress(quiet, List.of(block("q")));
    uploads.progress(talking, List.of(block("t")));

    now.addAndGet(Duration.ofSeconds(90).toMillis());
    uploads.progress(talking, List.of()); // renews, nothing new
    assertEquals(List.of(), uploads.notWritten(List.of(block("q"), block("t"))));

    now.addAndGet(Duration.ofSeconds(40).toMillis()); // quiet: 130 s, talking: 40 s
    assertEquals(List.of(block("q")), uploads.notWritten(List.of(block("q"), block("t"))));
    assertEquals(new DeleteGuard(List.of(talking), talking, 7), uploads.guard(7));
  }

  @Test
  void idsGrowEvenWhenTheClockGoesBack() {
    long a = uploads.open();
    now.addAndGet(-60_000);
    long b = uploads.open();
    assertEquals(a + 1, b);
    assertEquals(1_000_000L * 1000 + 1, a, "the first id is above the clock's start");
  }

  @Test
  void inItsFirstLeaseItsGuardsSpareEveryUpload() {
    long u = uploads.open();
    DeleteGuard early = uploads.guard(0);
    assertEquals(Long.MIN_VALUE, early.newestUpload());
    assertTrue(early.protects(u - 1_000_000), "an upload of a registry before this one");
    now.addAndGet(Duration.ofMinutes(2).toMillis());
    assertEquals(u, uploads.guard(0).newestUpload());
  }

  @Test
  void aClosedUploadSparesNothing() {
    now.addAndGet(Duration.ofMinutes(2).toMillis());
    long u = uploads.open();
    uploads.progress(u, List.of(block("x")));
    uploads.close(u);
    assertEquals(List.of(block("x")), uploads.notWritten(List.of(block("x"))));
    assertEquals(new DeleteGuard(List.of(), u, 0), uploads.guard(0));
  }
}
