package jewel.node.gateway;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jewel.api.BlockId;
import jewel.api.ByteRange;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.JewelException;
import jewel.api.PeerId;
import jewel.api.PeerSettings;
import jewel.api.Pin;
import jewel.api.Progress;
import jewel.api.SchemeSpec;
import jewel.api.UploadParts;
import jewel.node.RegistryAsk;
import jewel.node.store.Isolation;
import jewel.protocol.RegistryReply;
import jewel.protocol.data.Traffic;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP API, version 1 (the table is in {@code api/README.md}): JSON documents from
 * {@code jewel.api}, one JSON error shape, and file bodies streamed between the HTTP entity and the
 * holders. Control calls run on the blocking dispatcher, since the {@link Gateway}'s control
 * methods wait for the registry.
 */
public final class HttpApi {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final Pattern SINGLE_RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
  private static final int PAGE = 1000;

  /** How long a refused store's body is read on, for its sender to hear why (see drained). */
  private static final Duration DRAIN_LIMIT = Duration.ofSeconds(10);

  private final Gateway gateway;
  private final TokenCheck tokens;
  private final Traffic traffic;
  private final NodeMetrics metrics;
  private final String self;
  private final Executor blocking;
  private final Materializer materializer;

  public HttpApi(
      Gateway gateway, TokenCheck tokens, Traffic traffic, NodeMetrics metrics, String baseUrl) {
    this.gateway = gateway;
    this.tokens = tokens;
    this.traffic = traffic;
    this.metrics = metrics;
    this.self = baseUrl;
    this.blocking = gateway.node().system().dispatchers().lookup(DispatcherSelector.blocking());
    this.materializer = Materializer.matFromSystem(gateway.node().system());
  }

  public Route route() {
    return handleExceptions(
        errors(),
        () ->
            handleRejections(
                rejections(),
                () ->
                    concat(
                        // Open: a liveness probe needs no token, and this says only who the node
                        // is.
                        path(segment("v1").slash("health"), () -> get(() -> json(this::health))),
                        authorized(this::guardedRoutes))));
  }

  /** Every route but the health check: each needs a token, and a change an admin token. */
  private Route guardedRoutes() {
    return concat(
        path(
            "metrics",
            () ->
                get(
                    () ->
                        complete(
                            HttpResponse.create()
                                .withEntity(
                                    HttpEntities.create(
                                        ContentTypes.TEXT_PLAIN_UTF8, metrics.scrape()))))),
        pathPrefix(
            "v1",
            () ->
                concat(
                    path("isolation", this::isolationRoutes),
                    pathPrefix("peers", this::peerRoutes),
                    pathPrefix("files", this::fileRoutes),
                    path("check", () -> page(this::checkPage)),
                    path(
                        "schemes",
                        () -> get(() -> json(() -> Map.of("schemes", gateway.schemes())))),
                    pathPrefix("settings", this::settingRoutes),
                    pathPrefix("pins", this::pinRoutes),
                    pathPrefix("peer-settings", this::peerSettingRoutes),
                    pathPrefix("tokens", this::apiTokenRoutes),
                    pathPrefix(segment("s3").slash("keys"), this::s3KeyRoutes))));
  }

  // ------------------------------------------------------------------ tokens

  /**
   * Lets the request through to {@code inner} if its bearer token may ask it: any valid token may
   * read ({@code GET} and {@code HEAD}), only an admin token may change anything or see the tokens.
   * Else 401 (no token, or one not accepted) or 403 (a read-only token asking for a change), each
   * with one line. A refused request's body is read on first, for its sender to hear why (see
   * {@link #drained}).
   */
  private Route authorized(Supplier<Route> inner) {
    return extractRequest(
        request ->
            optionalHeaderValueByName(
                "Authorization",
                header ->
                    onComplete(
                        tokens.caller(header),
                        caller -> {
                          if (caller.isFailure()) {
                            return refuse(
                                request,
                                errorResponse(caller.failed().get())
                                    .addHeader(
                                        RawHeader.create(
                                            "WWW-Authenticate", "Bearer realm=\"jewel\"")));
                          }
                          if (caller.get().readOnly() && !readOnlyMay(request)) {
                            return refuse(
                                request,
                                errorResponse(
                                    new JewelException(
                                        "token "
                                            + caller.get().tokenId()
                                            + " is read-only: "
                                            + request.method().name()
                                            + " "
                                            + request.getUri().path()
                                            + " needs an admin token",
                                        JewelException.Kind.FORBIDDEN)));
                          }
                          return inner.get();
                        })));
  }

