package jewel.schemes;

import jewel.api.ByteRange;
import jewel.api.FileEntry;

/**
 * The bytes {@code [start, end)} of a file that one read is asked for (a fragment, in the design's
 * words), and how that read's failures name them: as the file itself when the fragment is all of
 * it, so a whole-file read says what it always said.
 */
record Fragment(String subject, long start, long end, boolean whole) {

  /**
   * All of {@code entry} for a null range or one covering the file, else the range, which the
   * caller has clamped to the file ({@link ByteRange#within}).
   */
  static Fragment of(FileEntry entry, ByteRange range) {
    String file = "'" + entry.name() + "'";
    if (range == null || (range.start() == 0 && range.end() == entry.size() - 1)) {
      return new Fragment(file, 0, entry.size(), true);
    }
    if (range.end() >= entry.size()) {
      throw new IllegalArgumentException(
          "range "
              + range
              + " lies outside "
              + file
              + " of "
              + entry.size()
              + " bytes: clamp it to the file first (ByteRange.within)");
    }
    return new Fragment("bytes " + range + " of " + file, range.start(), range.end() + 1, false);
  }

  long length() {
    return end - start;
  }

  /**
   * Whether the block bytes {@code [offset, offset + length)} of the file share a byte with this
   * fragment.
   */
  boolean overlaps(long offset, long length) {
    return length > 0 && offset < end && offset + length > start;
  }
}
