package jewel.node.s3;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jewel.api.ByteRange;
import jewel.api.Digests;
import jewel.api.SchemeSpec;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.DateTime;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.Query;
import org.apache.pekko.http.javadsl.model.headers.Connection;
import org.apache.pekko.http.javadsl.model.headers.LastModified;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The S3 REST protocol over an {@link ObjectStore}: the request's bucket and key (virtual-host or
 * path style), its operation (method and query), S3's headers and XML, and S3's error body. Every
 * request is first authenticated; a read-only key may only GET and HEAD. Object bodies stream
 * through (the authenticator's body in, the store's bytes out); small XML bodies are read whole, up
 * to {@link #XML_BODY_LIMIT}. The operations and what is not supported are in the README's "S3
 * operations".
 */
public final class S3Routes {
  private static final Logger log = LoggerFactory.getLogger(S3Routes.class);

  /** The header that gives a bucket or an object its scheme, like {@code naive n=3}. */
  public static final String SCHEME_HEADER = "x-amz-meta-jewel-scheme";

  private static final String META = "x-amz-meta-";
  private static final int XML_BODY_LIMIT = 4 * 1024 * 1024;

  /** How long a refused request's body is read on, for its sender to hear why. */
  private static final Duration DRAIN_LIMIT = Duration.ofSeconds(10);

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
  private static final ContentType.NonBinary XML =
      MediaTypes.APPLICATION_XML.toContentType(HttpCharsets.UTF_8);

  /** Sub-resources of S3 that this listener does not keep: NotImplemented. */
  private static final Set<String> UNSUPPORTED =
      Set.of(
          "accelerate",
          "acl",
          "analytics",
          "attributes",
          "cors",
          "encryption",
          "intelligent-tiering",
          "inventory",
          "legal-hold",
          "lifecycle",
          "logging",
          "metrics",
          "notification",
          "object-lock",
          "ownershipControls",
          "policy",
          "policyStatus",
          "publicAccessBlock",
          "replication",
          "requestPayment",
          "restore",
          "retention",
          "select",
          "tagging",
          "torrent",
          "versionId",
          "versions",
          "website");

  private final ObjectStore store;
  private final S3Authenticator authenticator;
  private final S3Settings settings;
  private final Materializer materializer;
  private final ObjectListing listing;

  /**
   * The settings of the server these routes are bound with: the node's, plus the {@code
   * Raw-Request-URI} header, without which no signature can be checked (S3 signs the path as sent,
   * which Pekko HTTP would otherwise only give normalized).
   */
  public static ServerSettings serverSettings(com.typesafe.config.Config config) {
    return ServerSettings.create(config).withRawRequestUriHeader(true);
  }

  public S3Routes(
      ObjectStore store,
      S3Authenticator authenticator,
      S3Settings settings,
      Materializer materializer) {
    this.store = store;
    this.authenticator = authenticator;
    this.settings = settings;
    this.materializer = materializer;
    this.listing = new ObjectListing(store);
  }

  public Route route() {
    return withoutSizeLimit(
        () ->
            withoutRequestTimeout(
                () -> extractRequest(request -> completeWithFuture(respond(request)))));
  }

  /** What a request is about: a bucket (null: the service) and a key (null: the bucket). */
  private record Target(String bucket, String key) {
    String resource() {
      return bucket == null ? "/" : "/" + bucket + (key == null ? "" : "/" + key);
    }
  }

  /** One request being answered: what it names and who sent it. */
  private record Call(HttpRequest request, Target target, S3Authenticator.Authenticated caller) {
    Query query() {
      return request.getUri().query();
    }

    Optional<String> param(String name) {
      return query().get(name);
    }

    boolean has(String name) {
      return param(name).isPresent();
    }

    Optional<String> header(String name) {
      return request.getHeader(name).map(HttpHeader::value);
    }

    String method() {
      return request.method().name();
    }

    ObjectStore.Body body() {
      return caller.body() != null ? caller.body() : new ObjectStore.Body(0, null, Source.empty());
    }
  }

  private CompletionStage<HttpResponse> respond(HttpRequest request) {
    String id = requestId();
    Target target;
    try {
      target = target(request);
    } catch (S3Exception e) {
      return CompletableFuture.completedFuture(error(request, null, id, e));
    }
    return attempt(() -> authenticator.authenticate(request))
        .thenCompose(caller -> attempt(() -> dispatch(new Call(request, target, caller))))
        .handle(
            (response, failure) ->
                failure == null
                    ? CompletableFuture.completedFuture(response.addHeader(requestIdHeader(id)))
                    : drained(request).thenApply(d -> error(request, target, id, cause(failure))))
        .thenCompose(r -> r)
        .thenApply(response -> closingAfterUnreadContinue(request, response));
  }

  /**
   * An empty body sent with {@code Expect: 100-continue} is answered without a 100 first, and
   * botocore then keeps that answer's status on the connection and misreads the next answer on it
   * (a read timeout in {@code aws s3 cp} of an empty file among others): such a connection is
   * closed after the answer.
   */
  private static HttpResponse closingAfterUnreadContinue(
      HttpRequest request, HttpResponse response) {
    boolean expected =
        request
            .getHeader("Expect")
            .map(h -> h.value().equalsIgnoreCase("100-continue"))
            .orElse(false);
    return expected && request.entity().isKnownEmpty()
        ? response.addHeader(Connection.create("close"))
        : response;
  }

  private CompletionStage<HttpResponse> dispatch(Call c) {
    String method = c.method();
    boolean reads = method.equals("GET") || method.equals("HEAD");
    if (c.caller().readOnly() && !reads) {
      throw S3Exception.accessDenied(
          "access key " + c.caller().accessKey() + " is read-only: " + method + " is a change");
    }
    for (String name : c.query().toMap().keySet()) {
      if (UNSUPPORTED.contains(name)) {
        throw new S3Exception(
            "NotImplemented", 501, "the ?" + name + " sub-resource is not supported by Jewel");
      }
    }
    Target t = c.target();
    if (t.bucket() == null) {
      if (method.equals("GET")) {
        return listBuckets();
      }
      throw notImplemented(c);
    }
    if (t.key() == null) {
      return switch (method) {
        case "PUT" -> {
          // A bucket's configuration (?versioning, …) is not kept, only its creation; x-id is the
          // operation's name, which some SDKs add.
          if (c.query().toMap().keySet().stream().anyMatch(k -> !k.equals("x-id"))) {
            throw notImplemented(c);
          }
          yield createBucket(c);
        }
        case "HEAD" -> store.bucket(t.bucket()).thenApply(b -> ok());
        case "DELETE" -> store.deleteBucket(t.bucket()).thenApply(d -> noContent());
        case "POST" -> {
          if (c.has("delete")) {
            yield deleteObjects(c);
          }
          throw notImplemented(c);
        }
        case "GET" -> bucketRead(c);
        default -> throw notImplemented(c);
      };
    }
    return switch (method) {
      case "PUT" -> {
        if (c.has("uploadId")) {
          if (c.header("x-amz-copy-source").isPresent()) {
            throw new S3Exception("NotImplemented", 501, "UploadPartCopy is not supported");
          }
          yield uploadPart(c);
        }
        yield c.header("x-amz-copy-source").isPresent() ? copyObject(c) : putObject(c);
      }
      case "GET" -> c.has("uploadId") ? listParts(c) : getObject(c, false);
      case "HEAD" -> getObject(c, true);
      case "DELETE" ->
          c.has("uploadId")
              ? store
                  .abortUpload(t.bucket(), t.key(), c.param("uploadId").get())
                  .thenApply(d -> noContent())
              : store.delete(t.bucket(), t.key()).thenApply(d -> noContent());
      case "POST" -> {
        if (c.has("uploads")) {
          yield createUpload(c);
        }
        if (c.has("uploadId")) {
          yield completeUpload(c);
        }
        throw notImplemented(c);
      }
      default -> throw notImplemented(c);
    };
  }

  // ------------------------------------------------------------------ buckets

  private CompletionStage<HttpResponse> listBuckets() {
    return store.buckets().thenApply(b -> xml(200, S3Xml.listBuckets(b)));
  }

  private CompletionStage<HttpResponse> createBucket(Call c) {
    SchemeSpec scheme = c.header(SCHEME_HEADER).map(S3Routes::scheme).orElse(null);
    return xmlBody(c)
        .thenCompose(
            body -> {
              String location = S3Xml.locationConstraint(body);
              if (location != null && !location.equals(settings.region())) {
                throw new S3Exception(
                    "IllegalLocationConstraintException",
                    400,
                    "this endpoint's region is "
                        + settings.region()
                        + ": a bucket cannot be made in "
                        + location);
              }
              return store.createBucket(c.target().bucket(), scheme);
            })
        .thenApply(b -> ok().addHeader(RawHeader.create("Location", "/" + b.name())));
  }

  /** GET of a bucket: its location, versioning, uploads, or (the default) a listing. */
  private CompletionStage<HttpResponse> bucketRead(Call c) {
    String bucket = c.target().bucket();
    if (c.has("location")) {
      return store.bucket(bucket).thenApply(b -> xml(200, S3Xml.location(settings.region())));
    }
    if (c.has("versioning")) {
      return store.bucket(bucket).thenApply(b -> xml(200, S3Xml.versioningNeverEnabled()));
    }
    if (c.has("uploads")) {
      String prefix = c.param("prefix").orElse("");
      return store
          .uploads(bucket, prefix)
          .thenApply(u -> xml(200, S3Xml.uploads(bucket, prefix, u)));
    }
    return c.param("list-type").map("2"::equals).orElse(false) ? listV2(c) : listV1(c);
  }

  private CompletionStage<HttpResponse> listV2(Call c) {
    S3Xml.ListQuery q = listQuery(c);
    Optional<String> token = c.param("continuation-token");
    String startAfter = c.param("start-after").orElse(null);
    String after = token.map(S3Routes::tokenKey).orElse(startAfter);
    return listing
        .page(q.bucket(), q.prefix(), q.delimiter(), after, q.maxKeys())
        .thenApply(
            page ->
                xml(
                    200,
                    S3Xml.listObjectsV2(
                        q,
                        page,
                        token.orElse(null),
                        startAfter,
                        page.truncated() ? token(page.nextAfter()) : null,
                        c.param("fetch-owner").map("true"::equals).orElse(false))));
  }

  private CompletionStage<HttpResponse> listV1(Call c) {
    S3Xml.ListQuery q = listQuery(c);
    String marker = c.param("marker").filter(m -> !m.isEmpty()).orElse(null);
    return listing
        .page(q.bucket(), q.prefix(), q.delimiter(), marker, q.maxKeys())
        .thenApply(
            page ->
                xml(
                    200,
                    S3Xml.listObjectsV1(
                        q, page, marker, page.truncated() ? page.nextAfter() : null)));
  }

  private static S3Xml.ListQuery listQuery(Call c) {
    int maxKeys = c.param("max-keys").map(m -> number(m, "max-keys")).orElse(1000);
    if (maxKeys < 0) {
      throw S3Exception.invalidArgument("max-keys is 0 or more, not " + maxKeys);
    }
    Optional<String> encoding = c.param("encoding-type");
    if (encoding.isPresent() && !encoding.get().equals("url")) {
      throw S3Exception.invalidArgument("encoding-type is url, not " + encoding.get());
    }
    return new S3Xml.ListQuery(
        c.target().bucket(),
        c.param("prefix").orElse(""),
        c.param("delimiter").orElse(""),
        Math.min(maxKeys, 1000),
        encoding.isPresent());
  }

  /** A continuation token: the key or common prefix the page ended with, opaque to clients. */
  private static String token(String after) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(after.getBytes(StandardCharsets.UTF_8));
  }

  private static String tokenKey(String token) {
    try {
      return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw S3Exception.invalidArgument("the continuation token is not one this listing gave");
    }
  }

  private CompletionStage<HttpResponse> deleteObjects(Call c) {
    String bucket = c.target().bucket();
    return store
        .bucket(bucket)
        .thenCompose(b -> xmlBody(c))
        .thenCompose(
            body -> {
              S3Xml.DeleteRequest asked = S3Xml.deleteRequest(body);
              List<String> deleted = new ArrayList<>();
              List<S3Xml.DeleteError> errors = new ArrayList<>();
              CompletionStage<Void> done = CompletableFuture.completedFuture(null);
              for (String key : asked.keys()) {
                done =
                    done.thenCompose(
                        v ->
                            attempt(() -> store.delete(bucket, key))
                                .handle(
                                    (d, failure) -> {
                                      if (failure == null) {
                                        deleted.add(key);
                                      } else {
                                        S3Exception e = cause(failure);
                                        errors.add(
                                            new S3Xml.DeleteError(key, e.code(), e.getMessage()));
                                      }
                                      return null;
                                    }));
              }
              return done.thenApply(
                  v -> xml(200, S3Xml.deleteResult(asked.quiet(), deleted, errors)));
            });
  }

  // ------------------------------------------------------------------ objects

  private CompletionStage<HttpResponse> putObject(Call c) {
    Target t = c.target();
    S3Rules.checkKey(t.key());
    return store
        .put(t.bucket(), t.key(), meta(c), checkedBody(c))
        .thenApply(info -> ok().addHeader(RawHeader.create("ETag", info.etag())));
  }

  private static final List<String> CONDITIONS =
      List.of("If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since");

  /**
   * GetObject and HeadObject: with conditional headers the object's ETag and date are looked at
   * first (304 Not Modified, or PreconditionFailed), before any byte is read.
   */
  private CompletionStage<HttpResponse> getObject(Call c, boolean headOnly) {
    if (CONDITIONS.stream().noneMatch(h -> c.header(h).isPresent())) {
      return read(c, headOnly);
    }
    return store
        .head(c.target().bucket(), c.target().key())
        .thenCompose(
            info ->
                notModified(c, info)
                    ? CompletableFuture.completedFuture(
                        HttpResponse.create().withStatus(304).addHeaders(objectHeaders(info)))
                    : read(c, headOnly));
  }

  /**
   * Whether the object is not modified in the request's terms (If-None-Match, else
   * If-Modified-Since), after PreconditionFailed for If-Match, else If-Unmodified-Since, as HTTP
   * and S3 order them. A date not understood is ignored.
   */
  private static boolean notModified(Call c, ObjectStore.ObjectInfo info) {
    long modified = info.lastModifiedMillis() / 1000 * 1000;
    Optional<String> ifMatch = c.header("If-Match");
    boolean failed =
        ifMatch.isPresent()
            ? !etagMatches(ifMatch.get(), info.etag())
            : date(c.header("If-Unmodified-Since")).map(d -> modified > d).orElse(false);
    if (failed) {
      throw new S3Exception(
          "PreconditionFailed",
          412,
          "at least one of the preconditions you specified did not hold");
    }
    Optional<String> ifNoneMatch = c.header("If-None-Match");
    return ifNoneMatch.isPresent()
        ? etagMatches(ifNoneMatch.get(), info.etag())
        : date(c.header("If-Modified-Since")).map(d -> modified <= d).orElse(false);
  }

  private static boolean etagMatches(String header, String etag) {
    String bare = etag.replace("\"", "");
    for (String candidate : header.split(",", -1)) {
      String c = candidate.strip().replace("\"", "");
      if (c.equals("*") || c.equals(bare)) {
        return true;
      }
    }
    return false;
  }

  private static Optional<Long> date(Optional<String> header) {
    try {
      return header.map(
          h ->
              ZonedDateTime.parse(h.strip(), DateTimeFormatter.RFC_1123_DATE_TIME)
                  .toInstant()
                  .toEpochMilli());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private CompletionStage<HttpResponse> read(Call c, boolean headOnly) {
    Target t = c.target();
    Optional<String> rangeHeader = c.header("Range");
    if (headOnly || rangeHeader.isEmpty()) {
      CompletionStage<ObjectStore.ObjectRead> read =
          headOnly
              ? store
                  .head(t.bucket(), t.key())
                  .thenApply(i -> new ObjectStore.ObjectRead(i, null, null))
              : store.get(t.bucket(), t.key(), null);
      return read.thenApply(r -> objectResponse(r, headOnly));
    }
    Matcher m = RANGE.matcher(rangeHeader.get().strip());
    if (!m.matches()
        || (m.group(1).isEmpty() && m.group(2).isEmpty())
        || m.group(1).length() > 18
        || m.group(2).length() > 18) {
      // As S3 and HTTP do: a Range not understood (several ranges, numbers past a long) is
      // ignored.
      return store.get(t.bucket(), t.key(), null).thenApply(r -> objectResponse(r, false));
    }
    if (m.group(1).isEmpty()) {
      long suffix = Long.parseLong(m.group(2));
      return store
          .head(t.bucket(), t.key())
          .thenCompose(
              info -> {
                if (suffix == 0 || info.size() == 0) {
                  throw invalidRange(info.size());
                }
                return store.get(
                    t.bucket(),
                    t.key(),
                    new ByteRange(Math.max(0, info.size() - suffix), info.size() - 1));
              })
          .thenApply(r -> objectResponse(r, false));
    }
    long start = Long.parseLong(m.group(1));
    long end = m.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(m.group(2));
    if (end < start) {
      return store.get(t.bucket(), t.key(), null).thenApply(r -> objectResponse(r, false));
    }
    return store
        .get(t.bucket(), t.key(), new ByteRange(start, end))
        .thenApply(r -> objectResponse(r, false));
  }

  private static S3Exception invalidRange(long size) {
    return new S3Exception(
        "InvalidRange",
        416,
        "the requested range is not satisfiable: the object has " + size + " bytes");
  }

  private static HttpResponse objectResponse(ObjectStore.ObjectRead read, boolean headOnly) {
    ObjectStore.ObjectInfo info = read.info();
    ContentType type = contentType(info.meta().contentType());
    List<HttpHeader> headers = new ArrayList<>(objectHeaders(info));
    headers.add(RawHeader.create("Accept-Ranges", "bytes"));
    if (headOnly) {
      return HttpResponse.create()
          .addHeaders(headers)
          .withEntity(HttpEntities.create(type, info.size(), Source.empty()));
    }
    ByteRange range = read.range();
    int status = 200;
    long length = info.size();
    if (range != null) {
      status = 206;
      length = range.length();
      headers.add(
          RawHeader.create(
              "Content-Range", "bytes " + range.start() + "-" + range.end() + "/" + info.size()));
    }
    return HttpResponse.create()
        .withStatus(status)
        .addHeaders(headers)
        .withEntity(
            length == 0
                ? HttpEntities.create(type, new byte[0])
                : HttpEntities.create(type, length, read.bytes()));
  }

  private static List<HttpHeader> objectHeaders(ObjectStore.ObjectInfo info) {
    List<HttpHeader> headers = new ArrayList<>();
    headers.add(RawHeader.create("ETag", info.etag()));
    headers.add(LastModified.create(DateTime.create(info.lastModifiedMillis() / 1000 * 1000)));
    info.meta().userMetadata().forEach((k, v) -> headers.add(RawHeader.create(META + k, v)));
    if (info.meta().scheme() != null) {
      headers.add(RawHeader.create(SCHEME_HEADER, info.meta().scheme().toString()));
    }
    return headers;
  }

  private CompletionStage<HttpResponse> copyObject(Call c) {
    Target t = c.target();
    S3Rules.checkKey(t.key());
    Target from = copySource(c.header("x-amz-copy-source").get());
    String directive = c.header("x-amz-metadata-directive").orElse("COPY").toUpperCase(Locale.ROOT);
    ObjectStore.ObjectMeta meta =
        switch (directive) {
          case "COPY" -> null;
          case "REPLACE" -> meta(c);
          default ->
              throw S3Exception.invalidArgument(
                  "x-amz-metadata-directive is COPY or REPLACE, not " + directive);
        };
    if (meta == null && from.equals(t)) {
      throw new S3Exception(
          "InvalidRequest",
          400,
          "this copy request is illegal because it is trying to copy an object to itself without"
              + " changing the object's metadata");
    }
    return store
        .copy(from.bucket(), from.key(), t.bucket(), t.key(), meta)
        .thenApply(info -> xml(200, S3Xml.copyObjectResult(info)));
  }

  /** {@code x-amz-copy-source}: {@code [/]bucket/key}, URL-encoded; a versionId is not kept. */
  private static Target copySource(String header) {
    String source = header.startsWith("/") ? header.substring(1) : header;
    int query = source.indexOf('?');
    if (query >= 0) {
      throw new S3Exception("NotImplemented", 501, "Jewel keeps no object versions");
    }
    String decoded = decoded(source);
    int slash = decoded.indexOf('/');
    if (slash <= 0 || slash == decoded.length() - 1) {
      throw S3Exception.invalidArgument("x-amz-copy-source is BUCKET/KEY, not '" + header + "'");
    }
    return new Target(decoded.substring(0, slash), decoded.substring(slash + 1));
  }

  // ------------------------------------------------------------------ multipart

  private CompletionStage<HttpResponse> createUpload(Call c) {
    Target t = c.target();
    S3Rules.checkKey(t.key());
    return store
        .createUpload(t.bucket(), t.key(), meta(c))
        .thenApply(u -> xml(200, S3Xml.uploadCreated(u)));
  }

  private CompletionStage<HttpResponse> uploadPart(Call c) {
    Target t = c.target();
    int number =
        number(
            c.param("partNumber")
                .orElseThrow(() -> S3Exception.invalidArgument("UploadPart needs a partNumber")),
            "partNumber");
    S3Rules.checkPartNumber(number);
    return store
        .putPart(t.bucket(), t.key(), c.param("uploadId").get(), number, checkedBody(c))
        .thenApply(p -> ok().addHeader(RawHeader.create("ETag", p.etag())));
  }

  private CompletionStage<HttpResponse> completeUpload(Call c) {
    Target t = c.target();
    return xmlBody(c)
        .thenCompose(
            body ->
                store.completeUpload(
                    t.bucket(), t.key(), c.param("uploadId").get(), S3Xml.completeRequest(body)))
        .thenApply(
            info -> xml(200, S3Xml.uploadCompleted(location(c.request()), t.bucket(), info)));
  }

  private CompletionStage<HttpResponse> listParts(Call c) {
    Target t = c.target();
    String uploadId = c.param("uploadId").get();
    int marker = c.param("part-number-marker").map(m -> number(m, "part-number-marker")).orElse(0);
    return store
        .parts(t.bucket(), t.key(), uploadId)
        .thenApply(
            parts ->
                xml(
                    200,
                    S3Xml.parts(
                        t.bucket(),
                        t.key(),
                        uploadId,
                        parts.stream().filter(p -> p.partNumber() > marker).toList(),
                        marker)));
  }

  // ------------------------------------------------------------------ requests

  /** The object's URL, as CompleteMultipartUpload gives it: the request's, without the query. */
  private static String location(HttpRequest request) {
    String uri = request.getUri().toString();
    int query = uri.indexOf('?');
    return query < 0 ? uri : uri.substring(0, query);
  }

  private Target target(HttpRequest request) {
    String host = request.getUri().host().address().toLowerCase(Locale.ROOT);
    String path = decoded(request.getUri().path());
    String rest = path.startsWith("/") ? path.substring(1) : path;
    String domain = "." + settings.domain();
    if (host.endsWith(domain)) {
      String bucket = host.substring(0, host.length() - domain.length());
      return new Target(bucket, rest.isEmpty() ? null : rest);
    }
    if (rest.isEmpty()) {
      return new Target(null, null);
    }
    int slash = rest.indexOf('/');
    if (slash < 0 || slash == rest.length() - 1) {
      return new Target(slash < 0 ? rest : rest.substring(0, slash), null);
    }
    return new Target(rest.substring(0, slash), rest.substring(slash + 1));
  }

  /** Percent-decoding as URIs have it: a {@code +} stays a plus. */
  private static String decoded(String encoded) {
    try {
      return URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw S3Exception.invalidArgument("bad percent-encoding in '" + encoded + "'");
    }
  }

  /** What a client says about an object in its headers. */
  private static ObjectStore.ObjectMeta meta(Call c) {
    Map<String, String> user = new HashMap<>();
    for (HttpHeader h : c.request().getHeaders()) {
      String name = h.lowercaseName();
      if (name.startsWith(META) && !name.equals(SCHEME_HEADER)) {
        user.put(name.substring(META.length()), h.value());
      }
    }
    // Pekko gives a body without a Content-Type application/octet-stream, which is also what an
    // object without one is served as.
    ContentType type = c.request().entity().getContentType();
    return new ObjectStore.ObjectMeta(
        type.equals(ContentTypes.APPLICATION_OCTET_STREAM) ? null : type.toString(),
        user,
        c.header(SCHEME_HEADER).map(S3Routes::scheme).orElse(null));
  }

  private static SchemeSpec scheme(String text) {
    try {
      return SchemeSpec.parse(text.strip());
    } catch (IllegalArgumentException e) {
      throw S3Exception.invalidArgument(SCHEME_HEADER + ": " + e.getMessage());
    }
  }

  private static int number(String text, String name) {
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw S3Exception.invalidArgument(name + " is a whole number, not '" + text + "'");
    }
  }

  /**
   * An object's or a part's body, checked against its {@code Content-MD5} when the client sent one:
   * other bytes fail the body at its end (BadDigest), before the store may commit it.
   */
  private static ObjectStore.Body checkedBody(Call c) {
    ObjectStore.Body body = c.body();
    Optional<String> header = c.header("Content-MD5");
    if (header.isEmpty()) {
      return body;
    }
    byte[] expected;
    try {
      expected = Base64.getDecoder().decode(header.get().strip());
    } catch (IllegalArgumentException e) {
      expected = new byte[0];
    }
    if (expected.length != 16) {
      throw new S3Exception(
          "InvalidDigest",
          400,
          "Content-MD5 is the body's MD5 in base64, not '" + header.get() + "'");
    }
    byte[] md5 = expected;
    Source<ByteString, ?> checked =
        Source.lazySource(
            () -> {
              MessageDigest digest = Digests.md5();
              return body.bytes()
                  .map(
                      b -> {
                        digest.update(b.asByteBuffer());
                        return b;
                      })
                  // Not concat: it pulls the check early, before the body's bytes went by.
                  .concatLazy(
                      Source.lazySource(
                          () ->
                              MessageDigest.isEqual(digest.digest(), md5)
                                  ? Source.<ByteString>empty()
                                  : Source.<ByteString>failed(
                                      new S3Exception(
                                          "BadDigest",
                                          400,
                                          "the body's MD5 is not the Content-MD5 it was sent"
                                              + " with"))));
            });
    return new ObjectStore.Body(body.size(), body.sha256(), checked);
  }

  /** A small XML body, read whole up to {@link #XML_BODY_LIMIT} bytes, its signed hash checked. */
  private CompletionStage<byte[]> xmlBody(Call c) {
    return SmallBody.read(c.body(), XML_BODY_LIMIT, materializer).thenApply(ByteString::toArray);
  }

  /** Reads what is left of a refused request's body, for its sender to hear why. */
  private CompletionStage<Object> drained(HttpRequest request) {
    return request
        .entity()
        .getDataBytes()
        .takeWithin(DRAIN_LIMIT)
        .runWith(Sink.ignore(), materializer)
        .handle((done, failure) -> done);
  }

  // ------------------------------------------------------------------ responses

  private static HttpResponse ok() {
    return HttpResponse.create();
  }

  private static HttpResponse xml(int status, String body) {
    return HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(XML, body));
  }

  private static HttpResponse noContent() {
    return HttpResponse.create().withStatus(204);
  }

  private HttpResponse error(HttpRequest request, Target target, String id, S3Exception e) {
    HttpResponse response =
        HttpResponse.create().withStatus(e.status()).addHeader(requestIdHeader(id));
    if (request.method().name().equals("HEAD")) {
      return response;
    }
    String resource = target == null ? request.getUri().path() : target.resource();
    return response.withEntity(
        HttpEntities.create(XML, S3Xml.error(e.code(), e.getMessage(), resource, id)));
  }

  private static S3Exception notImplemented(Call c) {
    return new S3Exception(
        "NotImplemented",
        501,
        c.method() + " " + c.target().resource() + " with this query is not supported by Jewel");
  }

  private static S3Exception cause(Throwable failure) {
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof S3Exception e) {
      return e;
    }
    if (t instanceof org.apache.pekko.stream.StreamLimitReachedException) {
      return new S3Exception(
          "MaxMessageLengthExceeded", 400, "an XML body is at most " + XML_BODY_LIMIT + " bytes");
    }
    log.warn("S3 request failed", t);
    return new S3Exception("InternalError", 500, "the request failed: " + t);
  }

  private static ContentType contentType(String text) {
    if (text != null) {
      try {
        return ContentTypes.parse(text);
      } catch (RuntimeException e) {
        log.debug("an object's Content-Type '{}' is served as application/octet-stream", text);
      }
    }
    return ContentTypes.APPLICATION_OCTET_STREAM;
  }

  private static HttpHeader requestIdHeader(String id) {
    return RawHeader.create("x-amz-request-id", id);
  }

  private static String requestId() {
    byte[] id = new byte[8];
    ThreadLocalRandom.current().nextBytes(id);
    return HexFormat.of().withUpperCase().formatHex(id);
  }

  /** Runs {@code stage}, a failure thrown before it returns included. */
  private static <T> CompletionStage<T> attempt(Supplier<CompletionStage<T>> stage) {
    try {
      return stage.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedStage(e);
    }
  }
}