  /** What a read-only token may ask: to read, but not the tokens nor the S3 access keys. */
  static boolean readOnlyMay(HttpRequest request) {
    String method = request.method().name();
    String path = request.getUri().path();
    return (method.equals("GET") || method.equals("HEAD"))
        && !path.startsWith("/v1/tokens")
        && !path.startsWith("/v1/s3/keys");
  }

  private Route refuse(HttpRequest request, HttpResponse response) {
    if (request.method().name().equals("HEAD")) {
      return complete(response.withEntity(HttpEntities.EMPTY));
    }
    return onComplete(drained(request.entity()), drained -> complete(response));
  }

  private Route apiTokenRoutes() {
    return concat(
        pathEnd(
            () ->
                concat(
                    get(() -> json(() -> Map.of("tokens", gateway.tokens()))),
                    post(
                        () ->
                            body(
                                b ->
                                    json(
                                        201,
                                        () ->
                                            gateway.createToken(
                                                flag(b, "readOnly"),
                                                seconds(b, "expiresInSeconds"),
                                                text(b, "label"))))))),
        path(
            segment(),
            id ->
                delete(
                    () ->
                        json(
                            () -> {
                              var revoked = gateway.revokeToken(id);
                              tokens.forget(id);
                              return revoked;
                            }))));
  }

  /** S3 access keys: made (the only answer with a secret), listed without secrets, revoked. */
  private Route s3KeyRoutes() {
    return concat(
        pathEnd(
            () ->
                concat(
                    get(() -> json(() -> Map.of("keys", gateway.s3Keys()))),
                    post(
                        () ->
                            body(
                                b ->
                                    json(
                                        201,
                                        () ->
                                            gateway.createS3Key(
                                                flag(b, "readOnly"),
                                                seconds(b, "expiresInSeconds"),
                                                text(b, "label"))))))),
        path(segment(), accessKey -> delete(() -> json(() -> gateway.revokeS3Key(accessKey)))));
  }

  /** A GET of a page of a listing, from its optional {@code after} and {@code limit}. */
  private Route page(
      java.util.function.BiFunction<Optional<String>, Optional<String>, Map<String, Object>>
          listing) {
    return get(
        () ->
            parameterOptional(
                "after",
                after ->
                    parameterOptional("limit", limit -> json(() -> listing.apply(after, limit)))));
  }

  private Route peerRoutes() {
    return concat(
        pathEnd(() -> get(() -> json(() -> Map.of("nodes", gateway.peers())))),
        path(
            segment().slash("contents"), peer -> get(() -> json(() -> gateway.dir(peerId(peer))))));
  }

  private Route fileRoutes() {
    return concat(
        pathEnd(
            () ->
                parameterOptional(
                    "prefix", prefix -> page((after, limit) -> filesPage(after, limit, prefix)))),
        path(
            segment().slash("status"),
            name -> get(() -> json(() -> gateway.status(fileName(name))))),
        path(
            segment().slash("check"),
            name -> get(() -> json(() -> gateway.check(fileName(name)).get(0)))),
        path(
            segment().slash("verify"),
            name -> post(() -> json(() -> gateway.verify(fileName(name))))),
        path(
            segment().slash("repair"),
            name -> post(() -> json(() -> gateway.repair(fileName(name))))),
        path(
            segment().slash("retune"),
            name ->
                post(
                    () ->
                        parameter(
                            "n",
                            n ->
                                json(
                                    () ->
                                        gateway.retune(
                                            fileName(name), parseInt(n, "n"), Progress.NONE))))),
        path(
            segment().slash("copy"),
            name ->
                post(
                    () ->
                        parameter(
                            "to",
                            to ->
                                parameterOptional(
                                    "force",
                                    force ->
                                        json(
                                            () ->
                                                gateway.getTo(
                                                    fileName(name),
                                                    peerId(to),
                                                    force.map("true"::equals).orElse(false))))))),
        path(
            segment(),
            name ->
                concat(
                    put(() -> store(fileName(name))),
                    head(() -> fileHead(fileName(name))),
                    get(() -> read(fileName(name))),
                    delete(() -> json(() -> gateway.delete(fileName(name)))))),
        unencodedSlash("files", FILE_ACTIONS));
  }

