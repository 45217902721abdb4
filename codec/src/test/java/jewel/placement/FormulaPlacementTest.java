package jewel.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import jewel.api.BlockId;
import jewel.api.PeerId;
import jewel.api.PeerSettings;
import org.junit.jupiter.api.Test;

/** A pinned whole block's copies go to the formula's peers, best rendezvous score first. */
class FormulaPlacementTest {
  private static final List<PeerId> TEN =
      IntStream.rangeClosed(1, 10).mapToObj(i -> new PeerId("peer-" + i)).toList();
  private static final BlockId BLOCK = new BlockId("a".repeat(64));

  private static List<PeerId> place(
      double fraction, Map<String, PeerSettings> settings, int copies) {
    return new FormulaPlacement(
            BLOCK, fraction, p -> settings.getOrDefault(p.name(), PeerSettings.DEFAULT))
        .place("f", Placement.positions("f", 1), copies, TEN)
        .get(0);
  }

  private static double score(PeerId p) {
    return RendezvousPlacement.score(FractionalPin.x(BLOCK, p, 0), 1.0);
  }

  @Test
  void copiesGoToTheFormulasPeersBestScoreFirstAndThenToTheBestOthers() {
    List<PeerId> chosen = FractionalPin.holders(BLOCK, 0, 0.3, TEN);
    List<PeerId> byScore =
        chosen.stream()
            .sorted(Comparator.comparingDouble(FormulaPlacementTest::score).reversed())
            .toList();
    assertTrue(
        !chosen.isEmpty() && chosen.size() < TEN.size(),
        "a fraction that picks some peers: " + chosen);

    assertEquals(byScore.subList(0, 1), place(0.3, Map.of(), 1));
    // More copies than the formula picks: the rest go to the best-scoring others.
    List<PeerId> all = place(0.3, Map.of(), chosen.size() + 1);
    assertEquals(byScore, all.subList(0, chosen.size()));
    PeerId bestOther =
        TEN.stream()
            .filter(p -> !chosen.contains(p))
            .max(Comparator.comparingDouble(FormulaPlacementTest::score))
            .orElseThrow();
    assertEquals(bestOther, all.get(chosen.size()));
  }

  @Test
  void greylistedPeersComeLastAndTrustedPeersAreAlwaysPicked() {
    PeerId best = place(0.3, Map.of(), 1).get(0);
    assertTrue(
        !place(0.3, Map.of(best.name(), PeerSettings.DEFAULT.withGreylisted(true)), 1)
            .contains(best));

    PeerId outsider =
        TEN.stream()
            .filter(p -> !FractionalPin.holders(BLOCK, 0, 0.3, TEN).contains(p))
            .findFirst()
            .orElseThrow();
    List<PeerId> withTrusted =
        place(
            0.3,
            Map.of(outsider.name(), PeerSettings.DEFAULT.withTrusted(true)),
            FractionalPin.holders(BLOCK, 0, 0.3, TEN).size() + 1);
    assertTrue(withTrusted.contains(outsider), withTrusted.toString());
  }

  @Test
  void badInputIsOneClearLine() {
    FormulaPlacement p = new FormulaPlacement(BLOCK, 0.5, x -> PeerSettings.DEFAULT);
    assertThrows(
        IllegalArgumentException.class, () -> p.place("f", Placement.positions("f", 2), 1, TEN));
    assertThrows(
        IllegalArgumentException.class, () -> p.place("f", Placement.positions("f", 1), 11, TEN));
  }
}
