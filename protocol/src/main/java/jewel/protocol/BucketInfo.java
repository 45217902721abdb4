package jewel.protocol;

import jewel.api.SchemeSpec;

/**
 * An S3 bucket as the registry keeps it: its objects are the files whose first segment is its name.
 *
 * @param scheme the scheme its objects get unless they name one (null: the cluster's default)
 */
public record BucketInfo(String name, SchemeSpec scheme, long createdMillis)
    implements JewelSerializable {}
