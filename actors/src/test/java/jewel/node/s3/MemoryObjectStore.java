package jewel.node.s3;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import jewel.api.ByteRange;
import jewel.api.Digests;
import jewel.api.SchemeSpec;
import org.apache.pekko.Done;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * An {@link ObjectStore} in memory that keeps S3's rules ({@link S3Rules}: bucket names, MD5 and
 * multipart ETags, part sizes) and S3's errors, for the routes' tests. Bodies are read whole: it is
 * for small test data.
 */
public final class MemoryObjectStore implements ObjectStore {
  private record Stored(ObjectInfo info, ByteString bytes) {}

  private record PartBytes(Part part, ByteString bytes) {}

  private static final class BucketState {
    final Bucket bucket;
    final TreeMap<String, Stored> objects = new TreeMap<>(S3Rules.KEY_ORDER);
    final Map<String, Upload> uploads = new HashMap<>();
    final Map<String, TreeMap<Integer, PartBytes>> parts = new HashMap<>();

    BucketState(Bucket bucket) {
      this.bucket = bucket;
    }
  }

  private final Materializer materializer;
  private final TreeMap<String, BucketState> buckets = new TreeMap<>();
  private int pagesListed;

  public MemoryObjectStore(Materializer materializer) {
    this.materializer = materializer;
  }

  @Override
  public synchronized CompletionStage<List<Bucket>> buckets() {
    return done(() -> buckets.values().stream().map(b -> b.bucket).toList());
  }

  @Override
  public synchronized CompletionStage<Bucket> createBucket(String bucket, SchemeSpec scheme) {
    return done(
        () -> {
          S3Rules.checkBucketName(bucket);
          if (buckets.containsKey(bucket)) {
            throw new S3Exception(
                "BucketAlreadyOwnedByYou", 409, "you already own bucket " + bucket);
          }
          BucketState b = new BucketState(new Bucket(bucket, System.currentTimeMillis(), scheme));
          buckets.put(bucket, b);
          return b.bucket;
        });
  }

  @Override
  public synchronized CompletionStage<Bucket> bucket(String bucket) {
    return done(() -> state(bucket).bucket);
  }

  @Override
  public synchronized CompletionStage<Done> deleteBucket(String bucket) {
    return done(
        () -> {
          BucketState b = state(bucket);
          if (!b.objects.isEmpty() || !b.uploads.isEmpty()) {
            throw new S3Exception(
                "BucketNotEmpty", 409, "bucket " + bucket + " holds objects or uploads");
          }
          buckets.remove(bucket);
          return Done.getInstance();
        });
  }

  @Override
  public CompletionStage<ObjectInfo> put(String bucket, String key, ObjectMeta meta, Body body) {
    return bucket(bucket)
        .thenCompose(b -> bytes(body))
        .thenApply(
            bytes -> {
              S3Rules.checkKey(key);
              ObjectInfo info =
                  new ObjectInfo(
                      key,
                      bytes.size(),
                      S3Rules.etag(md5(bytes)),
                      System.currentTimeMillis(),
                      meta);
              synchronized (this) {
                state(bucket).objects.put(key, new Stored(info, bytes));
              }
              return info;
            });
  }

  @Override
  public synchronized CompletionStage<ObjectRead> get(String bucket, String key, ByteRange range) {
    return done(
        () -> {
          Stored s = stored(bucket, key);
          if (range == null) {
            return new ObjectRead(s.info, null, Source.single(s.bytes));
          }
          ByteRange served = range.within(s.bytes.size());
          if (served == null) {
            throw new S3Exception(
                "InvalidRange",
                416,
                "the range starts at "
                    + range.start()
                    + ", past the object's "
                    + s.bytes.size()
                    + " bytes");
          }
          return new ObjectRead(
              s.info,
              served,
              Source.single(s.bytes.slice((int) served.start(), (int) served.end() + 1)));
        });
  }

  @Override
  public synchronized CompletionStage<ObjectInfo> head(String bucket, String key) {
    return done(() -> stored(bucket, key).info);
  }

  @Override
  public synchronized CompletionStage<Done> delete(String bucket, String key) {
    return done(
        () -> {
          state(bucket).objects.remove(key);
          return Done.getInstance();
        });
  }

  @Override
  public synchronized CompletionStage<ObjectInfo> copy(
      String fromBucket, String fromKey, String toBucket, String toKey, ObjectMeta meta) {
    return done(
        () -> {
          Stored from = stored(fromBucket, fromKey);
          BucketState to = state(toBucket);
          S3Rules.checkKey(toKey);
          ObjectInfo info =
              new ObjectInfo(
                  toKey,
                  from.bytes.size(),
                  S3Rules.etag(md5(from.bytes)),
                  System.currentTimeMillis(),
                  meta == null ? from.info.meta() : meta);
          to.objects.put(toKey, new Stored(info, from.bytes));
          return info;
        });
  }

  @Override
  public synchronized CompletionStage<ObjectPage> list(
      String bucket, String prefix, String startAfter, int limit) {
    pagesListed++;
    return done(
        () -> {
          TreeMap<String, Stored> objects = state(bucket).objects;
          var tail =
              startAfter != null && S3Rules.KEY_ORDER.compare(startAfter, prefix) >= 0
                  ? objects.tailMap(startAfter, false)
                  : objects.tailMap(prefix, true);
          List<ObjectInfo> page = new ArrayList<>();
          // Keys that start with the prefix are one run in key order, from the prefix on.
          for (Stored s : tail.values()) {
            if (!s.info.key().startsWith(prefix)) {
              break;
            }
            if (page.size() == limit) {
              return new ObjectPage(page, true);
            }
            page.add(s.info);
          }
          return new ObjectPage(page, false);
        });
  }

