package jewel.schemes;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import jewel.api.PeerId;
import jewel.api.StoredBlock;

/** Which holders of a block a read may use, and how to name a block that cannot be read. */
final class Holders {
  private Holders() {}

  /** The holders of {@code block} that are live and not known to hold a corrupt copy, in order. */
  static List<PeerId> readable(StoredBlock block, Set<PeerId> live, VerifyingTransport transport) {
    return block.holders().stream()
        .filter(live::contains)
        .filter(p -> !transport.excluded(block.id(), p))
        .collect(Collectors.toList());
  }

  /**
   * "jewel 1 (3fa2b1c0a1b2…) on peer-2 and peer-4 (corrupted)": the block and where it is, {@code
   * where} being "on" or "held by".
   */
  static String describe(
      String noun, StoredBlock block, String where, VerifyingTransport transport) {
    String holders =
        block.holders().isEmpty()
            ? "no peer"
            : block.holders().stream()
                .map(p -> p.name() + (transport.excluded(block.id(), p) ? " (corrupted)" : ""))
                .collect(Collectors.joining(" and "));
    return noun
        + " "
        + block.index()
        + " ("
        + block.id().shortHex()
        + "…) "
        + where
        + " "
        + holders;
  }

  static String plural(int count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }
}
