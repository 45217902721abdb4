package jewel.node.s3;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * Takes every request as signed, for the routes' tests until the SigV4 check is in: the caller is
 * the access key the Authorization header names, read-only when it starts with {@code readonly},
 * and the body passes through as it came (the clients run with plain, not aws-chunked, bodies).
 */
final class AcceptingAuthenticator implements S3Authenticator {
  private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)");

  @Override
  public CompletionStage<Authenticated> authenticate(HttpRequest request) {
    String key =
        request
            .getHeader("Authorization")
            .map(HttpHeader::value)
            .map(CREDENTIAL::matcher)
            .filter(Matcher::find)
            .map(m -> m.group(1))
            .orElse("anonymous");
    var entity = request.entity();
    ObjectStore.Body body =
        entity.getContentLengthOption().isPresent()
            ? new ObjectStore.Body(
                entity.getContentLengthOption().getAsLong(), null, entity.getDataBytes())
            : null;
    return CompletableFuture.completedFuture(
        new Authenticated(key, key.startsWith("readonly"), body));
  }
}
