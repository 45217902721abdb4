package jewel.node.s3;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import jewel.api.BlockId;
import jewel.api.BlockLayout;
import jewel.api.ByteRange;
import jewel.api.Digests;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.JewelException;
import jewel.api.ObjectAttributes;
import jewel.api.SchemeSpec;
import jewel.api.UploadParts;
import jewel.node.RegistryAsk;
import jewel.node.gateway.FileTransfers;
import jewel.node.gateway.Gateway;
import jewel.protocol.BucketInfo;
import jewel.protocol.MultipartInfo;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryReply;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.pattern.StatusReply;

/**
 * The cluster's {@link ObjectStore}: an object is the Jewel file {@code bucket/key}, stored and
 * read by this node's {@link Gateway} like any file, with its Content-Type, user metadata and MD5
 * ETag kept with it in the registry ({@link ObjectAttributes}). Buckets and multipart uploads in
 * progress are the registry's. Each part of a multipart upload is a file of its own ({@link
 * UploadParts}), stored as it arrives; completing the upload commits a composite file that names
 * its parts, so no byte moves again, and the registry deletes the parts with it.
 *
 * <p>CopyObject reads the source and stores it again, streaming: the simplest copy that is right
 * whatever the two schemes are, and the source's SHA-256 checks the bytes end to end.
 */
public final class GatewayObjectStore implements ObjectStore {

  private final Gateway gateway;
  private final ActorRef<RegistryCommand> registry;
  private final ActorSystem<?> system;
  private final Duration timeout;

  public GatewayObjectStore(Gateway gateway) {
    this.gateway = gateway;
    this.registry = gateway.node().registry();
    this.system = gateway.node().system();
    this.timeout = system.settings().config().getDuration("jewel.client.base-timeout");
  }

  // ------------------------------------------------------------------ buckets

  @Override
  public CompletionStage<List<Bucket>> buckets() {
    return s3(
        query(RegistryCommand.ListBuckets::new)
            .thenApply(b -> b.buckets().stream().map(GatewayObjectStore::bucketOf).toList()));
  }

  /** Refuses a scheme that cannot store (InvalidArgument), as a store would, but before any. */
  @Override
  public CompletionStage<Bucket> createBucket(String bucket, SchemeSpec scheme) {
    try {
      S3Rules.checkBucketName(bucket);
    } catch (S3Exception e) {
      return CompletableFuture.failedStage(e);
    }
    SchemeSpec normalized;
    try {
      normalized = scheme == null ? null : gateway.node().schemes().normalize(scheme);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedStage(S3Exception.invalidArgument(e.getMessage()));
    }
    long now = System.currentTimeMillis();
    return s3(
        RegistryAsk.ask(
                registry,
                (ActorRef<StatusReply<BucketInfo>> r) ->
                    new RegistryCommand.CreateBucket(bucket, normalized, now, r),
                timeout,
                system)
            .thenApply(
                reply -> {
                  if (reply.isError()) {
                    throw new S3Exception(
                        "BucketAlreadyOwnedByYou", 409, reply.getError().getMessage());
                  }
                  return bucketOf(reply.getValue());
                }));
  }

  @Override
  public CompletionStage<Bucket> bucket(String bucket) {
    return s3(existing(bucket).thenApply(GatewayObjectStore::bucketOf));
  }

  @Override
  public CompletionStage<Done> deleteBucket(String bucket) {
    return s3(
        existing(bucket)
            .thenCompose(
                b ->
                    RegistryAsk.ask(
                        registry,
                        (ActorRef<StatusReply<Done>> r) ->
                            new RegistryCommand.DeleteBucket(bucket, r),
                        timeout,
                        system))
            .thenApply(
                reply -> {
                  if (reply.isError()) {
                    throw new S3Exception("BucketNotEmpty", 409, reply.getError().getMessage());
                  }
                  return Done.getInstance();
                }));
  }

  private CompletionStage<BucketInfo> existing(String bucket) {
    return query(
            (ActorRef<RegistryReply.BucketFound> r) -> new RegistryCommand.GetBucket(bucket, r))
        .thenApply(
            found -> {
              if (found.bucket() == null) {
                throw S3Exception.noSuchBucket(bucket);
              }
              return found.bucket();
            });
  }

