package jewel.protocol.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import org.apache.pekko.util.ByteString;

/**
 * The data channel's framing, shared by both ends.
 *
 * <p>Every header starts with the same 7 bytes: a 4-byte magic, a 1-byte version and the header's
 * total length as an unsigned 16-bit big-endian number, so a reader knows how many bytes to wait
 * for without understanding the fields. A request ({@link DataRequest}) uses magic {@code JWLQ}; a
 * status uses {@code JWLS}:
 *
 * <pre>
 *   0  4  magic "JWLS"
 *   4  1  version (1)
 *   5  2  header length
 *   7  1  0 = OK, 1 = ERROR
 *   8  8  OK: number of bytes that follow (GET), 0 otherwise
 *  16  2  text length n (UTF-8 bytes)
 *  18  n  OK: result string; ERROR: the one-line message
 * </pre>
 *
 * One request per connection. The server answers with a status; for an OK answer to a GET, exactly
 * {@code count} bytes follow and then a second status, the trailer: OK, or ERROR when the bytes
 * turned out bad while they were sent (a block whose hash did not match at the end of a full
 * read). Then the server closes.
 */
final class Wire {
  static final byte VERSION = 1;
  static final byte[] REQUEST_MAGIC = {'J', 'W', 'L', 'Q'};
  static final byte[] STATUS_MAGIC = {'J', 'W', 'L', 'S'};
  /** Magic, version and header length: what every header starts with. */
  static final int PREFIX = 7;
  /** No header is longer than this: names and messages are bounded. */
  static final int MAX_HEADER = 8192;

  private static final int STATUS_FIXED = 18;

  /** The size of the chunks a data channel reads from disk and writes to the network. */
  static final int CHUNK = 256 * 1024;
  /** A connection with no bytes in either direction for this long fails. */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private Wire() {}

  /**
   * How many bytes the header at the start of {@code prefix} has: −1 while that is not known yet
   * (fewer than 7 bytes, all matching so far). A prefix that cannot start a good header (a wrong
   * magic or version, an impossible length) yields the bytes at hand, so a reader hands them on at
   * once and the decoder says what is wrong with them.
   */
  static int headerLength(ByteString prefix, byte[] magic, int minLength) {
    int have = prefix.size();
    for (int i = 0; i < Math.min(have, magic.length); i++) {
      if (prefix.apply(i) != magic[i]) {
        return have;
      }
    }
    if (have < PREFIX) {
      return -1;
    }
    if (prefix.apply(4) != VERSION) {
      return have;
    }
    int length = ((prefix.apply(5) & 0xff) << 8) | (prefix.apply(6) & 0xff);
    if (length < minLength || length > MAX_HEADER) {
      return have;
    }
    return length;
  }

  static int statusLength(ByteString prefix) {
    return headerLength(prefix, STATUS_MAGIC, STATUS_FIXED);
  }

  /**
   * Checks magic, version and declared length of a whole header in {@code header}, returning a
   * buffer positioned after the common prefix. {@code what} names the header in messages.
   */
  static ByteBuffer open(ByteString header, byte[] magic, int minLength, String what) {
    ByteBuffer b = header.asByteBuffer().order(ByteOrder.BIG_ENDIAN);
    int have = b.remaining();
    for (int i = 0; i < magic.length; i++) {
      if (i >= have) {
        throw new DataException("malformed " + what + ": only " + have + " bytes");
      }
      if (b.get(i) != magic[i]) {
        byte[] start = new byte[Math.min(have, magic.length)];
        b.get(0, start);
        throw new DataException(
            "malformed "
                + what
                + ": it starts with 0x"
                + HexFormat.of().formatHex(start)
                + ", not the Jewel data channel's magic '"
                + new String(magic, StandardCharsets.US_ASCII)
                + "' (is the other end a Jewel node of the same version?)");
      }
    }
    if (have < PREFIX) {
      throw new DataException("malformed " + what + ": only " + have + " bytes");
    }
    int version = b.get(4) & 0xff;
    if (version != VERSION) {
      throw new DataException(
          "unsupported data channel version " + version + " in " + what + " (this node speaks "
              + VERSION + ")");
    }
    int length = b.getShort(5) & 0xffff;
    if (length < minLength || length > MAX_HEADER) {
      throw new DataException(
          "malformed " + what + ": declared length " + length + " is outside " + minLength + ".."
              + MAX_HEADER);
    }
    if (have != length) {
      throw new DataException(
          "malformed " + what + ": " + have + " bytes where the header declares " + length
              + (have < length ? " (truncated: the connection closed inside the header)" : ""));
    }
    b.position(PREFIX);
    return b;
  }

  static void putPrefix(ByteBuffer b, byte[] magic, int length) {
    b.put(magic).put(VERSION).putShort((short) length);
  }

  /** Reads a length-prefixed (u16) UTF-8 string, checking that it fits the header. */
  static String getText(ByteBuffer b, String what, String field) {
    if (b.remaining() < 2) {
      throw new DataException("malformed " + what + ": no room for the " + field + " length");
    }
    int n = b.getShort() & 0xffff;
    if (n > b.remaining()) {
      throw new DataException(
          "malformed " + what + ": " + field + " of " + n + " bytes does not fit the header");
    }
    byte[] bytes = new byte[n];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** The answer of a server, before (and, for a GET, after) the bytes. */
  record Status(boolean ok, long count, String text) {
    Status {
      if (count < 0) {
        throw new IllegalArgumentException("negative byte count " + count);
      }
      text = text == null ? "" : text;
    }

    static Status ok(long count, String result) {
      return new Status(true, count, result);
    }

    static Status error(String message) {
      return new Status(false, 0, DataException.oneLine(message));
    }

    ByteString encode() {
      byte[] t = text.getBytes(StandardCharsets.UTF_8);
      int length = STATUS_FIXED + t.length;
      if (length > MAX_HEADER) {
        throw new IllegalArgumentException("status text too long: " + t.length + " bytes");
      }
      ByteBuffer b = ByteBuffer.allocate(length);
      putPrefix(b, STATUS_MAGIC, length);
      b.put((byte) (ok ? 0 : 1)).putLong(count).putShort((short) t.length).put(t);
      return ByteString.fromArrayUnsafe(b.array());
    }

    static Status decode(ByteString header) {
      String what = "answer from the data channel";
      ByteBuffer b = open(header, STATUS_MAGIC, STATUS_FIXED, what);
      int code = b.get() & 0xff;
      if (code > 1) {
        throw new DataException("malformed " + what + ": unknown status " + code);
      }
      long count = b.getLong();
      if (count < 0) {
        throw new DataException("malformed " + what + ": negative byte count " + count);
      }
      String text = getText(b, what, "text");
      if (b.hasRemaining()) {
        throw new DataException("malformed " + what + ": " + b.remaining() + " stray bytes");
      }
      return new Status(code == 0, count, text);
    }
  }
}
