package jewel.schemes.audit;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import jewel.api.Digests;

/**
 * The SHA-256 Merkle tree over a block's 64 KiB chunks that audits use: the root is recorded when
 * the block is stored; a holder answers a challenge for chunk i with the chunk and the sibling
 * hashes on its way up, and anyone with the root can check it without the rest of the block.
 *
 * <p>Leaves are SHA-256 of each chunk (the last may be shorter; an empty block has one leaf, the
 * hash of nothing). A parent is SHA-256(left ‖ right); a node without a sibling at its level moves
 * up unchanged, so a path holds only the siblings that exist.
 */
public final class MerkleTree {
  public static final int CHUNK = 64 * 1024;
  private static final HexFormat HEX = HexFormat.of();

  private MerkleTree() {}

  /** How many chunks (leaves) a block of {@code length} bytes has. */
  public static int chunks(long length) {
    return length == 0 ? 1 : (int) ((length + CHUNK - 1) / CHUNK);
  }

  /** Computes a root from bytes fed in order, one chunk hashed at a time. */
  public static final class Builder {
    private final MessageDigest chunk = Digests.sha256();
    private final List<byte[]> leaves = new ArrayList<>();
    private int filled;

    public Builder update(ByteBuffer bytes) {
      while (bytes.hasRemaining()) {
        int n = Math.min(bytes.remaining(), CHUNK - filled);
        ByteBuffer part = bytes.slice();
        part.limit(n);
        chunk.update(part);
        bytes.position(bytes.position() + n);
        filled += n;
        if (filled == CHUNK) {
          leaves.add(chunk.digest());
          filled = 0;
        }
      }
      return this;
    }

    public Builder update(byte[] bytes) {
      return update(ByteBuffer.wrap(bytes));
    }

    /** The leaf hashes; ends the feeding. */
    public List<byte[]> leaves() {
      if (filled > 0 || leaves.isEmpty()) {
        leaves.add(chunk.digest());
        filled = 0;
      }
      return leaves;
    }

    public String rootHex() {
      return HEX.formatHex(root(leaves()));
    }
  }

  public static String rootHex(byte[] block) {
    return new Builder().update(block).rootHex();
  }

  /** The root over {@code leaves}. */
  public static byte[] root(List<byte[]> leaves) {
    List<byte[]> level = leaves;
    while (level.size() > 1) {
      level = up(level);
    }
    return level.get(0);
  }

  /** The sibling hashes from leaf {@code index} to the root, bottom up, as hex. */
  public static List<String> path(List<byte[]> leaves, int index) {
    if (index < 0 || index >= leaves.size()) {
      throw new IllegalArgumentException(
          "chunk " + index + " is not one of the " + leaves.size() + " chunks");
    }
    List<String> path = new ArrayList<>();
    List<byte[]> level = leaves;
    int i = index;
    while (level.size() > 1) {
      int sibling = i ^ 1;
      if (sibling < level.size()) {
        path.add(HEX.formatHex(level.get(sibling)));
      }
      level = up(level);
      i /= 2;
    }
    return path;
  }

  /**
   * Whether {@code data}, claimed to be chunk {@code index} of a block of {@code length} bytes,
   * hashes with {@code path} up to {@code rootHex}.
   */
  public static boolean verify(
      String rootHex, long length, int index, byte[] data, List<String> path) {
    int count = chunks(length);
    if (index < 0 || index >= count) {
      return false;
    }
    long expectedSize = index < count - 1 ? CHUNK : length - (long) (count - 1) * CHUNK;
    if (data == null || data.length != expectedSize) {
      return false;
    }
    byte[] node = Digests.sha256().digest(data);
    int i = index;
    int width = count;
    int used = 0;
    while (width > 1) {
      int sibling = i ^ 1;
      if (sibling < width) {
        if (used >= path.size()) {
          return false;
        }
        byte[] s;
        try {
          s = HEX.parseHex(path.get(used++));
        } catch (IllegalArgumentException e) {
          return false;
        }
        node = (i % 2 == 0) ? hash(node, s) : hash(s, node);
      }
      i /= 2;
      width = (width + 1) / 2;
    }
    return used == path.size() && Arrays.equals(node, HEX.parseHex(rootHex));
  }

  private static List<byte[]> up(List<byte[]> level) {
    List<byte[]> next = new ArrayList<>((level.size() + 1) / 2);
    for (int i = 0; i < level.size(); i += 2) {
      next.add(i + 1 < level.size() ? hash(level.get(i), level.get(i + 1)) : level.get(i));
    }
    return next;
  }

  private static byte[] hash(byte[] left, byte[] right) {
    MessageDigest d = Digests.sha256();
    d.update(left);
    d.update(right);
    return d.digest();
  }
}
