package jewel.node.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import jewel.api.ApiToken;
import jewel.api.JewelException;
import jewel.api.TokenInfo;
import jewel.node.NodeSettings;
import jewel.protocol.RegistryReply.TokenFound;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who a request's token says it comes from, against a registry in a map and clocks the test moves:
 * each bad token refused with its own line, the cache of what the registry said, and the settings
 * that decide whether the API may bind at all.
 */
class TokenCheckTest {
  private static final long NOW = 1_800_000_000_000L;

  private final ApiToken admin = ApiToken.generate(ApiToken.ADMIN_ID);
  private final Map<String, TokenFound> registry = new HashMap<>();
  private final AtomicLong asked = new AtomicLong();
  private final AtomicLong nanos = new AtomicLong();
  private final AtomicLong millis = new AtomicLong(NOW);

  private TokenCheck check(Duration cache) {
    ApiSettings settings = new ApiSettings("127.0.0.1", 0, true, admin.hash(), cache, false);
    return new TokenCheck(
        settings,
        id -> {
          asked.incrementAndGet();
          return CompletableFuture.completedFuture(
              registry.getOrDefault(id, new TokenFound(null, null)));
        },
        nanos::get,
        millis::get);
  }

  private ApiToken made(String id, boolean readOnly, Long expiresAt) {
    ApiToken token = ApiToken.generate(id);
    registry.put(
        id, new TokenFound(new TokenInfo(id, readOnly, "", NOW, expiresAt, null), token.hash()));
    return token;
  }

  private static TokenCheck.Caller caller(TokenCheck check, String header) {
    return check.caller(Optional.ofNullable(header)).toCompletableFuture().join();
  }

  private static String refusal(TokenCheck check, String header) {
    CompletionException e =
        assertThrows(
            CompletionException.class,
            () -> check.caller(Optional.ofNullable(header)).toCompletableFuture().join());
    JewelException j = (JewelException) e.getCause();
    assertEquals(JewelException.Kind.UNAUTHORIZED, j.kind());
    assertTrue(header == null || !j.getMessage().contains(header.substring(7)), "never echoed");
    return j.getMessage();
  }

  @Test
  void theAdminTokenWorksWithoutTheRegistry() {
    TokenCheck check = check(Duration.ofSeconds(5));
    assertEquals(new TokenCheck.Caller("admin", false), caller(check, "Bearer " + admin));
    assertEquals(new TokenCheck.Caller("admin", false), caller(check, "bearer  " + admin));
    assertEquals(0, asked.get());
    assertEquals(
        "unknown token: no token admin with that secret (token ls lists the tokens;"
            + " token create makes one)",
        refusal(check, "Bearer " + ApiToken.generate("admin")));
  }

  @Test
  void eachBadTokenHasItsOwnLine() {
    TokenCheck check = check(Duration.ofSeconds(5));
    ApiToken expired = made("t1", false, NOW + 1000);
    ApiToken revoked = made("t2", true, null);
    registry.put(
        "t2",
        new TokenFound(new TokenInfo("t2", true, "", NOW, null, NOW - 60_000), revoked.hash()));
    assertEquals(
        "no token: this API needs the header Authorization: Bearer TOKEN"
            + " (the command line sends --token, JEWEL_TOKEN or HOME/admin-token)",
        refusal(check, null));
    assertEquals(
        "the Authorization header must be: Bearer TOKEN", refusal(check, "Basic dXNlcjpwdw=="));
    assertEquals(
        "not a Jewel token: one looks like jewel_t1_ followed by 64 hex digits",
        refusal(check, "Bearer jewel_t1_abc"));
    assertEquals(
        "unknown token: no token t9 with that secret (token ls lists the tokens;"
            + " token create makes one)",
        refusal(check, "Bearer " + ApiToken.generate("t9")));
    assertEquals(
        "unknown token: no token t1 with that secret (token ls lists the tokens;"
            + " token create makes one)",
        refusal(check, "Bearer " + new ApiToken("t1", ApiToken.newSecret())));
    assertEquals(
        "token t2 was revoked at 2027-01-15T07:59:00Z: ask for a new one (token create)",
        refusal(check, "Bearer " + revoked));

    assertEquals(new TokenCheck.Caller("t1", false), caller(check, "Bearer " + expired));
    millis.addAndGet(1000); // expiry is checked on every request, cache or not
    assertEquals(
        "token t1 expired at 2027-01-15T08:00:01Z: ask for a new one (token create)",
        refusal(check, "Bearer " + expired));
  }