  private static Bucket bucketOf(BucketInfo b) {
    return new Bucket(b.name(), b.createdMillis(), b.scheme());
  }

  // ------------------------------------------------------------------ objects

  @Override
  public CompletionStage<ObjectInfo> put(String bucket, String key, ObjectMeta meta, Body body) {
    return s3(
        existing(bucket)
            .thenCompose(
                b ->
                    store(
                        fileName(bucket, key),
                        meta.scheme() != null ? meta.scheme() : b.scheme(),
                        ObjectAttributes.whole(meta.contentType(), meta.userMetadata(), null),
                        body))
            .thenApply(entry -> info(key, entry)));
  }

  /** Stores {@code body} as file {@code name}, replacing any; its entry. */
  private CompletionStage<FileEntry> store(
      FileName name, SchemeSpec scheme, ObjectAttributes object, Body body) {
    BlockId announced;
    try {
      announced = body.sha256() == null ? null : new BlockId(body.sha256());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedStage(
          S3Exception.invalidArgument("x-amz-content-sha256 is not a SHA-256: " + body.sha256()));
    }
    return gateway
        .store(
            new FileTransfers.StoreRequest(
                name, body.size(), scheme, true, null, announced, object),
            body.bytes())
        .thenApply(stored -> stored.entry());
  }

  @Override
  public CompletionStage<ObjectRead> get(String bucket, String key, ByteRange range) {
    return s3(
        existing(bucket)
            .thenCompose(b -> gateway.read(fileName(bucket, key), range))
            .thenApply(
                download ->
                    new ObjectRead(
                        info(key, download.entry()), download.range(), download.bytes())));
  }

  @Override
  public CompletionStage<ObjectInfo> head(String bucket, String key) {
    return s3(
        existing(bucket)
            .thenCompose(b -> gateway.lookupAsync(fileName(bucket, key)))
            .thenApply(entry -> info(key, entry)));
  }

  @Override
  public CompletionStage<Done> delete(String bucket, String key) {
    return s3(
        existing(bucket)
            .thenCompose(b -> gateway.deleteAsync(fileName(bucket, key)))
            .handle(
                (entry, failure) -> {
                  if (failure != null && !notFound(failure)) {
                    throw wrap(failure);
                  }
                  return Done.getInstance(); // deleting a key that is not there succeeds
                }));
  }

  @Override
  public CompletionStage<ObjectInfo> copy(
      String fromBucket, String fromKey, String toBucket, String toKey, ObjectMeta meta) {
    return s3(
        existing(fromBucket)
            .thenCompose(from -> existing(toBucket))
            .thenCompose(
                to ->
                    gateway
                        .read(fileName(fromBucket, fromKey), null)
                        .thenCompose(
                            source -> {
                              FileEntry entry = source.entry();
                              ObjectMeta kept = meta != null ? meta : info(fromKey, entry).meta();
                              SchemeSpec scheme =
                                  kept.scheme() != null ? kept.scheme() : to.scheme();
                              // A composite's root is not its bytes' SHA-256.
                              String sha = entry.composite() ? null : entry.root().hex();
                              return store(
                                  fileName(toBucket, toKey),
                                  scheme,
                                  ObjectAttributes.whole(
                                      kept.contentType(), kept.userMetadata(), null),
                                  new Body(entry.size(), sha, source.bytes()));
                            }))
            .thenApply(entry -> info(toKey, entry)));
  }

  @Override
  public CompletionStage<ObjectPage> list(
      String bucket, String prefix, String startAfter, int limit) {
    String under = bucket + "/";
    return s3(
        existing(bucket)
            .thenCompose(
                b ->
                    files(
                        under + (prefix == null ? "" : prefix),
                        startAfter == null ? null : under + startAfter,
                        limit))
            .thenApply(
                page ->
                    new ObjectPage(
                        page.files().stream()
                            .map(f -> info(f.name().value().substring(under.length()), f))
                            .toList(),
                        page.truncated())));
  }

