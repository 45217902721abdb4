package jewel.node.s3;

/**
 * A refusal in S3's terms: the error code S3 clients branch on ({@code NoSuchKey}, {@code
 * BucketNotEmpty}, {@code SignatureDoesNotMatch}, …), the HTTP status it goes with, and one line
 * saying what was wrong. The routes turn it into S3's XML error body.
 */
public final class S3Exception extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String code;
  private final int status;

  public S3Exception(String code, int status, String message) {
    super(message, null, false, false);
    this.code = code;
    this.status = status;
  }

  public String code() {
    return code;
  }

  public int status() {
    return status;
  }

  public static S3Exception noSuchBucket(String bucket) {
    return new S3Exception("NoSuchBucket", 404, "The specified bucket does not exist: " + bucket);
  }

  public static S3Exception noSuchKey(String key) {
    return new S3Exception("NoSuchKey", 404, "The specified key does not exist: " + key);
  }

  public static S3Exception noSuchUpload(String uploadId) {
    return new S3Exception(
        "NoSuchUpload", 404, "The specified multipart upload does not exist: " + uploadId);
  }

  public static S3Exception invalidArgument(String message) {
    return new S3Exception("InvalidArgument", 400, message);
  }

  public static S3Exception accessDenied(String message) {
    return new S3Exception("AccessDenied", 403, message);
  }
}
