package jewel.node.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a peer's data channel plays dead: while isolated it refuses every block read and write at
 * once, yet the node stays a cluster member, so nobody downs it, repair sees no holder down, and a
 * read moves on to the next holder without waiting for a timeout. The {@code experiment} command
 * takes peers "down" this way. An isolation always ends by itself at its deadline, so a client that
 * dies without restoring the peer leaves it isolated for that long at most.
 */
public final class Isolation {
  /** The longest one isolation may last. */
  public static final Duration MAX = Duration.ofHours(1);

  private final String node;
  private final Clock clock;
  private volatile Instant until = Instant.MIN;

  public Isolation(String node, Clock clock) {
    this.node = node;
    this.clock = clock;
  }

  /** Refuses block traffic from now until {@code duration} has passed (or {@link #restore()}). */
  public Instant isolateFor(Duration duration) {
    if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX) > 0) {
      throw new IllegalArgumentException(
          "an isolation lasts more than 0 s and at most " + MAX.toSeconds() + " s");
    }
    Instant end = clock.instant().plus(duration);
    until = end;
    return end;
  }

  /** Serves block traffic again. */
  public void restore() {
    until = Instant.MIN;
  }

  /** When the isolation ends, or empty when the node is not isolated. */
  public Optional<Instant> until() {
    Instant end = until;
    return clock.instant().isBefore(end) ? Optional.of(end) : Optional.empty();
  }

  /** The reason to refuse a block request now, or empty when the node serves. */
  Optional<String> refusal() {
    return until().map(end -> node + " is isolated (an experiment takes it down) until " + end);
  }
}
