package jewel.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jewel.cli.launch.ProcessLauncher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's proof on real JVMs, one cluster (a seed and 3 peers) for every check: a node whose
 * certificate another cluster's CA signed, and one with a self-signed certificate, never become
 * members and say why in their logs; a plain TCP connection to a peer's data channel asking for a
 * block gets no byte of it; handshakes cut short on the data channel and the cluster port leave the
 * node serving; the API refuses a missing, garbage, revoked and expired token (401) and a delete
 * with a read-only token (403), and the file is still there.
 */
class SecurityIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The first bytes of a TLS record carrying a ClientHello, and nothing more. */
  private static final byte[] CLIENT_HELLO_CUT_SHORT = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00};

  @TempDir Path tmp;

  @Test
  void onlyTheClustersMembersAndUsersGetIn() throws Exception {
    try (JewelCluster c = new JewelCluster(tmp.resolve("home"))) {
      c.cli("up", "3").ok();

      // Two strangers knock while the other checks run: one with a certificate another
      // cluster's CA signed (certs issue in another home), one whose certificate signed itself
      // (that other CA's own).
      Path otherHome = tmp.resolve("other");
      Path issued = tmp.resolve("issued");
      try (JewelCluster other = new JewelCluster(otherHome)) {
        other.cli("certs", "issue", "peer-9", "--out", issued.toString()).ok();
      }
      Path otherCa = otherHome.resolve("tls");
      // The first is refused by the seed it knocks at (and refuses the seed's certificate in
      // turn); the second's own TLS engine will not even present a certificate that is its own CA.
      List<Stranger> strangers =
          List.of(
              Stranger.start(
                  c,
                  tmp.resolve("stranger"),
                  issued.resolve("peer-9.key"),
                  issued.resolve("peer-9.crt"),
                  issued.resolve("ca.crt"),
                  "SSLHandshakeException: PKIX path building failed"),
              Stranger.start(
                  c,
                  tmp.resolve("self-signed"),
                  otherCa.resolve("ca.key"),
                  otherCa.resolve("ca.crt"),
                  otherCa.resolve("ca.crt"),
                  "jewel: node peer-9 cannot start: cannot set up TLS for peer-9: Certificate chain"
                      + " is not valid"));
      try {
        Path note = tmp.resolve("note.txt");
        String content = "only the cluster's members read this block\n".repeat(50);
        Files.writeString(note, content);
        JsonNode stored =
            JSON.readTree(
                c.cli("store", note.toString(), "--json", "--scheme", "naive", "n=3").ok().out());
        String blockId = stored.get("blocks").get(0).get("id").asText();

        // A plain TCP connection to peer-1's data channel asking for the block: no byte of it.
        int dataPort = dataPort(c, "peer-1");
        byte[] answer =
            exchange(
                dataPort,
                ("GET /blocks/" + blockId + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        String text = new String(answer, StandardCharsets.ISO_8859_1);
        assertFalse(text.contains("HTTP/"), "an HTTP answer over plain TCP: " + text);
        assertFalse(text.contains("only the cluster"), "block bytes over plain TCP: " + text);

        // Handshakes cut short on the data channel and on the cluster port: the node serves on.
        exchange(dataPort, CLIENT_HELLO_CUT_SHORT);
        String address = node(c, "peer-1").get("address").asText();
        exchange(
            Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)),
            CLIENT_HELLO_CUT_SHORT);
        Path back = tmp.resolve("note.back");
        c.cli("get", "note.txt", "-o", back.toString()).ok();
        assertEquals(content, Files.readString(back));

        apiTokens(c);
        s3Keys(c);
        assertTrue(c.cli("ls").ok().out().contains("note.txt"), "nothing stored was lost");
        c.cli("get", "note.txt", "-o", back.toString(), "--force").ok();
        assertEquals(content, Files.readString(back));

        for (Stranger s : strangers) {
          JewelCluster.eventually(
              Duration.ofSeconds(30),
              () -> {
                String log = Files.readString(s.log());
                assertTrue(log.contains(s.why()), s.name() + " does not say why:\n" + log);
              });
          for (JsonNode n : JSON.readTree(c.cli("peers", "--json").ok().out()).get("peers")) {
            assertFalse(
                n.get("name").asText().equals("peer-9")
                    || n.get("address").asText().endsWith(":" + s.port()),
                s.name() + " became a member: " + n);
          }
        }
        // The seed names what it refused (not whom: see RefusalLoggingEngineProvider).
        String seedLog = Files.readString(c.home.resolve("seed").resolve("node.log"));
        assertTrue(
            seedLog.contains(
                "cluster port "
                    + c.port
                    + ": refused an inbound connection, its TLS handshake failed: Received fatal"
                    + " alert"),
            seedLog);
      } finally {
        for (Stranger s : strangers) {
          s.process().destroyForcibly();
        }
      }
    }
  }

  /**
   * The API's tokens: none, garbage, revoked and expired get 401; a read-only token reads but its
   * delete gets 403.
   */
  private static void apiTokens(JewelCluster c) throws Exception {
    URI api = URI.create(node(c, "peer-2").get("api").asText());
    HttpClient http = HttpClient.newHttpClient();
    assertEquals(401, send(http, api, "GET", "/v1/files", null).statusCode(), "no token");
    assertEquals(
        401,
        send(http, api, "GET", "/v1/files", "jewel_t999999_" + "0".repeat(64)).statusCode(),
        "a token no one made");
    JewelCluster.Run garbage = c.cli("--token", "hunter2", "ls");
    assertEquals(1, garbage.exit(), garbage::toString);
    assertEquals(
        "jewel: not a Jewel token: one looks like jewel_t1_ followed by 64 hex digits",
        garbage.err());

    String readOnly = c.cli("token", "create", "--read-only", "--label", "it").ok().out().strip();
    assertEquals(200, send(http, api, "GET", "/v1/files", readOnly).statusCode(), "it reads");
    HttpResponse<String> delete = send(http, api, "DELETE", "/v1/files/note.txt", readOnly);
    assertEquals(403, delete.statusCode(), delete::body);
    assertTrue(delete.body().contains("\"error\""), delete::body);
    JewelCluster.Run refused = c.cli("--token", readOnly, "delete", "note.txt");
    assertEquals(1, refused.exit(), refused::toString);
    assertTrue(refused.err().contains("is read-only"), refused::toString);

    String id = readOnly.substring("jewel_".length(), readOnly.lastIndexOf('_'));
    c.cli("token", "revoke", id).ok();
    JewelCluster.eventually(
        Duration.ofSeconds(30),
        () -> {
          JewelCluster.Run revoked = c.cli("--token", readOnly, "ls");
          assertEquals(1, revoked.exit(), revoked::toString);
          assertTrue(
              revoked.err().startsWith("jewel: token " + id + " was revoked at "),
              revoked::toString);
        });

    // The CLI's --expires counts in minutes at least; the API takes seconds.
    HttpResponse<String> made =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(api.resolve("/v1/tokens"))
                    .header("Authorization", "Bearer " + c.adminToken())
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"readOnly\":true,\"expiresInSeconds\":1,\"label\":\"brief\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(201, made.statusCode(), made::body);
    String brief = JSON.readTree(made.body()).get("token").asText();
    JewelCluster.eventually(
        Duration.ofSeconds(30),
        () -> {
          JewelCluster.Run expired = c.cli("--token", brief, "ls");
          assertEquals(1, expired.exit(), expired::toString);
          assertTrue(expired.err().contains(" expired at "), expired::toString);
        });
  }

  /**
   * S3 access keys through the command line: made once with their secret, listed without it,
   * revoked; and every node's S3 listener where {@code up} put it and {@code peers --json} says.
   */
  private static void s3Keys(JewelCluster c) throws Exception {
    JsonNode made = JSON.readTree(c.cli("s3", "key", "create", "--json").ok().out());
    String accessKey = made.get("accessKey").asText();
    String secretKey = made.get("secretKey").asText();
    assertTrue(accessKey.matches("JWL[A-Z2-7]{17}"), made::toString);
    assertEquals(40, secretKey.length(), made::toString);
    String listed = c.cli("s3", "key", "ls", "--json").ok().out();
    assertTrue(listed.contains(accessKey), listed);
    assertFalse(listed.contains(secretKey), "the secret is shown once only");
    assertTrue(
        c.cli("s3", "key", "revoke", accessKey)
            .ok()
            .out()
            .startsWith("revoked S3 key " + accessKey));
    JewelCluster.Run again = c.cli("s3", "key", "revoke", accessKey);
    assertEquals(1, again.exit(), again::toString);

    for (String name : List.of("seed", "peer-1", "peer-2", "peer-3")) {
      String s3 = node(c, name).get("s3").asText();
      assertEquals(s3, Files.readString(c.home.resolve(name).resolve("s3")).strip(), name);
      HttpResponse<String> answer =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(s3 + "/")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertTrue(answer.body().contains("<Code>"), name + ": " + answer.body());
    }
    assertEquals(
        "http://127.0.0.1:" + (c.port + ProcessLauncher.S3_PORT_OFFSET),
        node(c, "seed").get("s3").asText());
  }

  private static HttpResponse<String> send(
      HttpClient http, URI api, String method, String path, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(api.resolve(path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A node JVM started as {@code add} starts one, but with the given TLS files. */
  private record Stranger(String name, Process process, Path log, int port, String why) {
    static Stranger start(JewelCluster c, Path home, Path key, Path cert, Path ca, String why)
        throws IOException {
      Files.createDirectories(home);
      int port = freePort();
      Path jar =
          Path.of(System.getProperty("jewel.jar", "../actors/target/jewel.jar")).toAbsolutePath();
      List<String> cmd = new ArrayList<>();
      cmd.add(ProcessHandle.current().info().command().orElse("java"));
      cmd.add("--add-modules");
      cmd.add("jdk.incubator.vector");
      cmd.addAll(List.of(ProcessLauncher.DEFAULT_NODE_OPTS.split(" ")));
      cmd.addAll(
          List.of(
              "-Djewel.tls.key-file=" + key,
              "-Djewel.tls.cert-file=" + cert,
              "-Djewel.tls.ca-file=" + ca,
              "-cp",
              jar.toString(),
              "-Djewel.home=" + home,
              "-Djewel.node.name=peer-9",
              "-Djewel.node.roles=peer",
              "-Djewel.node.port=" + port,
              "-Djewel.api.port=" + freePort(),
              "-Djewel.seed-nodes=127.0.0.1:" + c.port,
              "jewel.node.NodeMain"));
      Path log = home.resolve("node.log");
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      return new Stranger(home.getFileName().toString(), p, log, port, why);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Sends {@code bytes} and returns whatever comes back until the node closes (or 10 s pass). */
  private static byte[] exchange(int port, byte[] bytes) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(bytes);
      out.flush();
      if (bytes == CLIENT_HELLO_CUT_SHORT) {
        return new byte[0]; // and close: the handshake is cut short
      }
      InputStream in = socket.getInputStream();
      try {
        return in.readAllBytes();
      } catch (SocketTimeoutException e) {
        return new byte[0]; // nothing came back
      }
    }
  }

  /** The data channel's port, from the line the node logs when it starts. */
  private static int dataPort(JewelCluster c, String node) throws IOException {
    Matcher m =
        Pattern.compile("data channel at [^:\\s]+:(\\d+)")
            .matcher(Files.readString(c.home.resolve(node).resolve("node.log")));
    assertTrue(m.find(), node + " logged no data channel");
    return Integer.parseInt(m.group(1));
  }

  private static JsonNode node(JewelCluster c, String name) throws Exception {
    for (JsonNode n : JSON.readTree(c.cli("peers", "--json").ok().out()).get("peers")) {
      if (n.get("name").asText().equals(name)) {
        return n;
      }
    }
    throw new AssertionError("no node " + name + " in peers --json");
  }
}
