package jewel.node.pins;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import jewel.api.PeerId;

/**
 * The failed audits that count against each peer, and fade: a failure counts for {@code memory}
 * ({@code jewel.pins.audit-failure-memory}) and is then forgotten, and each audit the peer passes
 * forgives its oldest failure still counted. The scan greylists a peer when the failures that count
 * against it reach {@code audit-failures-to-greylist}: a peer that keeps failing gets there, one
 * with a blip long ago, or that has passed audits since, does not.
 *
 * <p>Times are {@link System#nanoTime()} readings, given by the caller. Used by one actor only.
 */
final class AuditFailures {
  private final long memoryNanos;
  private final Map<PeerId, Deque<Long>> failures = new HashMap<>(); // per peer, oldest first

  AuditFailures(Duration memory) {
    this.memoryNanos = memory.toNanos();
  }

  /**
   * Counts a failed audit of {@code peer} at {@code now}; returns how many count against it now.
   */
  int failed(PeerId peer, long now) {
    Deque<Long> times = counted(peer, now);
    times.addLast(now);
    return times.size();
  }

  /** {@code peer} passed an audit at {@code now}: its oldest failure still counted is forgiven. */
  void passed(PeerId peer, long now) {
    counted(peer, now).pollFirst();
    failures.values().removeIf(Deque::isEmpty);
  }

  /**
   * Forgets every failure of {@code peer} (it was greylisted: after an ungreylist it starts
   * afresh).
   */
  void forget(PeerId peer) {
    failures.remove(peer);
  }

  /** The peer's failures, oldest first, once those older than the memory are dropped. */
  private Deque<Long> counted(PeerId peer, long now) {
    Deque<Long> times = failures.computeIfAbsent(peer, p -> new ArrayDeque<>());
    while (!times.isEmpty() && now - times.peekFirst() >= memoryNanos) {
      times.pollFirst();
    }
    return times;
  }
}