  /** What follows a file's name in {@code /v1/files/NAME/ACTION}. */
  private static final Set<String> FILE_ACTIONS =
      Set.of("status", "check", "verify", "repair", "retune", "copy");

  /**
   * A file name travels in one path segment, each {@code /} in it as {@code %2F} (Pekko HTTP
   * decodes that within the segment). A path under {@code /v1/COLLECTION/} that has more segments
   * than any route there, so most likely a name sent with its {@code /} as it is, gets a 404 that
   * says so (its body read on first, as for any refusal); any other path is left to the other
   * routes' rejections (a wrong method stays a 405).
   */
  private Route unencodedSlash(String collection, Set<String> actions) {
    return extractUnmatchedPath(
        rest -> {
          List<String> segments = List.of(rest.replaceFirst("^/", "").split("/", -1));
          if (segments.size() < 2 || (segments.size() == 2 && actions.contains(segments.get(1)))) {
            return reject();
          }
          return extractRequest(
              request ->
                  refuse(
                      request,
                      errorResponse(
                          new JewelException(
                              "no such route: a file name goes in one path segment, each '/' in"
                                  + " it as %2F, like /v1/"
                                  + collection
                                  + "/photos%2Fx.jpg",
                              JewelException.Kind.NOT_FOUND))));
        });
  }

  private Route settingRoutes() {
    return concat(
        path("schemes", () -> get(() -> json(gateway::settings))),
        path(
            segment("schemes").slash("default"),
            () -> put(() -> body(b -> json(() -> gateway.setDefaultScheme(null, scheme(b)))))),
        path(
            segment("schemes").slash("peers").slash(segment()),
            peer ->
                put(
                    () ->
                        body(b -> json(() -> gateway.setDefaultScheme(peerId(peer), scheme(b)))))),
        path(
            segment("pins").slash("default-fraction"),
            () -> put(() -> body(b -> json(() -> gateway.setDefaultPin(number(b, "fraction")))))));
  }

  private Route pinRoutes() {
    return concat(
        pathEnd(() -> get(() -> json(gateway::pins))),
        path(
            segment(),
            name ->
                concat(
                    put(
                        () ->
                            body(
                                b ->
                                    json(
                                        () -> gateway.setPin(fileName(name), read(b, Pin.class))))),
                    delete(() -> json(() -> gateway.setPin(fileName(name), null))))),
        unencodedSlash("pins", Set.of()));
  }

  private Route peerSettingRoutes() {
    return concat(
        pathEnd(() -> get(() -> json(gateway::peerSettings))),
        path(
            segment(),
            peer ->
                put(
                    () ->
                        body(
                            b ->
                                json(
                                    () ->
                                        gateway.updatePeer(
                                            peerId(peer), old -> read(b, PeerSettings.class)))))));
  }

  /**
   * This peer's isolation (the {@code experiment} command's "down"): GET it, PUT {@code {"seconds":
   * S}} to refuse block traffic for S seconds, DELETE to serve again.
   */
  private Route isolationRoutes() {
    return concat(
        get(() -> json(this::isolationDocument)),
        put(
            () ->
                body(
                    b ->
                        json(
                            () -> {
                              double seconds = number(b, "seconds");
                              try {
                                isolation()
                                    .isolateFor(Duration.ofMillis(Math.round(seconds * 1000)));
                              } catch (IllegalArgumentException e) {
                                throw new JewelException(e.getMessage());
                              }
                              log.info("isolated for {} s", seconds);
                              return isolationDocument();
                            }))),
        delete(
            () ->
                json(
                    () -> {
                      isolation().restore();
                      log.info("isolation ended");
                      return isolationDocument();
                    })));
  }

  private Isolation isolation() {
    return gateway
        .node()
        .isolation()
        .orElseThrow(
            () ->
                new JewelException(
                    gateway.node().settings().name()
                        + " keeps no blocks: only a peer can be isolated"));
  }

