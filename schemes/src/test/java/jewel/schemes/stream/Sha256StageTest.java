package jewel.schemes.stream;

import static jewel.schemes.stream.StagesTest.await;
import static jewel.schemes.stream.StagesTest.bytes;
import static jewel.schemes.stream.StagesTest.failure;
import static jewel.schemes.stream.StagesTest.pieces;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.ConfigFactory;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import jewel.api.BlockId;
import jewel.api.Digests;
import jewel.schemes.stream.Sha256Stage.CorruptBytesException;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Each mode of the SHA-256 stage: when it fails, what it passes on, and what its value says. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Sha256StageTest {
  ActorSystem<Void> system;
  Materializer mat;

  @BeforeAll
  void start() {
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "sha256-stage-test",
            ConfigFactory.parseString("pekko.actor.provider = local\npekko.loglevel = WARNING")
                .withFallback(ConfigFactory.load()));
    mat = Materializer.matFromSystem(system);
  }

  @AfterAll
  void stop() {
    system.terminate();
  }

  static BlockId sha(byte[] b) {
    return BlockId.of(Digests.sha256().digest(b));
  }

  static Source<ByteString, NotUsed> failingAfter(Source<ByteString, NotUsed> bytes, String why) {
    return bytes.concat(
        Source.lazySource(() -> Source.<ByteString>failed(new IllegalStateException(why)))
            .mapMaterializedValue(m -> NotUsed.getInstance()));
  }

  /**
   * Runs {@code bytes} through {@code stage} into {@code seen}: (the stage's value, the stream's
   * end).
   */
  <V> Pair<CompletionStage<V>, CompletionStage<Done>> run(
      Source<ByteString, NotUsed> bytes,
      Flow<ByteString, ByteString, CompletionStage<V>> stage,
      List<ByteString> seen) {
    return bytes.viaMat(stage, Keep.right()).toMat(Sink.foreach(seen::add), Keep.both()).run(mat);
  }

  static int total(List<ByteString> seen) {
    return seen.stream().mapToInt(ByteString::size).sum();
  }

  @Test
  void computeIdPassesEveryChunkOnAndGivesTheIdOfAll() throws Exception {
    byte[] b = bytes(5000, 1);
    List<ByteString> seen = new CopyOnWriteArrayList<>();
    Pair<CompletionStage<BlockId>, CompletionStage<Done>> r =
        run(pieces(b, 700), Sha256Stage.computeId(), seen);
    await(r.second());
    assertEquals(sha(b), await(r.first()));
    assertArrayEquals(
        b, seen.stream().reduce(ByteString.emptyByteString(), ByteString::concat).toArray());
    assertEquals(
        sha(new byte[0]),
        await(
            Source.<ByteString>empty()
                .viaMat(Sha256Stage.computeId(), Keep.right())
                .to(Sink.ignore())
                .run(mat)));
  }

  @Test
  void computeIdFailsWhenTheBytesDoNotAllCome() {
    byte[] b = bytes(5000, 2);
    CompletionStage<BlockId> stopped =
        pieces(b, 700)
            .viaMat(Sha256Stage.computeId(), Keep.right())
            .take(1)
            .to(Sink.ignore())
            .run(mat);
    assertEquals("the reader stopped before the end", failure(stopped).getMessage());
    CompletionStage<BlockId> broken =
        failingAfter(pieces(b, 700), "connection broke")
            .viaMat(Sha256Stage.computeId(), Keep.right())
            .to(Sink.ignore())
            .run(mat);
    assertEquals("connection broke", failure(broken).getMessage());
  }

  @Test
  void failAfterLastChunkPassesEveryByteOnThenFailsWithTheMismatch() throws Exception {
    byte[] b = bytes(5000, 3);
    BlockId id = sha(b);
    List<ByteString> good = new CopyOnWriteArrayList<>();
    Pair<CompletionStage<Done>, CompletionStage<Done>> ok =
        run(
            pieces(b, 700),
            Sha256Stage.failAfterLastChunk(id, (a, size) -> new IllegalStateException("bad")),
            good);
    await(ok.second());
    await(ok.first());
    assertEquals(5000, total(good));

    byte[] bad = b.clone();
    bad[4999] ^= 1;
    List<ByteString> seen = new CopyOnWriteArrayList<>();
    Pair<CompletionStage<Done>, CompletionStage<Done>> r =
        run(
            pieces(bad, 700),
            Sha256Stage.failAfterLastChunk(
                id, (a, size) -> new IllegalStateException("bad " + a.shortHex() + " " + size)),
            seen);
    assertEquals("bad " + sha(bad).shortHex() + " 5000", failure(r.second()).getMessage());
    assertEquals("bad " + sha(bad).shortHex() + " 5000", failure(r.first()).getMessage());
    assertEquals(5000, total(seen), "every piece went on before the failure");
  }

  @Test
  void aCheckHasNothingToJudgeWhenTheReaderStopsEarly() throws Exception {
    byte[] bad = bytes(5000, 4);
    CompletionStage<Done> verdict =
        pieces(bad, 700)
            .viaMat(
                Sha256Stage.failAfterLastChunk(
                    sha(new byte[0]), (a, size) -> new IllegalStateException("bad")),
                Keep.right())
            .take(1)
            .to(Sink.ignore())
            .run(mat);
    assertEquals(Done.getInstance(), await(verdict));
  }

  @Test
  void failBeforeLastChunkHoldsTheLastChunkBackAndFailsInItsPlace() throws Exception {
    byte[] b = bytes(5000, 5);
    BlockId id = sha(b);
    List<ByteString> good = new CopyOnWriteArrayList<>();
    Pair<CompletionStage<Done>, CompletionStage<Done>> ok =
        run(
            pieces(b, 700),
            Sha256Stage.failBeforeLastChunk(
                id, (a, size) -> new CorruptBytesException("file 'f'", id, a)),
            good);
    await(ok.second());
    await(ok.first());
    assertEquals(5000, total(good));

    byte[] bad = b.clone();
    bad[4999] ^= 1;
    List<ByteString> seen = new CopyOnWriteArrayList<>();
    Pair<CompletionStage<Done>, CompletionStage<Done>> r =
        run(
            pieces(bad, 700),
            Sha256Stage.failBeforeLastChunk(
                id, (a, size) -> new CorruptBytesException("file 'f'", id, a)),
            seen);
    Throwable e = failure(r.second());
    assertInstanceOf(CorruptBytesException.class, e);
    assertEquals(
        "file 'f' is corrupted: expected SHA-256 "
            + id.shortHex()
            + "…, got "
            + sha(bad).shortHex()
            + "…",
        e.getMessage());
    assertEquals(sha(bad), ((CorruptBytesException) e).actual());
    assertInstanceOf(CorruptBytesException.class, failure(r.first()));
    assertEquals(4900, total(seen), "the last piece is held back");
  }

  @Test
  void failBeforeLastChunkFailsWithTheStreamEvenAfterEveryByte() {
    byte[] b = bytes(3000, 6);
    List<ByteString> seen = new CopyOnWriteArrayList<>();
    Pair<CompletionStage<Done>, CompletionStage<Done>> r =
        run(
            failingAfter(pieces(b, 1000), "trailer lost"),
            Sha256Stage.failBeforeLastChunk(sha(b), (a, size) -> new IllegalStateException("bad")),
            seen);
    assertEquals("trailer lost", failure(r.second()).getMessage());
    assertEquals("trailer lost", failure(r.first()).getMessage());
    assertEquals(2000, total(seen), "the last piece is held back");
  }

  @Test
  void blockCheckPassesGoodBytesAndNamesCorruptOnesBeforeTheirEnd() throws Exception {
    byte[] b = bytes(5000, 6);
    BlockId id = sha(b);
    assertArrayEquals(
        b,
        await(
                pieces(b, 700)
                    .via(
                        Sha256Stage.failBeforeLastChunkOfBlock(
                            id,
                            5000,
                            (a, size) -> new IllegalStateException("bad " + a.shortHex())))
                    .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), mat))
            .toArray());

    byte[] bad = b.clone();
    bad[4999] ^= 1;
    List<ByteString> seen = new CopyOnWriteArrayList<>();
    CompletionStage<?> done =
        pieces(bad, 700)
            .via(
                Sha256Stage.failBeforeLastChunkOfBlock(
                    id, 5000, (a, size) -> new IllegalStateException("bad " + a.shortHex())))
            .runWith(Sink.foreach(seen::add), mat);
    assertEquals("bad " + sha(bad).shortHex(), failure(done).getMessage());
    assertEquals(4900, total(seen), "the last piece is held back");
  }

  @Test
  void blockCheckJudgesTheBytesWhenTheStreamFailsAfterAllOfThem() throws Exception {
    byte[] b = bytes(3000, 7);
    BlockId id = sha(b);
    Source<ByteString, NotUsed> thenFail = failingAfter(pieces(b, 1000), "trailer lost");
    assertEquals(
        3000,
        await(
                thenFail
                    .via(
                        Sha256Stage.failBeforeLastChunkOfBlock(
                            id, 3000, (a, size) -> new IllegalStateException("bad")))
                    .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), mat))
            .size());
    // part way: the failure is the stream's own
    Source<ByteString, NotUsed> partWay =
        failingAfter(pieces(Arrays.copyOf(b, 2000), 1000), "connection broke");
    assertEquals(
        "connection broke",
        failure(
                partWay
                    .via(
                        Sha256Stage.failBeforeLastChunkOfBlock(
                            id, 3000, (a, size) -> new IllegalStateException("bad")))
                    .runWith(Sink.ignore(), mat))
            .getMessage());
  }

  @Test
  void blockCheckRefusesABlockThatEndsShortOrLong() {
    byte[] b = bytes(3000, 8);
    BlockId id = sha(b);
    Throwable shorter =
        failure(
            pieces(Arrays.copyOf(b, 2000), 1000)
                .via(
                    Sha256Stage.failBeforeLastChunkOfBlock(
                        id, 3000, (a, size) -> new IllegalStateException("bad")))
                .runWith(Sink.ignore(), mat));
    assertEquals(
        "block " + id.shortHex() + "… ended after 2000 of 3000 bytes", shorter.getMessage());
    Throwable longer =
        failure(
            pieces(Arrays.copyOf(b, 3001), 1000)
                .via(
                    Sha256Stage.failBeforeLastChunkOfBlock(
                        id, 3000, (a, size) -> new IllegalStateException("bad")))
                .runWith(Sink.ignore(), mat));
    assertEquals(
        "block " + id.shortHex() + "… ended after 3001 of 3000 bytes", longer.getMessage());
  }
}
