package jewel.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import jewel.api.BlockId;
import jewel.api.PeerId;
import jewel.api.PeerSettings;

/**
 * Where the copies of one block whose id is known before it is stored go under a fractional pin: to
 * the peers the pin's formula picks, highest rendezvous score first, so that the writer's uploads
 * land where the block is meant to stay and nobody fetches it from a peer that will drop it. If the
 * formula picks fewer peers than copies are wanted, the rest go to the best-scoring other peers
 * (they hand the block on and drop it, by the pin's rules). Greylisted peers come last. A block's
 * id is its SHA-256, so this serves whole-file schemes whose writer hashed the file first; shards
 * and jewels get their ids only as they stream.
 *
 * @param block the block's id
 * @param fraction the pin's fraction in force
 * @param settings each peer's settings (modifier, trust, greylisting)
 */
public record FormulaPlacement(
    BlockId block, double fraction, Function<PeerId, PeerSettings> settings) implements Placement {

  @Override
  public List<List<PeerId>> place(String key, List<BlockId> blocks, int copies, List<PeerId> live) {
    if (blocks.size() != 1) {
      throw new IllegalArgumentException(
          "a formula placement places one whole block, not " + blocks.size());
    }
    if (copies <= 0 || copies > live.size()) {
      throw new IllegalArgumentException(
          copies
              + " copies need at least "
              + copies
              + " live peers, and "
              + live.size()
              + " are live");
    }
    List<PeerId> ranked = new ArrayList<>(live);
    ranked.sort(
        Comparator.comparingInt(this::rank)
            .thenComparing(
                Comparator.comparingDouble(
                        (PeerId p) -> RendezvousPlacement.score(FractionalPin.x(block, p, 0), 1.0))
                    .reversed())
            .thenComparing(Comparator.naturalOrder()));
    return List.of(List.copyOf(ranked.subList(0, copies)));
  }

  /** 0: the formula picks it; 1: it does not; 2: greylisted. */
  private int rank(PeerId p) {
    PeerSettings s = settings.apply(p);
    if (s.greylisted()) {
      return 2;
    }
    return s.trusted() || FractionalPin.holds(block, p, 0, fraction, s.modifier()) ? 0 : 1;
  }
}
