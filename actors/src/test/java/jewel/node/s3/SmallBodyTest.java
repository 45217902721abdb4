package jewel.node.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Small bodies read whole with their signed hash checked, and checksum headers over a body. */
class SmallBodyTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Materializer materializer = Materializer.matFromSystem(testKit.system());
  private static final byte[] XML =
      "<Delete><Object><Key>a</Key></Object></Delete>".getBytes(StandardCharsets.UTF_8);

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static ObjectStore.Body body(byte[] bytes, String sha256) {
    return new ObjectStore.Body(
        bytes.length, sha256, Source.from(List.of(ByteString.fromArray(bytes))));
  }

  @Test
  void aSignedSmallBodyIsReadOnlyWhenItsHashMatches() throws Exception {
    ByteString read =
        SmallBody.read(body(XML, SigV4.sha256Hex(XML)), 1024, materializer)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertEquals(ByteString.fromArray(XML), read);
    assertEquals(
        ByteString.fromArray(XML),
        SmallBody.read(body(XML, null), 1024, materializer)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS));

    assertRefused(
        "XAmzContentSHA256Mismatch",
        SmallBody.read(body(XML, SigV4.EMPTY_SHA256), 1024, materializer));
    assertRefused("MaxMessageLengthExceeded", SmallBody.read(body(XML, null), 10, materializer));
    // A body longer than it said is cut off at the limit, not read whole.
    ObjectStore.Body understated =
        new ObjectStore.Body(5, null, Source.from(List.of(ByteString.fromArray(XML))));
    assertRefused("MaxMessageLengthExceeded", SmallBody.read(understated, 10, materializer));
  }

  @Test
  void checksumHeadersAreCheckedAsTheBodyPasses() throws Exception {
    ChecksumAlgorithm.Hasher crc32 = ChecksumAlgorithm.CRC32.hasher();
    crc32.update(ByteBuffer.wrap(XML));
    Source<ByteString, ?> good =
        Source.single(ByteString.fromArray(XML))
            .via(new ChecksumVerifier(Map.of(ChecksumAlgorithm.CRC32, crc32.base64())));
    assertEquals(
        ByteString.fromArray(XML),
        good.runWith(
                Sink.<ByteString, ByteString>fold(ByteString.emptyByteString(), ByteString::concat),
                materializer)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS));
    Source<ByteString, ?> bad =
        Source.single(ByteString.fromArray(XML))
            .via(new ChecksumVerifier(Map.of(ChecksumAlgorithm.SHA256, "AAAA")));
    assertRefused("BadDigest", bad.runWith(Sink.ignore(), materializer));
    S3Exception unknown =
        assertThrows(S3Exception.class, () -> ChecksumAlgorithm.ofHeader("x-amz-checksum-md5"));
    assertEquals("InvalidRequest", unknown.code());
  }

  /** Each algorithm's check value: the checksum of "123456789" in its catalogue. */
  @Test
  void checksumsMatchTheirCheckValues() {
    Map<ChecksumAlgorithm, String> check =
        Map.of(
            ChecksumAlgorithm.CRC32, "cbf43926",
            ChecksumAlgorithm.CRC32C, "e3069283",
            ChecksumAlgorithm.CRC64NVME, "ae8b14860a799888",
            ChecksumAlgorithm.SHA1, "f7c3bc1d808e04732adf679965ccc34ca7ae3441",
            ChecksumAlgorithm.SHA256,
                "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225");
    check.forEach(
        (algorithm, hex) -> {
          ChecksumAlgorithm.Hasher hasher = algorithm.hasher();
          // In two pieces, as a body arrives.
          hasher.update(ByteBuffer.wrap("1234".getBytes(StandardCharsets.US_ASCII)));
          hasher.update(ByteBuffer.wrap("56789".getBytes(StandardCharsets.US_ASCII)));
          assertEquals(
              hex,
              HexFormat.of().formatHex(Base64.getDecoder().decode(hasher.base64())),
              algorithm.name());
        });
  }

  private static void assertRefused(String code, CompletionStage<?> stage) {
    ExecutionException failed =
        assertThrows(
            ExecutionException.class, () -> stage.toCompletableFuture().get(10, TimeUnit.SECONDS));
    S3Exception refusal = assertInstanceOf(S3Exception.class, failed.getCause());
    assertEquals(code, refusal.code(), refusal.getMessage());
  }
}