  @Override
  public synchronized CompletionStage<Upload> createUpload(
      String bucket, String key, ObjectMeta meta) {
    return done(
        () -> {
          BucketState b = state(bucket);
          S3Rules.checkKey(key);
          Upload u =
              new Upload(
                  UUID.randomUUID().toString(), bucket, key, System.currentTimeMillis(), meta);
          b.uploads.put(u.uploadId(), u);
          b.parts.put(u.uploadId(), new TreeMap<>());
          return u;
        });
  }

  @Override
  public CompletionStage<Part> putPart(
      String bucket, String key, String uploadId, int partNumber, Body body) {
    return done(() -> {
          synchronized (this) {
            return upload(bucket, key, uploadId);
          }
        })
        .thenCompose(u -> bytes(body))
        .thenApply(
            bytes -> {
              S3Rules.checkPartNumber(partNumber);
              Part part =
                  new Part(
                      partNumber,
                      bytes.size(),
                      S3Rules.etag(md5(bytes)),
                      System.currentTimeMillis());
              synchronized (this) {
                upload(bucket, key, uploadId);
                state(bucket).parts.get(uploadId).put(partNumber, new PartBytes(part, bytes));
              }
              return part;
            });
  }

  @Override
  public synchronized CompletionStage<ObjectInfo> completeUpload(
      String bucket, String key, String uploadId, List<PartChoice> chosen) {
    return done(
        () -> {
          Upload u = upload(bucket, key, uploadId);
          BucketState b = state(bucket);
          TreeMap<Integer, PartBytes> uploaded = b.parts.get(uploadId);
          Map<Integer, Part> byNumber = new HashMap<>();
          uploaded.forEach((n, p) -> byNumber.put(n, p.part));
          List<Part> parts = S3Rules.completion(chosen, byNumber);
          ByteString all = ByteString.emptyByteString();
          for (Part p : parts) {
            all = all.concat(uploaded.get(p.partNumber()).bytes);
          }
          ObjectInfo info =
              new ObjectInfo(
                  key,
                  all.size(),
                  S3Rules.multipartEtag(parts),
                  System.currentTimeMillis(),
                  u.meta());
          b.objects.put(key, new Stored(info, all));
          b.uploads.remove(uploadId);
          b.parts.remove(uploadId);
          return info;
        });
  }

  @Override
  public synchronized CompletionStage<Done> abortUpload(
      String bucket, String key, String uploadId) {
    return done(
        () -> {
          upload(bucket, key, uploadId);
          state(bucket).uploads.remove(uploadId);
          state(bucket).parts.remove(uploadId);
          return Done.getInstance();
        });
  }

  @Override
  public synchronized CompletionStage<List<Part>> parts(
      String bucket, String key, String uploadId) {
    return done(
        () -> {
          upload(bucket, key, uploadId);
          return state(bucket).parts.get(uploadId).values().stream().map(p -> p.part).toList();
        });
  }

  @Override
  public synchronized CompletionStage<List<Upload>> uploads(String bucket, String prefix) {
    return done(
        () ->
            state(bucket).uploads.values().stream()
                .filter(u -> u.key().startsWith(prefix))
                .sorted(
                    Comparator.comparing(Upload::key, S3Rules.KEY_ORDER)
                        .thenComparingLong(Upload::initiatedMillis))
                .toList());
  }

  /** How many pages {@link #list} gave: what a listing cost. */
  synchronized int pagesListed() {
    return pagesListed;
  }

  private BucketState state(String bucket) {
    BucketState b = buckets.get(bucket);
    if (b == null) {
      throw S3Exception.noSuchBucket(bucket);
    }
    return b;
  }

  private Stored stored(String bucket, String key) {
    Stored s = state(bucket).objects.get(key);
    if (s == null) {
      throw S3Exception.noSuchKey(key);
    }
    return s;
  }

  private Upload upload(String bucket, String key, String uploadId) {
    Upload u = state(bucket).uploads.get(uploadId);
    if (u == null || !u.key().equals(key)) {
      throw S3Exception.noSuchUpload(uploadId);
    }
    return u;
  }

  /** The body's bytes, once all of them arrived and match what the client announced. */
  private CompletionStage<ByteString> bytes(Body body) {
    return body.bytes()
        .runWith(Sink.fold(ByteString.emptyByteString(), (all, b) -> all.concat(b)), materializer)
        .thenApply(
            all -> {
              if (all.size() != body.size()) {
                throw new S3Exception(
                    "IncompleteBody",
                    400,
                    "the body has " + all.size() + " bytes, not the " + body.size() + " announced");
              }
              if (body.sha256() != null
                  && !HexFormat.of().formatHex(sha256(all.toArray())).equals(body.sha256())) {
                throw new S3Exception(
                    "BadDigest",
                    400,
                    "the body's SHA-256 is not the one the request was signed with");
              }
              return all;
            });
  }

  private static byte[] md5(ByteString bytes) {
    return Digests.md5().digest(bytes.toArray());
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> CompletionStage<T> done(Supplier<T> result) {
    try {
      return CompletableFuture.completedFuture(result.get());
    } catch (S3Exception e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
