package jewel.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * Which peers an experiment's trial takes down: each peer independently with its own probability
 * (one p for all, or 1 − its observed availability), drawn from one seeded generator in trial
 * order, one draw per peer, so the same seed, peers and probabilities give the same trials.
 */
final class DownSampler {
  private final SplittableRandom random;

  DownSampler(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /**
   * The peers of {@code peers} that go down in the next trial, in their order: each with
   * probability {@code down} of it (0: never, 1: always).
   */
  <T> List<T> next(List<T> peers, ToDoubleFunction<? super T> down) {
    List<T> gone = new ArrayList<>();
    for (T peer : peers) {
      if (random.nextDouble() < down.applyAsDouble(peer)) {
        gone.add(peer);
      }
    }
    return gone;
  }
}
