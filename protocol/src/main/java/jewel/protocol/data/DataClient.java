package jewel.protocol.data;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import jewel.api.PartFiles;
import jewel.pki.ClusterTls;
import jewel.protocol.DataAddress;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.ResponseEntity;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.IOResult;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.StreamTcpException;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.AsPublisher;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * The client of other nodes' {@link DataChannel}s, over Pekko HTTP ({@code singleRequest}). Each
 * call is one HTTP exchange; nothing else is shared between calls, so one client serves any number
 * of transfers.
 */
public final class DataClient {
  /** The size of the chunks {@link #putFile} reads from disk. */
  private static final int CHUNK = 256 * 1024;

  /**
   * How many of the caller's elements a PUT's connection takes ahead of the socket: its input
   * boundary would otherwise ask for 16, and a caller's elements may be 1 MiB jewel chunks.
   */
  private static final int PUT_BUFFER = 2;

  /** Longest answer text read (a block id, a one-line error message). */
  private static final long MAX_ANSWER = 64 * 1024;

  /** How long an answer's text may take to arrive, once its status line did. */
  private static final long ANSWER_MILLIS = 60_000;

  private final ActorSystem<?> system;
  private final Materializer materializer;
  private final Traffic traffic;
  private final Http http;
  private final ConnectionPoolSettings pool;
  private final Optional<HttpsConnectionContext> https;

  public DataClient(ActorSystem<?> system) {
    this(system, Traffic.NONE);
  }

  /** A client that counts every byte of the bodies it sends and receives in {@code traffic}. */
  public DataClient(ActorSystem<?> system, Traffic traffic) {
    this(system, traffic, Optional.empty());
  }

  /**
   * As {@link #DataClient(ActorSystem, Traffic)}; with {@code tls}, every exchange goes over HTTPS
   * and presents the member's certificate, and only a channel whose certificate the cluster's CA
   * signed is trusted.
   */
  public DataClient(ActorSystem<?> system, Traffic traffic, Optional<ClusterTls> tls) {
    this.system = Objects.requireNonNull(system, "system");
    this.https =
        tls.map(
            members ->
                ConnectionContext.httpsClient((host, port) -> members.clientEngine(host, port)));
    this.materializer = Materializer.matFromSystem(system);
    this.traffic = Objects.requireNonNull(traffic, "traffic");
    this.http = Http.get(system);
    this.pool =
        ConnectionPoolSettings.create(system.classicSystem())
            // A reader may hold many transfers with one peer open at once and consume them in
            // lockstep (the jewels of a segment): with the default 4 connections per host, the
            // fifth would wait for one of the first four to end, which waits for the fifth.
            .withMaxConnections(256)
            .withMaxOpenRequests(512)
            // A streamed PUT cannot be sent twice, and callers (hedged reads, repair) choose
            // their own retries: fail at once and say why.
            .withMaxRetries(0);
  }

  /**
   * A sink that PUTs exactly {@code request.length()} bytes to {@code to}. Its value completes with
   * the server's result string (the stored block's id in hex, say), or fails with a {@link
   * DataException}: the server's message, "peer at host:port is not reachable: …", or why the bytes
   * given did not match the announced length (or the bytes' own failure).
   */
  public Sink<ByteString, CompletionStage<String>> put(DataAddress to, DataRequest request) {
    Objects.requireNonNull(to, "to");
    if (request.op() != DataRequest.Op.PUT) {
      throw new IllegalArgumentException("put needs a PUT request, not " + request);
    }
    AtomicReference<Throwable> bytesFailed = new AtomicReference<>();
    return Flow.of(ByteString.class)
        .via(ExactLength.upload(request.length()))
        .mapError(
            Throwable.class,
            failure -> {
              bytesFailed.compareAndSet(null, failure);
              return failure;
            })
        .via(traffic.countSent())
        .viaMat(KillSwitches.single(), Keep.right())
        .toMat(Sink.asPublisher(AsPublisher.WITHOUT_FANOUT), Keep.both())
        .mapMaterializedValue(
            m ->
                upload(
                    to,
                    request,
                    Source.fromPublisher(m.second()).via(inBuffer(PUT_BUFFER)),
                    m.first(),
                    bytesFailed));
  }

