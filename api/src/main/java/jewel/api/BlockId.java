package jewel.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A block's name: the SHA-256 of its content, as 64 lowercase hex characters. */
public record BlockId(@JsonValue String hex) implements Comparable<BlockId> {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public BlockId {
    if (hex == null || !HEX64.matcher(hex).matches()) {
      throw new IllegalArgumentException(
          "not a block id: '" + hex + "' (expected 64 lowercase hex characters of a SHA-256)");
    }
  }

  public static BlockId of(byte[] sha256) {
    if (sha256.length != 32) {
      throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, not " + sha256.length);
    }
    return new BlockId(HexFormat.of().formatHex(sha256));
  }

  /** The first two hex characters: the folder a block store files this block under. */
  public String prefix() {
    return hex.substring(0, 2);
  }

  /** A short form for people: the first 12 hex characters. */
  public String shortHex() {
    return hex.substring(0, 12);
  }

  @Override
  public int compareTo(BlockId other) {
    return hex.compareTo(other.hex);
  }

  @Override
  public String toString() {
    return hex;
  }
}
