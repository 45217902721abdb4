package jewel.node.s3;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Finds the secret of an S3 access key, as the registry keeps it (empty: unknown, revoked or
 * expired).
 */
public interface S3Credentials {

  record Credential(String accessKey, String secretKey, boolean readOnly) {
    /** Never the secret: a credential may end up in a log line. */
    @Override
    public String toString() {
      return "Credential[" + accessKey + (readOnly ? ", read-only]" : "]");
    }
  }

  CompletionStage<Optional<Credential>> find(String accessKey);
}
