package jewel.node.s3;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.LongSupplier;
import jewel.api.S3KeyInfo;
import jewel.node.gateway.RegistryCache;
import jewel.protocol.RegistryReply.S3KeyFound;

/**
 * The S3 access keys of the registry, as a gateway checking signatures sees them: asked of the
 * registry and then trusted for {@code jewel.api.token-cache} (so a revocation reaches every
 * gateway within that time, as for API tokens), expiry checked against the clock on every request.
 * An unknown, revoked or expired key is empty: the authenticator refuses it as S3 does, without
 * saying which.
 */
public final class RegistryS3Credentials implements S3Credentials {
  private final RegistryCache<S3KeyFound> learnt;
  private final LongSupplier millis;

  /**
   * @param lookup asks the registry for an access key
   * @param fresh how long an answer is trusted ({@code jewel.api.token-cache})
   * @param nanos a monotonic clock for the cache; {@code millis} the wall clock, for expiry
   */
  public RegistryS3Credentials(
      Function<String, CompletionStage<S3KeyFound>> lookup,
      Duration fresh,
      LongSupplier nanos,
      LongSupplier millis) {
    this.learnt = new RegistryCache<>(fresh, lookup, nanos);
    this.millis = millis;
  }

  @Override
  public CompletionStage<Optional<Credential>> find(String accessKey) {
    return learnt.get(accessKey).thenApply(this::usable);
  }

  private Optional<Credential> usable(S3KeyFound found) {
    S3KeyInfo key = found.key();
    if (key == null || key.revokedAtMillis() != null) {
      return Optional.empty();
    }
    if (key.expiresAtMillis() != null && millis.getAsLong() >= key.expiresAtMillis()) {
      return Optional.empty();
    }
    return Optional.of(new Credential(key.accessKey(), found.secretKey(), key.readOnly()));
  }

  /** Forgets what was learnt of {@code accessKey} (this node revoked it: no wait here). */
  public void forget(String accessKey) {
    learnt.forget(accessKey);
  }
}
