package jewel.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.charset.StandardCharsets;

/**
 * A file's name in the registry's index. It is also a Cluster Sharding entity id and a file name in
 * a peer's {@code disk/files/}, so anything that could escape a folder or confuse a terminal is
 * refused.
 */
public record FileName(@JsonValue String value) implements Comparable<FileName> {
  public static final int MAX_BYTES = 255;

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public FileName {
    String problem = problem(value);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** Why {@code value} is not a valid file name, or {@code null} if it is. */
  public static String problem(String value) {
    if (value == null || value.isEmpty()) {
      return "a file name must not be empty";
    }
    if (value.indexOf('/') >= 0 || value.indexOf('\\') >= 0) {
      return "bad file name '" + value + "': it must not contain '/' or '\\' (use --as NAME)";
    }
    if (value.equals(".") || value.contains("..")) {
      return "bad file name '" + value + "': it must not be '.' or contain '..'";
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        return "bad file name: it contains a control character at position " + i;
      }
    }
    int bytes = value.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_BYTES) {
      return "bad file name: " + bytes + " bytes long, the limit is " + MAX_BYTES;
    }
    return null;
  }

  @Override
  public int compareTo(FileName other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
