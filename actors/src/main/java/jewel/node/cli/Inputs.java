package jewel.node.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jewel.node.client.JewelException;
import jewel.protocol.FileName;
import jewel.protocol.PeerId;
import jewel.protocol.SchemeSpec;
import jewel.schemes.SchemeDefaults;
import jewel.schemes.Schemes;
import jewel.schemes.StorageScheme;

/**
 * Checks of what a person typed, done before anything contacts the cluster. Each failure
 * is a {@link JewelException} with one line that says what was wrong.
 */
public final class Inputs {
  public static final int MAX_NODES = 100;
  private static final Schemes CATALOG = new Schemes(SchemeDefaults.STANDARD);

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
      throw new JewelException(problem.contains("--as") ? problem : problem + " (store it under another name with --as NAME)");
    }
    return new FileName(text);
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
  public static List<StorageScheme> schemes() {
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
