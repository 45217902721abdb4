package jewel.placement;

import static jewel.placement.RoundRobinPlacementTest.ids;
import static jewel.placement.RoundRobinPlacementTest.peers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import jewel.api.PeerId;
import org.junit.jupiter.api.Test;

class RedundancyTest {
  static void check(Redundancy r, double d, int survives, int minUp) {
    assertEquals(d, r.d(), 1e-12, "D");
    assertEquals(survives, r.survivesFailures(), "survives");
    assertEquals(minUp, r.minPeersUp(), "min peers up");
  }

  @Test
  void naiveThreeCopies() {
    check(Redundancy.wholeCopies(peers(3)), 3, 2, 1);
    check(Redundancy.wholeCopies(peers(1)), 1, 0, 1); // hosting
  }

  @Test
  void threeShardsOnThreePeers() {
    check(Redundancy.shards(RoundRobinPlacement.stripe(peers(3), 3, 1, 0)), 1, 0, 3);
  }

  @Test
  void shardShardThreeByTwoRoundRobinOnThreePeers() {
    // [1,2],[2,3],[3,1]: any one peer may go; two down always take a shard's both copies.
    check(Redundancy.shards(RoundRobinPlacement.stripe(peers(3), 3, 2, 0)), 2, 1, 2);
  }

  @Test
  void shardShardOnOnePeerTooFewSurvivesNothing() {
    // Striping that put every copy of shard 0 on one peer: losing it loses the file.
    check(Redundancy.shards(List.of(ids(1), ids(2, 3), ids(3, 2))), 5.0 / 3, 0, 2);
  }

  @Test
  void parityThreePlusOneOnFourPeers() {
    check(Redundancy.kOfN(RoundRobinPlacement.stripe(peers(4), 4, 1, 0), 3), 4.0 / 3, 1, 3);
  }

  @Test
  void reedSolomonThreeOfFiveOnFivePeers() {
    check(Redundancy.kOfN(RoundRobinPlacement.stripe(peers(5), 5, 1, 0), 3), 5.0 / 3, 2, 3);
  }

  @Test
  void reedSolomonWrappedOnFewerPeersThanJewels() {
    // 6 jewels, any 4, on 3 peers (two each): losing one peer loses 2 jewels, still 4 left.
    check(Redundancy.kOfN(RoundRobinPlacement.stripe(peers(3), 6, 1, 0), 4), 6.0 / 4, 1, 2);
  }

  @Test
  void groupsWithRealSizes() {
    // Two blocks of a 10-byte file: block A whole on peers 1,2 (6 bytes); block B as 2 of 3
    // jewels of 2 bytes on peers 3,4,5. D = (12 + 6) / 10.
    Redundancy r =
        Redundancy.analyze(
            List.of(
                new Redundancy.Group(List.of(ids(1, 2)), 1, 6),
                new Redundancy.Group(List.of(ids(3), ids(4), ids(5)), 2, 2)),
            10);
    check(r, 1.8, 1, 3);
    assertTrue(r.exact());
  }

  @Test
  void unreadablePlacementSaysSo() {
    Redundancy r = Redundancy.shards(List.of(ids(1), List.of()));
    assertEquals(-1, r.survivesFailures());
    assertFalse(r.readable());
  }

  @Test
  void manyPeersUseTheDocumentedBounds() {
    // Reed-Solomon 10 of 30 on 30 peers: no peer holds two jewels, so the bounds are exact.
    Redundancy rs = Redundancy.kOfN(RoundRobinPlacement.stripe(peers(30), 30, 1, 0), 10);
    check(rs, 3, 20, 10);
    assertTrue(rs.exact());
    Redundancy naive = Redundancy.wholeCopies(peers(25));
    check(naive, 25, 24, 1);
    assertTrue(naive.exact());
    // Striped shards with 3 copies over 40 peers: a shard dies with its 3 holders (exact); to
    // read, every window of 3 consecutive peers needs one up, at least 14, and greedy finds some.
    Redundancy striped = Redundancy.shards(RoundRobinPlacement.stripe(peers(40), 50, 3, 0));
    assertEquals(3, striped.d(), 1e-12);
    assertEquals(2, striped.survivesFailures());
    assertTrue(striped.minPeersUp() >= 14 && striped.minPeersUp() <= 20, "" + striped);
    assertFalse(striped.exact());
  }

  @Test
  void boundsAgreeWithExhaustiveSearch() {
    Random rnd = new Random(7);
    for (int trial = 0; trial < 300; trial++) {
      int n = 2 + rnd.nextInt(9);
      int pieces = 1 + rnd.nextInt(8);
      List<List<PeerId>> holders = new ArrayList<>();
      for (int i = 0; i < pieces; i++) {
        List<PeerId> all = new ArrayList<>(peers(n));
        java.util.Collections.shuffle(all, rnd);
        holders.add(all.subList(0, 1 + rnd.nextInt(Math.min(3, n))));
      }
      List<Redundancy.Group> g = List.of(new Redundancy.Group(holders, 1 + rnd.nextInt(pieces), 1));
      Redundancy exact = Redundancy.analyze(g, 1, false);
      Redundancy bound = Redundancy.analyze(g, 1, true);
      assertTrue(bound.survivesFailures() <= exact.survivesFailures(), "survives is a lower bound");
      assertTrue(bound.minPeersUp() >= exact.minPeersUp(), "min peers up is an upper bound");
      if (bound.exact()) {
        assertEquals(
            exact,
            new Redundancy(
                bound.d(), bound.survivesFailures(), bound.minPeersUp(), bound.peers(), true));
      }
    }
  }

  @Test
  void badInputIsOneClearLine() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Redundancy.kOfN(List.of(ids(1), ids(2)), 3));
    assertTrue(e.getMessage().contains("cannot need 3"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Redundancy.shards(List.of(ids(1, 1))));
  }
}
