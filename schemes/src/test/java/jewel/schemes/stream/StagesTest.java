package jewel.schemes.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import jewel.codec.SegmentLayout;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The routing stages of the schemes on their own: segment cutting, shard routing, fan-out. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StagesTest {
  ActorSystem<Void> system;
  Materializer mat;

  @BeforeAll
  void start() {
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "stages-test",
            ConfigFactory.parseString("pekko.actor.provider = local\npekko.loglevel = WARNING")
                .withFallback(ConfigFactory.load()));
    mat = Materializer.matFromSystem(system);
  }

  @AfterAll
  void stop() {
    system.terminate();
  }

  static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static Source<ByteString, NotUsed> pieces(byte[] b, int piece) {
    List<ByteString> out = new ArrayList<>();
    for (int at = 0; at < b.length; at += piece) {
      out.add(ByteString.fromArray(b, at, Math.min(piece, b.length - at)));
    }
    return Source.from(out);
  }

  static <T> T await(CompletionStage<T> s) throws Exception {
    return s.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static Throwable failure(CompletionStage<?> s) {
    ExecutionException e =
        assertThrows(
            ExecutionException.class, () -> s.toCompletableFuture().get(10, TimeUnit.SECONDS));
    return e.getCause();
  }

  @Test
  void sliceCutterCutsTheSegmentsOfALayoutWhateverTheInputPieces() throws Exception {
    for (int size : new int[] {0, 1, 29, 30, 31, 95, 300}) {
      SegmentLayout layout = new SegmentLayout(3, 5, 10, size);
      byte[] b = bytes(size, size);
      for (int piece : new int[] {1, 7, 30, 1000}) {
        List<ByteString> segments =
            await(
                pieces(b, piece)
                    .via(
                        SliceCutter.of(
                            "the file",
                            layout.segmentCount(),
                            layout::segmentLength,
                            layout::segmentLength))
                    .runWith(Sink.seq(), mat));
        assertEquals(layout.segmentCount(), segments.size());
        int at = 0;
        for (int s = 0; s < segments.size(); s++) {
          assertEquals(layout.segmentLength(s), segments.get(s).size());
          assertArrayEquals(
              Arrays.copyOfRange(b, at, at + segments.get(s).size()), segments.get(s).toArray());
          at += segments.get(s).size();
        }
      }
    }
  }

  @Test
  void sliceCutterCutsPiecesOfTheirBytesThenZeros() throws Exception {
    byte[] b = bytes(17, 5);
    int[] sizes = {4, 4, 4, 3, 0, 2};
    for (int piece : new int[] {1, 3, 17, 100}) {
      List<ByteString> got =
          await(
              pieces(b, piece)
                  .via(SliceCutter.of("the file", sizes.length, i -> sizes[(int) i], i -> 4))
                  .runWith(Sink.seq(), mat));
      assertEquals(sizes.length, got.size());
      int at = 0;
      for (int i = 0; i < sizes.length; i++) {
        assertArrayEquals(
            Arrays.copyOf(Arrays.copyOfRange(b, at, at + sizes[i]), 4),
            got.get(i).toArray(),
            "piece " + i + " from pieces of " + piece);
        at += sizes[i];
      }
    }
    Throwable shorter =
        failure(
            pieces(bytes(16, 1), 4)
                .via(SliceCutter.of("the file", sizes.length, i -> sizes[(int) i], i -> 4))
                .runWith(Sink.seq(), mat));
    assertEquals("the file ended after 16 of 17 bytes", shorter.getMessage());
    Throwable longer =
        failure(
            pieces(bytes(18, 1), 4)
                .via(SliceCutter.of("the file", sizes.length, i -> sizes[(int) i], i -> 4))
                .runWith(Sink.seq(), mat));
    assertEquals("the file has more bytes than the 17 expected", longer.getMessage());
  }

  @Test
  void sliceCutterRefusesAStreamOfTheWrongLength() {
    Throwable shorter =
        failure(
            pieces(bytes(25, 1), 4)
                .via(SliceCutter.of("the file", 3, i -> 10, i -> 10))
                .runWith(Sink.seq(), mat));
    assertEquals("the file ended after 25 of 30 bytes", shorter.getMessage());
    Throwable longer =
        failure(
            pieces(bytes(31, 1), 4)
                .via(SliceCutter.of("the file", 3, i -> 10, i -> 10))
                .runWith(Sink.seq(), mat));
    assertEquals("the file has more bytes than the 30 expected", longer.getMessage());
    Throwable notEmpty =
        failure(
            pieces(bytes(1, 1), 4)
                .via(SliceCutter.of("the file", 0, i -> 0, i -> 0))
                .runWith(Sink.seq(), mat));
    assertEquals("the file has more bytes than the 0 expected", notEmpty.getMessage());
  }

  @Test
  void shardRouterSendsEachRangeToItsOutlet() throws Exception {
    byte[] b = bytes(1000, 2);
    long[] lengths = {334, 334, 332};
    for (int piece : new int[] {1, 100, 333, 1000}) {
      List<Sink<ByteString, CompletionStage<ByteString>>> sinks = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        sinks.add(Sink.fold(ByteString.emptyByteString(), ByteString::concat));
      }
      List<CompletionStage<ByteString>> got =
          pieces(b, piece).runWith(ShardRouter.toEach("f", lengths, sinks), mat);
      assertArrayEquals(Arrays.copyOfRange(b, 0, 334), await(got.get(0)).toArray());
      assertArrayEquals(Arrays.copyOfRange(b, 334, 668), await(got.get(1)).toArray());
      assertArrayEquals(Arrays.copyOfRange(b, 668, 1000), await(got.get(2)).toArray());
    }
  }

  @Test
  void shardRouterCompletesARangeAsSoonAsItIsDone() throws Exception {
    // The file's source stays open after 20 bytes: ranges 0 and 1 must complete anyway (their
    // uploads finish then, not when the whole file has passed).
    List<Sink<ByteString, CompletionStage<ByteString>>> sinks = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sinks.add(Sink.fold(ByteString.emptyByteString(), ByteString::concat));
    }
    List<CompletionStage<ByteString>> got =
        pieces(bytes(20, 3), 3)
            .concat(Source.never())
            .runWith(ShardRouter.toEach("f", new long[] {10, 10, 10}, sinks), mat);
    assertEquals(10, await(got.get(0)).size());
    assertEquals(10, await(got.get(1)).size());
    assertFalse(got.get(2).toCompletableFuture().isDone());
  }

  @Test
  void shardRouterOpensARangeOnlyWhenItsBytesCome() throws Exception {
    // With lazy sinks downstream (as a store uses), range i's sink exists only once its first byte
    // does.
    List<String> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
    CompletableFuture<Void> release = new CompletableFuture<>();
    List<Sink<ByteString, CompletionStage<CompletionStage<ByteString>>>> sinks = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      int index = i;
      sinks.add(
          Sink.lazySink(
              () -> {
                opened.add("range " + index);
                return Sink.fold(ByteString.emptyByteString(), ByteString::concat);
              }));
    }
    Source<ByteString, NotUsed> slow =
        pieces(bytes(10, 4), 10)
            .concat(
                Source.completionStage(release.thenApply(v -> ByteString.fromArray(bytes(10, 5)))));
    List<CompletionStage<CompletionStage<ByteString>>> got =
        slow.runWith(ShardRouter.toEach("f", new long[] {10, 10}, sinks), mat);
    assertEquals(10, await(await(got.get(0))).size());
    Thread.sleep(100);
    assertEquals(List.of("range 0"), opened);
    release.complete(null);
    assertEquals(10, await(await(got.get(1))).size());
    assertEquals(List.of("range 0", "range 1"), opened);
  }

  @Test
  void shardRouterRefusesAStreamOfTheWrongLength() {
    List<Sink<ByteString, CompletionStage<ByteString>>> sinks =
        List.of(
            Sink.fold(ByteString.emptyByteString(), ByteString::concat),
            Sink.fold(ByteString.emptyByteString(), ByteString::concat));
    List<CompletionStage<ByteString>> shorter =
        pieces(bytes(15, 1), 4)
            .runWith(ShardRouter.toEach("the file", new long[] {10, 10}, sinks), mat);
    assertEquals("the file ended after 15 of 20 bytes", failure(shorter.get(1)).getMessage());
  }

  @Test
  void fanoutFeedsEveryBranchAtThePaceOfTheSlowest() throws Exception {
    byte[] b = bytes(10_000, 8);
    List<Sink<ByteString, CompletionStage<ByteString>>> sinks = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      sinks.add(Sink.fold(ByteString.emptyByteString(), ByteString::concat));
    }
    List<CompletionStage<ByteString>> got =
        pieces(b, 333).toMat(Fanout.toAll(sinks), Keep.right()).run(mat);
    for (CompletionStage<ByteString> g : got) {
      assertTrue(Arrays.equals(b, await(g).toArray()));
    }
  }

  /**
   * A reader of {@code count} one-byte elements that records how far it was asked and whether it
   * was closed.
   */
  static final class CountingReader implements ReaderSource.Reader {
    final int count;
    final java.util.concurrent.atomic.AtomicInteger asked =
        new java.util.concurrent.atomic.AtomicInteger();
    final CompletableFuture<Void> closed = new CompletableFuture<>();

    CountingReader(int count) {
      this.count = count;
    }

    @Override
    public CompletionStage<java.util.Optional<ByteString>> next() {
      int i = asked.getAndIncrement();
      return CompletableFuture.supplyAsync(
          () ->
              i < count
                  ? java.util.Optional.of(ByteString.fromArray(new byte[] {(byte) i}))
                  : java.util.Optional.empty());
    }

    @Override
    public void close() {
      closed.complete(null);
    }
  }

  @Test
  void readerSourceReadsNothingAheadOfDemandAndClosesItsReader() throws Exception {
    CountingReader all = new CountingReader(5);
    List<ByteString> got = await(ReaderSource.of(m -> all).runWith(Sink.seq(), mat));
    assertEquals(5, got.size());
    assertEquals(4, got.get(4).apply(0));
    await(all.closed);

    CountingReader some = new CountingReader(1000);
    assertEquals(2, await(ReaderSource.of(m -> some).take(2).runWith(Sink.seq(), mat)).size());
    await(some.closed);
    assertEquals(2, some.asked.get(), "asked for exactly what was taken");

    CountingReader held = new CountingReader(1000);
    // A queue that buffers one element: the source may have been asked for it and one more.
    var probe =
        ReaderSource.of(m -> held)
            .runWith(
                Sink.<ByteString>queue()
                    .addAttributes(org.apache.pekko.stream.Attributes.inputBuffer(1, 1)),
                mat);
    assertEquals(0, await(probe.pull()).orElseThrow().apply(0));
    Thread.sleep(200);
    assertTrue(held.asked.get() <= 3, "read ahead " + held.asked.get() + " elements");
    probe.cancel();
    await(held.closed);
  }

  @Test
  void readerSourceFailsWithTheReadersFailure() {
    ReaderSource.Reader failing =
        new ReaderSource.Reader() {
          @Override
          public CompletionStage<java.util.Optional<ByteString>> next() {
            return CompletableFuture.supplyAsync(
                () -> {
                  throw new IllegalStateException("jewel 2 is corrupt");
                });
          }

          @Override
          public void close() {}
        };
    Throwable t = failure(ReaderSource.of(m -> failing).runWith(Sink.seq(), mat));
    assertEquals("jewel 2 is corrupt", t.getMessage());
  }
}
