package jewel.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** Human output: sizes, ratios, aligned tables, and text made safe for a terminal. */
public final class Format {
  private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private Format() {}

  /**
   * {@code 0 B}, {@code 999 B}, {@code 1.5 KiB}, {@code 2.0 MiB}; {@code -} for a negative
   * (unknown) size.
   */
  public static String size(long bytes) {
    if (bytes < 0) {
      return "-";
    }
    if (bytes < 1024) {
      return bytes + " B";
    }
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    String text = String.format(Locale.ROOT, "%.1f", value);
    if (text.equals("1024.0") && unit < UNITS.length - 1) {
      text = "1.0";
      unit++;
    }
    return text + " " + UNITS[unit];
  }

  /** {@code 3}, {@code 1.67}, {@code -} for NaN. */
  public static String ratio(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return "-";
    }
    if (Math.abs(value - Math.rint(value)) < 0.005) {
      return Long.toString(Math.round(value));
    }
    return String.format(Locale.ROOT, "%.2f", value);
  }

  /** An observed availability over a span: {@code 99.2% of 7d}; {@code -} when null. */
  public static String availability(Double share, long overMillis) {
    if (share == null) {
      return "-";
    }
    return tenths(Math.floor(share * 1000) / 10) + "% of " + span(overMillis);
  }

  /** A duration in its largest unit: {@code 7d}, {@code 2.5h}, {@code 40s}. */
  public static String span(long millis) {
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1000L};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (millis >= units[i]) {
        return tenths(Math.floor(millis * 10.0 / units[i]) / 10) + names[i];
      }
    }
    return millis + "ms";
  }

  /** {@code 7}, {@code 2.5}: a value already cut to tenths. */
  private static String tenths(double value) {
    return value == Math.rint(value)
        ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%.1f", value);
  }

  /** A count, or {@code -} when negative (unknown). */
  public static String count(long value) {
    return value < 0 ? "-" : Long.toString(value);
  }

  /** The text with every control character shown as {@code ?}, so it is one harmless line. */
  public static String safe(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder s = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) {
        if (s == null) {
          s = new StringBuilder(text.substring(0, i));
        }
        s.append('?');
      } else if (s != null) {
        s.append(c);
      }
    }
    return s == null ? text : s.toString();
  }

  public static String words(Collection<?> items) {
    if (items == null || items.isEmpty()) {
      return "-";
    }
    List<String> parts = new ArrayList<>();
    for (Object o : items) {
      parts.add(safe(String.valueOf(o)));
    }
    return String.join(" ", parts);
  }

  /** A table with a header row, columns two spaces apart, numbers right-aligned. */
  public static final class Table {
    private final String[] headers;
    private final boolean[] right;
    private final List<String[]> rows = new ArrayList<>();

    public Table(String... headers) {
      this.headers = headers.clone();
      this.right = new boolean[headers.length];
    }

    /** Right-aligns these columns (0-based). */
    public Table right(int... columns) {
      for (int c : columns) {
        right[c] = true;
      }
      return this;
    }

    public Table row(Object... cells) {
      if (cells.length != headers.length) {
        throw new IllegalArgumentException(
            "a row of " + cells.length + " cells in a table of " + headers.length);
      }
      String[] r = new String[cells.length];
      for (int i = 0; i < cells.length; i++) {
        r[i] = safe(String.valueOf(cells[i]));
      }
      rows.add(r);
      return this;
    }

    public boolean isEmpty() {
      return rows.isEmpty();
    }

    public void print(PrintWriter out) {
      int[] width = new int[headers.length];
      for (int i = 0; i < headers.length; i++) {
        width[i] = headers[i].length();
      }
      for (String[] r : rows) {
        for (int i = 0; i < r.length; i++) {
          width[i] = Math.max(width[i], r[i].codePointCount(0, r[i].length()));
        }
      }
      line(out, headers, width);
      for (String[] r : rows) {
        line(out, r, width);
      }
    }

    private void line(PrintWriter out, String[] cells, int[] width) {
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < cells.length; i++) {
        boolean last = i == cells.length - 1;
        int pad = width[i] - cells[i].codePointCount(0, cells[i].length());
        if (i > 0) {
          s.append("  ");
        }
        if (right[i]) {
          s.append(" ".repeat(pad)).append(cells[i]);
        } else {
          s.append(cells[i]);
          if (!last) {
            s.append(" ".repeat(pad));
          }
        }
      }
      out.println(s.toString().stripTrailing());
    }

    @Override
    public String toString() {
      return Arrays.deepToString(rows.toArray());
    }
  }
}
