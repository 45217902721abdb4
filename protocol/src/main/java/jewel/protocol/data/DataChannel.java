package jewel.protocol.data;

import static jewel.protocol.data.DataRequest.Kind.BLOCK;
import static jewel.protocol.data.DataRequest.Kind.TOKEN;
import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import jewel.pki.ClusterTls;
import jewel.protocol.DataAddress;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.IncomingConnection;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's data channel: an HTTP server (Pekko HTTP) where bulk bytes travel, apart from actor
 * messages. A PUT streams its body into {@link DataHandler#openWrite} and answers the handler's
 * result as text; a GET streams {@link DataHandler#openRead} out as a body with a Content-Length
 * (206 with a Content-Range for a {@code Range: bytes=A-B} or {@code bytes=A-} request). The paths
 * are those of {@link DataRequest}. Back-pressure runs end to end, so memory per transfer stays a
 * few chunks whatever its size.
 *
 * <p>A refusal is an HTTP status with the one-line message as its text body, sent before any bytes:
 * 400 for a malformed request, 411 for a PUT without a Content-Length, 422 when the handler refuses
 * or its sink fails (a hash mismatch, a full disk), 500 when the handler fails otherwise. A PUT is
 * refused without reading its body: {@link DataClient} sends {@code Expect: 100-continue} and holds
 * the body back until the channel starts reading it, so a refusal before the first byte reaches a
 * client that has sent nothing. A sink that fails once bytes flow is answered at once too, and the
 * connection closes under the rest of the body: the client may then hear "connection to peer …
 * failed" rather than the reason, and stops sending either way.
 *
 * <p>Once a GET's status and length are sent, the only way left to report a failure is to abort the
 * connection: HTTP/1.1 has no status after a body of known length. The channel holds each chunk
 * back until the next one (or the end) arrives, so a source that fails, even after its last byte (a
 * block found corrupted at the end of a full read), never lets its whole body out: the client fails
 * with "connection to peer at host:port closed after X of Y bytes", without the server's reason
 * (Pekko HTTP logs it on the server). It is the client's check of the block id (the bytes' SHA-256)
 * that names corruption.
 */
public final class DataChannel {
  private static final Logger log = LoggerFactory.getLogger(DataChannel.class);

  private final DataAddress address;
  private final ServerBinding binding;

  private DataChannel(DataAddress address, ServerBinding binding) {
    this.address = address;
    this.binding = binding;
  }

  /**
   * Listens on {@code host:port} ({@code port} 0: any free port) and serves every request with
   * {@code handler}. Fails with a {@link DataException} if the port cannot be bound.
   */
  public static CompletionStage<DataChannel> bind(
      ActorSystem<?> system, String host, int port, DataHandler handler) {
    return bind(system, host, port, handler, Traffic.NONE);
  }

  /**
   * As {@link #bind(ActorSystem, String, int, DataHandler)}, counting every byte of the bodies it
   * receives and sends in {@code traffic}.
   */
  public static CompletionStage<DataChannel> bind(
      ActorSystem<?> system, String host, int port, DataHandler handler, Traffic traffic) {
    return bind(system, host, port, handler, traffic, Optional.empty());
  }

  /**
   * As {@link #bind(ActorSystem, String, int, DataHandler, Traffic)}; with {@code tls}, over HTTPS
   * only, and only to clients that present a certificate the cluster's CA signed: a connection
   * without one (a plain TCP or HTTP client, another cluster's member) fails its handshake and gets
   * no byte of any block. A handshake that fails is logged by Pekko HTTP as one line, and the
   * channel goes on serving.
   */
  public static CompletionStage<DataChannel> bind(
      ActorSystem<?> system,
      String host,
      int port,
      DataHandler handler,
      Traffic traffic,
      Optional<ClusterTls> tls) {
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(traffic, "traffic");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("bad port " + port);
    }
    ServerBuilder server = Http.get(system).newServerAt(host, port);
    if (tls.isPresent()) {
      ClusterTls members = tls.get();
      server = server.enableHttps(ConnectionContext.httpsServer(() -> members.serverEngine(true)));
    }
    Materializer mat = Materializer.matFromSystem(system);
    Flow<HttpRequest, HttpResponse, NotUsed> serve = route(handler, traffic).flow(system);
    return server
        .connectionSource()
        .to(Sink.foreach(connection -> connection.handleWith(logFailure(connection, serve), mat)))
        .run(mat)
        .handle(
            (binding, failure) -> {
              if (failure != null) {
                throw new CompletionException(
                    new DataException(
                        "cannot open a data channel on "
                            + host
                            + ":"
                            + port
                            + ": "
                            + DataException.describe(failure),
                        failure));
              }
              return new DataChannel(
                  new DataAddress(host, binding.localAddress().getPort()), binding);
            });
  }

  /**
   * {@code serve}, logging one line if the connection fails under it: a TLS handshake refused (a
   * client without a certificate of the cluster's CA, or one cut short) or a connection torn down.
   */
  private static Flow<HttpRequest, HttpResponse, NotUsed> logFailure(
      IncomingConnection connection, Flow<HttpRequest, HttpResponse, NotUsed> serve) {
    return serve.watchTermination(
        (notUsed, done) -> {
          done.whenComplete(
              (ok, failure) -> {
                if (failure != null) {
                  log.info(
                      "data channel: connection from {} failed: {}",
                      connection.remoteAddress(),
                      DataException.describe(failure));
                }
              });
          return notUsed;
        });
  }

  /** Where clients reach this channel: the host it was bound with and the port it got. */
  public DataAddress address() {
    return address;
  }

  /** Stops accepting connections; transfers under way go on to their end. */
  public CompletionStage<Done> unbind() {
    return binding.unbind();
  }

  @Override
  public String toString() {
    return "DataChannel(" + address + ")";
  }

  /**
   * {@code /blocks}, {@code /blocks/{id}} and {@code /files} (token in a header), without size or
   * time limit.
   */
  private static Route route(DataHandler handler, Traffic traffic) {
    return withoutSizeLimit(
        () ->
            withoutRequestTimeout(
                () ->
                    extractMaterializer(
                        mat ->
                            concat(
                                pathPrefix(
                                    DataRequest.BLOCKS,
                                    () ->
                                        concat(
                                            pathEnd(
                                                () ->
                                                    put(
                                                        () ->
                                                            write(
                                                                handler, traffic, mat, BLOCK, ""))),
                                            path(
                                                segment(),
                                                id -> serve(handler, traffic, mat, BLOCK, id)))),
                                path(
                                    DataRequest.FILES,
                                    () ->
                                        headerValueByName(
                                            DataRequest.TOKEN_HEADER,
                                            token ->
                                                serve(handler, traffic, mat, TOKEN, token)))))));
  }

  private static Route serve(
      DataHandler handler, Traffic traffic, Materializer mat, DataRequest.Kind kind, String name) {
    return concat(
        put(() -> write(handler, traffic, mat, kind, name)),
        get(
            () ->
                extractRequest(request -> complete(read(handler, traffic, kind, name, request)))));
  }

  /** A PUT: the body into the handler's sink, answered with its result once it completes. */
  private static Route write(
      DataHandler handler, Traffic traffic, Materializer mat, DataRequest.Kind kind, String name) {
    return extractRequest(
        http -> {
          RequestEntity entity = http.entity();
          OptionalLong length = entity.getContentLengthOption();
          if (length.isEmpty()) {
            return complete(
                refusal(
                    StatusCodes.LENGTH_REQUIRED,
                    "a PUT to a data channel must announce its length (Content-Length)"));
          }
          DataRequest request;
          Sink<ByteString, CompletionStage<String>> sink;
          try {
            request =
                DataRequest.put(
                    kind,
                    name,
                    length.getAsLong(),
                    http.getHeader(DataRequest.UPLOAD_HEADER).map(HttpHeader::value));
          } catch (DataException e) {
            return complete(refusal(StatusCodes.BAD_REQUEST, e.getMessage()));
          }
          try {
            sink = handler.openWrite(request);
          } catch (RuntimeException e) {
            return complete(refused(request, e));
          }
          CompletionStage<HttpResponse> answer =
              bytes(entity, traffic)
                  .runWith(sink, mat)
                  .handle(
                      (result, failure) -> {
                        if (failure == null) {
                          return HttpResponse.create()
                              .withEntity(ContentTypes.TEXT_PLAIN_UTF8, result);
                        }
                        String message = DataException.describe(failure);
                        log.info("{}: failed: {}", request, message);
                        return refusal(StatusCodes.UNPROCESSABLE_CONTENT, message);
                      });
          return completeWithFuture(answer);
        });
  }

  private static Source<ByteString, ?> bytes(RequestEntity entity, Traffic traffic) {
    return entity.getDataBytes().via(traffic.countReceived());
  }

  /** A GET: the handler's bytes as the body, or why not. */
  private static HttpResponse read(
      DataHandler handler, Traffic traffic, DataRequest.Kind kind, String name, HttpRequest http) {
    Optional<String> range = http.getHeader("Range").map(HttpHeader::value);
    DataRequest request;
    ReadResult read;
    try {
      request = DataRequest.get(kind, name, range);
    } catch (DataException e) {
      return refusal(StatusCodes.BAD_REQUEST, e.getMessage());
    }
    try {
      read = handler.openRead(request);
    } catch (RuntimeException e) {
      return refused(request, e);
    }
    if (read.length() == 0) {
      return HttpResponse.create().withEntity(HttpEntities.EMPTY);
    }
    HttpResponse response =
        HttpResponse.create()
            .withEntity(
                HttpEntities.create(
                    ContentTypes.APPLICATION_OCTET_STREAM,
                    read.length(),
                    holdingBackTheLastChunk(read.bytes()).via(traffic.countSent())));
    if (range.isEmpty()) {
      return response;
    }
    return response
        .withStatus(StatusCodes.PARTIAL_CONTENT)
        .addHeader(
            RawHeader.create(
                "Content-Range",
                "bytes " + request.offset() + "-" + (request.offset() + read.length() - 1) + "/*"));
  }

  /**
   * {@code bytes}, each chunk sent only once the next one (or the end) arrived: if the source
   * fails, its last chunk stays here and the client, short of the Content-Length, cannot take the
   * body for whole. See the class comment.
   */
  private static Source<ByteString, ?> holdingBackTheLastChunk(Source<ByteString, ?> bytes) {
    ByteString end = ByteString.emptyByteString();
    return bytes
        .concat(Source.single(end))
        .sliding(2, 1)
        .map(pair -> pair.get(0))
        .filter(chunk -> !chunk.isEmpty());
  }

  /** The answer to a request the handler refused ({@code failure}) before any bytes moved. */
  private static HttpResponse refused(DataRequest request, RuntimeException failure) {
    String message = DataException.describe(failure);
    if (failure instanceof DataException) {
      log.debug("{}: refused: {}", request, message);
      return refusal(StatusCodes.UNPROCESSABLE_CONTENT, message);
    }
    log.warn("{}: the handler failed", request, failure);
    return refusal(StatusCodes.INTERNAL_SERVER_ERROR, message);
  }

  private static HttpResponse refusal(StatusCode status, String message) {
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(ContentTypes.TEXT_PLAIN_UTF8, DataException.oneLine(message));
  }
}
