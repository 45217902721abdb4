package jewel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DownSamplerTest {
  static final List<String> PEERS = List.of("peer-1", "peer-2", "peer-3", "peer-4", "peer-5");

  static List<List<String>> trials(long seed, double p, int count) {
    DownSampler sampler = new DownSampler(seed);
    List<List<String>> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      all.add(sampler.next(PEERS, peer -> p));
    }
    return all;
  }

  @Test
  void theSameSeedGivesTheSameTrialsAndAnotherSeedOthers() {
    assertEquals(trials(42, 0.25, 50), trials(42, 0.25, 50));
    assertNotEquals(trials(42, 0.25, 50), trials(43, 0.25, 50));
  }

  @Test
  void pZeroTakesNobodyDownAndEachPeerGoesDownAboutPOfTheTime() {
    assertTrue(trials(1, 0, 100).stream().allMatch(List::isEmpty));
    List<List<String>> many = trials(1, 0.25, 20_000);
    for (String peer : PEERS) {
      long down = many.stream().filter(t -> t.contains(peer)).count();
      // 20,000 Bernoulli(0.25): standard deviation about 61; 5 of them is 306.
      assertTrue(Math.abs(down - 5_000) < 306, peer + " down " + down + " times");
    }
    // Independent peers: both of two given peers down about p² of the time.
    long both = many.stream().filter(t -> t.contains("peer-1") && t.contains("peer-2")).count();
    assertTrue(Math.abs(both - 1_250) < 5 * 34, "both down " + both + " times");
  }

  @Test
  void eachPeerGoesDownWithItsOwnProbability() {
    DownSampler sampler = new DownSampler(9);
    Map<String, Double> down =
        Map.of("peer-1", 0.0, "peer-2", 1.0, "peer-3", 0.5, "peer-4", 0.0, "peer-5", 1.0);
    int peer3 = 0;
    for (int i = 0; i < 2_000; i++) {
      List<String> t = sampler.next(PEERS, down::get);
      assertTrue(t.contains("peer-2") && t.contains("peer-5"), "probability 1: always " + t);
      assertTrue(!t.contains("peer-1") && !t.contains("peer-4"), "probability 0: never " + t);
      peer3 += t.contains("peer-3") ? 1 : 0;
    }
    // 2,000 Bernoulli(0.5): standard deviation about 22; 5 of them is 112.
    assertTrue(Math.abs(peer3 - 1_000) < 112, "peer-3 down " + peer3 + " times");
  }

  @Test
  void downPeersKeepTheirOrder() {
    for (List<String> t : trials(5, 0.5, 100)) {
      assertEquals(PEERS.stream().filter(t::contains).toList(), t);
    }
  }
}
