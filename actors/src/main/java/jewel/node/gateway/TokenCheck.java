package jewel.node.gateway;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.LongSupplier;
import jewel.api.ApiToken;
import jewel.api.JewelException;
import jewel.api.TokenInfo;
import jewel.protocol.RegistryReply.TokenFound;

/**
 * Who sends a request, from its {@code Authorization: Bearer TOKEN} header: the admin token of the
 * home (its hash from {@link ApiSettings#adminTokenHash}), or a token of the registry, which this
 * gateway asks about and then trusts for {@link ApiSettings#tokenCache} (so a revocation reaches
 * every gateway within that time). Secrets are compared as hashes, in constant time; expiry is
 * checked on every request against the clock. Every refusal is one line, of kind {@link
 * JewelException.Kind#UNAUTHORIZED}, that never repeats the token.
 */
public final class TokenCheck {
  /** Who a request comes from: a token's id and whether it may only read. */
  public record Caller(String tokenId, boolean readOnly) {
    /** The caller of every request when tokens are not required. */
    static final Caller ANYONE = new Caller("none", false);
  }

  private final ApiSettings settings;
  private final RegistryCache<TokenFound> learnt;
  private final LongSupplier millis;

  /**
   * @param lookup asks the registry for a token by id
   * @param nanos a monotonic clock for the cache; {@code millis} the wall clock, for expiry
   */
  public TokenCheck(
      ApiSettings settings,
      Function<String, CompletionStage<TokenFound>> lookup,
      LongSupplier nanos,
      LongSupplier millis) {
    this.settings = settings;
    this.learnt = new RegistryCache<>(settings.tokenCache(), lookup, nanos);
    this.millis = millis;
  }

  /** The caller whose token the {@code Authorization} header carries, or a refusal. */
  public CompletionStage<Caller> caller(Optional<String> authorization) {
    if (!settings.requireToken()) {
      return CompletableFuture.completedFuture(Caller.ANYONE);
    }
    ApiToken token;
    try {
      token = bearer(authorization);
    } catch (JewelException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (token.id().equals(ApiToken.ADMIN_ID)) {
      if (settings.adminTokenHash() != null && token.matches(settings.adminTokenHash())) {
        return CompletableFuture.completedFuture(new Caller(ApiToken.ADMIN_ID, false));
      }
      return CompletableFuture.failedFuture(unknown(token.id()));
    }
    return learnt.get(token.id()).thenApply(found -> caller(token, found));
  }

  /** The token in the header, or one line saying what is wrong with the header. */
  private static ApiToken bearer(Optional<String> authorization) {
    if (authorization.isEmpty() || authorization.get().isBlank()) {
      throw refused(
          "no token: this API needs the header Authorization: Bearer TOKEN"
              + " (the command line sends --token, JEWEL_TOKEN or HOME/admin-token)");
    }
    String value = authorization.get().strip();
    int space = value.indexOf(' ');
    if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Bearer")) {
      throw refused("the Authorization header must be: Bearer TOKEN");
    }
    try {
      return ApiToken.parse(value.substring(space + 1));
    } catch (IllegalArgumentException e) {
      throw refused(e.getMessage());
    }
  }

  private Caller caller(ApiToken token, TokenFound found) {
    TokenInfo info = found.token();
    if (info == null || !token.matches(found.secretHash())) {
      throw unknown(token.id());
    }
    if (info.revokedAtMillis() != null) {
      throw refused(
          "token "
              + info.id()
              + " was revoked at "
              + Instant.ofEpochMilli(info.revokedAtMillis())
              + ": ask for a new one (token create)");
    }
    if (info.expiresAtMillis() != null && millis.getAsLong() >= info.expiresAtMillis()) {
      throw refused(
          "token "
              + info.id()
              + " expired at "
              + Instant.ofEpochMilli(info.expiresAtMillis())
              + ": ask for a new one (token create)");
    }
    return new Caller(info.id(), info.readOnly());
  }

  /** Forgets what this gateway learnt of token {@code id} (it revoked it: no wait here). */
  public void forget(String id) {
    learnt.forget(id);
  }

  private static JewelException unknown(String id) {
    return refused(
        "unknown token: no token "
            + id
            + " with that secret (token ls lists the tokens; token create makes one)");
  }

  private static JewelException refused(String line) {
    return new JewelException(line, JewelException.Kind.UNAUTHORIZED);
  }
}
