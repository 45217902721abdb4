package jewel.api;

/**
 * Bytes {@code [start, end]} of a file, both inclusive as in HTTP's {@code Range: bytes=}. {@code
 * end} may lie past the file's end; {@link #within} clamps it.
 */
public record ByteRange(long start, long end) {
  public ByteRange {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException(
          "a range is START-END with 0 <= START <= END, not " + start + "-" + end);
    }
  }

  /** Parses {@code START-END} (as {@code get --range} takes it), or throws with one line. */
  public static ByteRange parse(String text) {
    int dash = text.indexOf('-');
    if (dash <= 0 || dash == text.length() - 1) {
      throw new IllegalArgumentException(
          "a range is START-END in bytes, like 0-1023, not '" + text + "'");
    }
    try {
      return new ByteRange(
          Long.parseLong(text.substring(0, dash).trim()),
          Long.parseLong(text.substring(dash + 1).trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "a range is START-END in bytes, like 0-1023, not '" + text + "'");
    }
  }

  /** This range within a file of {@code size} bytes, or null if it starts at or past the end. */
  public ByteRange within(long size) {
    return start >= size ? null : new ByteRange(start, Math.min(end, size - 1));
  }

  public long length() {
    return end - start + 1;
  }

  @Override
  public String toString() {
    return start + "-" + end;
  }
}
