package jewel.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A storage scheme id with its parameters, as a person types it: {@code naive n=3}, {@code
 * reedsolomon k=4 n=6}. Only the syntax is checked here; which ids and parameters exist, and their
 * defaults, belong to the schemes module.
 */
public record SchemeSpec(String id, Map<String, String> params) {
  private static final Pattern ID = Pattern.compile("[a-z][a-z0-9]*");
  private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9-]*");

  public SchemeSpec {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException("not a scheme id: '" + id + "' (try: schemes)");
    }
    params = Map.copyOf(params == null ? Map.of() : params);
  }

  public static SchemeSpec of(String id) {
    return new SchemeSpec(id, Map.of());
  }

  /** Parses {@code ID [key=value ...]}, the form the shell and the configuration use. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static SchemeSpec parse(String text) {
    String[] words = text.trim().split("\\s+");
    return parse(words[0], java.util.Arrays.asList(words).subList(1, words.length));
  }

  public static SchemeSpec parse(String id, Iterable<String> assignments) {
    Map<String, String> params = new TreeMap<>();
    for (String a : assignments) {
      int eq = a.indexOf('=');
      if (eq <= 0 || eq == a.length() - 1) {
        throw new IllegalArgumentException(
            "bad scheme parameter '" + a + "': write it as key=value, like n=3");
      }
      String key = a.substring(0, eq);
      if (!KEY.matcher(key).matches()) {
        throw new IllegalArgumentException("bad scheme parameter name '" + key + "'");
      }
      params.put(key, a.substring(eq + 1));
    }
    return new SchemeSpec(id, params);
  }

  public SchemeSpec with(String key, String value) {
    Map<String, String> copy = new TreeMap<>(params);
    copy.put(key, value);
    return new SchemeSpec(id, copy);
  }

  /** The integer parameter {@code key}, or {@code fallback} when it is absent. */
  public int intParam(String key, int fallback) {
    String v = params.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "scheme parameter " + key + "=" + v + " is not a whole number");
    }
  }

  /** {@code ID key=value ...}, what {@link #parse} reads: also the JSON form. */
  @JsonValue
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(id);
    new TreeMap<>(params).forEach((k, v) -> s.append(' ').append(k).append('=').append(v));
    return s.toString();
  }
}