  private Map<String, Object> isolationDocument() {
    Optional<java.time.Instant> until = isolation().until();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("node", gateway.node().settings().name().name());
    m.put("isolated", until.isPresent());
    m.put("until", until.map(Object::toString).orElse(null));
    return m;
  }

  private Map<String, Object> health() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("node", gateway.node().settings().name().name());
    m.put("roles", gateway.node().settings().roles());
    m.put("api", self);
    return m;
  }

  /** A page of the files' health: the page of the index {@link #filesPage} gives, checked. */
  private Map<String, Object> checkPage(Optional<String> after, Optional<String> limit) {
    Map<String, Object> page = filesPage(after, limit, Optional.empty());
    @SuppressWarnings("unchecked") // filesPage puts the entries under "files"
    List<FileEntry> files = (List<FileEntry>) page.get("files");
    page.put("files", gateway.check(files));
    return page;
  }

  /** A page of the files after {@code after} whose names start with {@code prefix}, if given. */
  private Map<String, Object> filesPage(
      Optional<String> after, Optional<String> limit, Optional<String> prefix) {
    int max = limit.map(l -> parseInt(l, "limit")).orElse(PAGE);
    if (max < 1) {
      throw new JewelException("limit must be 1 or more, not " + max);
    }
    FileName from = after.map(HttpApi::fileName).orElse(null);
    List<FileEntry> files = new java.util.ArrayList<>();
    FileName next = from;
    // The registry's pages are cut by size; this one by count, so it may take several.
    do {
      RegistryReply.Listing page = gateway.filesPage(prefix.orElse(null), next);
      for (FileEntry e : page.files()) {
        if (!UploadParts.listed(e.name(), prefix.orElse(null))) {
          continue;
        }
        if (files.size() == max) {
          return filesDocument(files, files.get(files.size() - 1).name());
        }
        files.add(e);
      }
      next = page.next();
    } while (next != null);
    return filesDocument(files, null);
  }

  private static Map<String, Object> filesDocument(List<FileEntry> files, FileName next) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("files", files);
    m.put("next", next == null ? null : next.value());
    return m;
  }

  // ------------------------------------------------------------------ bytes

  private Route store(FileName name) {
    return withoutSizeLimit(
        () ->
            withoutRequestTimeout(
                () ->
                    parameterOptional(
                        "scheme",
                        scheme ->
                            parameterOptional(
                                "replace",
                                replace ->
                                    parameterOptional(
                                        "fraction",
                                        fraction ->
                                            parameterOptional(
                                                "from",
                                                from ->
                                                    parameterOptional(
                                                        "path",
                                                        path ->
                                                            optionalHeaderValueByName(
                                                                "X-Jewel-Sha256",
                                                                sha ->
                                                                    extractRequestEntity(
                                                                        entity -> {
                                                                          SchemeSpec spec =
                                                                              scheme
                                                                                  .map(
                                                                                      HttpApi
                                                                                          ::schemeText)
                                                                                  .orElse(null);
                                                                          boolean overwrite =
                                                                              replace
                                                                                  .map(
                                                                                      r ->
                                                                                          r.equals(
                                                                                              "true"))
                                                                                  .orElse(false);
                                                                          Pin pin =
                                                                              fraction
                                                                                  .map(HttpApi::pin)
                                                                                  .orElse(null);
                                                                          CompletionStage<?> stored;
                                                                          if (from.isPresent()) {
                                                                            String file =
                                                                                path.orElseThrow(
                                                                                    () ->
                                                                                        new JewelException(
                                                                                            "from=PEER needs path=FILE too"));
                                                                            PeerId peer =
                                                                                peerId(from.get());
                                                                            // It asks the peer and
                                                                            // the registry first,
                                                                            // which blocks: not on
                                                                            // the server's threads.
                                                                            stored =
                                                                                CompletableFuture
                                                                                    .supplyAsync(
                                                                                        () ->
                                                                                            gateway
                                                                                                .storeFromAsync(
                                                                                                    peer,
                                                                                                    file,
                                                                                                    name,
                                                                                                    spec,
                                                                                                    overwrite,
                                                                                                    pin),
                                                                                        blocking)
                                                                                    .thenCompose(
                                                                                        s -> s);
                                                                          } else {
                                                                            OptionalLong length =
                                                                                entity
                                                                                    .getContentLengthOption();
                                                                            if (length.isEmpty()) {
                                                                              throw new JewelException(
                                                                                  "a store needs a Content-Length: send the body with its length");
                                                                            }
                                                                            BlockId contentId =
                                                                                sha.map(
                                                                                        HttpApi
                                                                                            ::blockId)
                                                                                    .orElse(null);
                                                                            Source<ByteString, ?>
                                                                                body =
                                                                                    entity
                                                                                        .getDataBytes()
                                                                                        .via(
                                                                                            traffic
                                                                                                .countReceived());
                                                                            stored =
                                                                                gateway.store(
                                                                                    new FileTransfers
                                                                                        .StoreRequest(
                                                                                        name,
                                                                                        length
                                                                                            .getAsLong(),
                                                                                        spec,
                                                                                        overwrite,
                                                                                        pin,
                                                                                        contentId,
                                                                                        null),
                                                                                    body);
                                                                          }
                                                                          CompletionStage<?>
                                                                              answered =
                                                                                  stored
                                                                                      .exceptionallyCompose(
                                                                                          failure ->
                                                                                              drained(
                                                                                                      entity)
                                                                                                  .thenCompose(
                                                                                                      d ->
                                                                                                          CompletableFuture
                                                                                                              .failedStage(
                                                                                                                  failure)));
                                                                          return onComplete(
                                                                              answered,
                                                                              result ->
                                                                                  result.isSuccess()
                                                                                      ? complete(
                                                                                          jsonResponse(
                                                                                              201,
                                                                                              result
                                                                                                  .get()))
                                                                                      : complete(
                                                                                          errorResponse(
                                                                                              result
                                                                                                  .failed()
                                                                                                  .get())));
                                                                        })))))))));
  }

  /**
   * Reads what is left of a refused store's body before the refusal goes out. An answer that comes
   * before the whole request makes Pekko close the connection on the rest, and a client that reads
   * only once it has sent everything (the one-shot CLI's HttpURLConnection) then gets a broken pipe
   * instead of the reason. A body the store already began to read cannot be read again, and a long
   * one is not waited for past {@link #DRAIN_LIMIT}: then the answer goes out at once.
   */
  private CompletionStage<?> drained(RequestEntity entity) {
    return entity
        .getDataBytes()
        .via(traffic.countReceived())
        .takeWithin(DRAIN_LIMIT)
        .runWith(Sink.ignore(), materializer)
        .handle((done, failure) -> done);
  }

  private Route fileHead(FileName name) {
    return onComplete(
        gateway.lookupAsync(name),
        result -> {
          if (result.isFailure()) {
            return complete(errorResponse(result.failed().get()).withEntity(HttpEntities.EMPTY));
          }
          FileEntry entry = result.get();
          return complete(
              HttpResponse.create()
                  .addHeaders(fileHeaders(entry))
                  .withEntity(
                      HttpEntities.create(
                          ContentTypes.APPLICATION_OCTET_STREAM, entry.size(), Source.empty())));
        });
  }

  private Route read(FileName name) {
    return withoutRequestTimeout(
        () ->
            extractRequest(
                request -> {
                  ByteRange range = requestedRange(request);
                  // The first bytes are read before the status goes out: a read that cannot start
                  // (too few
                  // blocks, the name busy, the registry away) answers with its error instead of a
                  // 200 cut short.
                  CompletionStage<Pair<FileTransfers.Download, Source<ByteString, NotUsed>>>
                      started =
                          gateway
                              .read(name, range)
                              .thenCompose(
                                  d ->
                                      d.bytes()
                                          .prefixAndTail(1)
                                          .runWith(Sink.head(), materializer)
                                          .thenApply(
                                              p ->
                                                  Pair.create(
                                                      d,
                                                      Source.from(p.first()).concat(p.second()))));
                  return onComplete(
                      started,
                      result -> {
                        if (result.isFailure()) {
                          return complete(errorResponse(result.failed().get()));
                        }
                        FileTransfers.Download d = result.get().first();
                        RequestEntity entity =
                            HttpEntities.create(
                                ContentTypes.APPLICATION_OCTET_STREAM,
                                d.length(),
                                result.get().second().via(traffic.countSent()));
                        HttpResponse response =
                            HttpResponse.create()
                                .addHeaders(fileHeaders(d.entry()))
                                .withEntity(entity);
                        if (d.range() != null) {
                          response =
                              response
                                  .withStatus(StatusCodes.PARTIAL_CONTENT)
                                  .addHeader(
                                      RawHeader.create(
                                          "Content-Range",
                                          "bytes "
                                              + d.range().start()
                                              + "-"
                                              + d.range().end()
                                              + "/"
                                              + d.entry().size()));
                        }
                        return complete(response);
                      });
                }));
  }

  /**
   * A file's headers. {@code X-Jewel-Sha256} is the SHA-256 of the whole file, which a client
   * checks what it read against: the root block id of a file, but not of a multipart object, whose
   * root is a digest of its parts' ids.
   */
  private static List<HttpHeader> fileHeaders(FileEntry entry) {
    List<HttpHeader> headers = new ArrayList<>();
    headers.add(RawHeader.create("ETag", "\"" + entry.root().hex() + "\""));
    headers.add(RawHeader.create("Accept-Ranges", "bytes"));
    headers.add(RawHeader.create("X-Jewel-Scheme", String.valueOf(entry.scheme())));
    if (!entry.composite()) {
      headers.add(RawHeader.create("X-Jewel-Sha256", entry.root().hex()));
    }
    return headers;
  }

  /**
   * The one range of a {@code Range: bytes=A-B}, {@code bytes=A-} or {@code bytes=-N} header, or
   * null for none (or several ranges, which this API answers with the whole file, as HTTP allows).
   */
  static ByteRange requestedRange(HttpRequest request) {
    Optional<HttpHeader> header = request.getHeader("Range");
    if (header.isEmpty()) {
      return null;
    }
    String value = header.get().value().trim();
    if (value.contains(",")) {
      return null;
    }
    Matcher m = SINGLE_RANGE.matcher(value);
    if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      throw new JewelException(
          "bad Range header '" + value + "': use bytes=START-END", JewelException.Kind.BAD_RANGE);
    }
    try {
      if (m.group(1).isEmpty()) {
        throw new JewelException(
            "suffix ranges (bytes=-N) are not served: ask for bytes=START-END",
            JewelException.Kind.BAD_RANGE);
      }
      long start = Long.parseLong(m.group(1));
      long end = m.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(m.group(2));
      return new ByteRange(start, end);
    } catch (NumberFormatException e) {
      throw new JewelException(
          "bad Range header '" + value + "': use bytes=START-END", JewelException.Kind.BAD_RANGE);
    } catch (IllegalArgumentException e) {
      throw new JewelException(e.getMessage(), JewelException.Kind.BAD_RANGE);
    }
  }

  // ------------------------------------------------------------------ JSON and errors

  /** Runs a blocking gateway call on the blocking dispatcher and answers its result as JSON. */
  private Route json(Supplier<Object> call) {
    return json(200, call);
  }

  /** {@link #json(Supplier)} with {@code status} for a success. */
  private Route json(int status, Supplier<Object> call) {
    CompletionStage<Object> result = CompletableFuture.supplyAsync(call, blocking);
    return onComplete(
        result,
        r ->
            complete(
                r.isSuccess() ? jsonResponse(status, r.get()) : errorResponse(r.failed().get())));
  }

  private Route body(Function<JsonNode, Route> inner) {
    return entity(
        org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller.entityToString(),
        text -> {
          JsonNode node;
          try {
            node = JSON.readTree(text);
          } catch (Exception e) {
            throw new JewelException("the body is not JSON: " + RegistryAsk.oneLine(e));
          }
          if (node == null || !node.isObject()) {
            throw new JewelException("the body must be a JSON object");
          }
          return inner.apply(node);
        });
  }

  private static HttpResponse jsonResponse(int status, Object document) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(
              HttpEntities.create(ContentTypes.APPLICATION_JSON, JSON.writeValueAsBytes(document)));
    } catch (Exception e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  static HttpResponse errorResponse(Throwable failure) {
    Throwable t = RegistryAsk.unwrap(failure);
    int status;
    if (t instanceof JewelException j) {
      status = j.kind().httpStatus();
    } else if (t instanceof IllegalArgumentException) {
      status = 400;
    } else {
      log.warn("request failed", t);
      status = 500;
    }
    String line = RegistryAsk.oneLine(t);
    return jsonResponse(status, Map.of("error", status == 500 ? "internal error: " + line : line));
  }

  private static ExceptionHandler errors() {
    return ExceptionHandler.newBuilder().matchAny(e -> complete(errorResponse(e))).build();
  }

  private static RejectionHandler rejections() {
    return RejectionHandler.defaultHandler()
        .mapRejectionResponse(
            response -> {
              if (response.entity()
                      instanceof org.apache.pekko.http.javadsl.model.HttpEntity.Strict strict
                  && !strict.getContentType().equals(ContentTypes.APPLICATION_JSON)) {
                String text = strict.getData().utf8String();
                return response.withEntity(
                    HttpEntities.create(
                        ContentTypes.APPLICATION_JSON,
                        jsonBytes(Map.of("error", text.lines().findFirst().orElse(text)))));
              }
              return response;
            });
  }

  private static byte[] jsonBytes(Object document) {
    try {
      return JSON.writeValueAsBytes(document);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------ inputs

  private static <T> T read(JsonNode body, Class<T> type) {
    try {
      return JSON.treeToValue(body, type);
    } catch (Exception e) {
      throw new JewelException("bad " + type.getSimpleName() + ": " + RegistryAsk.oneLine(e));
    }
  }

  private static SchemeSpec scheme(JsonNode body) {
    JsonNode s = body.get("scheme");
    if (s == null || !s.isTextual()) {
      throw new JewelException("give the scheme as {\"scheme\": \"naive n=3\"}");
    }
    return schemeText(s.asText());
  }

  private static SchemeSpec schemeText(String text) {
    if (text.isBlank()) {
      throw new JewelException("give a scheme, like naive n=3 (try: schemes)");
    }
    try {
      return SchemeSpec.parse(text);
    } catch (IllegalArgumentException e) {
      throw new JewelException(e.getMessage());
    }
  }

  private static double number(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || !n.isNumber()) {
      throw new JewelException("give " + field + " as a number, like {\"" + field + "\": 0.25}");
    }
    return n.asDouble();
  }

  /** An optional true or false. */
  private static boolean flag(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return false;
    }
    if (!n.isBoolean()) {
      throw new JewelException("give " + field + " as true or false, not " + n);
    }
    return n.asBoolean();
  }

  /** An optional whole number of seconds, at least 1; null if absent. */
  private static Long seconds(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < 1) {
      throw new JewelException(
          "give " + field + " as a whole number of seconds, 1 or more, not " + n);
    }
    return n.asLong();
  }

  /** An optional text; empty if absent. */
  private static String text(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return "";
    }
    if (!n.isTextual()) {
      throw new JewelException("give " + field + " as a text, not " + n);
    }
    return n.asText();
  }

  private static Pin pin(String fraction) {
    if (fraction.equals("default")) {
      return Pin.followDefault();
    }
    try {
      return Pin.fraction(Double.parseDouble(fraction));
    } catch (IllegalArgumentException e) {
      throw new JewelException("fraction must be in (0, 1] or 'default', not '" + fraction + "'");
    }
  }

  private static FileName fileName(String name) {
    try {
      return new FileName(name);
    } catch (IllegalArgumentException e) {
      throw new JewelException(e.getMessage());
    }
  }

  private static PeerId peerId(String name) {
    try {
      return new PeerId(name);
    } catch (IllegalArgumentException e) {
      throw new JewelException(e.getMessage());
    }
  }

  private static BlockId blockId(String hex) {
    try {
      return new BlockId(hex.trim());
    } catch (IllegalArgumentException e) {
      throw new JewelException("X-Jewel-Sha256: " + e.getMessage());
    }
  }

  private static int parseInt(String text, String what) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new JewelException(what + " must be a whole number, not '" + text + "'");
    }
  }
}
