package jewel.protocol.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import jewel.api.BlockId;
import jewel.protocol.DataAddress;
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
import org.junit.jupiter.api.io.TempDir;

/** The data channel over loopback HTTP, against an in-memory handler. */
class DataChannelTest {
  static ActorTestKit testKit;
  static Materializer mat;
  static MemoryHandler handler = new MemoryHandler();
  static DataChannel channel;
  static DataClient client;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create();
    mat = Materializer.matFromSystem(testKit.system());
    channel = await(DataChannel.bind(testKit.system(), "127.0.0.1", 0, handler));
    client = new DataClient(testKit.system());
  }

  @AfterAll
  static void stop() {
    await(channel.unbind());
    testKit.shutdownTestKit();
  }

  static <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().orTimeout(60, TimeUnit.SECONDS).join();
  }

  static String put(ByteString bytes, Optional<BlockId> expected) {
    return await(
        MemoryHandler.chunks(bytes, 100_000)
            .runWith(
                client.put(channel.address(), DataRequest.putBlock(bytes.size(), expected)), mat));
  }

  static ByteString get(DataRequest request) {
    Pair<CompletionStage<Long>, CompletionStage<ByteString>> r =
        client
            .get(channel.address(), request)
            .toMat(Sink.fold(ByteString.emptyByteString(), ByteString::concat), Keep.both())
            .run(mat);
    ByteString bytes = await(r.second());
    assertEquals(bytes.size(), (long) await(r.first()));
    return bytes;
  }

  static DataException failure(CompletionStage<?> stage) {
    CompletionException e =
        assertThrows(
            CompletionException.class,
            () -> stage.toCompletableFuture().orTimeout(60, TimeUnit.SECONDS).join());
    assertTrue(e.getCause() instanceof DataException, () -> "not a DataException: " + e.getCause());
    return (DataException) e.getCause();
  }

  static void assertContains(String expected, String actual) {
    assertTrue(
        actual.contains(expected), () -> "'" + actual + "' should contain '" + expected + "'");
  }

  @Test
  void boundAddressIsTheGivenHostAndTheRealPort() {
    assertEquals("127.0.0.1", channel.address().host());
    assertTrue(channel.address().port() > 0);
  }

  @Test
  void roundTripsOfManySizes() {
    int[] sizes = {
      0,
      1,
      2,
      17,
      27,
      28,
      29,
      60,
      64,
      65,
      127,
      128,
      129,
      8191,
      8192,
      8193,
      65535,
      65536,
      65537,
      262143,
      262144,
      262145,
      10 * 1024 * 1024
    };
    for (int size : sizes) {
      ByteString bytes = MemoryHandler.bytes(size);
      BlockId id = BlockId.of(MemoryHandler.sha256(bytes));
      assertEquals(id.hex(), put(bytes, Optional.of(id)), "size " + size);
      assertEquals(id.hex(), put(bytes, Optional.empty()), "size " + size + " again");
      assertEquals(bytes, get(DataRequest.getBlock(id, 0, -1)), "size " + size);
      assertEquals(bytes, get(DataRequest.getBlock(id, 0, size)), "size " + size);
      if (size > 2) {
        int from = size / 3;
        int length = size / 2;
        assertEquals(
            bytes.slice(from, from + length),
            get(DataRequest.getBlock(id, from, length)),
            "range of size " + size);
        assertEquals(bytes.drop(from), get(DataRequest.getBlock(id, from, -1)));
      }
    }
  }

  @Test
  void serverErrorsReachTheClient() {
    ByteString bytes = MemoryHandler.bytes(1000);
    BlockId wrong = new BlockId("00".repeat(32));
    // PUT: a sink that fails at the end (hash mismatch), a handler that refuses at once
    DataException mismatch =
        failure(
            MemoryHandler.chunks(bytes, 100)
                .runWith(
                    client.put(
                        channel.address(), DataRequest.putBlock(bytes.size(), Optional.of(wrong))),
                    mat));
    assertContains("block hash mismatch: expected " + wrong + ", got ", mismatch.getMessage());
    assertContains(
        "no such token: nope",
        failure(
                Source.single(bytes)
                    .runWith(client.put(channel.address(), DataRequest.putFile("nope", 1000)), mat))
            .getMessage());
    assertContains(
        "no space left for the test file",
        failure(
                Source.single(bytes)
                    .runWith(
                        client.put(channel.address(), DataRequest.putFile("fail-late", 1000)), mat))
            .getMessage());
    // GET: refused, unknown block (a source that fails: see shortReadsAreDetected)
    assertContains(
        "no such token: refuse",
        failure(getAll(DataRequest.getFile("refuse", 0, 10))).getMessage());
    assertContains(
        "no block 000000000000 here",
        failure(getAll(DataRequest.getBlock(wrong, 0, -1))).getMessage());
  }

  @Test
  void aRefusedPutOfManyBytesIsAnsweredAndTheUploadStopped() {
    // refused before its first byte: the client hears why, every time, having sent nothing
    // (Expect: 100-continue), rather than pushing 1 GiB into the void
    for (int i = 0; i < 20; i++) {
      CompletionStage<String> result =
          MemoryHandler.generated(1L << 30)
              .runWith(client.put(channel.address(), DataRequest.putFile("nope", 1L << 30)), mat);
      assertContains("no such token: nope", failure(result).getMessage());
    }
    // the server's sink fails at the first chunk: the client stops, and hears why unless the
    // connection closed under the bytes it was still sending (see DataChannel)
    CompletionStage<String> broken =
        MemoryHandler.generated(1L << 30)
            .runWith(
                client.put(channel.address(), DataRequest.putFile("fail-early", 1L << 30)), mat);
    String message = failure(broken).getMessage();
    assertTrue(
        message.contains("the disk broke at the first chunk")
            || message.startsWith("connection to peer at " + channel.address() + " failed: "),
        message);
  }

  /**
   * A body the server cannot finish: it aborts the connection, which may drop bytes in flight and
   * even the status line, so the client says how far it got, or that the connection failed.
   */
  @Test
  void shortReadsAreDetected() {
    for (String token : new String[] {"short", "fail-early", "corrupt-at-end"}) {
      String message = failure(getAll(DataRequest.getFile(token, 0, 1_000_000))).getMessage();
      assertContains("connection to peer at " + channel.address() + " ", message);
      assertTrue(
          message.matches(".* closed after \\d+ of 1000000 bytes") || message.contains(" failed: "),
          message);
    }
  }

  @Test
  void aShortOrLongUploadIsRefusedByTheClient() {
    assertContains(
        "ended after 10 of the 20 bytes announced",
        failure(
                Source.single(MemoryHandler.bytes(10))
                    .runWith(
                        client.put(channel.address(), DataRequest.putBlock(20, Optional.empty())),
                        mat))
            .getMessage());
    assertContains(
        "run past the 5 bytes announced",
        failure(
                Source.single(MemoryHandler.bytes(10))
                    .runWith(
                        client.put(channel.address(), DataRequest.putBlock(5, Optional.empty())),
                        mat))
            .getMessage());
    // a failing source of bytes: its own failure is what the caller hears
    assertContains(
        "the caller's disk broke",
        failure(
                Source.<ByteString>failed(new DataException("the caller's disk broke"))
                    .runWith(
                        client.put(channel.address(), DataRequest.putBlock(5, Optional.empty())),
                        mat))
            .getMessage());
  }

  @Test
  void anUnreachablePeerIsNamed() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    DataAddress nobody = new DataAddress("127.0.0.1", port);
    String prefix = "peer at 127.0.0.1:" + port + " is not reachable: ";
    assertContains(
        prefix,
        failure(
                Source.single(MemoryHandler.bytes(3))
                    .runWith(client.put(nobody, DataRequest.putBlock(3, Optional.empty())), mat))
            .getMessage());
    DataException e =
        failure(
            client
                .get(nobody, DataRequest.getFile("x", 0, -1))
                .toMat(Sink.ignore(), Keep.left())
                .run(mat));
    assertContains(prefix, e.getMessage());
    assertContains("refused", e.getMessage());
  }

  @Test
  void plainHttpClientsSeeStatusesRangesAndRefusals() throws Exception {
    ByteString bytes = MemoryHandler.bytes(5000);
    String hex = put(bytes, Optional.empty());
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + channel.address().port();
    HttpResponse<byte[]> range =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/blocks/" + hex))
                .header("Range", "bytes=100-199")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(206, range.statusCode());
    assertEquals("bytes 100-199/*", range.headers().firstValue("Content-Range").orElseThrow());
    assertEquals(bytes.slice(100, 200), ByteString.fromArray(range.body()));
    HttpResponse<String> missing =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/blocks/" + "22".repeat(32))).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(422, missing.statusCode());
    assertContains("no block 222222222222 here", missing.body());
    HttpResponse<String> badRange =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/blocks/" + hex))
                .header("Range", "bytes=-10")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(400, badRange.statusCode());
    assertContains("bad Range header 'bytes=-10'", badRange.body());
    HttpResponse<String> chunked =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/blocks"))
                .PUT(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(new byte[10])))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(411, chunked.statusCode());
    assertContains("must announce its length", chunked.body());
  }

  @Test
  void aConnectionThatDiesInsideAPutLeavesNothing() throws Exception {
    int before = handler.blocks.size();
    try (Socket socket = new Socket("127.0.0.1", channel.address().port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          "PUT /blocks HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[400]);
      out.flush();
      socket.shutdownOutput(); // 400 of 1000 bytes, then a clean close
      socket.setSoTimeout(10_000);
      socket.getInputStream().readAllBytes(); // until the server closed its side
    }
    assertEquals(before, handler.blocks.size());
  }

  @Test
  void bothEndsCountTheBytesTheyMove() {
    Traffic server = new Traffic();
    Traffic client = new Traffic();
    DataChannel counted =
        await(DataChannel.bind(testKit.system(), "127.0.0.1", 0, handler, server));
    try {
      DataClient counting = new DataClient(testKit.system(), client);
      ByteString bytes = MemoryHandler.bytes(300_000);
      String hex =
          await(
              Source.single(bytes)
                  .runWith(
                      counting.put(counted.address(), DataRequest.putBlock(bytes.size())), mat));
      long got =
          await(
              counting
                  .get(counted.address(), DataRequest.getBlock(new BlockId(hex), 1000, 50_000))
                  .runWith(Sink.fold(0L, (n, chunk) -> n + chunk.size()), mat));
      assertEquals(50_000, got);
      assertEquals(300_000, client.sent());
      assertEquals(300_000, server.received());
      assertEquals(50_000, server.sent());
      assertEquals(50_000, client.received());
    } finally {
      await(counted.unbind());
    }
  }

  @Test
  void filesTravelThroughTheConvenienceMethods(@TempDir Path dir) throws IOException {
    ByteString bytes = MemoryHandler.bytes(3 * 256 * 1024 + 5);
    Path source = dir.resolve("in.bin");
    Files.write(source, bytes.toArray());
    String hex =
        await(
            client.putFile(
                channel.address(), DataRequest.putBlock(bytes.size(), Optional.empty()), source));
    Path target = dir.resolve("out.bin");
    long n =
        await(
            client.getToFile(
                channel.address(), DataRequest.getBlock(new BlockId(hex), 0, -1), target));
    assertEquals(bytes.size(), n);
    assertEquals(bytes, ByteString.fromArray(Files.readAllBytes(target)));
    // a failed get leaves neither the target nor a temporary file
    Path missing = dir.resolve("missing.bin");
    failure(
        client.getToFile(
            channel.address(), DataRequest.getBlock(new BlockId("11".repeat(32)), 0, -1), missing));
    try (var listing = Files.list(dir)) {
      assertEquals(2, listing.count());
    }
  }

  @Test
  void getToFileWritesATargetWithTheLongestValidName(@TempDir Path dir) throws IOException {
    ByteString bytes = MemoryHandler.bytes(1000);
    String hex =
        await(
            Source.single(bytes)
                .runWith(
                    client.put(
                        channel.address(), DataRequest.putBlock(bytes.size(), Optional.empty())),
                    mat));
    Path target =
        dir.resolve("ü".repeat(100) + "x".repeat(55)); // 255 bytes, the file system's limit
    assertEquals(
        bytes.size(),
        await(
            client.getToFile(
                channel.address(), DataRequest.getBlock(new BlockId(hex), 0, -1), target)));
    assertEquals(bytes, ByteString.fromArray(Files.readAllBytes(target)));
  }

  /** 1 GiB each way: generated on one side, counted and dropped on the other. */
  @Test
  void aGibibyteStreamsThroughInBoundedMemory() {
    long size = 1L << 30;
    String counted =
        await(
            MemoryHandler.generated(size)
                .runWith(client.put(channel.address(), DataRequest.putFile("discard", size)), mat));
    assertEquals(String.valueOf(size), counted);

    Pair<CompletionStage<Long>, CompletionStage<long[]>> r =
        client
            .get(channel.address(), DataRequest.getFile("generate", 0, size))
            .toMat(
                Sink.fold(
                    new long[] {0, 0},
                    (acc, chunk) -> {
                      // spot-check the content at each chunk's first byte
                      if (chunk.apply(0) != MemoryHandler.patternAt(acc[0])) {
                        acc[1]++;
                      }
                      acc[0] += chunk.size();
                      return acc;
                    }),
                Keep.both())
            .run(mat);
    long[] seen = await(r.second());
    assertEquals(size, seen[0]);
    assertEquals(0, seen[1], "chunks with the wrong content");
    assertEquals(size, (long) await(r.first()));
  }

  private static CompletableFuture<Long> getAll(DataRequest request) {
    return client
        .get(channel.address(), request)
        .toMat(Sink.ignore(), Keep.left())
        .run(mat)
        .toCompletableFuture();
  }
}
