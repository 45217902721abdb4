package jewel.protocol.data;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import jewel.api.BlockId;
import org.apache.pekko.util.ByteString;

/**
 * What a client asks of a data channel: the one request of one connection.
 *
 * @param op PUT (bytes follow the header) or GET (bytes come back)
 * @param kind a BLOCK of the node's block store, or a file the node offered or accepted under a
 *     one-time TOKEN
 * @param name a block id in hex (GET of a BLOCK), a token (TOKEN), or empty (PUT of a BLOCK: the
 *     block's id is what the node computes)
 * @param offset where a GET starts; 0 for a PUT
 * @param length GET: how many bytes, or −1 for "to the end"; PUT: exactly how many bytes follow
 * @param expected PUT of a BLOCK: the id the bytes must hash to, if known; empty otherwise
 *
 * <p>Wire form (big-endian), after the common 7-byte prefix described in {@code Wire} (magic
 * {@code JWLQ}, version, header length):
 *
 * <pre>
 *   7  1  op: 1 PUT, 2 GET
 *   8  1  kind: 1 BLOCK, 2 TOKEN
 *   9  1  flags: bit 0 = an expected block id follows the name
 *  10  8  offset
 *  18  8  length
 *  26  2  name length n (UTF-8 bytes, at most 1024)
 *  28  n  name
 *  ..  32 expected SHA-256 (if flag 0)
 * </pre>
 */