  /**
   * Passes elements on; as the first stage after an asynchronous boundary it sets how many elements
   * that boundary buffers ({@code size}, instead of the default 16).
   */
  static Flow<ByteString, ByteString, NotUsed> inBuffer(int size) {
    return Flow.of(ByteString.class).map(b -> b).addAttributes(Attributes.inputBuffer(size, size));
  }

  private CompletionStage<String> upload(
      DataAddress to,
      DataRequest request,
      Source<ByteString, NotUsed> bytes,
      UniqueKillSwitch stop,
      AtomicReference<Throwable> bytesFailed) {
    // A body of 0 bytes is no stream in HTTP: check that the caller's bytes are indeed none first.
    CompletionStage<RequestEntity> entity =
        request.length() == 0
            ? bytes.runWith(Sink.ignore(), materializer).thenApply(done -> HttpEntities.EMPTY)
            : CompletableFuture.completedFuture(
                HttpEntities.create(
                    ContentTypes.APPLICATION_OCTET_STREAM, request.length(), bytes));
    return entity
        .thenCompose(e -> send(request.http(to).withEntity(e)))
        .handle(
            (response, failure) -> {
              if (failure == null) {
                return text(to, response)
                    .thenApply(
                        text -> {
                          if (!response.status().isSuccess()) {
                            throw new DataException(text);
                          }
                          return text;
                        });
              }
              Throwable own = bytesFailed.get();
              Throwable why =
                  own == null
                      ? failed(to, failure)
                      : own instanceof DataException
                          ? own
                          : new DataException(
                              "the bytes to put failed: " + DataException.describe(own), own);
              return CompletableFuture.<String>failedFuture(why);
            })
        .thenCompose(answer -> answer)
        .whenComplete(
            (result, failure) -> {
              // The server answered before the last byte (a refusal, or a failed write): stop
              // sending. Also frees the caller's stream if the request never went out.
              if (failure != null) {
                stop.abort(DataException.unwrap(failure));
              }
            });
  }

  /** The text of an answer: a PUT's result, or why the server refused. */
  private CompletionStage<String> text(DataAddress to, HttpResponse response) {
    return response
        .entity()
        .toStrict(ANSWER_MILLIS, MAX_ANSWER, materializer)
        .handle(
            (strict, failure) -> {
              if (failure != null) {
                throw new CompletionException(failed(to, failure));
              }
              return strict.getData().utf8String();
            });
  }

  /**
   * The bytes of a GET from {@code from}. Fails with the server's message if it refuses, and with
   * "connection to peer at host:port closed after X of Y bytes" if fewer bytes arrive than the
   * server announced. Its value is the byte count, once all bytes arrived. The request goes out
   * when the source is first pulled, so that the answer's body is read as soon as it comes (a
   * source materialized and left waiting holds no connection). A GET of 0 bytes asks nothing of the
   * peer: it is empty at once.
   */
  public Source<ByteString, CompletionStage<Long>> get(DataAddress from, DataRequest request) {
    Objects.requireNonNull(from, "from");
    if (request.op() != DataRequest.Op.GET) {
      throw new IllegalArgumentException("get needs a GET request, not " + request);
    }
    if (request.length() == 0) {
      return Source.<ByteString>empty()
          .mapMaterializedValue(n -> CompletableFuture.completedFuture(0L));
    }
    HttpRequest get = request.http(from);
    return Source.<ByteString, CompletionStage<Long>>fromMaterializer(
            (mat, attributes) -> {
              AtomicLong announced = new AtomicLong(-1);
              AtomicLong received = new AtomicLong();
              return Source.lazySource(
                      () ->
                          Source.completionStage(send(get))
                              .mapError(Throwable.class, failure -> failed(from, failure))
                              .flatMapConcat(response -> body(from, request, response, announced)))
                  .map(
                      chunk -> {
                        received.addAndGet(chunk.size());
                        return chunk;
                      })
                  .watchTermination(
                      (notUsed, done) ->
                          done.thenApply(
                              finished -> {
                                if (received.get() != announced.get()) {
                                  throw new DataException(
                                      "download from "
                                          + from
                                          + " cancelled after "
                                          + received.get()
                                          + " of "
                                          + (announced.get() < 0 ? "?" : announced.get())
                                          + " bytes");
                                }
                                return received.get();
                              }));
            })
        .mapMaterializedValue(value -> value.thenCompose(count -> count));
  }