  /** Up to {@code limit} files whose names start with {@code prefix}, after {@code after}. */
  private record Files(List<FileEntry> files, boolean truncated) {}

  /**
   * Up to {@code limit} files of the index whose names start with {@code prefix} and come after
   * {@code after} (null: from the first), a registry page at a time. {@code after} need not be a
   * valid file name (a client's start-after may be anything): the registry's pages then start at
   * the prefix and the names up to it are skipped here.
   */
  private CompletionStage<Files> files(String prefix, String after, int limit) {
    FileName from = after == null || FileName.problem(after) != null ? null : new FileName(after);
    return filesFrom(prefix, after, from, limit, new ArrayList<>());
  }

  private CompletionStage<Files> filesFrom(
      String prefix, String after, FileName from, int limit, List<FileEntry> got) {
    return gateway
        .filesPageAsync(prefix, from)
        .thenCompose(
            page -> {
              for (FileEntry f : page.files()) {
                if (after != null && f.name().value().compareTo(after) <= 0) {
                  continue;
                }
                if (got.size() == limit) {
                  return CompletableFuture.completedFuture(new Files(got, true));
                }
                got.add(f);
              }
              if (page.next() == null) {
                return CompletableFuture.completedFuture(new Files(got, false));
              }
              return filesFrom(prefix, after, page.next(), limit, got);
            });
  }

  // ------------------------------------------------------------------ multipart uploads

  @Override
  public CompletionStage<Upload> createUpload(String bucket, String key, ObjectMeta meta) {
    String uploadId = UUID.randomUUID().toString().replace("-", "");
    return s3(
        existing(bucket)
            .thenCompose(
                b -> {
                  fileName(bucket, key); // refuses a key no file name can hold, now
                  return RegistryAsk.askWithStatus(
                      registry,
                      (ActorRef<StatusReply<MultipartInfo>> r) ->
                          new RegistryCommand.StartMultipart(
                              uploadId,
                              bucket,
                              key,
                              ObjectAttributes.whole(meta.contentType(), meta.userMetadata(), null),
                              meta.scheme() != null ? meta.scheme() : b.scheme(),
                              System.currentTimeMillis(),
                              r),
                      JewelException.Kind.BAD_INPUT,
                      timeout,
                      system);
                })
            .thenApply(GatewayObjectStore::uploadOf));
  }

  @Override
  public CompletionStage<Part> putPart(
      String bucket, String key, String uploadId, int partNumber, Body body) {
    if (partNumber < 1 || partNumber > S3Rules.MAX_PARTS) {
      return CompletableFuture.failedStage(
          S3Exception.invalidArgument(
              "a part number is 1 to " + S3Rules.MAX_PARTS + ", not " + partNumber));
    }
    return s3(
        upload(bucket, key, uploadId)
            .thenCompose(
                u ->
                    store(
                            UploadParts.part(uploadId, partNumber),
                            u.scheme(),
                            ObjectAttributes.whole(null, Map.of(), null),
                            body)
                        // The registry refuses a part whose upload ended meanwhile: say so.
                        .exceptionallyCompose(
                            failure ->
                                upload(bucket, key, uploadId)
                                    .thenApply(
                                        stillThere -> {
                                          throw wrap(failure);
                                        })))
            .thenApply(GatewayObjectStore::partOf));
  }

  @Override
  public CompletionStage<ObjectInfo> completeUpload(
      String bucket, String key, String uploadId, List<PartChoice> chosen) {
    return s3(
        upload(bucket, key, uploadId)
            .thenCompose(
                u ->
                    storedParts(uploadId)
                        .thenCompose(
                            stored -> {
                              FileEntry composite = composite(u, chosen, stored);
                              return gateway
                                  .commitComposite(composite)
                                  .thenCompose(committed -> endUpload(uploadId))
                                  .thenCompose(
                                      ended ->
                                          deleteAll(
                                              stored.values().stream()
                                                  .filter(
                                                      p ->
                                                          !composite
                                                              .object()
                                                              .partFiles()
                                                              .contains(p.name()))
                                                  .toList()))
                                  .thenApply(done -> info(key, composite));
                            })));
  }

