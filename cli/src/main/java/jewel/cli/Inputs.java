package jewel.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jewel.api.FileName;
import jewel.api.JewelException;
import jewel.api.PeerId;
import jewel.api.SchemeSpec;
import jewel.schemes.SchemeCatalog;
import jewel.schemes.SchemeDefaults;
import jewel.schemes.SchemeRules;

/**
 * Checks of what a person typed, done before anything contacts the cluster. Each failure is a
 * {@link JewelException} with one line that says what was wrong.
 */
public final class Inputs {
  public static final int MAX_NODES = 100;
  private static final SchemeCatalog CATALOG = new SchemeCatalog(SchemeDefaults.STANDARD);

  private Inputs() {}

  public static FileName fileName(String text) {
    String problem = FileName.problem(text);
    if (problem != null) {
      throw new JewelException(problem);
    }
    return new FileName(text);
  }

  /** A name taken from a local file's name: the same rules, with a hint to pick another. */
  public static FileName derivedFileName(String text) {
    String problem = FileName.problem(text);
    if (problem != null) {
      throw new JewelException(
          problem.contains("--as")
              ? problem
              : problem + " (store it under another name with --as NAME)");
    }
    return new FileName(text);
  }

  /** A fraction in (0, 1], written {@code 0.1} or {@code 10%}. */
  public static double fraction(String text) {
    String t = text.trim();
    double f;
    try {
      f =
          t.endsWith("%")
              ? Double.parseDouble(t.substring(0, t.length() - 1).trim()) / 100
              : Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new JewelException("not a fraction: '" + text + "' (write it as 0.1 or 10%)");
    }
    if (!(f > 0 && f <= 1)) {
      throw new JewelException("a fraction must be in (0, 1], like 0.1 or 10%, not " + text);
    }
    return f;
  }

  /** A size like {@code 1GB}, {@code 500MiB}, {@code 64k} or {@code 1000} (bytes). */
  public static long size(String text) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?i)\\s*(\\d+(?:\\.\\d+)?)\\s*([kmgtp]?)(i?)b?\\s*")
            .matcher(text);
    if (!m.matches()) {
      throw new JewelException("not a size: '" + text + "' (write it like 500MB, 1GiB or 4096)");
    }
    double n = Double.parseDouble(m.group(1));
    int power =
        m.group(2).isEmpty()
            ? 0
            : "kmgtp".indexOf(m.group(2).toLowerCase(java.util.Locale.ROOT)) + 1;
    double unit = Math.pow(m.group(3).isEmpty() ? 1000 : 1024, power);
    double bytes = n * unit;
    if (bytes >= Long.MAX_VALUE) {
      throw new JewelException("size " + text + " is too large");
    }
    return (long) bytes;
  }

  /** A peer modifier: a number above 0, or {@code inf}. */
  public static double modifier(String text) {
    if (text.equalsIgnoreCase("inf") || text.equalsIgnoreCase("infinity")) {
      return Double.POSITIVE_INFINITY;
    }
    double m;
    try {
      m = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new JewelException("not a modifier: '" + text + "' (a number above 0, or inf)");
    }
    if (!(m > 0) || Double.isNaN(m)) {
      throw new JewelException("a modifier must be above 0 (or inf), not " + text);
    }
    return m;
  }

  /**
   * A duration written as a whole number and a unit, {@code s}, {@code m}, {@code h}, {@code d} or
   * {@code w} ({@code 90m}, {@code 30d}), in seconds; at least 1 s.
   */
  public static long durationSeconds(String text, String what) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\d{1,9})\\s*([smhdw])")
            .matcher(text == null ? "" : text.strip().toLowerCase(java.util.Locale.ROOT));
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new JewelException(
          what
              + " must be a duration like 30d, 12h or 90m (units s, m, h, d, w), not '"
              + text
              + "'");
    }
    long unit =
        switch (m.group(2)) {
          case "s" -> 1;
          case "m" -> 60;
          case "h" -> 3600;
          case "d" -> 86_400;
          default -> 7 * 86_400;
        };
    return Long.parseLong(m.group(1)) * unit;
  }

  public static PeerId peer(String text) {
    try {
      return new PeerId(text);
    } catch (IllegalArgumentException e) {
      throw new JewelException(e.getMessage());
    }
  }

  /** A count of nodes to start: 1..{@value #MAX_NODES}. */
  public static int nodes(int n, String what) {
    if (n < 1 || n > MAX_NODES) {
      throw new JewelException(what + " must be between 1 and " + MAX_NODES + ", got " + n);
    }
    return n;
  }

  /** The schemes this build knows, by id, in order. */
  public static List<SchemeRules> schemes() {
    return CATALOG.all();
  }

  public static boolean isSchemeId(String word) {
    return CATALOG.all().stream().anyMatch(s -> s.id().equals(word));
  }

  /**
   * Parses {@code ID k=V ...} and checks it against this build's schemes: an unknown id or
   * impossible parameters fail here, before the cluster is asked.
   */
  public static SchemeSpec scheme(String id, List<String> assignments) {
    SchemeSpec spec;
    try {
      spec = SchemeSpec.parse(id, assignments == null ? List.of() : assignments);
    } catch (IllegalArgumentException e) {
      throw new JewelException(e.getMessage());
    }
    check(spec);
    return spec;
  }

  /** {@code base} with {@code assignments} laid over its parameters, checked. */
  public static SchemeSpec override(SchemeSpec base, List<String> assignments) {
    SchemeSpec given;
    try {
      given = SchemeSpec.parse(base.id(), assignments);
    } catch (IllegalArgumentException e) {
      throw new JewelException(e.getMessage());
    }
    Map<String, String> merged = new TreeMap<>(base.params());
    merged.putAll(given.params());
    SchemeSpec spec = new SchemeSpec(base.id(), merged);
    check(spec);
    return spec;
  }

  /** How many live peers a store with {@code spec} (checked) places its blocks on. */
  public static int peersNeeded(SchemeSpec spec) {
    return CATALOG.get(spec.id()).peersNeeded(CATALOG.normalize(spec));
  }

  /** Impossible parameters (n=0, an unknown key) or an unknown id: one line. */
  public static void check(SchemeSpec spec) {
    try {
      CATALOG.normalize(spec);
    } catch (IllegalArgumentException e) {
      throw new JewelException(e.getMessage());
    }
  }

  static List<String> nonNull(List<String> list) {
    return list == null ? new ArrayList<>() : list;
  }
}
