package jewel.node.s3;

import static jewel.node.s3.SignedRequestTest.EXAMPLE_TIME;
import static jewel.node.s3.SignedRequestTest.SECRET;
import static jewel.node.s3.SignedRequestTest.authorization;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * aws-chunked bodies: AWS's published chunked-upload example (seed and chunk signatures), the
 * trailer forms, and every kind of tampering, fed whole and one byte at a time.
 */
class AwsChunkedDecoderTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Materializer materializer = Materializer.matFromSystem(testKit.system());

  /** The "PUT Object" example of "Transferring Payload in Multiple Chunks": 66,560 bytes of 'a'. */
  static final byte[] EXAMPLE_DATA = filled(66_560);

  static final String SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static byte[] filled(int size) {
    byte[] data = new byte[size];
    Arrays.fill(data, (byte) 'a');
    return data;
  }

  /** The example's request, with its seed signature checked, and its signing key. */
  private static SigV4.SigningKey exampleKey() {
    List<Map.Entry<String, String>> headers =
        List.of(
            Map.entry("Host", "s3.amazonaws.com"),
            Map.entry("x-amz-date", "20130524T000000Z"),
            Map.entry("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            Map.entry("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
            Map.entry("Content-Encoding", "aws-chunked"),
            Map.entry("x-amz-decoded-content-length", "66560"),
            Map.entry("Content-Length", "66824"),
            Map.entry(
                "Authorization",
                authorization(
                    "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
                        + "x-amz-decoded-content-length;x-amz-storage-class",
                    SEED)));
    SignedRequest signed =
        SignedRequest.parse(
            "PUT", "/examplebucket/chunkObject.txt", headers, "us-east-1", EXAMPLE_TIME);
    assertEquals(SignedRequest.Payload.STREAMING_SIGNED, signed.payload());
    return signed.verify(SECRET);
  }

  @Test
  void awsChunkedUploadExampleDecodes() throws Exception {
    SigV4.SigningKey key = exampleKey();
    AwsChunked.Encoded encoded = AwsChunked.encode(EXAMPLE_DATA, 65_536, key, SEED, null);
    assertEquals(
        List.of(
            "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
            "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
            "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"),
        encoded.signatures());
    assertEquals(66_824, encoded.body().toArray().length);
    AwsChunkedDecoder decoder = new AwsChunkedDecoder(key, SEED, List.of(), 66_560);
    assertArrayEquals(EXAMPLE_DATA, decode(decoder, encoded.body().toArray(), 8192));
    assertArrayEquals(EXAMPLE_DATA, decode(decoder, encoded.body().toArray(), 1));
  }

  /** The "PUT Object" example of "Including Trailing Headers": the same body, a CRC32C trailer. */
  @Test
  void awsTrailerExampleDecodes() throws Exception {
    String seed = "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e";
    List<Map.Entry<String, String>> headers =
        List.of(
            Map.entry("Host", "s3.amazonaws.com"),
            Map.entry("x-amz-date", "20130524T000000Z"),
            Map.entry("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            Map.entry("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"),
            Map.entry("Content-Encoding", "aws-chunked"),
            Map.entry("x-amz-decoded-content-length", "66560"),
            Map.entry("x-amz-trailer", "x-amz-checksum-crc32c"),
            Map.entry(
                "Authorization",
                authorization(
                    "content-encoding;host;x-amz-content-sha256;x-amz-date;"
                        + "x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer",
                    seed)));
    SignedRequest signed =
        SignedRequest.parse(
            "PUT", "/examplebucket/chunkObject.txt", headers, "us-east-1", EXAMPLE_TIME);
    assertEquals(SignedRequest.Payload.STREAMING_SIGNED_TRAILER, signed.payload());
    SigV4.SigningKey key = signed.verify(SECRET);
    AwsChunked.Encoded encoded =
        AwsChunked.encode(EXAMPLE_DATA, 65_536, key, seed, ChecksumAlgorithm.CRC32C);
    assertEquals(
        List.of(
            "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
            "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
            "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
            "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435"),
        encoded.signatures());
    assertTrue(encoded.body().utf8String().contains("x-amz-checksum-crc32c:sOO8/Q==\r\n"));
    AwsChunkedDecoder decoder =
        new AwsChunkedDecoder(key, seed, List.of(ChecksumAlgorithm.CRC32C), 66_560);
    assertArrayEquals(EXAMPLE_DATA, decode(decoder, encoded.body().toArray(), 5000));
  }

  @Test
  void trailersOfEveryAlgorithmDecodeSignedAndUnsigned() throws Exception {
    SigV4.SigningKey key = exampleKey();
    byte[] data = new byte[100_000];
    new java.util.Random(3).nextBytes(data);
    for (ChecksumAlgorithm algorithm : ChecksumAlgorithm.values()) {
      for (SigV4.SigningKey signing : Arrays.asList(key, null)) {
        AwsChunked.Encoded encoded = AwsChunked.encode(data, 8192, signing, SEED, algorithm);
        AwsChunkedDecoder decoder =
            new AwsChunkedDecoder(signing, SEED, List.of(algorithm), data.length);
        assertArrayEquals(data, decode(decoder, encoded.body().toArray(), 1000), algorithm.name());
      }
    }
  }

  @Test
  void aChangedChunkOrTrailerFailsTheStream() {
    SigV4.SigningKey key = exampleKey();
    byte[] body = AwsChunked.encode(EXAMPLE_DATA, 65_536, key, SEED, null).body().toArray();
    AwsChunkedDecoder decoder = new AwsChunkedDecoder(key, SEED, List.of(), 66_560);

    byte[] changedData = body.clone();
    changedData[4000] = 'b';
    assertFails("SignatureDoesNotMatch", decoder, changedData);

    byte[] changedSignature = body.clone();
    int signatureAt = new String(body, StandardCharsets.ISO_8859_1).indexOf("ad80c7");
    changedSignature[signatureAt] = 'b';
    assertFails("SignatureDoesNotMatch", decoder, changedSignature);

    assertFails(
        "SignatureDoesNotMatch",
        new AwsChunkedDecoder(key, SEED.replace('4', '5'), List.of(), 66_560),
        body);
    assertFails("IncompleteBody", decoder, Arrays.copyOf(body, body.length - 3));
    assertFails("IncompleteBody", new AwsChunkedDecoder(key, SEED, List.of(), 66_561), body);
    assertFails("IncompleteBody", new AwsChunkedDecoder(key, SEED, List.of(), 66_559), body);

    byte[] data = filled(20_000);
    byte[] signedTrailer =
        AwsChunked.encode(data, 8192, key, SEED, ChecksumAlgorithm.CRC32C).body().toArray();
    AwsChunkedDecoder crc32c =
        new AwsChunkedDecoder(key, SEED, List.of(ChecksumAlgorithm.CRC32C), data.length);
    String text = new String(signedTrailer, StandardCharsets.ISO_8859_1);
    byte[] changedTrailer = signedTrailer.clone();
    changedTrailer[text.indexOf("x-amz-checksum-crc32c:") + 22] ^= 1;
    assertFails("SignatureDoesNotMatch", crc32c, changedTrailer);
    byte[] changedTrailerSignature = signedTrailer.clone();
    changedTrailerSignature[text.indexOf("x-amz-trailer-signature:") + 24] ^= 1;
    assertFails("SignatureDoesNotMatch", crc32c, changedTrailerSignature);
    assertFails(
        "InvalidRequest",
        new AwsChunkedDecoder(key, SEED, List.of(ChecksumAlgorithm.CRC32), data.length),
        signedTrailer);

    // Unsigned: the checksum is all that guards the bytes.
    byte[] unsigned =
        AwsChunked.encode(data, 8192, null, null, ChecksumAlgorithm.CRC32).body().toArray();
    AwsChunkedDecoder crc32 =
        new AwsChunkedDecoder(null, null, List.of(ChecksumAlgorithm.CRC32), data.length);
    byte[] changedUnsigned = unsigned.clone();
    changedUnsigned[100] = 'b';
    assertFails("BadDigest", crc32, changedUnsigned);
    byte[] noTrailer = AwsChunked.encode(data, 8192, null, null, null).body().toArray();
    assertFails("InvalidRequest", crc32, noTrailer);
  }

  @Test
  void framingErrorsAndOverlongLinesAreRefused() {
    AwsChunkedDecoder unsigned =
        new AwsChunkedDecoder(null, null, List.of(ChecksumAlgorithm.CRC32), 3);
    assertFails("InvalidRequest", unsigned, "zz\r\nabc\r\n".getBytes(StandardCharsets.US_ASCII));
    assertFails("InvalidRequest", unsigned, "3\r\nabcd\r\n".getBytes(StandardCharsets.US_ASCII));
    assertFails(
        "InvalidRequest", unsigned, ("3" + " ".repeat(5000)).getBytes(StandardCharsets.US_ASCII));
    assertFails(
        "InvalidRequest",
        new AwsChunkedDecoder(exampleKey(), SEED, List.of(), 3),
        "3\r\nabc\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] decode(AwsChunkedDecoder decoder, byte[] body, int pieceSize)
      throws Exception {
    List<ByteString> pieces = new ArrayList<>();
    for (int offset = 0; offset < body.length; offset += pieceSize) {
      pieces.add(ByteString.fromArray(body, offset, Math.min(pieceSize, body.length - offset)));
    }
    return Source.from(pieces)
        .via(decoder)
        .runWith(
            Sink.<ByteString, ByteString>fold(ByteString.emptyByteString(), ByteString::concat),
            materializer)
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS)
        .toArray();
  }

  private static void assertFails(String code, AwsChunkedDecoder decoder, byte[] body) {
    ExecutionException failed =
        assertThrows(ExecutionException.class, () -> decode(decoder, body, 4096));
    S3Exception refusal = assertInstanceOf(S3Exception.class, failed.getCause());
    assertEquals(code, refusal.code(), refusal.getMessage());
  }
}
