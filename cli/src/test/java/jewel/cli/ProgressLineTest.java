package jewel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

  @Test
  void theLineSaysDoneTotalSpeedAndTimeLeft() {
    assertEquals("0 B of 100.0 MiB", ProgressLine.text(0, 100L << 20, 0));
    assertEquals(
        "25.0 MiB of 100.0 MiB  13.1 MB/s  6 s left",
        ProgressLine.text(25L << 20, 100L << 20, 2_000_000_000L));
    assertEquals(
        "1.0 MiB of 1.0 GiB  1.0 MB/s  17 min 53 s left",
        ProgressLine.text(1L << 20, 1L << 30, 1_048_576_000L));
    assertEquals("5.0 MiB  5.2 MB/s", ProgressLine.text(5L << 20, -1, 1_000_000_000L));
    assertEquals("2 h 05 min", ProgressLine.duration(7500));
  }

  @Test
  void itRedrawsOneLineAndClearsIt() {
    StringWriter err = new StringWriter();
    AtomicLong now = new AtomicLong();
    ProgressLine line = new ProgressLine(new PrintWriter(err), now::get);
    now.set(50_000_000L);
    line.update(1, 10 << 20); // too soon after the start: not drawn
    now.set(1_000_000_000L);
    line.update(5 << 20, 10 << 20);
    now.set(2_000_000_000L);
    line.update(10 << 20, 10 << 20);
    line.close();
    String a = "5.0 MiB of 10.0 MiB  5.2 MB/s  1 s left";
    String b = "10.0 MiB of 10.0 MiB  5.2 MB/s  0 s left";
    assertEquals("\r" + a + "\r" + b + "\r" + " ".repeat(b.length()) + "\r", err.toString());
  }
}
