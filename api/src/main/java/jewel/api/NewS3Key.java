package jewel.api;

/**
 * An S3 access key just made: the only time its secret is shown to anyone.
 *
 * @param secretKey the secret an S3 client signs its requests with (AWS_SECRET_ACCESS_KEY)
 */
public record NewS3Key(S3KeyInfo key, String secretKey) {}
