package jewel.protocol.data;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import jewel.protocol.DataAddress;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.io.Inet;
import org.apache.pekko.io.TcpSO;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's data channel: a TCP listener (Pekko Streams {@code Tcp}) where bulk bytes travel, apart
 * from actor messages. One request per connection (see {@code Wire} for the bytes): a PUT streams
 * into {@link DataHandler#openWrite}, a GET streams out of {@link DataHandler#openRead}, with
 * back-pressure end to end, so memory per transfer stays a few chunks whatever its size.
 */
public final class DataChannel {
  private static final Logger log = LoggerFactory.getLogger(DataChannel.class);

  static final List<Inet.SocketOption> SOCKET_OPTIONS =
      List.of(TcpSO.tcpNoDelay(true), TcpSO.keepAlive(true));
  private static final int BACKLOG = 128;

  private final DataAddress address;
  private final Tcp.ServerBinding binding;

  private DataChannel(DataAddress address, Tcp.ServerBinding binding) {
    this.address = address;
    this.binding = binding;
  }

  /**
   * Listens on {@code host:port} ({@code port} 0: any free port) and serves every connection with
   * {@code handler}. Fails with a {@link DataException} if the port cannot be bound.
   */
  public static CompletionStage<DataChannel> bind(
      ActorSystem<?> system, String host, int port, DataHandler handler) {
    return bind(system, host, port, handler, Traffic.NONE);
  }

  /** As {@link #bind(ActorSystem, String, int, DataHandler)}, counting every byte in {@code traffic}. */
  public static CompletionStage<DataChannel> bind(
      ActorSystem<?> system, String host, int port, DataHandler handler, Traffic traffic) {
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(handler, "handler");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("bad port " + port);
    }
    Materializer materializer = Materializer.matFromSystem(system);
    return Tcp.get(system)
        .bind(host, port, BACKLOG, SOCKET_OPTIONS, true, Optional.of(Wire.IDLE_TIMEOUT))
        .to(Sink.foreach(connection -> serve(connection, handler, traffic, materializer)))
        .run(materializer)
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

  /** Where clients reach this channel: the host it was bound with and the port it got. */
  public DataAddress address() {
    return address;
  }

  /** Stops accepting connections; transfers under way go on to their end. */
  public CompletionStage<Done> unbind() {
    return binding.unbind().thenApply(unit -> Done.getInstance());
  }

  @Override
  public String toString() {
    return "DataChannel(" + address + ")";
  }

  private static void serve(
      Tcp.IncomingConnection connection, DataHandler handler, Traffic traffic, Materializer materializer) {
    String peer = connection.remoteAddress().toString();
    connection.handleWith(
        traffic.countReceived().via(flow(handler, peer)).via(traffic.countSent())
            .watchTermination(
                (notUsed, done) -> {
                  done.whenComplete(
                      (d, failure) -> {
                        if (failure != null) {
                          log.debug(
                              "data connection from {} ended: {}",
                              peer,
                              DataException.describe(failure));
                        }
                      });
                  return notUsed;
                }),
        materializer);
  }

  /** What serves one connection: frame the request, then hand the rest to the request's flow. */
  static Flow<ByteString, ByteString, NotUsed> flow(DataHandler handler, String peer) {
    return Flow.of(ByteString.class)
        .via(HeaderFraming.requests())
        .flatMapPrefix(
            1,
            prefix ->
                prefix.isEmpty()
                    ? Flow.fromSinkAndSource(Sink.<ByteString>ignore(), Source.<ByteString>empty())
                    : request(handler, prefix.get(0), peer));
  }

  private static Flow<ByteString, ByteString, NotUsed> request(
      DataHandler handler, ByteString header, String peer) {
    DataRequest request;
    try {
      request = DataRequest.decode(header);
    } catch (DataException e) {
      log.info("refusing a data connection from {}: {}", peer, e.getMessage());
      return refuse(e.getMessage());
    }
    String what = request + " from " + peer;
    try {
      return switch (request.op()) {
        case PUT -> put(handler, request, peer, what);
        case GET -> get(handler, request, what);
      };
    } catch (RuntimeException e) {
      String message = DataException.describe(e);
      if (e instanceof DataException) {
        log.debug("{}: refused: {}", what, message);
      } else {
        log.warn("{}: the handler failed", what, e);
      }
      return refuse(message);
    }
  }

  /** Answers ERROR and reads (and drops) whatever the client still sends, until it closes. */
  private static Flow<ByteString, ByteString, NotUsed> refuse(String message) {
    return Flow.fromSinkAndSource(
        Sink.<ByteString>ignore(), Source.single(Wire.Status.error(message).encode()));
  }

  private static Flow<ByteString, ByteString, NotUsed> put(
      DataHandler handler, DataRequest request, String peer, String what) {
    Sink<ByteString, CompletionStage<String>> sink = handler.openWrite(request);
    CompletableFuture<Wire.Status> answer = new CompletableFuture<>();
    Sink<ByteString, NotUsed> payload =
        Flow.of(ByteString.class)
            .via(new PutPayload(request.length(), peer))
            .toMat(sink, Keep.right())
            .mapMaterializedValue(
                result -> {
                  result.whenComplete(
                      (value, failure) -> {
                        if (failure == null) {
                          answer.complete(Wire.Status.ok(0, value));
                        } else {
                          String message = DataException.describe(failure);
                          log.info("{}: failed: {}", what, message);
                          answer.complete(Wire.Status.error(message));
                        }
                      });
                  return NotUsed.notUsed();
                });
    return Flow.fromSinkAndSource(payload, Source.completionStage(answer).map(Wire.Status::encode));
  }

  private static Flow<ByteString, ByteString, NotUsed> get(
      DataHandler handler, DataRequest request, String what) {
    ReadResult read = handler.openRead(request);
    Source<ByteString, NotUsed> answer =
        Source.single(Wire.Status.ok(read.length(), "").encode())
            .concat(read.bytes().via(new ServerBody(read.length(), what)));
    return Flow.fromSinkAndSource(Sink.<ByteString>ignore(), answer);
  }
}
