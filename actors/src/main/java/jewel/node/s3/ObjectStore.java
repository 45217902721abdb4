package jewel.node.s3;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import jewel.api.ByteRange;
import jewel.api.SchemeSpec;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * What the S3 listener needs from the cluster, in S3's words: buckets, objects, multipart uploads.
 * The S3 routes ({@code S3Routes}) speak the protocol (addressing, signatures, XML) and nothing
 * else; the gateway's implementation ({@code GatewayObjectStore}) maps a bucket and a key to the
 * Jewel file {@code bucket/key} and runs the scheme's work; an in-memory implementation serves the
 * routes' tests. Every failure is an {@link S3Exception} carrying S3's error code.
 */
public interface ObjectStore {

  /** A bucket: its name, when it was made, and the scheme its objects get unless they name one. */
  record Bucket(String name, long createdMillis, SchemeSpec scheme) {}

  /**
   * What a client says about an object when it stores it: {@code Content-Type} (null: none given),
   * its {@code x-amz-meta-*} headers (names lower case, without the prefix) and a scheme (from
   * {@code x-amz-meta-jewel-scheme}; null: the bucket's).
   */
  record ObjectMeta(String contentType, Map<String, String> userMetadata, SchemeSpec scheme) {
    public ObjectMeta {
      userMetadata = Map.copyOf(userMetadata);
    }
  }

  /**
   * A stored object: key, size, ETag as S3 clients expect it (quoted: the hex MD5 of the body, or
   * for a multipart object the MD5 of its parts' MD5s, a dash and the number of parts), last
   * modified, and what the client said about it.
   */
  record ObjectInfo(String key, long size, String etag, long lastModifiedMillis, ObjectMeta meta) {}

  /** An object being read: what it is, the range served (null: all of it) and the bytes. */
  record ObjectRead(ObjectInfo info, ByteRange range, Source<ByteString, NotUsed> bytes) {}

  /**
   * Up to {@code limit} objects of a bucket in key order (UTF-8 byte order, as S3 lists), with keys
   * starting with {@code prefix} and after {@code startAfter} (null: from the first); {@code
   * truncated} when more follow.
   */
  record ObjectPage(List<ObjectInfo> objects, boolean truncated) {}

  /** A multipart upload in progress. */
  record Upload(
      String uploadId, String bucket, String key, long initiatedMillis, ObjectMeta meta) {}

  /** A part of an upload: its number (1 to 10,000), size, quoted MD5 ETag, when it arrived. */
  record Part(int partNumber, long size, String etag, long lastModifiedMillis) {}

  /** A part a client names when it completes an upload, with the ETag it was given. */
  record PartChoice(int partNumber, String etag) {}

  /**
   * How a client's body arrives: {@code size} bytes exactly (the decoded length for aws-chunked
   * bodies), and, when the client signed it, the hex SHA-256 it announced (null for
   * UNSIGNED-PAYLOAD and streaming bodies, whose chunks the routes check): the store must commit
   * nothing if the bytes do not match it (BadDigest).
   */
  record Body(long size, String sha256, Source<ByteString, ?> bytes) {}

  CompletionStage<List<Bucket>> buckets();

  /** BucketAlreadyOwnedByYou if it exists; InvalidBucketName for a name S3 would refuse. */
  CompletionStage<Bucket> createBucket(String bucket, SchemeSpec scheme);

  /** NoSuchBucket if it does not exist. */
  CompletionStage<Bucket> bucket(String bucket);

  /** NoSuchBucket, or BucketNotEmpty while it holds an object or an upload in progress. */
  CompletionStage<Done> deleteBucket(String bucket);

  /** Stores an object, replacing one of that key: nothing is committed unless all of it arrived. */
  CompletionStage<ObjectInfo> put(String bucket, String key, ObjectMeta meta, Body body);

  /** NoSuchBucket, NoSuchKey, or InvalidRange for a range that starts past the end. */
  CompletionStage<ObjectRead> get(String bucket, String key, ByteRange range);

  CompletionStage<ObjectInfo> head(String bucket, String key);

  /** Deletes an object; deleting a key that does not exist succeeds, as in S3. */
  CompletionStage<Done> delete(String bucket, String key);

  /** Copies an object; {@code meta} null keeps the source's metadata (S3's COPY directive). */
  CompletionStage<ObjectInfo> copy(
      String fromBucket, String fromKey, String toBucket, String toKey, ObjectMeta meta);

  CompletionStage<ObjectPage> list(String bucket, String prefix, String startAfter, int limit);

  CompletionStage<Upload> createUpload(String bucket, String key, ObjectMeta meta);

  /** NoSuchUpload; a part of a number already sent replaces it. Streams to the peers. */
  CompletionStage<Part> putPart(
      String bucket, String key, String uploadId, int partNumber, Body body);

  /**
   * Commits the object from the parts chosen, without moving their bytes again: InvalidPart (a part
   * not uploaded or of another ETag), InvalidPartOrder, EntityTooSmall (a part but the last under 5
   * MiB). Parts not chosen are deleted.
   */
  CompletionStage<ObjectInfo> completeUpload(
      String bucket, String key, String uploadId, List<PartChoice> parts);

  /** Deletes the upload and its parts; NoSuchUpload. */
  CompletionStage<Done> abortUpload(String bucket, String key, String uploadId);

  CompletionStage<List<Part>> parts(String bucket, String key, String uploadId);

  /** Uploads in progress in a bucket whose key starts with {@code prefix}, by key then time. */
  CompletionStage<List<Upload>> uploads(String bucket, String prefix);
}
