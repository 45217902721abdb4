package jewel.node.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real clients against {@link SigV4Authenticator}: a Pekko HTTP endpoint on a free port that
 * authenticates each request and answers with the SHA-256 of the body it decoded (as the ETag), and
 * the AWS CLI and boto3 ({@code src/test/resources/s3/boto3_client.py}) sending 0-byte, 2 KiB and 5
 * MiB objects under a key with {@code &+-é"} and spaces: botocore's plain-HTTP form with and
 * without its default checksum header, its HTTPS form (aws-chunked with a checksum trailer), and a
 * presigned URL fetched with the JDK's client. Each client runs with a throwaway configuration from
 * the environment.
 */
class SigV4ClientTest {
  private static final String ACCESS_KEY = "AKIAJEWELTEST";
  private static final String SECRET = "jewel/Secret+Key=0123456789abcdefghij";
  private static final String READ_ONLY_KEY = "AKIAJEWELREADONLY";
  private static final String BUCKET = "photos";
  private static final String OBJECT_KEY = "dir/a &+-é\" b.bin";

  private static final ObjectMapper json = new ObjectMapper();
  private static ActorTestKit testKit;
  private static ServerBinding binding;
  private static S3Authenticator authenticator;
  private static String endpoint;
  @TempDir static Path files;
  private static List<Path> bodies;

  @BeforeAll
  static void start() throws Exception {
    testKit =
        ActorTestKit.create(
            ConfigFactory.parseString(
                """
                pekko.http.server.raw-request-uri-header = on
                pekko.http.server.parsing.ignore-illegal-header-for = ["authorization", "user-agent"]
                """));
    Materializer materializer = Materializer.matFromSystem(testKit.system());
    S3Credentials credentials =
        accessKey ->
            CompletableFuture.completedFuture(
                switch (accessKey) {
                  case ACCESS_KEY ->
                      Optional.of(new S3Credentials.Credential(ACCESS_KEY, SECRET, false));
                  case READ_ONLY_KEY ->
                      Optional.of(new S3Credentials.Credential(READ_ONLY_KEY, SECRET, true));
                  default -> Optional.empty();
                });
    authenticator = new SigV4Authenticator(credentials, "us-east-1", Clock.systemUTC());
    binding =
        Http.get(testKit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(
                (Function<HttpRequest, CompletionStage<HttpResponse>>)
                    request -> echo(authenticator, request, materializer))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    endpoint = "http://127.0.0.1:" + binding.localAddress().getPort();
    bodies = new ArrayList<>();
    // The empty body goes last: after botocore's empty PUT with "Expect: 100-continue", which Pekko
    // HTTP answers without a 100, botocore's next request on that connection stalls until its
    // 60-second read timeout (a matter for the listener, not for signatures).
    for (int size : new int[] {2048, 5 * 1024 * 1024, 0}) {
      byte[] content = new byte[size];
      new Random(size).nextBytes(content);
      bodies.add(Files.write(files.resolve(size + ".bin"), content));
    }
  }

  @AfterAll
  static void stop() {
    if (testKit != null) {
      testKit.shutdownTestKit();
    }
  }

  /**
   * Answers a request with the SHA-256 of its decoded body as the ETag, the payload mode it came in
   * and whether the key is read-only; a refusal as S3's XML error.
   */
  private static CompletionStage<HttpResponse> echo(
      S3Authenticator authenticator, HttpRequest request, Materializer materializer) {
    return authenticator
        .authenticate(request)
        .thenCompose(
            authenticated -> {
              ObjectStore.Body body = authenticated.body();
              CompletionStage<ByteString> digest =
                  body == null
                      ? CompletableFuture.completedFuture(ByteString.emptyByteString())
                      : body.bytes()
                          .runWith(
                              Sink.<MessageDigest, ByteString>fold(
                                  SigV4.sha256(),
                                  (sha, bytes) -> {
                                    sha.update(bytes.toArray());
                                    return sha;
                                  }),
                              materializer)
                          .thenApply(sha -> ByteString.fromArray(sha.digest()));
              return digest.thenApply(
                  sha ->
                      HttpResponse.create()
                          .addHeader(
                              RawHeader.create("ETag", "\"" + SigV4.hex(sha.toArray()) + "\""))
                          .addHeader(
                              RawHeader.create(
                                  "x-echo-payload",
                                  request
                                      .getHeader("x-amz-content-sha256")
                                      .map(h -> h.value())
                                      .orElse("presigned")))
                          .addHeader(
                              RawHeader.create(
                                  "x-echo-read-only", String.valueOf(authenticated.readOnly()))));
            })
        .exceptionally(
            failure -> {
              request.discardEntityBytes(materializer);
              Throwable cause =
                  failure instanceof CompletionException ? failure.getCause() : failure;
              S3Exception refusal =
                  cause instanceof S3Exception s3
                      ? s3
                      : new S3Exception("InternalError", 500, String.valueOf(cause));
              return HttpResponse.create()
                  .withStatus(refusal.status())
                  .withEntity(
                      ContentTypes.TEXT_XML_UTF8,
                      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                          + refusal.code()
                          + "</Code><Message>"
                          + refusal.getMessage().replace("&", "&amp;").replace("<", "&lt;")
                          + "</Message></Error>");
            });
  }

  @Test
  void awsCliPutObjectVerifiesWithAndWithoutItsChecksumHeader() throws Exception {
    for (String checksums : List.of("when_supported", "when_required")) {
      for (Path body : bodies) {
        Run run =
            run(
                Map.of("AWS_REQUEST_CHECKSUM_CALCULATION", checksums),
                "aws",
                "--endpoint-url",
                endpoint,
                "s3api",
                "put-object",
                "--bucket",
                BUCKET,
                "--key",
                OBJECT_KEY,
                "--body",
                body.toString());
        assertEquals(0, run.exit(), run.err());
        assertEquals(etag(body), json.readTree(run.out()).get("ETag").asText(), checksums);
      }
    }
  }

  /** Pekko keeps Content-Type only parsed and respells it; the client's spelling still verifies. */
  @Test
  void aSignedContentTypeVerifiesHoweverItIsSpelled() throws Exception {
    for (String contentType :
        List.of("text/plain; charset=utf-8", "text/html;charset=UTF-8", "binary/octet-stream")) {
      Run run =
          run(
              Map.of(),
              "aws",
              "--endpoint-url",
              endpoint,
              "s3api",
              "put-object",
              "--bucket",
              BUCKET,
              "--key",
              OBJECT_KEY,
              "--content-type",
              contentType,
              "--body",
              bodies.get(0).toString());
      assertEquals(0, run.exit(), contentType + ": " + run.err());
      assertEquals(etag(bodies.get(0)), json.readTree(run.out()).get("ETag").asText());
    }
  }

  @Test
  void boto3VerifiesOverHttpAndWithHttpsTrailers() throws Exception {
    for (String mode : List.of("put", "put-trailer")) {
      List<String> command = new ArrayList<>(boto3(mode));
      command.addAll(List.of(BUCKET, OBJECT_KEY));
      bodies.forEach(body -> command.add(body.toString()));
      Run run = run(Map.of(), command.toArray(String[]::new));
      assertEquals(0, run.exit(), run.err());
      String[] answers = run.out().strip().split("\n", -1);
      assertEquals(bodies.size(), answers.length, run.out());
      for (int i = 0; i < answers.length; i++) {
        JsonNode answer = json.readTree(answers[i]);
        assertEquals(etag(bodies.get(i)), answer.get("ETag").asText(), mode);
        String payload = answer.get("headers").get("x-echo-payload").asText();
        if (mode.equals("put")) {
          assertTrue(payload.matches("[0-9a-f]{64}"), payload);
        } else {
          assertEquals("STREAMING-UNSIGNED-PAYLOAD-TRAILER", payload);
        }
      }
    }
  }

  @Test
  void aPresignedUrlVerifiesWithTheJdkClientUntilTampered() throws Exception {
    Run presign = run(Map.of(), with(boto3("presign"), BUCKET, OBJECT_KEY));
    assertEquals(0, presign.exit(), presign.err());
    String url = presign.out().strip();
    assertTrue(url.contains("X-Amz-Signature="), url);
    var http = HttpClient.newHttpClient();
    var got =
        http.send(
            java.net.http.HttpRequest.newBuilder(URI.create(url)).GET().build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, got.statusCode(), got.body());
    assertEquals("false", got.headers().firstValue("x-echo-read-only").orElseThrow());

    var tampered =
        http.send(
            java.net.http.HttpRequest.newBuilder(URI.create(url.replace("b.bin", "c.bin")))
                .GET()
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(403, tampered.statusCode());
    assertTrue(tampered.body().contains("<Code>SignatureDoesNotMatch</Code>"), tampered.body());

    Run readOnly =
        run(Map.of("AWS_ACCESS_KEY_ID", READ_ONLY_KEY), with(boto3("presign"), BUCKET, OBJECT_KEY));
    var readOnlyGot =
        http.send(
            java.net.http.HttpRequest.newBuilder(URI.create(readOnly.out().strip())).GET().build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, readOnlyGot.statusCode(), readOnlyGot.body());
    assertEquals("true", readOnlyGot.headers().firstValue("x-echo-read-only").orElseThrow());
  }

  @Test
  void aWrongSecretOrUnknownKeyIsRefusedToTheCli() throws Exception {
    String[] put = {
      "aws",
      "--endpoint-url",
      endpoint,
      "s3api",
      "put-object",
      "--bucket",
      BUCKET,
      "--key",
      OBJECT_KEY,
      "--body",
      bodies.get(0).toString()
    };
    Run wrongSecret = run(Map.of("AWS_SECRET_ACCESS_KEY", SECRET + "x"), put);
    assertNotEquals(0, wrongSecret.exit());
    assertTrue(wrongSecret.err().contains("SignatureDoesNotMatch"), wrongSecret.err());
    Run unknown = run(Map.of("AWS_ACCESS_KEY_ID", "AKIANOBODY"), put);
    assertNotEquals(0, unknown.exit());
    assertTrue(unknown.err().contains("InvalidAccessKeyId"), unknown.err());
    Run otherRegion = run(Map.of("AWS_DEFAULT_REGION", "eu-west-1"), put);
    assertNotEquals(0, otherRegion.exit());
    assertTrue(otherRegion.err().contains("AuthorizationHeaderMalformed"), otherRegion.err());
  }

  /**
   * AWS's chunked-upload example sent as raw bytes to an endpoint whose clock says 24 May 2013:
   * signed Content-Length (which Pekko keeps in the entity) and Content-Encoding, every chunk
   * checked on the way; then one byte of the second chunk changed.
   */
  @Test
  void awsChunkedExampleVerifiesThroughPekkoHttpUntilAChunkIsChanged() throws Exception {
    S3Authenticator in2013 =
        new SigV4Authenticator(
            accessKey ->
                CompletableFuture.completedFuture(
                    Optional.of(
                        new S3Credentials.Credential(
                            SignedRequestTest.KEY, SignedRequestTest.SECRET, false))),
            "us-east-1",
            Clock.fixed(SignedRequestTest.EXAMPLE_TIME, ZoneOffset.UTC));
    Materializer materializer = Materializer.matFromSystem(testKit.system());
    ServerBinding old =
        Http.get(testKit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(
                (Function<HttpRequest, CompletionStage<HttpResponse>>)
                    request -> echo(in2013, request, materializer))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    SigV4.SigningKey key =
        new SigV4.SigningKey(
            SignedRequestTest.SECRET,
            SigV4.Credential.parse(SignedRequestTest.SCOPE),
            "20130524T000000Z");
    byte[] body =
        AwsChunked.encode(
                AwsChunkedDecoderTest.EXAMPLE_DATA, 65_536, key, AwsChunkedDecoderTest.SEED, null)
            .body()
            .toArray();
    String head =
        "PUT /examplebucket/chunkObject.txt HTTP/1.1\r\n"
            + "Host: s3.amazonaws.com\r\n"
            + "x-amz-date: 20130524T000000Z\r\n"
            + "x-amz-storage-class: REDUCED_REDUNDANCY\r\n"
            + "x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD\r\n"
            + "Content-Encoding: aws-chunked\r\n"
            + "x-amz-decoded-content-length: 66560\r\n"
            + "Content-Length: 66824\r\n"
            + "Authorization: "
            + SignedRequestTest.authorization(
                "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
                    + "x-amz-decoded-content-length;x-amz-storage-class",
                AwsChunkedDecoderTest.SEED)
            + "\r\nConnection: close\r\n\r\n";
    int port = old.localAddress().getPort();
    String accepted = exchange(port, head, body);
    assertTrue(accepted.startsWith("HTTP/1.1 200"), accepted);
    assertTrue(accepted.contains(SigV4.sha256Hex(AwsChunkedDecoderTest.EXAMPLE_DATA)), accepted);
    body[66_000] ^= 1;
    String refused = exchange(port, head, body);
    assertTrue(refused.startsWith("HTTP/1.1 403"), refused);
    assertTrue(refused.contains("<Code>SignatureDoesNotMatch</Code>"), refused);
    old.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String exchange(int port, String head, byte[] body) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.getOutputStream().write(head.getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().write(body);
      socket.getOutputStream().flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** A listener that forgot raw-request-uri-header says so instead of checking a normalized URI. */
  @Test
  void withoutTheRawRequestUriNothingIsChecked() {
    var failed =
        assertThrows(
            ExecutionException.class,
            () ->
                authenticator
                    .authenticate(HttpRequest.create("/photos/a"))
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS));
    S3Exception refusal = assertInstanceOf(S3Exception.class, failed.getCause());
    assertEquals("InternalError", refusal.code());
    assertTrue(refusal.getMessage().contains("raw-request-uri-header"), refusal.getMessage());
  }

  /**
   * boto3_client.py run by JEWEL_TEST_PYTHON, which {@code .ci/run} sets to a python3 with boto3.
   */
  private static List<String> boto3(String mode) throws Exception {
    Path script = Path.of(SigV4ClientTest.class.getResource("/s3/boto3_client.py").toURI());
    return List.of(
        System.getenv().getOrDefault("JEWEL_TEST_PYTHON", "python3"),
        script.toString(),
        mode,
        endpoint);
  }

  private static String[] with(List<String> command, String... more) {
    List<String> all = new ArrayList<>(command);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private static String etag(Path body) throws IOException {
    return "\"" + SigV4.sha256Hex(Files.readAllBytes(body)) + "\"";
  }

  private record Run(int exit, String out, String err) {}

  /** Runs a client with a throwaway AWS configuration: the test's key, us-east-1, no files. */
  private static Run run(Map<String, String> env, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(name -> name.startsWith("AWS_"));
    environment.put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
    environment.put("AWS_SECRET_ACCESS_KEY", SECRET);
    environment.put("AWS_DEFAULT_REGION", "us-east-1");
    environment.put("AWS_CONFIG_FILE", "/dev/null");
    environment.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    environment.put("AWS_EC2_METADATA_DISABLED", "true");
    environment.putAll(env);
    Path out = Files.createTempFile(files, "out", ".txt");
    Path err = Files.createTempFile(files, "err", ".txt");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("timed out: " + String.join(" ", command));
    }
    return new Run(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
