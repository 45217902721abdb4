package jewel.node.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RegistryCacheTest {

  @Test
  void madeUpNamesCannotGrowItPastItsLimit() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    RegistryCache<String> cache =
        new RegistryCache<>(
            Duration.ofMinutes(1),
            name -> {
              asked.incrementAndGet();
              return CompletableFuture.completedFuture("unknown");
            },
            () -> 0L);
    for (int i = 0; i < RegistryCache.LIMIT * 2 + 5; i++) {
      cache.get("made-up-" + i).toCompletableFuture().get();
      assertTrue(cache.size() <= RegistryCache.LIMIT, "at " + i + ": " + cache.size());
    }
    int before = asked.get();
    String last = "made-up-" + (RegistryCache.LIMIT * 2 + 4);
    cache.get(last).toCompletableFuture().get();
    assertEquals(before, asked.get(), "what it kept is still answered from it");
  }
}
