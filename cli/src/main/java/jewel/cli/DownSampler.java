package jewel.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which peers an experiment's trial takes down: each peer independently with probability p, drawn
 * from one seeded generator in trial order, so the same seed, peers and p give the same trials.
 */
final class DownSampler {
  private final SplittableRandom random;

  DownSampler(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** The peers of {@code peers} that go down in the next trial, in their order. */
  <T> List<T> next(List<T> peers, double p) {
    List<T> down = new ArrayList<>();
    for (T peer : peers) {
      if (random.nextDouble() < p) {
        down.add(peer);
      }
    }
    return down;
  }
}
