package jewel.codec;

/** Argument checks shared by the codecs, with messages that say what was wrong. */
final class CodecChecks {

  private CodecChecks() {}

  static void checkShape(int k, int m) {
    if (k < 1) {
      throw new IllegalArgumentException("k (data shards) must be at least 1, got " + k);
    }
    if (m < 0) {
      throw new IllegalArgumentException("m (parity shards) must be at least 0, got " + m);
    }
    if (k + m > 256) {
      throw new IllegalArgumentException(
          "k + m must be at most 256, got " + k + " + " + m + " = " + (k + m));
    }
  }

  /**
   * An encode's arguments: k readable data shards, m parity shards made writable, a valid range.
   */
  static void checkEncode(byte[][] shards, int k, int m, int offset, int length) {
    checkShardArray(shards, k + m);
    checkRange(offset, length);
    for (int i = 0; i < k; i++) {
      checkReadable(shards, i, offset, length);
    }
    for (int i = k; i < k + m; i++) {
      ensureWritable(shards, i, offset, length);
    }
  }

  static void checkRange(int offset, int length) {
    if (offset < 0 || length < 0 || offset + length < 0) {
      throw new IllegalArgumentException("bad byte range: offset " + offset + ", length " + length);
    }
  }

  static void checkShardArray(byte[][] shards, int total) {
    if (shards == null || shards.length != total) {
      throw new IllegalArgumentException(
          "expected an array of "
              + total
              + " shards, got "
              + (shards == null ? "null" : String.valueOf(shards.length)));
    }
  }

  static void checkPresentArray(boolean[] present, int total) {
    if (present == null || present.length != total) {
      throw new IllegalArgumentException(
          "expected "
              + total
              + " present flags, got "
              + (present == null ? "null" : String.valueOf(present.length)));
    }
  }

  /** A shard that is read: it must exist and be long enough. */
  static void checkReadable(byte[][] shards, int i, int offset, int length) {
    byte[] s = shards[i];
    if (s == null) {
      throw new IllegalArgumentException("shard " + i + " is null but is needed as input");
    }
    if (s.length < offset + length) {
      throw new IllegalArgumentException(
          "shard "
              + i
              + " has "
              + s.length
              + " bytes, needs at least "
              + (offset + length)
              + " (offset "
              + offset
              + " + length "
              + length
              + ")");
    }
  }

  /** A shard that is written: allocated if null, else it must be long enough. */
  static void ensureWritable(byte[][] shards, int i, int offset, int length) {
    if (shards[i] == null) {
      shards[i] = new byte[offset + length];
    } else {
      checkReadable(shards, i, offset, length);
    }
  }

  static int countPresent(boolean[] present) {
    int n = 0;
    for (boolean p : present) {
      if (p) {
        n++;
      }
    }
    return n;
  }

  static IllegalArgumentException tooFew(int k, int total, int present) {
    return new IllegalArgumentException(
        "need at least k = "
            + k
            + " of the "
            + total
            + " shards present to decode, but only "
            + present
            + " are present");
  }
}
