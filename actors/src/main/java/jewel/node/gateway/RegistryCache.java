package jewel.node.gateway;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * What a gateway learnt from the registry about a credential (an API token, an S3 access key),
 * trusted for {@code fresh} ({@code jewel.api.token-cache}) before it asks again, so that a
 * revocation reaches every gateway within that time without a registry round trip per request.
 * Answers for unknown names are kept too, and at most {@link #LIMIT} names, so garbage cannot fill
 * it.
 */
public final class RegistryCache<V> {
  /** Names a cache keeps at most. */
  static final int LIMIT = 10_000;

  private record Learnt<V>(V value, long atNanos) {}

  private final Duration fresh;
  private final Function<String, CompletionStage<V>> lookup;
  private final LongSupplier nanos;
  private final Map<String, Learnt<V>> learnt = new ConcurrentHashMap<>();

  /**
   * @param lookup asks the registry about a name
   * @param nanos a monotonic clock
   */
  public RegistryCache(
      Duration fresh, Function<String, CompletionStage<V>> lookup, LongSupplier nanos) {
    this.fresh = fresh;
    this.lookup = lookup;
    this.nanos = nanos;
  }

  /** What the registry said of {@code name}, from the cache while it is fresh. */
  public CompletionStage<V> get(String name) {
    long now = nanos.getAsLong();
    Learnt<V> known = learnt.get(name);
    if (known != null && now - known.atNanos() < fresh.toNanos()) {
      return CompletableFuture.completedFuture(known.value());
    }
    return lookup
        .apply(name)
        .thenApply(
            value -> {
              if (learnt.size() >= LIMIT) {
                learnt.clear(); // crude, and rare: only a flood of made-up names fills it
              }
              if (!fresh.isZero()) {
                learnt.put(name, new Learnt<>(value, now));
              }
              return value;
            });
  }

  /** Forgets what was learnt of {@code name} (this node revoked it: no wait here). */
  public void forget(String name) {
    learnt.remove(name);
  }

  /** How many names are kept now. */
  int size() {
    return learnt.size();
  }
}
