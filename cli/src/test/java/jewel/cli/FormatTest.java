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
