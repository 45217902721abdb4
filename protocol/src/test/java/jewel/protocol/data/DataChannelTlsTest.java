package jewel.protocol.data;

import static jewel.protocol.data.DataChannelTest.assertContains;
import static jewel.protocol.data.DataChannelTest.await;
import static jewel.protocol.data.DataChannelTest.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import jewel.api.BlockId;
import jewel.pki.ClusterCa;
import jewel.pki.ClusterTls;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data channel over HTTPS with client certificates: only members whose certificate the
 * cluster's CA signed get an answer.
 */
class DataChannelTlsTest {
  @TempDir static Path home;
  static ActorTestKit testKit;
  static Materializer mat;
  static MemoryHandler handler = new MemoryHandler();
  static DataChannel channel;
  static DataClient member;
  static ClusterCa ca;
  static ByteString stored = MemoryHandler.bytes(300_000);
  static BlockId storedId;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create();
    mat = Materializer.matFromSystem(testKit.system());
    ca = ClusterCa.openOrCreate(home.resolve("tls"));
    channel =
        await(
            DataChannel.bind(
                testKit.system(),
                "127.0.0.1",
                0,
                handler,
                Traffic.NONE,
                Optional.of(tls(ca, "peer-1"))));
    member = client(Optional.of(tls(ca, "peer-2")));
    storedId = BlockId.of(MemoryHandler.sha256(stored));
    assertEquals(storedId.hex(), put(member, stored, stored.size()));
  }

  @AfterAll
  static void stop() {
    await(channel.unbind());
    testKit.shutdownTestKit();
  }

  static ClusterTls tls(ClusterCa authority, String name) {
    return ClusterTls.load(authority.issue(name), name, Duration.ofMinutes(5));
  }

  static DataClient client(Optional<ClusterTls> tls) {
    return new DataClient(testKit.system(), Traffic.NONE, tls);
  }

  static String put(DataClient client, ByteString bytes, long announced) {
    return await(
        MemoryHandler.chunks(bytes, 100_000)
            .runWith(
                client.put(channel.address(), DataRequest.putBlock(announced, Optional.empty())),
                mat));
  }

  static CompletionStage<ByteString> get(DataClient client) {
    return client
        .get(channel.address(), DataRequest.getBlock(storedId, 0, stored.size()))
        .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), mat);
  }

  @Test
  void aMemberOfTheClusterPutsAndGets() {
    assertEquals(stored, await(get(member)));
  }

  @Test
  void aClientWithoutACertificateGetsNothing() {
    assertContains("failed", failure(get(client(Optional.empty()))).getMessage());
  }

  @Test
  void aMemberOfAnotherClusterGetsNothingAndStoresNothing() {
    ClusterCa theirs = ClusterCa.openOrCreate(home.resolve("theirs"));
    DataClient foreign = client(Optional.of(tls(theirs, "peer-2")));
    failure(get(foreign));
    int before = handler.blocks.size();
    ByteString other = MemoryHandler.bytes(1000);
    failure(
        Source.single(other)
            .runWith(
                foreign.put(channel.address(), DataRequest.putBlock(1000, Optional.empty())), mat));
    assertEquals(before, handler.blocks.size());
  }

  @Test
  void aRawTcpConnectionAskingForABlockGetsNoByteOfIt() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", channel.address().port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /blocks/" + storedId.hex() + " HTTP/1.1\r\nHost: x\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      socket.setSoTimeout(10_000);
      byte[] answer = socket.getInputStream().readAllBytes(); // until the server closes
      String text = new String(answer, StandardCharsets.ISO_8859_1);
      assertFalse(text.contains("HTTP/"), text);
      assertFalse(
          HexFormat.of()
              .formatHex(answer)
              .contains(HexFormat.of().formatHex(stored.toArray(), 0, 16)));
    }
  }

  @Test
  void aHandshakeCutShortLeavesTheChannelServing() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", channel.address().port())) {
      // The first bytes of a ClientHello record, then nothing more.
      socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01});
      socket.getOutputStream().flush();
    }
    assertEquals(stored, await(get(member)));
  }

  @Test
  void aPutLargerThanAnnouncedIsCutOffAndDiscarded() {
    int before = handler.blocks.size();
    // 300,000 bytes announced as 200,000: the first two chunks make the announced length, and
    // the third comes a second later, long after a body sent whole would have been stored.
    ByteString bytes = MemoryHandler.bytes(300_000);
    Source<ByteString, ?> late =
        Source.completionStage(
            CompletableFuture.supplyAsync(
                () -> bytes.slice(200_000, 300_000),
                CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS)));
    assertContains(
        "run past the 200000 bytes announced",
        failure(
                MemoryHandler.chunks(bytes.slice(0, 200_000), 100_000)
                    .concat(late)
                    .runWith(
                        member.put(
                            channel.address(), DataRequest.putBlock(200_000, Optional.empty())),
                        mat))
            .getMessage());
    assertEquals(before, handler.blocks.size());
    assertFalse(
        handler.blocks.containsKey(
            BlockId.of(MemoryHandler.sha256(bytes.slice(0, 200_000))).hex()));
  }
}
