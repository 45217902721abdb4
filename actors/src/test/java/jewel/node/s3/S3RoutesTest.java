package jewel.node.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 routes over an in-memory store, driven by the real clients installed on the machine: the
 * AWS CLI ({@code aws s3} and {@code aws s3api}) and boto3 ({@code s3/boto3_checks.py}, run by
 * {@code JEWEL_TEST_PYTHON}, which {@code .ci/run} sets to a python3 that has boto3). One server
 * serves every check; each check has a bucket of its own.
 */
class S3RoutesTest {
  private static final int MIB = 1024 * 1024;
  private static final String SECRET = "test-secret";

  /** A read-write and a read-only key, both with {@link #SECRET}. */
  private static final S3Credentials KEYS =
      key ->
          CompletableFuture.completedFuture(
              key.equals("test-key") || key.equals("readonly-key")
                  ? Optional.of(
                      new S3Credentials.Credential(key, SECRET, key.startsWith("readonly")))
                  : Optional.empty());

  @TempDir static Path dir;
  private static ActorSystem<Void> system;
  private static ServerBinding binding;
  private static String endpoint;

  @BeforeAll
  static void start() throws Exception {
    // The HTTP server's settings of a node (node-pekko.conf), without the rest of a node.
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "s3routes",
            ConfigFactory.parseResources("node-pekko.conf")
                .getConfig("pekko.http")
                .atPath("pekko.http")
                .withFallback(ConfigFactory.load()));
    Materializer materializer = Materializer.matFromSystem(system);
    S3Routes routes =
        new S3Routes(
            new MemoryObjectStore(materializer),
            new SigV4Authenticator(KEYS, "us-east-1", Clock.systemUTC()),
            new S3Settings(true, "127.0.0.1", 0, "us-east-1", "s3.localhost", false),
            materializer);
    binding =
        Http.get(system)
            .newServerAt("127.0.0.1", 0)
            .withSettings(S3Routes.serverSettings(system.settings().config()))
            .bind(routes.route())
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    endpoint = "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (binding != null) {
      binding.unbind().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (system != null) {
      system.terminate();
    }
  }

  @Test
  void theCliCopiesFilesOfEverySizeUpAndDownByteForByte() throws Exception {
    Path up = Files.createDirectories(dir.resolve("sizes"));
    Map<String, Integer> sizes =
        Map.of("empty.bin", 0, "small.bin", 2048, "five.bin", 5 * MIB, "twenty.bin", 20 * MIB + 3);
    for (var e : sizes.entrySet()) {
      Files.write(up.resolve(e.getKey()), random(e.getValue(), e.getKey().hashCode()));
    }
    ok(aws("s3", "mb", "s3://sizes"));
    ok(aws("s3", "cp", "--recursive", up.toString(), "s3://sizes/files/"));
    Path down = dir.resolve("sizes-back");
    ok(aws("s3", "cp", "--recursive", "s3://sizes/files/", down.toString()));
    for (String name : sizes.keySet()) {
      assertArrayEquals(
          Files.readAllBytes(up.resolve(name)), Files.readAllBytes(down.resolve(name)), name);
    }
    // Over 8 MiB the CLI uploads in parts: 20 MiB is three, and the ETag says so.
    String big = ok(aws("s3api", "head-object", "--bucket", "sizes", "--key", "files/twenty.bin"));
    assertTrue(big.contains("-3\\\""), big);
    String five = ok(aws("s3api", "head-object", "--bucket", "sizes", "--key", "files/five.bin"));
    assertTrue(five.contains(md5Hex(Files.readAllBytes(up.resolve("five.bin")))), five);
    String none = ok(aws("s3api", "list-multipart-uploads", "--bucket", "sizes"));
    assertFalse(none.contains("UploadId"), none);
  }

  @Test
  void aKeyWithPunctuationAccentsAndSpacesRoundTrips() throws Exception {
    String key = "odd dir/a &+-é\" b.txt";
    Path file = dir.resolve("odd.txt");
    Files.writeString(file, "odd key");
    ok(aws("s3", "mb", "s3://odd"));
    ok(aws("s3", "cp", file.toString(), "s3://odd/" + key));
    String listed = ok(aws("s3", "ls", "s3://odd/odd dir/"));
    assertTrue(listed.contains("a &+-é\" b.txt"), listed);
    Path back = dir.resolve("odd-back.txt");
    ok(aws("s3api", "get-object", "--bucket", "odd", "--key", key, back.toString()));
    assertEquals("odd key", Files.readString(back));
    String head = ok(aws("s3api", "head-object", "--bucket", "odd", "--key", key));
    assertTrue(head.contains("text/plain"), "the CLI guesses the type from .txt: " + head);
    ok(aws("s3", "rm", "s3://odd/" + key));
    ok(aws("s3", "rb", "s3://odd"));
  }

  @Test
  void lsGroupsNestedKeysUnderTheirPrefixes() throws Exception {
    ok(aws("s3", "mb", "s3://nested"));
    Path file = dir.resolve("n.txt");
    Files.writeString(file, "n");
    for (String key : List.of("top.txt", "a/1.txt", "a/b/2.txt", "a/b/c/3.txt", "z/4.txt")) {
      ok(aws("s3", "cp", file.toString(), "s3://nested/" + key));
    }
    String top = ok(aws("s3", "ls", "s3://nested/"));
    assertEquals(
        List.of("PRE a/", "PRE z/", "top.txt"), entries(top), "one level, prefixes grouped");
    assertEquals(List.of("PRE b/", "1.txt"), entries(ok(aws("s3", "ls", "s3://nested/a/"))));
    String all = ok(aws("s3", "ls", "--recursive", "s3://nested/"));
    assertEquals(5, all.lines().count(), all);
    ok(aws("s3", "rm", "--recursive", "s3://nested/a/"));
    assertEquals(List.of("PRE z/", "top.txt"), entries(ok(aws("s3", "ls", "s3://nested/"))));
  }

  @Test
  void syncTwiceCopiesNothingTheSecondTime() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("sync/sub"));
    Files.writeString(folder.resolve("x.txt"), "x");
    Files.writeString(folder.getParent().resolve("y.txt"), "y");
    ok(aws("s3", "mb", "s3://synced"));
    String first = ok(aws("s3", "sync", folder.getParent().toString(), "s3://synced/"));
    assertEquals(2, first.lines().filter(l -> l.contains("upload:")).count(), first);
    String second = ok(aws("s3", "sync", folder.getParent().toString(), "s3://synced/"));
    assertEquals("", second.strip(), "nothing changed, so nothing is copied");
    String back = ok(aws("s3", "sync", "s3://synced/", dir.resolve("sync-back").toString()));
    assertTrue(back.contains("download:"), back);
    assertEquals("x", Files.readString(dir.resolve("sync-back/sub/x.txt")));
  }

  @Test
  void boto3SeesWhatS3Answers() throws Exception {
    Path script = Path.of(getClass().getResource("/s3/boto3_checks.py").toURI());
    Result r =
        run(
            List.of(
                System.getenv().getOrDefault("JEWEL_TEST_PYTHON", "python3"),
                script.toString(),
                endpoint,
                "boto"),
            "test-key");
    assertEquals(0, r.exit(), r.toString());
    for (String check :
        List.of(
            "create-bucket",
            "metadata-and-ranges",
            "copies",
            "listings",
            "delete-objects",
            "multipart",
            "errors",
            "empty-and-delete-bucket")) {
      assertTrue(r.out().contains("ok " + check + "\n"), check + " did not pass: " + r);
    }
  }

  @Test
  void aReadOnlyKeyReadsButCannotWrite() throws Exception {
    ok(aws("s3", "mb", "s3://guarded"));
    Path file = dir.resolve("g.txt");
    Files.writeString(file, "g");
    ok(aws("s3", "cp", file.toString(), "s3://guarded/g.txt"));
    Result write =
        run(awsCommand("s3", "cp", file.toString(), "s3://guarded/h.txt"), "readonly-key");
    assertNotEquals(0, write.exit());
    assertTrue(write.err().contains("AccessDenied"), write.toString());
    Result read = run(awsCommand("s3", "ls", "s3://guarded/"), "readonly-key");
    assertEquals(0, read.exit(), read.toString());
    assertTrue(read.out().contains("g.txt"), read.toString());
  }

  @Test
  void aVirtualHostNamesTheBucketAndErrorsAreS3Xml() throws Exception {
    ok(aws("s3", "mb", "s3://vhost"));
    Path file = dir.resolve("v.txt");
    Files.writeString(file, "virtual");
    ok(aws("s3", "cp", file.toString(), "s3://vhost/dir/v.txt"));
    String found = rawGet("vhost.s3.localhost", "/dir/v.txt");
    assertTrue(found.startsWith("HTTP/1.1 200 OK"), found);
    assertTrue(found.endsWith("\r\n\r\nvirtual"), found);
    String missing = rawGet("vhost.s3.localhost", "/dir/none");
    assertTrue(missing.startsWith("HTTP/1.1 404 Not Found"), missing);
    assertTrue(missing.contains("x-amz-request-id: "), missing);
    assertTrue(
        missing.contains(
            "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist: dir/none"
                + "</Message><Resource>/vhost/dir/none</Resource><RequestId>"),
        missing);
    String tagging = rawGet("127.0.0.1", "/vhost?tagging");
    assertTrue(tagging.startsWith("HTTP/1.1 501 Not Implemented"), tagging);
    assertTrue(tagging.contains("<Code>NotImplemented</Code>"), tagging);
  }

  @Test
  void anEmptyBodyThatExpectedA100ClosesItsConnection() throws Exception {
    ok(aws("s3", "mb", "s3://continue"));
    String answer =
        raw(
            "PUT /continue/empty HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + signed("PUT", "127.0.0.1", "/continue/empty")
                + "Expect: 100-continue\r\nContent-Length: 0\r\n\r\n");
    assertTrue(answer.startsWith("HTTP/1.1 200 OK"), answer);
    // botocore would misread the next answer on this connection (see S3Routes).
    assertTrue(answer.contains("\r\nConnection: close\r\n"), answer);
  }

  // ------------------------------------------------------------------ clients

  private record Result(int exit, String out, String err) {}

  private static List<String> awsCommand(String... args) {
    List<String> command = new ArrayList<>(List.of("aws", "--endpoint-url", endpoint));
    command.addAll(List.of(args));
    return command;
  }

  private static Result aws(String... args) throws Exception {
    return run(awsCommand(args), "test-key");
  }

  private static String ok(Result r) {
    assertEquals(0, r.exit(), r.toString());
    return r.out();
  }

  /**
   * Runs a client with credentials and configuration from the environment only (its default
   * checksums: botocore sends CRC32 headers or aws-chunked trailers, which the listener checks).
   */
  private static Result run(List<String> command, String accessKey) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.put("AWS_ACCESS_KEY_ID", accessKey);
    env.put("AWS_SECRET_ACCESS_KEY", SECRET);
    env.put("AWS_DEFAULT_REGION", "us-east-1");
    env.put("AWS_CONFIG_FILE", "/dev/null");
    env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("AWS_MAX_ATTEMPTS", "1");
    env.put("PYTHONIOENCODING", "utf-8");
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(command + " did not end within 120 s");
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** A GET written by hand, for a Host header no client here sends: the whole answer as text. */
  private static String rawGet(String host, String target) throws Exception {
    return raw(
        "GET "
            + target
            + " HTTP/1.1\r\nHost: "
            + host
            + "\r\n"
            + signed("GET", host, target)
            + "Connection: close\r\n\r\n");
  }

  /**
   * The headers that sign a request without a body by test-key, now: x-amz-date,
   * x-amz-content-sha256 and Authorization, each ending with CRLF.
   */
  private static String signed(String method, String host, String target) {
    String amzDate =
        DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
    SigV4.Credential credential =
        new SigV4.Credential("test-key", amzDate.substring(0, 8), "us-east-1", "s3");
    int question = target.indexOf('?');
    String path = question < 0 ? target : target.substring(0, question);
    String query = question < 0 ? "" : target.substring(question + 1);
    List<String> signedHeaders = List.of("host", "x-amz-content-sha256", "x-amz-date");
    String canonical =
        SigV4.canonicalRequest(
            method,
            path,
            SigV4.canonicalQuery(SigV4.parseQuery(query), null),
            List.of(
                Map.entry("host", host),
                Map.entry("x-amz-content-sha256", SigV4.EMPTY_SHA256),
                Map.entry("x-amz-date", amzDate)),
            signedHeaders,
            SigV4.EMPTY_SHA256);
    String signature = new SigV4.SigningKey(SECRET, credential, amzDate).signRequest(canonical);
    return "x-amz-date: "
        + amzDate
        + "\r\nx-amz-content-sha256: "
        + SigV4.EMPTY_SHA256
        + "\r\nAuthorization: "
        + SigV4.ALGORITHM
        + " Credential=test-key/"
        + credential.scope()
        + ",SignedHeaders="
        + String.join(";", signedHeaders)
        + ",Signature="
        + signature
        + "\r\n";
  }

  /** Sends {@code request} as it is and reads the answer until the server closes. */
  private static String raw(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", binding.localAddress().getPort())) {
      s.setSoTimeout(30_000);
      OutputStream o = s.getOutputStream();
      o.write(request.getBytes(StandardCharsets.US_ASCII));
      o.flush();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      try (InputStream in = s.getInputStream()) {
        in.transferTo(answer);
      }
      return answer.toString(StandardCharsets.UTF_8);
    }
  }

  /** The names {@code aws s3 ls} prints, after its dates and sizes. */
  private static List<String> entries(String ls) {
    return ls.lines().map(l -> l.strip().replaceFirst("^\\S+ \\S+ +\\d+ ", "")).toList();
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static String md5Hex(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
  }
}
