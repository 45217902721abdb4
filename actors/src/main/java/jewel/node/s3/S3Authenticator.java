package jewel.node.s3;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * Checks a request's AWS Signature Version 4 (header or presigned URL) and hands the routes its
 * body in the clear: aws-chunked bodies decoded, each chunk's signature checked as it arrives.
 * Fails with an {@link S3Exception} (AccessDenied, InvalidAccessKeyId, SignatureDoesNotMatch,
 * RequestTimeTooSkewed, AuthorizationHeaderMalformed, …).
 */
public interface S3Authenticator {

  /**
   * Whose key signed the request, whether it may only read, and its body (null when the request has
   * none).
   */
  record Authenticated(String accessKey, boolean readOnly, ObjectStore.Body body) {}

  CompletionStage<Authenticated> authenticate(HttpRequest request);
}
