package jewel.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A file's name in the registry's index: segments separated by {@code /} (an S3 bucket and key map
 * to {@code bucket/key}). It is also a Cluster Sharding entity id and a path under a peer's {@code
 * disk/files/}, so anything that could escape a folder or confuse a terminal is refused.
 */
public record FileName(@JsonValue String value) implements Comparable<FileName> {
  /** Room for an S3 bucket (at most 63 bytes), a '/' and an S3 key (at most 1,024 bytes). */
  public static final int MAX_BYTES = 1088;

  /** A segment becomes a file or folder name in a peer's {@code disk/files/}. */
  public static final int MAX_SEGMENT_BYTES = 255;

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
    if (value.indexOf('\\') >= 0) {
      return "bad file name '" + value + "': it must not contain '\\' (use --as NAME)";
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
    for (String segment : value.split("/", -1)) {
      if (segment.isEmpty()) {
        return "bad file name '"
            + value
            + "': '/' separates segments, none of which may be empty (no leading, trailing or"
            + " double '/')";
      }
      if (segment.equals(".") || segment.equals("..")) {
        return "bad file name '" + value + "': no segment may be '.' or '..'";
      }
      int segmentBytes = segment.getBytes(StandardCharsets.UTF_8).length;
      if (segmentBytes > MAX_SEGMENT_BYTES) {
        return "bad file name: a segment is "
            + segmentBytes
            + " bytes long, the limit is "
            + MAX_SEGMENT_BYTES;
      }
    }
    return null;
  }

  /** The segments of this name ({@code a/b/c}: a, b, c). */
  public List<String> segments() {
    return List.of(value.split("/"));
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