public record DataRequest(
    Op op, Kind kind, String name, long offset, long length, Optional<BlockId> expected) {

  public enum Op {
    PUT,
    GET
  }

  public enum Kind {
    BLOCK,
    TOKEN
  }

  /** Longest name (token) in UTF-8 bytes. */
  public static final int MAX_NAME_BYTES = 1024;

  static final int FIXED_LENGTH = 28;
  private static final String WHAT = "data request header";

  public DataRequest {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(expected, "expected (use Optional.empty())");
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      throw new IllegalArgumentException(
          "data request name longer than " + MAX_NAME_BYTES + " bytes");
    }
    if (name.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("data request name contains control characters");
    }
    if (offset < 0) {
      throw new IllegalArgumentException("negative offset " + offset);
    }
    if (op == Op.PUT) {
      if (length < 0) {
        throw new IllegalArgumentException(
            "a PUT must announce how many bytes follow, not " + length);
      }
      if (offset != 0) {
        throw new IllegalArgumentException("a PUT writes from offset 0, not " + offset);
      }
    } else if (length < -1) {
      throw new IllegalArgumentException("bad length " + length + " (−1 means to the end)");
    }
    if (expected.isPresent() && !(op == Op.PUT && kind == Kind.BLOCK)) {
      throw new IllegalArgumentException("only a PUT of a BLOCK carries an expected block id");
    }
    if (kind == Kind.BLOCK) {
      if (op == Op.PUT && !name.isEmpty()) {
        throw new IllegalArgumentException(
            "a PUT of a BLOCK has no name (the node names the block by its hash); "
                + "pass the id as 'expected' to have it checked");
      }
      if (op == Op.GET) {
        new BlockId(name); // throws a clear message if it is not one
      }
    } else if (name.isEmpty()) {
      throw new IllegalArgumentException("a TOKEN request needs the token as its name");
    }
  }

  /** Store {@code length} bytes as a block, whatever their hash. */
  public static DataRequest putBlock(long length) {
    return putBlock(length, Optional.empty());
  }

  /** Store {@code length} bytes as a block, checked against {@code expected} if present. */
  public static DataRequest putBlock(long length, Optional<BlockId> expected) {
    return new DataRequest(Op.PUT, Kind.BLOCK, "", 0, length, expected);
  }

  /** Read {@code length} bytes (−1: to the end) of block {@code id} from {@code offset}. */
  public static DataRequest getBlock(BlockId id, long offset, long length) {
    return new DataRequest(Op.GET, Kind.BLOCK, id.hex(), offset, length, Optional.empty());
  }

  /** Write the {@code length} bytes of the file accepted under {@code token}. */
  public static DataRequest putFile(String token, long length) {
    return new DataRequest(Op.PUT, Kind.TOKEN, token, 0, length, Optional.empty());
  }

  /** Read the whole file offered under {@code token}. */
  public static DataRequest getFile(String token) {
    return getFile(token, 0, -1);
  }

  /** Read {@code length} bytes (−1: to the end) from {@code offset} of the file offered as {@code token}. */
  public static DataRequest getFile(String token, long offset, long length) {
    return new DataRequest(Op.GET, Kind.TOKEN, token, offset, length, Optional.empty());
  }

  /** The block a GET of a BLOCK names. */
  public BlockId blockId() {
    if (kind != Kind.BLOCK || op != Op.GET) {
      throw new IllegalStateException("only a GET of a BLOCK names a block");
    }
    return new BlockId(name);
  }

  /** The header bytes. */
  public ByteString encode() {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    int length = FIXED_LENGTH + n.length + (expected.isPresent() ? 32 : 0);
    ByteBuffer b = ByteBuffer.allocate(length);
    Wire.putPrefix(b, Wire.REQUEST_MAGIC, length);
    b.put((byte) (op == Op.PUT ? 1 : 2))
        .put((byte) (kind == Kind.BLOCK ? 1 : 2))
        .put((byte) (expected.isPresent() ? 1 : 0))
        .putLong(offset)
        .putLong(this.length)
        .putShort((short) n.length)
        .put(n);
    expected.ifPresent(id -> b.put(HexFormat.of().parseHex(id.hex())));
    return ByteString.fromArrayUnsafe(b.array());
  }

  /**
   * Parses a whole header, as produced by {@link #encode()}.
   *
   * @throws DataException with one line saying what is wrong with it
   */
  public static DataRequest decode(ByteString header) {
    ByteBuffer b = Wire.open(header, Wire.REQUEST_MAGIC, FIXED_LENGTH, WHAT);
    int opCode = b.get() & 0xff;
    int kindCode = b.get() & 0xff;
    int flags = b.get() & 0xff;
    long offset = b.getLong();
    long length = b.getLong();
    Op op =
        switch (opCode) {
          case 1 -> Op.PUT;
          case 2 -> Op.GET;
          default -> throw new DataException("malformed " + WHAT + ": unknown op " + opCode);
        };
    Kind kind =
        switch (kindCode) {
          case 1 -> Kind.BLOCK;
          case 2 -> Kind.TOKEN;
          default -> throw new DataException("malformed " + WHAT + ": unknown kind " + kindCode);
        };
    if ((flags & ~1) != 0) {
      throw new DataException("malformed " + WHAT + ": unknown flags 0x" + Integer.toHexString(flags));
    }
    String name = Wire.getText(b, WHAT, "name");
    Optional<BlockId> expected = Optional.empty();
    if ((flags & 1) != 0) {
      if (b.remaining() < 32) {
        throw new DataException("malformed " + WHAT + ": the expected block id is cut short");
      }
      byte[] sha = new byte[32];
      b.get(sha);
      expected = Optional.of(BlockId.of(sha));
    }
    if (b.hasRemaining()) {
      throw new DataException("malformed " + WHAT + ": " + b.remaining() + " stray bytes");
    }
    try {
      return new DataRequest(op, kind, name, offset, length, expected);
    } catch (IllegalArgumentException e) {
      throw new DataException("bad data request: " + e.getMessage());
    }
  }

  /** How long the request header at the start of {@code prefix} is; see {@code Wire}. */
  static int headerLength(ByteString prefix) {
    return Wire.headerLength(prefix, Wire.REQUEST_MAGIC, FIXED_LENGTH);
  }

  @Override
  public String toString() {
    return op
        + " "
        + kind
        + (name.isEmpty() ? "" : " " + (kind == Kind.TOKEN ? "token" : name))
        + (offset != 0 ? " @" + offset : "")
        + " length "
        + length
        + expected.map(id -> " expecting " + id.shortHex()).orElse("");
  }
}
