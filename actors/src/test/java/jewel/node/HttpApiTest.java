package jewel.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import jewel.api.FileName;
import jewel.api.JewelException;
import jewel.api.Progress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API of a real node (peer-2 of a seed and three peers in this JVM), through the JDK's
 * HTTP client as any tool would use it: status codes, JSON errors, ranges, and the bytes moved. One
 * cluster serves every check.
 */
class HttpApiTest {
  @TempDir static Path home;
  private static InJvmCluster cluster;
  private static String api;
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final ObjectMapper json = new ObjectMapper();
  private static final byte[] CONTENT = random(3_000_001, 7);

  @BeforeAll
  static void start() throws Exception {
    cluster = InJvmCluster.start(home, 3);
    api = cluster.peer(2).apiUrl();
    assertEquals(api, Files.readString(home.resolve("peer-2").resolve("api")).trim());
    HttpResponse<String> stored =
        put("rs.bin?scheme=" + enc("reedsolomon k=2 n=3 chunk=65536"), CONTENT);
    assertEquals(201, stored.statusCode(), stored.body());
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aStoredFileComesBackWholeWithItsHeaders() throws Exception {
    HttpResponse<byte[]> got =
        http.send(
            request("/v1/files/rs.bin").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, got.statusCode());
    assertArrayEquals(CONTENT, got.body());
    assertEquals("bytes", got.headers().firstValue("Accept-Ranges").orElseThrow());
    assertEquals(
        String.valueOf(CONTENT.length), got.headers().firstValue("Content-Length").orElseThrow());
    String etag = got.headers().firstValue("ETag").orElseThrow();
    assertTrue(etag.matches("\"[0-9a-f]{64}\""), etag);

    HttpResponse<Void> head =
        http.send(
            request("/v1/files/rs.bin").method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.discarding());
    assertEquals(200, head.statusCode());
    assertEquals(etag, head.headers().firstValue("ETag").orElseThrow());
  }

  @Test
  void aRangeGetsOnlyThoseBytes() throws Exception {
    HttpResponse<byte[]> part =
        http.send(
            request("/v1/files/rs.bin").header("Range", "bytes=1000000-1065535").GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(206, part.statusCode());
    assertArrayEquals(Arrays.copyOfRange(CONTENT, 1_000_000, 1_065_536), part.body());
    assertEquals(
        "bytes 1000000-1065535/" + CONTENT.length,
        part.headers().firstValue("Content-Range").orElseThrow());

    HttpResponse<byte[]> tail =
        http.send(
            request("/v1/files/rs.bin").header("Range", "bytes=2999990-").GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertArrayEquals(Arrays.copyOfRange(CONTENT, 2_999_990, CONTENT.length), tail.body());

    HttpResponse<String> outside =
        http.send(
            request("/v1/files/rs.bin").header("Range", "bytes=5000000-5000010").GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(416, outside.statusCode());
    assertTrue(error(outside).contains("past the end"), outside.body());
  }

  @Test
  void badRequestsGetOneJsonErrorWithTheRightStatus() throws Exception {
    HttpResponse<String> unknown =
        http.send(
            request("/v1/files/nope.bin").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(404, unknown.statusCode());
    assertEquals("unknown file 'nope.bin' (try: ls)", error(unknown));

    HttpResponse<String> exists = put("rs.bin", new byte[] {1});
    assertEquals(409, exists.statusCode());
    assertTrue(error(exists).contains("exists"), exists.body());

    HttpResponse<String> badName = put("a%01b", new byte[] {1});
    assertEquals(400, badName.statusCode(), badName.body());

    HttpResponse<String> badScheme =
        put("x.bin?scheme=" + enc("reedsolomon k=5 n=2"), new byte[] {1});
    assertEquals(400, badScheme.statusCode(), badScheme.body());

    HttpResponse<String> tooMany = put("x.bin?scheme=" + enc("naive n=9"), new byte[] {1});
    assertEquals(503, tooMany.statusCode(), tooMany.body());
    assertTrue(error(tooMany).contains("live peers"), tooMany.body());

    HttpResponse<String> noRoute =
        http.send(request("/v1/nothing").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(404, noRoute.statusCode());
    assertTrue(json.readTree(noRoute.body()).has("error"), noRoute.body());
  }

  @Test
  void aCopyToAPeerKeepsItsFileUnlessForced() throws Exception {
    Path copy = home.resolve("peer-1").resolve("disk").resolve("files").resolve("rs.bin");
    HttpResponse<String> first = post("/v1/files/rs.bin/copy?to=peer-1");
    assertEquals(200, first.statusCode(), first.body());
    assertArrayEquals(CONTENT, Files.readAllBytes(copy));

    Files.writeString(copy, "the peer's own rs.bin");
    HttpResponse<String> again = post("/v1/files/rs.bin/copy?to=peer-1");
    assertEquals(409, again.statusCode(), again.body());
    assertEquals(
        "peer-1 already has 'rs.bin' in its disk/files/: use --force to replace it", error(again));
    assertEquals("the peer's own rs.bin", Files.readString(copy));

    HttpResponse<String> forced = post("/v1/files/rs.bin/copy?to=peer-1&force=true");
    assertEquals(200, forced.statusCode(), forced.body());
    assertArrayEquals(CONTENT, Files.readAllBytes(copy));
  }

  @Test
  void aGreylistedPeersOnlyCopyIsStillReadAndStillChecked() throws Exception {
    byte[] only = random(200_000, 11);
    HttpResponse<String> stored = put("only.bin?scheme=hosting", only);
    assertEquals(201, stored.statusCode(), stored.body());
    JsonNode block =
        json.readTree(
                http.send(
                        request("/v1/files/only.bin/status").GET().build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body())
            .get("blocks")
            .get(0);
    String holder = block.get("holders").get(0).asText();
    setGreylisted(holder, true);
    try {
      HttpResponse<byte[]> got =
          http.send(
              request("/v1/files/only.bin").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, got.statusCode(), () -> new String(got.body(), StandardCharsets.UTF_8));
      assertArrayEquals(only, got.body());

      // What it serves is checked all the same (here the peer's own store finds it corrupt and
      // breaks off): the read fails, naming the block, and nothing is written.
      Path file;
      try (Stream<Path> files =
          Files.walk(home.resolve(holder).resolve("disk").resolve("blocks"))) {
        file =
            files
                .filter(f -> f.getFileName().toString().equals(block.get("id").asText()))
                .findFirst()
                .orElseThrow();
      }
      try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
        f.seek(1000);
        int b = f.read();
        f.seek(1000);
        f.write(b ^ 0x01);
      }
      Path back = home.resolve("only-back.bin");
      JewelException corrupt =
          assertThrows(
              JewelException.class,
              () ->
                  cluster
                      .client()
                      .gateway()
                      .get(new FileName("only.bin"), back, null, Progress.NONE));
      assertTrue(
          corrupt.getMessage().contains(block.get("id").asText().substring(0, 12)),
          corrupt.getMessage());
      assertFalse(Files.exists(back));
    } finally {
      setGreylisted(holder, false);
    }
  }

  private static void setGreylisted(String peer, boolean greylisted) throws Exception {
    HttpResponse<String> set =
        http.send(
            request("/v1/peer-settings/" + peer)
                .PUT(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"modifier\":1.0,\"trusted\":false,\"quotaBytes\":-1,\"greylisted\":"
                            + greylisted
                            + "}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, set.statusCode(), set.body());
    // (a peer back at the defaults is not listed)
    assertEquals(
        greylisted,
        json.readTree(set.body()).path(peer).path("greylisted").asBoolean(false),
        set.body());
  }

  @Test
  void aPutCutOffHalfwayCommitsNothing() throws Exception {
    URI uri = URI.create(api);
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("PUT /v1/files/cut.bin?scheme=naive%20n%3D2 HTTP/1.1\r\nHost: x\r\nContent-Length: 4000000\r\n"
                  + "Authorization: Bearer "
                  + cluster.adminToken()
                  + "\r\nContent-Type: application/octet-stream\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[1_000_000]);
      out.flush();
    }
    cluster.awaitAssert(
        () -> {
          try {
            HttpResponse<String> after =
                http.send(
                    request("/v1/files/cut.bin").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, after.statusCode(), after.body());
            // the name is free again: a whole store of it goes through
            HttpResponse<String> whole = put("cut.bin", new byte[] {1, 2, 3});
            assertEquals(201, whole.statusCode(), whole.body());
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
  }

  @Test
  void aClientThatReadsOnlyAfterSendingHearsWhyABigStoreWasRefused() throws Exception {
    // HttpURLConnection, like the one-shot CLI: it reads the answer once the whole body is out.
    // The node refuses at once (too few peers), and reads the rest so that the answer arrives.
    HttpURLConnection c =
        (HttpURLConnection)
            URI.create(api + "/v1/files/big.bin?scheme=" + enc("naive n=9"))
                .toURL()
                .openConnection();
    c.setRequestMethod("PUT");
    c.setRequestProperty("Authorization", "Bearer " + cluster.adminToken());
    c.setDoOutput(true);
    int mib = 64;
    c.setFixedLengthStreamingMode((long) mib << 20);
    try (OutputStream out = c.getOutputStream()) {
      byte[] chunk = new byte[1 << 20];
      for (int i = 0; i < mib; i++) {
        out.write(chunk);
      }
    }
    assertEquals(503, c.getResponseCode());
    try (InputStream in = c.getErrorStream()) {
      String error = json.readTree(in).get("error").asText();
      assertTrue(error.startsWith("naive n=9 needs 9 live peers, only 3 are up"), error);
    }
  }

  @Test
  void aStoreWithAnAvailabilityTargetPicksKAndNOrSaysWhatIsWrong() throws Exception {
    // This cluster's peers have little history: each counts as about the prior, 0.9, so one
    // jewel (0.9) does not reach 0.99, and 1 of 2 (1 - 0.1², D = 2) is the cheapest that does.
    HttpResponse<String> stored =
        put("target.bin?scheme=" + enc("reedsolomon availability=0.99"), new byte[] {1, 2, 3});
    assertEquals(201, stored.statusCode(), stored.body());
    JsonNode result = json.readTree(stored.body());
    assertEquals(
        "reedsolomon availability=0.99 chunk=1048576 codec=jewel k=1 n=2",
        result.get("entry").get("scheme").asText(),
        stored.body());
    assertTrue(result.get("availability").asDouble() >= 0.99, stored.body());
    http.send(
        request("/v1/files/target.bin").DELETE().build(), HttpResponse.BodyHandlers.ofString());

    HttpResponse<String> withK =
        put("t2.bin?scheme=" + enc("reedsolomon availability=0.99 k=2"), new byte[] {1});
    assertEquals(400, withK.statusCode(), withK.body());
    assertTrue(error(withK).contains("availability= picks k and n"), withK.body());
    HttpResponse<String> badTarget =
        put("t2.bin?scheme=" + enc("reedsolomon availability=1.5"), new byte[] {1});
    assertEquals(400, badTarget.statusCode(), badTarget.body());
    assertTrue(error(badTarget).contains("availability must be between 0 and 1"), badTarget.body());
  }

  @Test
  void theRegistryNodeMovesNoBytesAndPeersSayWhoDid() throws Exception {
    HttpResponse<String> peers =
        http.send(request("/v1/peers").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, peers.statusCode());
    JsonNode seed = null;
    JsonNode gateway = null;
    for (JsonNode n : json.readTree(peers.body()).get("nodes")) {
      if (n.get("name").asText().equals("seed")) {
        seed = n;
      } else if (n.get("name").asText().equals("peer-2")) {
        gateway = n;
      }
    }
    assertEquals(0, seed.get("bytesIn").asLong(), peers.body());
    assertEquals(0, seed.get("bytesOut").asLong(), peers.body());
    assertTrue(gateway.get("bytesIn").asLong() >= CONTENT.length, peers.body());
    assertEquals(api, gateway.get("api").asText());

    String metrics =
        http.send(request("/metrics").GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.contains("jewel_bytes_received_bytes_total{node=\"peer-2\"}"), metrics);
    assertTrue(metrics.contains("jewel_store_seconds_count"), metrics);
    assertTrue(metrics.contains("jvm_memory_used_bytes"), metrics);
    assertTrue(metrics.contains("jewel_blocks_held{node=\"peer-2\"}"), metrics);
    assertTrue(metrics.contains("jewel_scrub_corrupt_total{node=\"peer-2\"} 0"), metrics);
    assertTrue(metrics.contains("jewel_scrub_last_pass_seconds{node=\"peer-2\"}"), metrics);

    cluster.awaitAssert(
        () -> {
          String registryMetrics;
          try {
            registryMetrics =
                http.send(
                        HttpRequest.newBuilder(URI.create(cluster.seed().apiUrl() + "/metrics"))
                            .header("Authorization", "Bearer " + cluster.adminToken())
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body();
          } catch (Exception e) {
            throw new AssertionError(e);
          }
          assertTrue(
              registryMetrics
                  .lines()
                  .anyMatch(
                      l ->
                          l.startsWith("jewel_registry_events{node=\"seed\"}")
                              && !l.endsWith(" 0.0")),
              registryMetrics);
        });
  }

  @Test
  void anIsolatedPeerRefusesItsBlocksAtOnceYetStaysAMemberUntilRestored() throws Exception {
    byte[] content = random(100_000, 13);
    HttpResponse<String> stored = put("iso.bin?scheme=" + enc("naive n=2"), content);
    assertEquals(201, stored.statusCode(), stored.body());
    JsonNode holders =
        json.readTree(
                http.send(
                        request("/v1/files/iso.bin/status").GET().build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body())
            .get("blocks")
            .get(0)
            .get("holders");
    List<String> holderApis = new ArrayList<>();
    for (JsonNode h : holders) {
      holderApis.add(
          cluster.peer(Integer.parseInt(h.asText().substring("peer-".length()))).apiUrl());
    }
    String seedApi = cluster.seed().apiUrl();
    try {
      HttpResponse<String> isolated = isolation(holderApis.get(0), "PUT", "{\"seconds\": 60}");
      assertEquals(200, isolated.statusCode(), isolated.body());
      assertTrue(json.readTree(isolated.body()).get("isolated").asBoolean(), isolated.body());
      assertArrayEquals(content, getBytes(api, "iso.bin").body(), "the other copy serves");

      assertEquals(200, isolation(holderApis.get(1), "PUT", "{\"seconds\": 60}").statusCode());
      HttpResponse<byte[]> refused = getBytes(api, "iso.bin");
      String why = new String(refused.body(), StandardCharsets.UTF_8);
      assertEquals(503, refused.statusCode(), why);
      assertTrue(why.contains("is isolated"), why);
      JsonNode nodes =
          json.readTree(
                  http.send(
                          HttpRequest.newBuilder(URI.create(seedApi + "/v1/peers"))
                              .header("Authorization", "Bearer " + cluster.adminToken())
                              .GET()
                              .build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body())
              .get("nodes");
      for (JsonNode n : nodes) {
        assertEquals("up", n.get("status").asText(), "isolated peers stay members: " + n);
      }
    } finally {
      for (String holder : holderApis) {
        HttpResponse<String> restored = isolation(holder, "DELETE", null);
        assertEquals(200, restored.statusCode(), restored.body());
        assertFalse(json.readTree(restored.body()).get("isolated").asBoolean(), restored.body());
      }
    }
    assertArrayEquals(content, getBytes(api, "iso.bin").body());

    HttpResponse<String> seed = isolation(seedApi, "PUT", "{\"seconds\": 60}");
    assertEquals(400, seed.statusCode(), seed.body());
    assertEquals("seed keeps no blocks: only a peer can be isolated", error(seed));
    HttpResponse<String> tooLong = isolation(holderApis.get(0), "PUT", "{\"seconds\": 7200}");
    assertEquals(400, tooLong.statusCode(), tooLong.body());
  }

  private static HttpResponse<String> isolation(String nodeApi, String method, String body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(nodeApi + "/v1/isolation"))
            .header("Authorization", "Bearer " + cluster.adminToken())
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<byte[]> getBytes(String nodeApi, String name) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(nodeApi + "/v1/files/" + name))
            .header("Authorization", "Bearer " + cluster.adminToken())
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void controlCallsAnswerJson() throws Exception {
    HttpResponse<String> files =
        http.send(request("/v1/files?limit=1").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, files.statusCode());
    assertEquals(1, json.readTree(files.body()).get("files").size());
    HttpResponse<String> prefixed =
        http.send(
            request("/v1/files?prefix=rs.").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals("rs.bin", json.readTree(prefixed.body()).get("files").get(0).get("name").asText());
    for (var f : json.readTree(prefixed.body()).get("files")) {
      assertTrue(f.get("name").asText().startsWith("rs."), prefixed.body());
    }
    HttpResponse<String> none =
        http.send(
            request("/v1/files?prefix=no-such-prefix/").GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(0, json.readTree(none.body()).get("files").size(), none.body());

    HttpResponse<String> status =
        http.send(
            request("/v1/files/rs.bin/status").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(3, json.readTree(status.body()).get("blocks").size(), status.body());

    HttpResponse<String> scheme =
        http.send(
            request("/v1/settings/schemes/default")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"scheme\":\"naive n=3\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(
        "naive n=3", json.readTree(scheme.body()).get("clusterDefault").asText(), scheme.body());
    HttpResponse<String> badBody =
        http.send(
            request("/v1/settings/schemes/default")
                .PUT(HttpRequest.BodyPublishers.ofString("nonsense"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(400, badBody.statusCode());
    http.send(
        request("/v1/settings/schemes/default")
            .PUT(HttpRequest.BodyPublishers.ofString("{\"scheme\":\"naive n=2\"}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());

    HttpResponse<String> removed = put("gone.bin", new byte[] {9});
    assertEquals(201, removed.statusCode(), removed.body());
    HttpResponse<String> deleted =
        http.send(
            request("/v1/files/gone.bin").DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, deleted.statusCode());
    assertEquals(
        404,
        http.send(
                request("/v1/files/gone.bin").DELETE().build(),
                HttpResponse.BodyHandlers.ofString())
            .statusCode());
  }

  @Test
  void aNestedNameWorksOnEveryFileRouteWithItsSlashesAsPercent2F() throws Exception {
    String name = "photos/2026/x y.jpg";
    String path = "/v1/files/" + enc(name); // photos%2F2026%2Fx%20y.jpg: one path segment
    byte[] photo = random(100_000, 29); // a seed of its own: no block shared with another test
    HttpResponse<String> stored = put(enc(name) + "?scheme=" + enc("naive n=2"), photo);
    assertEquals(201, stored.statusCode(), stored.body());
    assertEquals(name, json.readTree(stored.body()).get("entry").get("name").asText());

    HttpResponse<byte[]> got =
        http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, got.statusCode());
    assertArrayEquals(photo, got.body());
    HttpResponse<Void> head =
        http.send(
            request(path).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.discarding());
    assertEquals(200, head.statusCode());

    HttpResponse<String> status = send(request(path + "/status").GET());
    assertEquals(200, status.statusCode(), status.body());
    assertEquals(name, json.readTree(status.body()).get("entry").get("name").asText());
    HttpResponse<String> check = send(request(path + "/check").GET());
    assertEquals(name, json.readTree(check.body()).get("name").asText(), check.body());
    HttpResponse<String> listed = send(request("/v1/files").GET());
    List<String> names = new ArrayList<>();
    json.readTree(listed.body()).get("files").forEach(f -> names.add(f.get("name").asText()));
    assertTrue(names.contains(name), listed.body());

    HttpResponse<String> pinned =
        send(
            request("/v1/pins/" + enc(name))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"fraction\":0.5}")));
    assertEquals(200, pinned.statusCode(), pinned.body());
    assertTrue(pinned.body().contains(name), pinned.body());
    assertEquals(200, send(request("/v1/pins/" + enc(name)).DELETE()).statusCode());

    HttpResponse<String> copied = post(path + "/copy?to=peer-1");
    assertEquals(200, copied.statusCode(), copied.body());
    Path copy = home.resolve("peer-1/disk/files/photos/2026/x y.jpg");
    assertArrayEquals(photo, Files.readAllBytes(copy));
    HttpResponse<String> storedFrom =
        put(enc("copies/x.jpg") + "?from=peer-1&path=" + enc(name), new byte[0]);
    assertEquals(201, storedFrom.statusCode(), storedFrom.body());
    assertArrayEquals(
        photo,
        http.send(
                request("/v1/files/" + enc("copies/x.jpg")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray())
            .body());
    HttpResponse<String> contents = send(request("/v1/peers/peer-1/contents").GET());
    assertTrue(contents.body().contains("\"" + name + "\""), contents.body());

    // The slashes sent as they are: a 404 that says how to send them, and nothing else happens.
    HttpResponse<String> unencoded = send(request("/v1/files/photos/2026/x.jpg").DELETE());
    assertEquals(404, unencoded.statusCode(), unencoded.body());
    assertTrue(error(unencoded).contains("%2F"), unencoded.body());
    assertEquals(405, send(request("/v1/files/" + enc(name) + "/status").DELETE()).statusCode());

    HttpResponse<String> deleted = send(request(path).DELETE());
    assertEquals(200, deleted.statusCode(), deleted.body());
    assertEquals(404, send(request(path + "/status").GET()).statusCode());
    HttpResponse<String> dotDot = put(enc("photos/../x.jpg"), new byte[] {1});
    assertEquals(400, dotDot.statusCode(), dotDot.body());
    assertEquals("bad file name 'photos/../x.jpg': no segment may be '.' or '..'", error(dotDot));
  }

  // ------------------------------------------------------------------ tokens

  @Test
  void everyRequestButTheHealthCheckNeedsAnAcceptedToken() throws Exception {
    String garbage = "not a Jewel token: one looks like jewel_t1_ followed by 64 hex digits";
    String unknownAdmin =
        "unknown token: no token admin with that secret (token ls lists the tokens;"
            + " token create makes one)";
    String[][] cases = {
      {
        null,
        "no token: this API needs the header Authorization: Bearer TOKEN"
            + " (the command line sends --token, JEWEL_TOKEN or HOME/admin-token)"
      },
      {"", null},
      {"hunter2", garbage},
      {"jewel_t1_" + "0".repeat(63), garbage},
      {
        jewel.api.ApiToken.generate("t77").toString(),
        "unknown token: no token t77 with that secret (token ls lists the tokens;"
            + " token create makes one)"
      },
      {jewel.api.ApiToken.generate("admin").toString(), unknownAdmin},
    };
    for (String[] c : cases) {
      for (String path : new String[] {"/v1/files", "/metrics", "/v1/tokens"}) {
        HttpResponse<String> refused =
            c[0] != null && c[0].isEmpty()
                ? send(
                    HttpRequest.newBuilder(URI.create(api + path))
                        .header("Authorization", "Basic dXNlcjpwdw=="))
                : send(as(c[0], path));
        assertEquals(401, refused.statusCode(), path + " " + refused.body());
        assertEquals(
            c[1] != null ? c[1] : "the Authorization header must be: Bearer TOKEN", error(refused));
        assertEquals(
            "Bearer realm=\"jewel\"",
            refused.headers().firstValue("WWW-Authenticate").orElseThrow());
      }
    }
    HttpResponse<String> health = send(as(null, "/v1/health"));
    assertEquals(200, health.statusCode(), health.body());
    assertEquals("peer-2", json.readTree(health.body()).get("node").asText());
    // A store refused for its token commits nothing.
    HttpResponse<String> store =
        http.send(
            as("hunter2", "/v1/files/sneaky.bin")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[100_000]))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(401, store.statusCode());
    assertEquals(404, send(request("/v1/files/sneaky.bin")).statusCode());
  }

  @Test
  void aReadOnlyTokenReadsButChangesNothing() throws Exception {
    JsonNode made = createToken("{\"readOnly\": true, \"label\": \"dashboards\"}");
    String token = made.get("token").asText();
    String id = made.get("info").get("id").asText();
    assertTrue(made.get("info").get("readOnly").asBoolean(), made.toString());
    assertEquals("dashboards", made.get("info").get("label").asText());

    assertEquals(200, send(as(token, "/v1/files")).statusCode());
    assertEquals(200, send(as(token, "/v1/files/rs.bin/status")).statusCode());
    assertEquals(200, send(as(token, "/metrics")).statusCode());
    assertEquals(
        200,
        http.send(
                as(token, "/v1/files/rs.bin")
                    .method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.discarding())
            .statusCode());

    HttpResponse<String> delete = send(as(token, "/v1/files/rs.bin").DELETE());
    assertEquals(403, delete.statusCode(), delete.body());
    assertEquals(
        "token " + id + " is read-only: DELETE /v1/files/rs.bin needs an admin token",
        error(delete));
    assertEquals(200, send(request("/v1/files/rs.bin/status")).statusCode(), "still stored");
    HttpResponse<String> store =
        http.send(
            as(token, "/v1/files/ro.bin")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1}))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(403, store.statusCode(), store.body());
    for (HttpRequest.Builder change :
        List.of(
            as(token, "/v1/settings/schemes/default")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"scheme\":\"naive n=3\"}")),
            as(token, "/v1/files/rs.bin/verify").POST(HttpRequest.BodyPublishers.noBody()),
            as(token, "/v1/tokens").POST(HttpRequest.BodyPublishers.ofString("{}")),
            as(token, "/v1/tokens"),
            as(token, "/v1/tokens/" + id).DELETE())) {
      HttpResponse<String> refused = send(change);
      assertEquals(403, refused.statusCode(), refused.body());
      assertTrue(error(refused).startsWith("token " + id + " is read-only: "), refused.body());
    }

    HttpResponse<String> listed = send(request("/v1/tokens"));
    assertEquals(200, listed.statusCode(), listed.body());
    assertTrue(listed.body().contains("\"id\":\"" + id + "\""), listed.body());
    String secret = token.substring(token.lastIndexOf('_') + 1);
    assertFalse(listed.body().contains(secret), "the secret is shown once only");
    assertFalse(listed.body().contains(jewel.api.ApiToken.hash(secret)), "nor its hash");
  }

  @Test
  void aRevokedTokenIsRefusedAtOnceByTheGatewayThatRevokedIt() throws Exception {
    JsonNode made = createToken("{\"expiresInSeconds\": 3600}");
    String token = made.get("token").asText();
    String id = made.get("info").get("id").asText();
    assertFalse(made.get("info").get("readOnly").asBoolean());
    HttpResponse<String> ok = put("by-" + id + ".bin", new byte[] {7});
    assertEquals(201, ok.statusCode(), ok.body());
    assertEquals(200, send(as(token, "/v1/files")).statusCode()); // now in this gateway's cache

    HttpResponse<String> revoked = send(request("/v1/tokens/" + id).DELETE());
    assertEquals(200, revoked.statusCode(), revoked.body());
    HttpResponse<String> after = send(as(token, "/v1/files"));
    assertEquals(401, after.statusCode(), after.body());
    assertTrue(error(after).startsWith("token " + id + " was revoked at "), after.body());

    HttpResponse<String> again = send(request("/v1/tokens/" + id).DELETE());
    assertEquals(409, again.statusCode(), again.body());
    assertTrue(error(again).startsWith("token " + id + " was revoked already, at "), again.body());
    HttpResponse<String> unknown = send(request("/v1/tokens/t999").DELETE());
    assertEquals(404, unknown.statusCode(), unknown.body());
    assertEquals("unknown token id 't999' (try: token ls)", error(unknown));
    HttpResponse<String> admin = send(request("/v1/tokens/admin").DELETE());
    assertEquals(400, admin.statusCode(), admin.body());
  }

  @Test
  void badTokenRequestsGetOneLine() throws Exception {
    String[][] cases = {
      {
        "{\"expiresInSeconds\": 0}",
        "give expiresInSeconds as a whole number of seconds, 1 or more, not 0"
      },
      {
        "{\"expiresInSeconds\": 1.5}",
        "give expiresInSeconds as a whole number of seconds, 1 or more, not 1.5"
      },
      {"{\"readOnly\": \"yes\"}", "give readOnly as true or false, not \"yes\""},
      {"{\"label\": \"a\\nb\"}", "a token's label may not have control characters"},
      {"[]", "the body must be a JSON object"},
    };
    for (String[] c : cases) {
      HttpResponse<String> bad =
          send(request("/v1/tokens").POST(HttpRequest.BodyPublishers.ofString(c[0])));
      assertEquals(400, bad.statusCode(), c[0] + " " + bad.body());
      assertEquals(c[1], error(bad));
    }
  }

  // ------------------------------------------------------------------ S3 access keys

  @Test
  void s3KeysAreMadeWithTheirSecretOnceListedWithoutItAndRevoked() throws Exception {
    HttpResponse<String> made =
        send(
            request("/v1/s3/keys")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"readOnly\": true, \"label\": \"restic\", \"expiresInSeconds\": 3600}")));
    assertEquals(201, made.statusCode(), made.body());
    JsonNode doc = json.readTree(made.body());
    String accessKey = doc.get("key").get("accessKey").asText();
    String secretKey = doc.get("secretKey").asText();
    assertTrue(accessKey.matches("JWL[A-Z2-7]{17}"), accessKey);
    assertTrue(secretKey.matches("[A-Za-z0-9]{40}"), "a secret of 40 letters and digits");
    assertTrue(doc.get("key").get("readOnly").asBoolean());
    assertEquals("restic", doc.get("key").get("label").asText());

    // The gateway checking signatures finds it, secret and all.
    var credentials = cluster.peer(2).s3Credentials().orElseThrow();
    assertEquals(
        java.util.Optional.of(
            new jewel.node.s3.S3Credentials.Credential(accessKey, secretKey, true)),
        credentials.find(accessKey).toCompletableFuture().get());

    HttpResponse<String> listed = send(request("/v1/s3/keys"));
    assertEquals(200, listed.statusCode(), listed.body());
    assertTrue(listed.body().contains("\"accessKey\":\"" + accessKey + "\""), listed.body());
    assertFalse(listed.body().contains(secretKey), "the secret is shown once only");

    HttpResponse<String> revoked = send(request("/v1/s3/keys/" + accessKey).DELETE());
    assertEquals(200, revoked.statusCode(), revoked.body());
    assertFalse(json.readTree(revoked.body()).get("revokedAtMillis").isNull(), revoked.body());
    assertEquals(
        java.util.Optional.empty(),
        credentials.find(accessKey).toCompletableFuture().get(),
        "refused at once by the gateway that revoked it");
    HttpResponse<String> again = send(request("/v1/s3/keys/" + accessKey).DELETE());
    assertEquals(409, again.statusCode(), again.body());
    assertTrue(
        error(again).startsWith("S3 access key " + accessKey + " was revoked already, at "),
        again.body());
    HttpResponse<String> unknown = send(request("/v1/s3/keys/JWLAAAAAAAAAAAAAAAAA").DELETE());
    assertEquals(404, unknown.statusCode(), unknown.body());
    assertEquals("unknown S3 access key 'JWLAAAAAAAAAAAAAAAAA' (try: s3 key ls)", error(unknown));
    HttpResponse<String> bad =
        send(
            request("/v1/s3/keys")
                .POST(HttpRequest.BodyPublishers.ofString("{\"label\": \"a\\nb\"}")));
    assertEquals(400, bad.statusCode(), bad.body());
    assertEquals("an S3 key's label may not have control characters", error(bad));
  }

  @Test
  void onlyAnAdminTokenSeesOrChangesS3Keys() throws Exception {
    String token = createToken("{\"readOnly\": true}").get("token").asText();
    for (HttpRequest.Builder asked :
        List.of(
            as(token, "/v1/s3/keys"),
            as(token, "/v1/s3/keys").POST(HttpRequest.BodyPublishers.ofString("{}")),
            as(token, "/v1/s3/keys/JWLAAAAAAAAAAAAAAAAA").DELETE())) {
      HttpResponse<String> refused = send(asked);
      assertEquals(403, refused.statusCode(), refused.body());
    }
    assertEquals(401, send(as(null, "/v1/s3/keys")).statusCode());
  }

  @Test
  void everyNodeServesS3AndSaysWhere() throws Exception {
    String s3 = cluster.peer(2).s3Url();
    assertTrue(s3.startsWith("http://127.0.0.1:"), s3);
    assertEquals(s3, Files.readString(home.resolve("peer-2").resolve("s3")).trim());
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create(s3 + "/some-bucket/a/key")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(403, answer.statusCode(), answer.body());
    assertTrue(answer.body().contains("<Code>AccessDenied</Code>"), "unsigned: " + answer.body());
    assertTrue(
        answer.headers().firstValue("Content-Type").orElse("").startsWith("application/xml"));

    JsonNode peers = json.readTree(send(request("/v1/peers")).body()).get("nodes");
    for (JsonNode n : peers) {
      if (n.get("name").asText().equals("peer-2")) {
        assertEquals(s3, n.get("s3").asText(), n.toString());
        return;
      }
    }
    throw new AssertionError("no peer-2 in " + peers);
  }

  private static JsonNode createToken(String body) throws Exception {
    HttpResponse<String> made =
        send(request("/v1/tokens").POST(HttpRequest.BodyPublishers.ofString(body)));
    assertEquals(201, made.statusCode(), made.body());
    return json.readTree(made.body());
  }

  private static HttpResponse<String> put(String pathAndQuery, byte[] body) throws Exception {
    return http.send(
        request("/v1/files/" + pathAndQuery)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String pathAndQuery) throws Exception {
    return http.send(
        request(pathAndQuery).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A request with the admin token. */
  private static HttpRequest.Builder request(String path) {
    return as(cluster.adminToken(), path);
  }

  /** A request with {@code token} as its bearer token (null: no Authorization header). */
  private static HttpRequest.Builder as(String token, String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path));
    return token == null ? b : b.header("Authorization", "Bearer " + token);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String error(HttpResponse<String> response) throws Exception {
    return json.readTree(response.body()).get("error").asText();
  }

  private static String enc(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }
}