  @Test
  void whatTheRegistrySaidIsTrustedForTheCacheTimeOnly() {
    TokenCheck check = check(Duration.ofSeconds(5));
    ApiToken token = made("t1", true, null);
    assertEquals(new TokenCheck.Caller("t1", true), caller(check, "Bearer " + token));
    caller(check, "Bearer " + token);
    assertEquals(1, asked.get(), "the second request used the cache");

    registry.put(
        "t1", new TokenFound(new TokenInfo("t1", true, "", NOW, null, NOW + 10), token.hash()));
    nanos.addAndGet(Duration.ofSeconds(5).toNanos() - 1);
    assertEquals(new TokenCheck.Caller("t1", true), caller(check, "Bearer " + token));
    nanos.addAndGet(1);
    assertTrue(refusal(check, "Bearer " + token).startsWith("token t1 was revoked at "));
    assertEquals(2, asked.get());

    TokenCheck forgetting = check(Duration.ofSeconds(5));
    ApiToken other = made("t3", false, null);
    caller(forgetting, "Bearer " + other);
    forgetting.forget("t3");
    caller(forgetting, "Bearer " + other);
    assertEquals(4, asked.get(), "forgotten: asked again");

    TokenCheck uncached = check(Duration.ZERO);
    caller(uncached, "Bearer " + other);
    caller(uncached, "Bearer " + other);
    assertEquals(6, asked.get(), "token-cache = 0s asks every time");
  }

  @Test
  void withoutRequiredTokensEveryoneIsAdmin() {
    TokenCheck open =
        new TokenCheck(
            new ApiSettings("127.0.0.1", 0, false, null, Duration.ofSeconds(5), false),
            id -> {
              throw new AssertionError("no registry needed");
            },
            nanos::get,
            millis::get);
    assertEquals(false, caller(open, null).readOnly());
  }

  @Test
  void anAddressOtherMachinesReachNeedsTokensAndTls() {
    for (String loopback : List.of("127.0.0.1", "localhost", "::1")) {
      new ApiSettings(loopback, 0, false, null, Duration.ZERO, false).checkExposure();
    }
    new ApiSettings("0.0.0.0", 0, true, null, Duration.ZERO, true).checkExposure();
    IllegalArgumentException open =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ApiSettings("0.0.0.0", 0, true, null, Duration.ZERO, false).checkExposure());
    assertEquals(
        "jewel.api.host = 0.0.0.0 is reachable from other machines: the API binds it only with"
            + " jewel.api.require-token = on and jewel.api.tls = on (now on and off), else bind"
            + " 127.0.0.1",
        open.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new ApiSettings("10.1.2.3", 0, false, null, Duration.ZERO, true).checkExposure());
  }

  @Test
  void theAdminHashFileIsReadAndCheckedAtStart(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("admin-token.sha256"), admin.hash() + "\n");
    ApiSettings settings =
        ApiSettings.from(
            ConfigFactory.parseMap(Map.of("jewel.api.admin-token-hash-file", file.toString()))
                .withFallback(NodeSettings.load()));
    assertEquals(admin.hash(), settings.adminTokenHash());
    assertTrue(settings.requireToken(), "tokens are required by default");
    assertEquals(Duration.ofSeconds(5), settings.tokenCache());

    Files.writeString(file, "not a hash\n");
    IllegalArgumentException bad =
        assertThrows(IllegalArgumentException.class, () -> ApiSettings.adminTokenHash(file));
    assertTrue(
        bad.getMessage().contains("does not hold a SHA-256 (64 hex digits)"), bad.getMessage());
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> ApiSettings.adminTokenHash(dir.resolve("nowhere")));
    assertTrue(
        missing.getMessage().endsWith(" does not exist: ./jewel up writes HOME/admin-token.sha256"),
        missing.getMessage());
  }
}
