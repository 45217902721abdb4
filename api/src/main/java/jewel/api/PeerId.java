package jewel.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/**
 * A node's stable name ({@code peer-3}, {@code seed}). Names, not addresses, identify peers: a peer
 * revived on the same disk keeps its name, and fractional placement hashes it.
 */
public record PeerId(@JsonValue String name) implements Comparable<PeerId> {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public PeerId {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "not a peer name: '"
              + name
              + "' (use lowercase letters, digits, '-' or '_', like peer-3)");
    }
  }

  @Override
  public int compareTo(PeerId other) {
    // peer-2 before peer-10: compare a trailing number numerically.
    String a = name, b = other.name;
    int ia = trailingDigits(a), ib = trailingDigits(b);
    int c = a.substring(0, ia).compareTo(b.substring(0, ib));
    if (c != 0 || ia == a.length() || ib == b.length()) {
      return c != 0 ? c : a.compareTo(b);
    }
    int byNumber = Long.compare(Long.parseLong(a.substring(ia)), Long.parseLong(b.substring(ib)));
    return byNumber != 0 ? byNumber : a.compareTo(b);
  }

  private static int trailingDigits(String s) {
    int i = s.length();
    while (i > 0 && Character.isDigit(s.charAt(i - 1)) && s.length() - i < 18) {
      i--;
    }
    return i;
  }

  // Written out: a record's generated equals and hashCode link through java.lang.invoke on
  // their first call, a sizeable part of a one-shot command that sets peers apart (ls, status).
  @Override
  public boolean equals(Object o) {
    return o instanceof PeerId p && name.equals(p.name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
