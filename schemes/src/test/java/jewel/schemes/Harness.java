package jewel.schemes;

import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import jewel.api.ByteRange;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.PeerId;
import jewel.api.SchemeSpec;
import jewel.schemes.stream.Sha256Stage;
import jewel.schemes.stream.Sha256Stage.CorruptBytesException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * A local actor system to run scheme streams on, and store/read helpers over {@link MemoryPeers}.
 */
final class Harness implements AutoCloseable {
  /** Small chunks (1 KiB), so that a few KiB make several segments. */
  static final int CHUNK = 1024;

  static final SchemeDefaults DEFAULTS = new SchemeDefaults(2, 3, 5, 2, CHUNK, "jewel");

  final ActorSystem<Void> system;
  final Materializer materializer;
  final Schemes schemes = new Schemes(DEFAULTS);

  Harness() {
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "schemes-test",
            ConfigFactory.parseString("pekko.actor.provider = local\npekko.loglevel = WARNING")
                .withFallback(ConfigFactory.load()));
    materializer = Materializer.matFromSystem(system);
  }

  static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** The bytes as a stream of pieces of irregular sizes, as a file arrives over the network. */
  static Source<ByteString, org.apache.pekko.NotUsed> pieces(byte[] bytes, long seed) {
    Random r = new Random(seed);
    List<ByteString> out = new ArrayList<>();
    for (int at = 0; at < bytes.length; ) {
      int n = Math.min(bytes.length - at, 1 + r.nextInt(3000));
      out.add(ByteString.fromArray(bytes, at, n));
      at += n;
    }
    return Source.from(out);
  }

  FileEntry store(MemoryPeers peers, List<PeerId> live, String name, String spec, byte[] bytes) {
    SchemeSpec normalized = schemes.normalize(SchemeSpec.parse(spec));
    StoreJob job =
        new StoreJob(
            new FileName(name),
            normalized,
            bytes.length,
            pieces(bytes, bytes.length),
            live,
            peers,
            materializer,
            null);
    Encoded e = await(schemes.get(normalized.id()).store(job));
    return new FileEntry(
        new FileName(name), bytes.length, e.root(), normalized, e.layout(), e.blocks(), 0);
  }

  /** The whole file, checked against its root as the coordinator does. */
  byte[] read(FileEntry entry, Set<PeerId> live, BlockTransport transport) {
    return collect(
        schemes
            .get(entry.scheme().id())
            .read(entry, live, transport, null)
            .via(
                Sha256Stage.failBeforeLastChunk(
                    entry.root(),
                    (actual, size) ->
                        new CorruptBytesException(
                            "file '" + entry.name() + "'", entry.root(), actual))));
  }

  /** Bytes {@code range} of the file: a range has no hash of its own to check. */
  byte[] read(FileEntry entry, Set<PeerId> live, BlockTransport transport, ByteRange range) {
    return collect(schemes.get(entry.scheme().id()).read(entry, live, transport, range));
  }

  private byte[] collect(Source<ByteString, org.apache.pekko.NotUsed> bytes) {
    return await(
            bytes.runWith(
                Sink.fold(ByteString.emptyByteString(), ByteString::concat), materializer))
        .toArray();
  }

  /** The value, or the failure's own exception (not wrapped). */
  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable t = e.getCause();
      while (t instanceof CompletionException && t.getCause() != null) {
        t = t.getCause();
      }
      if (t instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(t);
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("no answer in 30 s", e);
    }
  }

  @Override
  public void close() {
    system.terminate();
  }
}
