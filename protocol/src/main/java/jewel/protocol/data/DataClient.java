package jewel.protocol.data;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import jewel.protocol.DataAddress;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.IOResult;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.StreamTcpException;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * The client of other nodes' {@link DataChannel}s. Each call opens one connection for one
 * request; nothing is shared between calls, so one client serves any number of transfers.
 */
public final class DataClient {
  private final ActorSystem<?> system;
  private final Materializer materializer;
  private final Traffic traffic;

  public DataClient(ActorSystem<?> system) {
    this(system, Traffic.NONE);
  }

  /** A client that counts every byte it sends and receives in {@code traffic}. */
  public DataClient(ActorSystem<?> system, Traffic traffic) {
    this.system = Objects.requireNonNull(system, "system");
    this.materializer = Materializer.matFromSystem(system);
    this.traffic = Objects.requireNonNull(traffic, "traffic");
  }

  /**
   * A sink that PUTs exactly {@code request.length()} bytes to {@code to}. Its value completes with
   * the server's result string (the stored block's id in hex, say), or fails with a {@link
   * DataException}: the server's message, "peer at host:port is not reachable: …", or why the
   * bytes given did not match the announced length.
   */
  public Sink<ByteString, CompletionStage<String>> put(DataAddress to, DataRequest request) {
    Objects.requireNonNull(to, "to");
    if (request.op() != DataRequest.Op.PUT) {
      throw new IllegalArgumentException("put needs a PUT request, not " + request);
    }
    Flow<ByteString, ByteString, Pair<UniqueKillSwitch, CompletionStage<Done>>> upload =
        Flow.of(ByteString.class)
            .via(new ExactUpload(request.length()))
            .prepend(Source.single(request.encode()))
            .viaMat(KillSwitches.single(), Keep.right())
            .watchTermination(Keep.both());
    return upload
        .viaMat(connection(to), Keep.both())
        .via(HeaderFraming.answers())
        .toMat(Sink.headOption(), Keep.both())
        .mapMaterializedValue(
            m ->
                answer(
                    to,
                    m.first().first().first(),
                    m.first().first().second(),
                    m.first().second(),
                    m.second()));
  }

  /**
   * The bytes of a GET from {@code from}. Fails with the server's message on an ERROR answer, and
   * with "connection to peer at host:port closed after X of Y bytes" if fewer bytes arrive than the
   * server announced. Its value is the byte count, once all bytes arrived and the server confirmed
   * them.
   */
  public Source<ByteString, CompletionStage<Long>> get(DataAddress from, DataRequest request) {
    Objects.requireNonNull(from, "from");
    if (request.op() != DataRequest.Op.GET) {
      throw new IllegalArgumentException("get needs a GET request, not " + request);
    }
    return Source.single(request.encode())
        .via(connection(from))
        .via(HeaderFraming.answers())
        .viaMat(new GetBody(from.toString()), Keep.right());
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
    return FileIO.fromPath(file, Wire.CHUNK).runWith(put(to, request), materializer);
  }

  /**
   * GETs into {@code file}, through a temporary file next to it that replaces {@code file} only
   * once every byte arrived and was confirmed. Completes with the byte count.
   */
  public CompletionStage<Long> getToFile(DataAddress from, DataRequest request, Path file) {
    Path target = file.toAbsolutePath();
    Path temp =
        target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".part");
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
   * A TCP connection to {@code to} whose TCP failures before it is established (refused, timed
   * out, unknown host) become "peer at host:port is not reachable: …".
   */
  private Flow<ByteString, ByteString, CompletionStage<Tcp.OutgoingConnection>> connection(
      DataAddress to) {
    Flow<ByteString, ByteString, CompletionStage<Tcp.OutgoingConnection>> tcp =
        Tcp.get(system)
            .outgoingConnection(
                new InetSocketAddress(to.host(), to.port()),
                Optional.empty(),
                DataChannel.SOCKET_OPTIONS,
                true,
                Optional.of(Wire.CONNECT_TIMEOUT),
                Optional.of(Wire.IDLE_TIMEOUT));
    return Flow.fromMaterializer(
            (mat, attributes) -> {
              AtomicBoolean connected = new AtomicBoolean(false);
              return traffic.countSent().viaMat(tcp, Keep.right()).via(traffic.countReceived()).mapMaterializedValue(
                      established ->
                          established.handle(
                              (connection, failure) -> {
                                if (failure != null) {
                                  Throwable t = DataException.unwrap(failure);
                                  throw new CompletionException(
                                      t instanceof StreamTcpException ? notReachable(to, t) : t);
                                }
                                connected.set(true);
                                return connection;
                              }))
                  .mapError(
                      StreamTcpException.class,
                      failure -> connected.get() ? failure : notReachable(to, failure));
            })
        .mapMaterializedValue(nested -> nested.thenCompose(established -> established));
  }

  private static DataException notReachable(DataAddress to, Throwable failure) {
    Throwable t = DataException.unwrap(failure);
    if (t instanceof DataException d) {
      return d;
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String why = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return new DataException("peer at " + to + " is not reachable: " + why, t);
  }

  private static CompletionStage<String> answer(
      DataAddress to,
      UniqueKillSwitch upload,
      CompletionStage<Done> uploaded,
      CompletionStage<Tcp.OutgoingConnection> connected,
      CompletionStage<Optional<ByteString>> answered) {
    CompletableFuture<String> result = new CompletableFuture<>();
    answered.whenComplete(
        (header, failure) -> {
          if (failure == null && header.isPresent()) {
            try {
              Wire.Status status = Wire.Status.decode(header.get());
              if (status.ok()) {
                result.complete(status.text());
                return;
              }
              throw new DataException(status.text());
            } catch (DataException e) {
              upload.abort(e); // stop sending: the server has answered
              result.completeExceptionally(e);
              return;
            }
          }
          // No answer. A DataException on the answer side is already clear (not reachable, or
          // the caller's own failure before the connection was up). Otherwise, if the upload
          // failed, that cut the connection: say why (the caller's bytes, say). Otherwise the
          // connection's own failure, or a silent close.
          CompletableFuture<Tcp.OutgoingConnection> c = connected.toCompletableFuture();
          CompletableFuture<Done> u = uploaded.toCompletableFuture();
          Throwable answerFailure = failure == null ? null : DataException.unwrap(failure);
          Throwable why;
          if (answerFailure instanceof DataException) {
            why = answerFailure;
          } else if (u.isCompletedExceptionally()
              && !(causeOf(u) instanceof StreamTcpException)) {
            Throwable cause = causeOf(u);
            why =
                cause instanceof DataException
                    ? cause
                    : new DataException(
                        "the bytes to put failed: " + DataException.describe(cause), cause);
          } else if (c.isCompletedExceptionally()) {
            why = causeOf(c);
          } else if (answerFailure != null) {
            why = answerFailure;
          } else {
            why = new DataException("peer at " + to + " closed the connection without answering");
          }
          if (!(why instanceof DataException)) {
            why =
                new DataException(
                    "connection to peer at " + to + " failed: " + DataException.describe(why),
                    why);
          }
          result.completeExceptionally(why);
        });
    return result;
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
