package jewel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DownSamplerTest {
  static final List<String> PEERS = List.of("peer-1", "peer-2", "peer-3", "peer-4", "peer-5");

  static List<List<String>> trials(long seed, double p, int count) {
    DownSampler sampler = new DownSampler(seed);
    List<List<String>> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      all.add(sampler.next(PEERS, p));
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
  void downPeersKeepTheirOrder() {
    for (List<String> t : trials(5, 0.5, 100)) {
      assertEquals(PEERS.stream().filter(t::contains).toList(), t);
    }
  }
}