  /** The body of a GET's answer, or its refusal as a failure; the entity is consumed either way. */
  private Source<ByteString, NotUsed> body(
      DataAddress from, DataRequest request, HttpResponse response, AtomicLong announced) {
    ResponseEntity entity = response.entity();
    if (!response.status().isSuccess()) {
      return Source.completionStage(text(from, response))
          .mapError(Throwable.class, DataException::unwrap)
          .flatMapConcat(refusal -> Source.failed(new DataException(refusal)));
    }
    long length = entity.getContentLengthOption().orElse(-1);
    if (length < 0 || (request.length() >= 0 && length != request.length())) {
      entity.discardBytes(materializer);
      return Source.failed(
          new DataException(
              "peer at "
                  + from
                  + " answered "
                  + (length < 0 ? "an unknown number of" : length)
                  + " bytes to "
                  + request));
    }
    announced.set(length);
    return entity
        .getDataBytes()
        .via(traffic.countReceived())
        .via(ExactLength.download(from.toString(), length))
        .mapMaterializedValue(m -> NotUsed.getInstance());
  }

  private CompletionStage<HttpResponse> send(HttpRequest request) {
    if (https.isEmpty()) {
      return http.singleRequest(
          request, http.defaultClientHttpsContext(), pool, system.classicSystem().log());
    }
    return http.singleRequest(
        request.withUri(request.getUri().scheme("https")),
        https.get(),
        pool,
        system.classicSystem().log());
  }

  /** PUTs the file {@code file}, whose size must be {@code request.length()}. */
  public CompletionStage<String> putFile(DataAddress to, DataRequest request, Path file) {
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(
          new DataException("cannot read " + file + ": " + DataException.describe(e), e));
    }
    if (size != request.length()) {
      return CompletableFuture.failedFuture(
          new DataException(
              file + " has " + size + " bytes, the request announces " + request.length()));
    }
    return FileIO.fromPath(file, CHUNK).runWith(put(to, request), materializer);
  }

  /**
   * GETs into {@code file}, through a temporary file next to it that replaces {@code file} only
   * once every byte arrived and was confirmed. Completes with the byte count.
   */
  public CompletionStage<Long> getToFile(DataAddress from, DataRequest request, Path file) {
    Path target = file.toAbsolutePath();
    Path temp = PartFiles.beside(target);
    Pair<CompletionStage<Long>, CompletionStage<IOResult>> running =
        get(from, request).toMat(FileIO.toPath(temp), Keep.both()).run(materializer);
    CompletableFuture<Long> count = running.first().toCompletableFuture();
    CompletableFuture<IOResult> written = running.second().toCompletableFuture();
    return CompletableFuture.allOf(count, written)
        .handleAsync(
            (ignored, failure) -> {
              try {
                if (failure != null) {
                  Files.deleteIfExists(temp);
                  // the download's own failure says more than the file sink's "upstream failed"
                  throw new CompletionException(
                      count.isCompletedExceptionally() ? causeOf(count) : failure);
                }
                Files.move(
                    temp,
                    target,
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
                return count.join();
              } catch (IOException e) {
                throw new CompletionException(
                    new DataException(
                        "cannot write " + target + ": " + DataException.describe(e), e));
              }
            },
            system.executionContext());
  }

  /**
   * Why an exchange with {@code peer} failed before its answer: "peer at host:port is not
   * reachable: …" if no connection could be made, "connection to peer at host:port failed: …"
   * otherwise. A {@link DataException} is already clear and passes unchanged.
   */
  private static DataException failed(DataAddress peer, Throwable failure) {
    Throwable t = DataException.unwrap(failure);
    if (t instanceof DataException d) {
      return d;
    }
    Throwable root = t;
    boolean connecting = false;
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      root = c;
      connecting |=
          c instanceof ConnectException
              || c instanceof UnknownHostException
              || c instanceof NoRouteToHostException
              || (c instanceof StreamTcpException
                  && String.valueOf(c.getMessage()).startsWith("Tcp command [Connect("));
    }
    if (connecting) {
      String why = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
      return new DataException("peer at " + peer + " is not reachable: " + why, t);
    }
    return new DataException(
        "connection to peer at " + peer + " failed: " + DataException.describe(t), t);
  }

  private static Throwable causeOf(CompletableFuture<?> failed) {
    try {
      failed.join();
      throw new IllegalStateException("not failed");
    } catch (CompletionException e) {
      return DataException.unwrap(e);
    } catch (java.util.concurrent.CancellationException e) {
      return e;
    }
  }
}
