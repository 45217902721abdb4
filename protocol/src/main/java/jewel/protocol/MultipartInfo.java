package jewel.protocol;

import jewel.api.ObjectAttributes;
import jewel.api.SchemeSpec;

/**
 * An S3 multipart upload in progress, as the registry keeps it until it is completed or aborted.
 * Its parts are files of their own ({@link jewel.api.UploadParts}).
 *
 * @param meta what the client said about the object to be (no ETag, no parts yet)
 * @param scheme the scheme its parts are stored with
 */
public record MultipartInfo(
    String uploadId,
    String bucket,
    String key,
    ObjectAttributes meta,
    SchemeSpec scheme,
    long startedMillis)
    implements JewelSerializable {}