  /**
   * The composite file of upload {@code u} made of the parts {@code chosen} among {@code stored},
   * or the S3 refusal: InvalidPart, InvalidPartOrder, EntityTooSmall.
   */
  private static FileEntry composite(
      MultipartInfo u, List<PartChoice> chosen, Map<Integer, FileEntry> stored) {
    Map<Integer, Part> uploaded = new java.util.HashMap<>();
    stored.forEach((number, part) -> uploaded.put(number, partOf(part)));
    List<Part> completed = S3Rules.completion(chosen, uploaded);
    List<ObjectAttributes.Part> parts = new ArrayList<>();
    // The composite's id: a digest of its parts' ids (reading its bytes again would cost a pass).
    MessageDigest roots = Digests.sha256();
    long size = 0;
    for (Part p : completed) {
      parts.add(new ObjectAttributes.Part(p.partNumber(), p.size()));
      roots.update(stored.get(p.partNumber()).root().hex().getBytes(StandardCharsets.US_ASCII));
      size += p.size();
    }
    FileEntry first = stored.get(completed.get(0).partNumber());
    return new FileEntry(
        fileName(u.bucket(), u.key()),
        size,
        new BlockId(HexFormat.of().formatHex(roots.digest())),
        first.scheme(),
        new BlockLayout("parts", 1, parts.size(), 0, "none"),
        List.of(),
        System.currentTimeMillis(),
        new ObjectAttributes(
            u.meta().contentType(),
            u.meta().userMetadata(),
            S3Rules.unquoted(S3Rules.multipartEtag(completed)),
            u.uploadId(),
            parts));
  }

  @Override
  public CompletionStage<Done> abortUpload(String bucket, String key, String uploadId) {
    return s3(
        upload(bucket, key, uploadId)
            .thenCompose(u -> endUpload(uploadId))
            .thenCompose(ended -> storedParts(uploadId))
            .thenCompose(stored -> deleteAll(List.copyOf(stored.values()))));
  }

  @Override
  public CompletionStage<List<Part>> parts(String bucket, String key, String uploadId) {
    return s3(
        upload(bucket, key, uploadId)
            .thenCompose(u -> storedParts(uploadId))
            .thenApply(
                stored -> stored.values().stream().map(GatewayObjectStore::partOf).toList()));
  }

  @Override
  public CompletionStage<List<Upload>> uploads(String bucket, String prefix) {
    return s3(
        existing(bucket)
            .thenCompose(
                b ->
                    query(
                        (ActorRef<RegistryReply.Multiparts> r) ->
                            new RegistryCommand.ListMultiparts(bucket, prefix, r)))
            .thenApply(m -> m.uploads().stream().map(GatewayObjectStore::uploadOf).toList()));
  }

  /** Upload {@code uploadId} of {@code key} in {@code bucket}, or NoSuchBucket, NoSuchUpload. */
  private CompletionStage<MultipartInfo> upload(String bucket, String key, String uploadId) {
    return existing(bucket)
        .thenCompose(
            b ->
                query(
                    (ActorRef<RegistryReply.MultipartFound> r) ->
                        new RegistryCommand.GetMultipart(uploadId, r)))
        .thenApply(
            found -> {
              MultipartInfo u = found.upload();
              if (u == null || !u.bucket().equals(bucket) || !u.key().equals(key)) {
                throw S3Exception.noSuchUpload(uploadId);
              }
              return u;
            });
  }

  /** The part files of upload {@code uploadId}, by part number. */
  private CompletionStage<Map<Integer, FileEntry>> storedParts(String uploadId) {
    return files(UploadParts.prefix(uploadId), null, S3Rules.MAX_PARTS)
        .thenApply(
            page -> {
              Map<Integer, FileEntry> byNumber = new TreeMap<>();
              page.files().forEach(f -> byNumber.put(UploadParts.number(f.name()), f));
              return byNumber;
            });
  }

  private CompletionStage<Done> endUpload(String uploadId) {
    return RegistryAsk.ask(
            registry,
            (ActorRef<StatusReply<Done>> r) -> new RegistryCommand.EndMultipart(uploadId, r),
            timeout,
            system)
        .thenApply(
            reply -> {
              if (reply.isError()) {
                throw S3Exception.noSuchUpload(uploadId); // completed or aborted meanwhile
              }
              return Done.getInstance();
            });
  }

