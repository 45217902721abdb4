package jewel.schemes;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import jewel.protocol.PeerId;
import jewel.protocol.SchemeSpec;

/** Checks of scheme parameters, with messages a person can act on. */
final class Params {
  private Params() {}

  static void allowOnly(SchemeSpec spec, Set<String> allowed) {
    Set<String> unknown = new TreeSet<>(spec.params().keySet());
    unknown.removeAll(allowed);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "scheme " + spec.id() + " has no parameter " + String.join(", ", unknown)
              + (allowed.isEmpty() ? " (it takes none)" : " (it takes " + String.join(", ", new TreeSet<>(allowed)) + ")"));
    }
  }

  static void check(boolean ok, String problem) {
    if (!ok) {
      throw new IllegalArgumentException(problem);
    }
  }

  static String names(Collection<PeerId> peers) {
    return peers.stream().map(PeerId::name).collect(Collectors.joining(", "));
  }
}
