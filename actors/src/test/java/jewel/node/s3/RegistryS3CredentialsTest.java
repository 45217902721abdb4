package jewel.node.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import jewel.api.S3KeyInfo;
import jewel.protocol.RegistryReply.S3KeyFound;
import org.junit.jupiter.api.Test;

/**
 * The S3 access keys a gateway checks signatures with: what the registry says, kept for {@code
 * jewel.api.token-cache}, and nothing for unknown, revoked or expired keys. The registry is a map
 * here, and the clocks are counters.
 */
class RegistryS3CredentialsTest {
  private static final String KEY = "JWLAAAAAAAAAAAAAAAAA";
  private static final String SECRET = "s".repeat(40);
  private static final long NOW = 1_800_000_000_000L;

  private final Map<String, S3KeyFound> registry = new HashMap<>();
  private final List<String> asked = new ArrayList<>();
  private final AtomicLong nanos = new AtomicLong();
  private final AtomicLong millis = new AtomicLong(NOW);

  private RegistryS3Credentials credentials(Duration fresh) {
    return new RegistryS3Credentials(
        key -> {
          asked.add(key);
          return CompletableFuture.completedFuture(
              registry.getOrDefault(key, new S3KeyFound(null, null)));
        },
        fresh,
        nanos::get,
        millis::get);
  }

  private void key(boolean readOnly, Long expiresAt, Long revokedAt) {
    registry.put(
        KEY, new S3KeyFound(new S3KeyInfo(KEY, readOnly, "", NOW, expiresAt, revokedAt), SECRET));
  }

  private static Optional<S3Credentials.Credential> find(RegistryS3Credentials c, String key)
      throws Exception {
    return c.find(key).toCompletableFuture().get();
  }

  @Test
  void aKeyIsAskedOnceAndTrustedForTheCacheTime() throws Exception {
    key(true, null, null);
    RegistryS3Credentials c = credentials(Duration.ofSeconds(5));
    assertEquals(Optional.of(new S3Credentials.Credential(KEY, SECRET, true)), find(c, KEY));
    nanos.addAndGet(Duration.ofSeconds(4).toNanos());
    key(true, null, NOW + 1); // revoked on another node: not heard of yet
    assertTrue(find(c, KEY).isPresent());
    assertEquals(List.of(KEY), asked);
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    assertEquals(Optional.empty(), find(c, KEY), "revoked, heard of after the cache time");
    assertEquals(List.of(KEY, KEY), asked);
  }

  @Test
  void unknownRevokedAndExpiredKeysAreEmpty() throws Exception {
    RegistryS3Credentials c = credentials(Duration.ZERO);
    assertEquals(Optional.empty(), find(c, KEY), "unknown");
    key(false, null, NOW + 10);
    assertEquals(Optional.empty(), find(c, KEY), "revoked");
    key(false, NOW + 60_000, null);
    assertEquals(Optional.of(new S3Credentials.Credential(KEY, SECRET, false)), find(c, KEY));
    millis.set(NOW + 60_000);
    assertEquals(Optional.empty(), find(c, KEY), "expired, by the clock");
    assertEquals(4, asked.size(), "a cache time of 0 asks every time");
  }

  @Test
  void expiryIsCheckedOnEveryRequestEvenFromTheCache() throws Exception {
    key(false, NOW + 1000, null);
    RegistryS3Credentials c = credentials(Duration.ofMinutes(1));
    assertTrue(find(c, KEY).isPresent());
    millis.set(NOW + 1000);
    assertEquals(Optional.empty(), find(c, KEY));
    assertEquals(1, asked.size());
  }

  @Test
  void aKeyRevokedHereIsForgottenAtOnce() throws Exception {
    key(false, null, null);
    RegistryS3Credentials c = credentials(Duration.ofMinutes(1));
    assertTrue(find(c, KEY).isPresent());
    key(false, null, NOW + 1);
    c.forget(KEY);
    assertEquals(Optional.empty(), find(c, KEY));
    assertEquals(2, asked.size());
  }
}