  /** Deletes {@code files} one after the other. */
  private CompletionStage<Done> deleteAll(List<FileEntry> files) {
    CompletionStage<Done> done = CompletableFuture.completedFuture(Done.getInstance());
    for (FileEntry f : files) {
      done =
          done.thenCompose(
              ignored ->
                  gateway
                      .deleteAsync(f.name())
                      .handle(
                          (deleted, failure) -> {
                            if (failure != null && !notFound(failure)) {
                              throw wrap(failure);
                            }
                            return Done.getInstance();
                          }));
    }
    return done;
  }

  private static Upload uploadOf(MultipartInfo u) {
    return new Upload(
        u.uploadId(),
        u.bucket(),
        u.key(),
        u.startedMillis(),
        new ObjectMeta(u.meta().contentType(), u.meta().userMetadata(), u.scheme()));
  }

  private static Part partOf(FileEntry part) {
    return new Part(
        UploadParts.number(part.name()),
        part.size(),
        quoted(part.object().etag()),
        part.storedAtMillis());
  }

  // ------------------------------------------------------------------ names, infos, errors

  /** The file of {@code key} in {@code bucket}, or InvalidArgument for a key no file can be. */
  static FileName fileName(String bucket, String key) {
    String name = bucket + "/" + key;
    String problem = FileName.problem(name);
    if (problem != null) {
      throw S3Exception.invalidArgument(problem);
    }
    return new FileName(name);
  }

  /**
   * An object's info. A file stored by Jewel's own CLI has no MD5: its ETag is its SHA-256, which
   * no client takes for an MD5.
   */
  private static ObjectInfo info(String key, FileEntry entry) {
    ObjectAttributes o = entry.object();
    String etag = o != null && o.etag() != null ? o.etag() : entry.root().hex();
    ObjectMeta meta =
        o == null
            ? new ObjectMeta(null, Map.of(), entry.scheme())
            : new ObjectMeta(o.contentType(), o.userMetadata(), entry.scheme());
    return new ObjectInfo(key, entry.size(), quoted(etag), entry.storedAtMillis(), meta);
  }

  private static String quoted(String etag) {
    return "\"" + etag + "\"";
  }

  private <R> CompletionStage<R> query(
      org.apache.pekko.japi.function.Function<ActorRef<R>, RegistryCommand> message) {
    return RegistryAsk.query(registry, message, timeout, system);
  }

  private static boolean notFound(Throwable failure) {
    return RegistryAsk.unwrap(failure) instanceof JewelException j
        && j.kind() == JewelException.Kind.NOT_FOUND;
  }

  /** {@code stage}, failed with an {@link S3Exception} however it failed. */
  private static <T> CompletionStage<T> s3(CompletionStage<T> stage) {
    return stage
        .handle(
            (value, failure) ->
                failure == null
                    ? CompletableFuture.completedFuture(value)
                    : CompletableFuture.<T>failedFuture(wrap(failure)))
        .thenCompose(Function.identity());
  }

  /** A failure in S3's terms. */
  static S3Exception wrap(Throwable failure) {
    Throwable t = RegistryAsk.unwrap(failure);
    if (t instanceof S3Exception s) {
      return s;
    }
    String line = RegistryAsk.oneLine(t);
    if (t instanceof FileTransfers.ContentMismatchException) {
      return new S3Exception("BadDigest", 400, line);
    }
    if (t instanceof JewelException j) {
      return switch (j.kind()) {
        case NOT_FOUND -> new S3Exception("NoSuchKey", 404, line);
        case BAD_RANGE -> new S3Exception("InvalidRange", 416, line);
        case BAD_INPUT -> S3Exception.invalidArgument(line);
        case CONFLICT -> new S3Exception("OperationAborted", 409, line);
        case UNAUTHORIZED, FORBIDDEN -> S3Exception.accessDenied(line);
        case UNAVAILABLE -> new S3Exception("ServiceUnavailable", 503, line);
      };
    }
    return new S3Exception("InternalError", 500, line);
  }
}
