package jewel.protocol.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import jewel.api.BlockId;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The framing stages without a network: headers split at every byte, glued to payload. */
class HeaderFramingTest {
  static ActorTestKit testKit;
  static Materializer mat;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create();
    mat = Materializer.matFromSystem(testKit.system());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static List<ByteString> frame(List<ByteString> chunks) {
    return Source.from(chunks)
        .via(HeaderFraming.requests())
        .runWith(Sink.seq(), mat)
        .toCompletableFuture()
        .orTimeout(10, TimeUnit.SECONDS)
        .join();
  }

  static ByteString concat(List<ByteString> parts) {
    ByteString all = ByteString.emptyByteString();
    for (ByteString p : parts) {
      all = all.concat(p);
    }
    return all;
  }

  @Test
  void headerSplitAtEveryBytePositionAndGluedToPayload() {
    ByteString header =
        DataRequest.putBlock(100, Optional.of(new BlockId("0f".repeat(32)))).encode();
    ByteString payload = MemoryHandler.bytes(100);
    ByteString all = header.concat(payload);
    for (int cut = 1; cut < all.size(); cut++) {
      List<ByteString> out = frame(List.of(all.take(cut), all.drop(cut)));
      assertEquals(header, out.get(0), "cut at " + cut);
      assertEquals(payload, concat(out.subList(1, out.size())), "cut at " + cut);
      // the payload is passed through, not re-buffered: at most the piece glued to the header
      assertTrue(out.size() <= 3, "cut at " + cut + ": " + out.size() + " elements");
    }
  }

  @Test
  void oneByteChunksAndRandomChunkings() {
    ByteString header = DataRequest.getFile("some-token-é", 3, -1).encode();
    ByteString payload = MemoryHandler.bytes(300);
    ByteString all = header.concat(payload);
    List<ByteString> ones = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      ones.add(all.slice(i, i + 1));
    }
    List<ByteString> out = frame(ones);
    assertEquals(header, out.get(0));
    assertEquals(payload, concat(out.subList(1, out.size())));
    assertEquals(1 + payload.size(), out.size()); // each payload byte passed on as it came

    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      List<ByteString> chunks = new ArrayList<>();
      int at = 0;
      while (at < all.size()) {
        int n = Math.min(all.size() - at, 1 + random.nextInt(40));
        chunks.add(all.slice(at, at + n));
        at += n;
      }
      List<ByteString> framed = frame(chunks);
      assertEquals(header, framed.get(0));
      assertEquals(payload, concat(framed.subList(1, framed.size())));
    }
  }

  @Test
  void headerWithoutPayloadAndEmptyStream() {
    ByteString header = DataRequest.getFile("t", 0, -1).encode();
    assertEquals(List.of(header), frame(List.of(header.take(5), header.drop(5))));
    assertEquals(List.of(), frame(List.of()));
  }

  @Test
  void garbageIsHandedOnAtOnceForTheDecoderToReject() {
    List<ByteString> out = frame(List.of(ByteString.fromString("GET / HTTP/1.1\r\n\r\n")));
    DataException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            DataException.class, () -> DataRequest.decode(out.get(0)));
    assertTrue(e.getMessage().contains("magic"), e.getMessage());
  }

  @Test
  void truncatedHeaderIsHandedOnAtTheEnd() {
    ByteString header = DataRequest.getFile("token", 0, -1).encode();
    List<ByteString> out = frame(List.of(header.take(10)));
    assertEquals(List.of(header.take(10)), out);
    DataException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            DataException.class, () -> DataRequest.decode(out.get(0)));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void serverFlowParsesARequestArrivingOneByteAtATime() {
    MemoryHandler handler = new MemoryHandler();
    ByteString payload = MemoryHandler.bytes(1000);
    ByteString request =
        DataRequest.putBlock(payload.size(), Optional.empty()).encode().concat(payload);
    List<ByteString> ones = new ArrayList<>();
    for (int i = 0; i < request.size(); i++) {
      ones.add(request.slice(i, i + 1));
    }
    ByteString answer =
        concat(
            Source.from(ones)
                .via(DataChannel.flow(handler, "test"))
                .runWith(Sink.seq(), mat)
                .toCompletableFuture()
                .orTimeout(10, TimeUnit.SECONDS)
                .join());
    String hex = BlockId.of(MemoryHandler.sha256(payload)).hex();
    assertEquals(Wire.Status.ok(0, hex), Wire.Status.decode(answer));
    assertEquals(payload, handler.blocks.get(hex));
  }

  @Test
  void clientParsesAnAnswerArrivingOneByteAtATime() {
    ByteString body = MemoryHandler.bytes(500);
    ByteString answer =
        Wire.Status.ok(body.size(), "")
            .encode()
            .concat(body)
            .concat(Wire.Status.ok(0, "").encode());
    for (int chunk : new int[] {1, 2, 3, 17, 1000}) {
      List<ByteString> pieces = new ArrayList<>();
      for (int i = 0; i < answer.size(); i += chunk) {
        pieces.add(answer.slice(i, Math.min(answer.size(), i + chunk)));
      }
      Pair<java.util.concurrent.CompletionStage<Long>, java.util.concurrent.CompletionStage<List<ByteString>>> r =
          Source.from(pieces)
              .via(HeaderFraming.answers())
              .viaMat(new GetBody("test:1"), Keep.right())
              .toMat(Sink.seq(), Keep.both())
              .run(mat);
      assertEquals(body, concat(r.second().toCompletableFuture().join()), "chunk " + chunk);
      assertEquals(500L, r.first().toCompletableFuture().join());
    }
  }

  @Test
  void clientDetectsShortBodiesBadTrailersAndErrors() {
    ByteString body = MemoryHandler.bytes(500);
    ByteString head = Wire.Status.ok(body.size(), "").encode();
    assertFailure("closed after 200 of 500 bytes", head.concat(body.take(200)));
    assertFailure("before confirming", head.concat(body));
    assertFailure(
        "corrupted on disk",
        head.concat(body).concat(Wire.Status.error("block x is corrupted on disk").encode()));
    assertFailure("no such token", Wire.Status.error("no such token: x").encode());
    assertFailure("without answering", ByteString.emptyByteString());
    assertFailure("magic", ByteString.fromString("HTTP/1.1 400 Bad Request\r\n\r\n"));
  }

  private static void assertFailure(String expected, ByteString answer) {
    CompletionException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            CompletionException.class,
            () ->
                Source.single(answer)
                    .via(HeaderFraming.answers())
                    .viaMat(new GetBody("test:1"), Keep.right())
                    .toMat(Sink.ignore(), Keep.left())
                    .run(mat)
                    .toCompletableFuture()
                    .orTimeout(10, TimeUnit.SECONDS)
                    .join());
    assertTrue(e.getCause() instanceof DataException, e.toString());
    assertTrue(e.getCause().getMessage().contains(expected), e.getCause().getMessage());
  }
}
