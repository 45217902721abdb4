package jewel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class FormatTest {

  @Test
  void sizes() {
    assertEquals("0 B", Format.size(0));
    assertEquals("1023 B", Format.size(1023));
    assertEquals("1.0 KiB", Format.size(1024));
    assertEquals("1.5 MiB", Format.size(1536 * 1024));
    assertEquals("2.0 GiB", Format.size(2L << 30));
    assertEquals("1.0 MiB", Format.size(1024 * 1024 - 1));
    assertEquals("-", Format.size(-1));
    assertEquals("8.0 EiB", Format.size(Long.MAX_VALUE));
  }

  @Test
  void availabilitiesAndSpans() {
    assertEquals("99.2% of 7d", Format.availability(0.99299, 7L * 86_400_000));
    assertEquals("100% of 2.5h", Format.availability(1.0, 9_000_000));
    assertEquals("0% of 40s", Format.availability(0.0, 40_000));
    assertEquals("-", Format.availability(null, 0));
    assertEquals("1.5m", Format.span(90_000));
    assertEquals("500ms", Format.span(500));
  }

  @Test
  void ratios() {
    assertEquals("3", Format.ratio(3.0));
    assertEquals("1.67", Format.ratio(5.0 / 3));
    assertEquals("-", Format.ratio(Double.NaN));
  }

  @Test
  void tablesAlign() {
    StringWriter s = new StringWriter();
    new Format.Table("NAME", "SIZE", "X")
        .right(1)
        .row("a", "1 B", "z")
        .row("longer", "10.0 MiB", "\u0007")
        .print(new PrintWriter(s, true));
    assertEquals(
        "NAME        SIZE  X\na            1 B  z\nlonger  10.0 MiB  ?\n",
        s.toString().replace("\r", ""));
  }
}
