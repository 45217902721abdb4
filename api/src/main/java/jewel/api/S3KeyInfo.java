package jewel.api;

/**
 * An S3 access key as {@code s3 key ls} shows it: never its secret.
 *
 * @param accessKey its access key id ({@code JWL…}, 20 characters): what names it ({@code s3 key
 *     revoke KEY}) and what S3 clients send
 * @param readOnly true if it may only read (GET and HEAD), false if it may also write and delete
 * @param label what its maker said it is for (empty if nothing)
 * @param createdAtMillis when it was made (epoch ms)
 * @param expiresAtMillis when it stops working (epoch ms), or null: never
 * @param revokedAtMillis when it was revoked (epoch ms), or null: it was not
 */
public record S3KeyInfo(
    String accessKey,
    boolean readOnly,
    String label,
    long createdAtMillis,
    Long expiresAtMillis,
    Long revokedAtMillis) {

  /** {@code read-write} or {@code read-only}. */
  public String kind() {
    return readOnly ? "read-only" : "read-write";
  }
}
