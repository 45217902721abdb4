package jewel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import jewel.api.BlockId;
import jewel.api.BlockLayout;
import jewel.api.ByteRange;
import jewel.api.DefaultSchemes;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.JewelException;
import jewel.api.NodeStatus;
import jewel.api.PeerId;
import jewel.api.PeerSettings;
import jewel.api.Pin;
import jewel.api.PinTable;
import jewel.api.Progress;
import jewel.api.SchemeSpec;
import jewel.api.StoreResult;
import jewel.api.StoredBlock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP client against a fake node's API (the JDK's HttpServer): what goes over the wire, and
 * failures.
 */
class HttpJewelClientTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final List<HttpServer> servers = new ArrayList<>();

  /** Every request the fake nodes saw: "METHOD /path?query body". */
  private final ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  interface Handler {
    void handle(HttpExchange ex, byte[] body) throws IOException;
  }

  /** A node answering every request with {@code handler}; its URL in {@code HOME/name/api}. */
  private HttpServer node(Path home, String name, Handler handler) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            seen.add(
                ex.getRequestMethod()
                    + " "
                    + ex.getRequestURI().getRawPath()
                    + (ex.getRequestURI().getRawQuery() == null
                        ? ""
                        : "?" + ex.getRequestURI().getRawQuery())
                    + (body.length > 0 && body.length < 200
                        ? " " + new String(body, StandardCharsets.UTF_8)
                        : ""));
            handler.handle(ex, body);
          } catch (IOException | RuntimeException e) {
            // the client went away: nothing to answer
          }
        });
    server.start();
    servers.add(server);
    if (home != null) {
      Files.createDirectories(home.resolve(name));
      Files.writeString(home.resolve(name).resolve("api"), url(server) + "\n");
    }
    return server;
  }

  private static String url(HttpServer s) {
    return "http://127.0.0.1:" + s.getAddress().getPort();
  }

  private static void json(HttpExchange ex, int status, Object doc) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(doc);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static final BlockId ROOT = new BlockId("ab".repeat(32));

  private static FileEntry entry(String name, long size) {
    return new FileEntry(
        new FileName(name),
        size,
        ROOT,
        SchemeSpec.parse("naive n=2"),
        BlockLayout.whole(),
        List.of(
            new StoredBlock(
                0, ROOT, size, List.of(new PeerId("peer-1"), new PeerId("peer-2")), null)),
        42);
  }

  @Test
  void everyCallHasItsPathMethodAndBody() throws Exception {
    Map<String, PeerSettings> settings = Map.of("peer-1", PeerSettings.DEFAULT.withModifier(2));
    PinTable pins = new PinTable(List.of(), 0.5);
    DefaultSchemes schemes = new DefaultSchemes(SchemeSpec.parse("naive n=2"), Map.of());
    HttpServer s =
        node(
            null,
            "peer-1",
            (ex, body) -> {
              String path = ex.getRequestURI().getRawPath();
              String method = ex.getRequestMethod();
              if (path.equals("/v1/peers")) {
                json(
                    ex,
                    200,
                    Map.of(
                        "nodes",
                        List.of(
                            new NodeStatus(
                                "peer-1",
                                "127.0.0.1:25521",
                                List.of("peer"),
                                "up",
                                3,
                                30,
                                false,
                                false,
                                "http://127.0.0.1:26521",
                                "http://127.0.0.1:27521",
                                1,
                                2,
                                0.75,
                                3_600_000))));
              } else if (path.startsWith("/v1/files/") && path.endsWith("/status")) {
                json(ex, 404, Map.of("error", "unknown file 'a b.txt' (try: ls)"));
              } else if (path.equals("/v1/files/a%20b%2Bc.txt") && method.equals("DELETE")) {
                json(ex, 200, entry("a b+c.txt", 5));
              } else if (path.endsWith("/copy")) {
                json(ex, 200, entry("a.txt", 5));
              } else if (path.equals("/v1/settings/schemes")) {
                json(ex, 200, schemes);
              } else if (path.startsWith("/v1/settings/schemes/")) {
                json(ex, 200, new DefaultSchemes(SchemeSpec.parse("hosting"), Map.of()));
              } else if (path.startsWith("/v1/pins") || path.startsWith("/v1/settings/pins")) {
                json(ex, 200, pins);
              } else if (path.equals("/v1/peer-settings")) {
                json(ex, 200, settings);
              } else if (path.startsWith("/v1/peer-settings/")) {
                json(ex, 200, Map.of("peer-1", JSON.readValue(body, PeerSettings.class)));
              } else if (path.equals("/v1/files/notes.txt")) {
                json(ex, 201, new StoreResult(entry("notes.txt", 12), 2, 1, 1));
              } else {
                json(ex, 400, Map.of("error", "unexpected " + method + " " + path));
              }
            });
    try (HttpJewelClient c = HttpJewelClient.at(url(s), null)) {
      assertEquals("peer-1", c.peers().get(0).name());
      JewelException e =
          assertThrows(JewelException.class, () -> c.status(new FileName("a b.txt")));
      assertEquals("unknown file 'a b.txt' (try: ls)", e.getMessage());
      assertEquals(JewelException.Kind.NOT_FOUND, e.kind());
      assertEquals(5, c.delete(new FileName("a b+c.txt")).size());
      c.getTo(new FileName("a.txt"), new PeerId("peer-3"));
      assertEquals("naive n=2", c.settings().clusterDefault().toString());
      c.setDefaultScheme(null, SchemeSpec.parse("hosting"));
      c.setDefaultScheme(new PeerId("peer-2"), SchemeSpec.parse("reedsolomon k=2 n=3"));
      c.setPin(new FileName("a.txt"), Pin.fraction(0.25));
      c.setPin(new FileName("a.txt"), null);
      c.setDefaultPin(0.3);
      assertEquals(
          Double.POSITIVE_INFINITY,
          c.updatePeer(new PeerId("peer-1"), p -> p.withModifier(Double.POSITIVE_INFINITY))
              .get("peer-1")
              .modifier());
      c.storeFrom(
          new PeerId("peer-2"),
          "my notes.txt",
          new FileName("notes.txt"),
          null,
          true,
          Pin.followDefault());
    }
    assertEquals(
        List.of(
            "GET /v1/peers",
            "GET /v1/files/a%20b.txt/status",
            "DELETE /v1/files/a%20b%2Bc.txt",
            "POST /v1/files/a.txt/copy?to=peer-3",
            "GET /v1/settings/schemes",
            "PUT /v1/settings/schemes/default {\"scheme\":\"hosting\"}",
            "PUT /v1/settings/schemes/peers/peer-2 {\"scheme\":\"reedsolomon k=2 n=3\"}",
            "PUT /v1/pins/a.txt {\"fraction\":0.25,\"sizeLimitBytes\":0}",
            "DELETE /v1/pins/a.txt",
            "PUT /v1/settings/pins/default-fraction {\"fraction\":0.3}",
            "GET /v1/peer-settings",
            "PUT /v1/peer-settings/peer-1 {\"modifier\":\"Infinity\",\"trusted\":false,\"quotaBytes\":-1,\"greylisted\":false}",
            "PUT /v1/files/notes.txt?from=peer-2&path=my%20notes.txt&replace=true&fraction=default"),
        List.copyOf(seen));
  }

  @Test
  void lsPagesThroughTheIndex() throws Exception {
    HttpServer s =
        node(
            null,
            "peer-1",
            (ex, body) -> {
              String query = ex.getRequestURI().getRawQuery();
              if (query.equals("limit=1000")) {
                json(ex, 200, Map.of("files", List.of(entry("a", 1), entry("b", 2)), "next", "b"));
              } else {
                Map<String, Object> last = new java.util.HashMap<>();
                last.put("files", List.of(entry("c", 3)));
                last.put("next", null);
                json(ex, 200, last);
              }
            });
    try (HttpJewelClient c = HttpJewelClient.at(url(s), null)) {
      assertEquals(List.of("a", "b", "c"), c.ls().stream().map(e -> e.name().value()).toList());
    }
    assertEquals(
        List.of("GET /v1/files?limit=1000", "GET /v1/files?after=b&limit=1000"), List.copyOf(seen));
  }

  @Test
  void lsWithAPrefixSendsItWithEveryPage() throws Exception {
    HttpServer s =
        node(
            null,
            "peer-1",
            (ex, body) -> {
              String query = ex.getRequestURI().getRawQuery();
              if (query.equals("prefix=photos%2F&limit=1000")) {
                json(ex, 200, Map.of("files", List.of(entry("photos/a", 1)), "next", "photos/a"));
              } else {
                Map<String, Object> last = new java.util.HashMap<>();
                last.put("files", List.of(entry("photos/b/c", 3)));
                last.put("next", null);
                json(ex, 200, last);
              }
            });
    try (HttpJewelClient c = HttpJewelClient.at(url(s), null)) {
      assertEquals(
          List.of("photos/a", "photos/b/c"),
          c.ls("photos/").stream().map(e -> e.name().value()).toList());
    }
    assertEquals(
        List.of(
            "GET /v1/files?prefix=photos%2F&limit=1000",
            "GET /v1/files?prefix=photos%2F&after=photos%2Fa&limit=1000"),
        List.copyOf(seen));
  }

  @Test
  void aStoreStreamsTheWholeFileWithItsLength() throws Exception {
    byte[] content = new byte[3 << 20];
    new Random(7).nextBytes(content);
    Path file = dir.resolve("big.bin");
    Files.write(file, content);
    byte[][] received = new byte[1][];
    String[] length = new String[1];
    HttpServer s =
        node(
            null,
            "peer-1",
            (ex, body) -> {
              if (ex.getRequestMethod().equals("HEAD")) {
                ex.sendResponseHeaders(404, -1);
                return;
              }
              received[0] = body;
              length[0] = ex.getRequestHeaders().getFirst("Content-Length");
              json(ex, 201, new StoreResult(entry("big.bin", body.length), 2, 1, 1));
            });
    AtomicLong reported = new AtomicLong();
    try (HttpJewelClient c = HttpJewelClient.at(url(s), null)) {
      StoreResult r =
          c.store(
              file,
              new FileName("big.bin"),
              SchemeSpec.parse("reedsolomon k=2 n=3"),
              false,
              Pin.fraction(0.5),
              (done, total) -> reported.set(done));
      assertEquals(content.length, r.entry().size());
    }
    assertArrayEquals(content, received[0]);
    assertEquals(Integer.toString(content.length), length[0]);
    assertEquals(content.length, reported.get());
    assertEquals(
        List.of(
            "HEAD /v1/files/big.bin",
            "PUT /v1/files/big.bin?scheme=reedsolomon%20k%3D2%20n%3D3&fraction=0.5"),
        List.copyOf(seen));
  }

  @Test
  void aStoreOfANameThatExistsIsRefusedBeforeItsBytesGo() throws Exception {
    Path file = dir.resolve("x.bin");
    Files.write(file, new byte[1000]);
    HttpServer s =
        node(
            null,
            "peer-1",
            (ex, body) -> {
              if (ex.getRequestMethod().equals("HEAD")) {
                ex.sendResponseHeaders(200, -1);
              } else {
                json(ex, 201, new StoreResult(entry("x.bin", body.length), 2, 1, 1));
              }
            });
    try (HttpJewelClient c = HttpJewelClient.at(url(s), null)) {
      JewelException e =
          assertThrows(
              JewelException.class,
              () -> c.store(file, new FileName("x.bin"), null, false, null, Progress.NONE));
      assertEquals("file 'x.bin' exists: use --replace to overwrite it", e.getMessage());
      assertEquals(JewelException.Kind.CONFLICT, e.kind());
      assertEquals(List.of("HEAD /v1/files/x.bin"), List.copyOf(seen));
      seen.clear();
      c.store(file, new FileName("x.bin"), null, true, null, Progress.NONE);
      assertEquals(List.of("PUT /v1/files/x.bin?replace=true"), List.copyOf(seen));
    }
  }

  /**
   * A node that answers a store before it has read the body, like a real one refusing it early: it
   * closes the connection on the rest, so the client's upload breaks off without the answer.
   */
  private HttpServer refusingEarly(Handler head) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          try (ex) {
            seen.add(ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath());
            if (ex.getRequestMethod().equals("HEAD")) {
              head.handle(ex, new byte[0]);
            } else {
              json(ex, 503, Map.of("error", "naive n=5 needs 5 live peers, only 3 are up"));
            }
          }
        });
    server.start();
    servers.add(server);
    return server;
  }

  /**
   * A file of 64 MiB (sparse): more than the connection's buffers take before the node closes it.
   */
  private Path bigFile() throws IOException {
    Path file = dir.resolve("big.bin");
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(64L << 20);
    }
    return file;
  }

  @Test
  void anUploadCutShortByARefusalSaysSoInOneLine() throws Exception {
    HttpServer s = refusingEarly((ex, body) -> ex.sendResponseHeaders(404, -1));
    Path file = bigFile();
    try (HttpJewelClient c = HttpJewelClient.at(url(s), null)) {
      JewelException e =
          assertThrows(
              JewelException.class,
              () -> c.store(file, new FileName("big.bin"), null, false, null, Progress.NONE));
      assertEquals(
          "node "
              + url(s).substring(7)
              + " refused the store of big.bin before it had all of it, and its reason"
              + " was lost with the connection; nothing was committed: check that enough peers are up (./jewel peers)"
              + " and run the command again",
          e.getMessage());
    }
    assertEquals(
        List.of("HEAD /v1/files/big.bin", "PUT /v1/files/big.bin", "HEAD /v1/files/big.bin"),
        List.copyOf(seen));
  }

  @Test
  void anUploadCutShortByANameStoredMeanwhileNamesTheConflict() throws Exception {
    AtomicLong heads = new AtomicLong();
    HttpServer s =
        refusingEarly(
            (ex, body) -> ex.sendResponseHeaders(heads.getAndIncrement() == 0 ? 404 : 200, -1));
    Path file = bigFile();
    try (HttpJewelClient c = HttpJewelClient.at(url(s), null)) {
      JewelException e =
          assertThrows(
              JewelException.class,
              () -> c.store(file, new FileName("big.bin"), null, false, null, Progress.NONE));
      assertEquals("file 'big.bin' exists: use --replace to overwrite it", e.getMessage());
      assertEquals(JewelException.Kind.CONFLICT, e.kind());
    }
  }

  @Test
  void aRefusedStoreSaysWhyInOneLine() throws Exception {
    Path file = dir.resolve("x.bin");
    Files.write(file, new byte[1000]);
    // Free when the client looks, stored by someone else before its upload.
    HttpServer s =
        node(
            null,
            "peer-1",
            (ex, body) -> {
              if (ex.getRequestMethod().equals("HEAD")) {
                ex.sendResponseHeaders(404, -1);
              } else {
                json(
                    ex,
                    409,
                    Map.of("error", "'x.bin' is already stored: use --replace to replace it"));
              }
            });
    try (HttpJewelClient c = HttpJewelClient.at(url(s), null)) {
      JewelException e =
          assertThrows(
              JewelException.class,
              () -> c.store(file, new FileName("x.bin"), null, false, null, Progress.NONE));
      assertEquals("'x.bin' is already stored: use --replace to replace it", e.getMessage());
      assertEquals(JewelException.Kind.CONFLICT, e.kind());
    }
  }

  @Test
  void aStatusWithoutAnErrorDocumentIsNamed() throws Exception {
    HttpServer s =
        node(
            null,
            "peer-1",
            (ex, body) -> {
              ex.sendResponseHeaders(502, -1);
            });
    try (HttpJewelClient c = HttpJewelClient.at(url(s), null)) {
      JewelException e = assertThrows(JewelException.class, c::pins);
      assertTrue(e.getMessage().endsWith("answered GET /v1/pins with HTTP 502"), e.getMessage());
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** A node that serves {@code content} with its ETag and SHA-256, and ranges. */
  private Handler serving(byte[] content) throws Exception {
    return serving(content, sha256(content));
  }

  /** A node that serves {@code content} as a file whose SHA-256 it says is {@code sha256}. */
  private Handler serving(byte[] content, String sha256) throws Exception {
    String etag = "\"" + sha256(content) + "\"";
    return (ex, body) -> {
      ex.getResponseHeaders().set("ETag", etag);
      if (sha256 != null) {
        ex.getResponseHeaders().set("X-Jewel-Sha256", sha256);
      }
      ex.getResponseHeaders().set("Accept-Ranges", "bytes");
      String range = ex.getRequestHeaders().getFirst("Range");
      if (range == null) {
        ex.sendResponseHeaders(200, content.length);
        ex.getResponseBody().write(content);
        return;
      }
      ByteRange r = ByteRange.parse(range.substring("bytes=".length())).within(content.length);
      if (r == null) {
        json(
            ex,
            416,
            Map.of(
                "error",
                "range "
                    + range.substring(6)
                    + " lies outside 'f.bin' ("
                    + content.length
                    + " bytes)"));
        return;
      }
      ex.getResponseHeaders()
          .set("Content-Range", "bytes " + r.start() + "-" + r.end() + "/" + content.length);
      ex.sendResponseHeaders(206, r.length());
      ex.getResponseBody().write(content, (int) r.start(), (int) r.length());
    };
  }

  @Test
  void aGetChecksTheSha256TheNodeGivesAndWritesNothingOnAMismatch() throws Exception {
    byte[] content = new byte[50_000];
    new Random(4).nextBytes(content);
    HttpServer liar = node(null, "peer-1", serving(content, "ab".repeat(32)));
    try (HttpJewelClient c = HttpJewelClient.at(url(liar), null)) {
      Path out = dir.resolve("mismatch.bin");
      JewelException e =
          assertThrows(
              JewelException.class, () -> c.get(new FileName("f.bin"), out, null, Progress.NONE));
      assertTrue(e.getMessage().startsWith("the bytes of 'f.bin' do not match"), e.getMessage());
      assertFalse(Files.exists(out));
    }
    // A multipart object has no SHA-256 of its own: its bytes are taken as they come.
    HttpServer multipart = node(null, "peer-1", serving(content, null));
    try (HttpJewelClient c = HttpJewelClient.at(url(multipart), null)) {
      Path out = dir.resolve("multipart.bin");
      c.get(new FileName("bucket/object"), out, null, Progress.NONE);
      assertArrayEquals(content, Files.readAllBytes(out));
    }
  }

  @Test
  void aGetWritesTheVerifiedFileAndARangeOnlyItsBytes() throws Exception {
    byte[] content = new byte[100_000];
    new Random(3).nextBytes(content);
    HttpServer s = node(null, "peer-1", serving(content));
    try (HttpJewelClient c = HttpJewelClient.at(url(s), null)) {
      Path whole = dir.resolve("whole.bin");
      FileEntry e = c.get(new FileName("f.bin"), whole, null, Progress.NONE);
      assertEquals(content.length, e.size());
      assertEquals(sha256(content), e.root().hex());
      assertArrayEquals(content, Files.readAllBytes(whole));

      Path part = dir.resolve("part.bin");
      FileEntry p = c.get(new FileName("f.bin"), part, new ByteRange(10, 19), Progress.NONE);
      assertEquals(content.length, p.size());
      assertArrayEquals(java.util.Arrays.copyOfRange(content, 10, 20), Files.readAllBytes(part));

      JewelException outside =
          assertThrows(
              JewelException.class,
              () ->
                  c.get(
                      new FileName("f.bin"),
                      dir.resolve("none.bin"),
                      new ByteRange(200_000, 200_010),
                      Progress.NONE));
      assertEquals("range 200000-200010 lies outside 'f.bin' (100000 bytes)", outside.getMessage());
      assertFalse(Files.exists(dir.resolve("none.bin")));
    }
    assertEquals("GET /v1/files/f.bin", seen.peek());
  }

  @Test
  void aNodeThatDiesMidGetLeavesNoFileAndOneLine() throws Exception {
    HttpServer s =
        node(
            null,
            "peer-1",
            (ex, body) -> {
              ex.sendResponseHeaders(200, 1_000_000);
              ex.getResponseBody().write(new byte[10_000]);
              ex.getResponseBody().flush();
              // A node that dies: the connection closes with 990,000 bytes still owed.
              ex.getHttpContext().getServer().stop(0);
            });
    try (HttpJewelClient c = HttpJewelClient.at(url(s), null)) {
      Path out = dir.resolve("out.bin");
      JewelException e =
          assertThrows(
              JewelException.class, () -> c.get(new FileName("f.bin"), out, null, Progress.NONE));
      assertTrue(e.getMessage().startsWith("node 127.0.0.1:"), e.getMessage());
      assertTrue(
          e.getMessage()
              .endsWith(
                  "stopped in the middle of sending f.bin and no other node answers;"
                      + " nothing was written: run the command again"),
          e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
    }
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of(), left.toList(), "no partial output");
    }
  }

  @Test
  void aGetFailsOverToTheNextNodeWhenOneDiesMidway() throws Exception {
    byte[] content = "the whole file".getBytes(StandardCharsets.UTF_8);
    Path home = dir.resolve("home");
    node(
        home,
        "peer-1",
        (ex, body) -> {
          ex.sendResponseHeaders(200, 1000);
          ex.getResponseBody().write(new byte[10]);
          ex.getResponseBody().flush();
          ex.getHttpContext().getServer().stop(0);
        });
    node(home, "peer-2", serving(content));
    // Only the order of the peers depends on the spread: start at peer-1, the broken one.
    HttpJewelClient c = new HttpJewelClient(NodeFinder.forHome(home, 0), null);
    Path out = dir.resolve("out.bin");
    c.get(new FileName("f.bin"), out, null, Progress.NONE);
    assertArrayEquals(content, Files.readAllBytes(out));
  }

  @Test
  void aPeerIsTakenDownAndBroughtBackThroughItsOwnApi() throws Exception {
    HttpServer peer =
        node(
            null,
            "peer-3",
            (ex, body) ->
                json(
                    ex,
                    200,
                    Map.of(
                        "node",
                        "peer-3",
                        "isolated",
                        ex.getRequestMethod().equals("PUT"),
                        "until",
                        "x")));
    HttpServer seed =
        node(
            null,
            "seed",
            (ex, body) ->
                json(
                    ex, 400, Map.of("error", "seed keeps no blocks: only a peer can be isolated")));
    PeerIsolation isolation = PeerIsolation.http("jewel_admin_0123", dir);
    isolation.isolate(nodeAt("peer-3", url(peer)), java.time.Duration.ofMinutes(10));
    isolation.restore(nodeAt("peer-3", url(peer)));
    assertEquals(
        List.of("PUT /v1/isolation {\"seconds\":600.0}", "DELETE /v1/isolation"),
        List.copyOf(seen));

    JewelException refused =
        assertThrows(
            JewelException.class,
            () -> isolation.isolate(nodeAt("seed", url(seed)), java.time.Duration.ofMinutes(10)));
    assertTrue(
        refused.getMessage().contains("seed keeps no blocks: only a peer can be isolated"),
        refused.getMessage());
    JewelException noApi =
        assertThrows(JewelException.class, () -> isolation.restore(nodeAt("peer-4", null)));
    assertEquals(
        "peer-4 did not say where its API is: it cannot be taken down and back",
        noApi.getMessage());
  }

  private static NodeStatus nodeAt(String name, String api) {
    return new NodeStatus(
        name, "127.0.0.1:1", List.of("peer"), "up", 0, 0, false, false, api, null, 0, 0, null, 0);
  }

  @Test
  void aRefusedConnectionFailsOverAndPeersComeBeforeTheSeed() throws Exception {
    Path home = dir.resolve("home");
    Files.createDirectories(home.resolve("peer-1"));
    Files.writeString(
        home.resolve("peer-1").resolve("api"), "http://127.0.0.1:" + closedPort() + "\n");
    HttpServer seed = node(home, "seed", (ex, body) -> json(ex, 200, new PinTable(List.of(), 0.1)));
    HttpServer peer =
        node(home, "peer-2", (ex, body) -> json(ex, 200, new PinTable(List.of(), 0.2)));
    NodeFinder finder = NodeFinder.forHome(home, 0);
    assertEquals(
        List.of("peer-1", "peer-2", "seed"),
        finder.nodes().stream().map(NodeFinder.Node::name).toList());
    assertEquals(
        List.of("peer-2", "peer-1", "seed"),
        NodeFinder.forHome(home, 1).nodes().stream().map(NodeFinder.Node::name).toList());
    HttpJewelClient c = new HttpJewelClient(finder, null);
    assertEquals(0.2, c.pins().defaultFraction());
    peer.stop(0);
    assertEquals(0.1, c.pins().defaultFraction(), "the seed when no peer answers");
    assertTrue(seed.getAddress().getPort() > 0);
  }

  @Test
  void aStoreOrADeleteThatStartedIsNotSentAgain() throws Exception {
    Path home = dir.resolve("home");
    node(
        home,
        "peer-1",
        (ex, body) -> {
          if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(404, -1);
            return;
          }
          throw new IOException("dies"); // closes the exchange without an answer
        });
    HttpServer other =
        node(
            home,
            "peer-2",
            (ex, body) -> json(ex, 201, new StoreResult(entry("x.bin", 3), 1, 0, 1)));
    Path file = dir.resolve("x.bin");
    Files.writeString(file, "abc");
    HttpJewelClient c = new HttpJewelClient(NodeFinder.forHome(home, 0), null);
    JewelException e =
        assertThrows(
            JewelException.class,
            () -> c.store(file, new FileName("x.bin"), null, false, null, Progress.NONE));
    assertEquals(
        "node peer-1 stopped in the middle of the store of x.bin; nothing was committed: run the command again",
        e.getMessage());
    e = assertThrows(JewelException.class, () -> c.delete(new FileName("x.bin")));
    assertEquals(
        "node peer-1 stopped in the middle of the delete of x.bin; nothing was committed: run the command again",
        e.getMessage());
    assertEquals(
        List.of("HEAD /v1/files/x.bin", "PUT /v1/files/x.bin abc", "DELETE /v1/files/x.bin"),
        List.copyOf(seen));
    assertTrue(other.getAddress().getPort() > 0);
  }

  @Test
  void noNodeRunningSaysHowToStartOne() throws Exception {
    Path home = dir.resolve("home");
    HttpJewelClient none = HttpJewelClient.forHome(home, null);
    assertEquals(
        "no node of " + home + " is running: start the cluster with ./jewel up",
        assertThrows(JewelException.class, none::peers).getMessage());
    Files.createDirectories(home.resolve("seed"));
    Files.writeString(home.resolve("seed").resolve("api"), "http://127.0.0.1:" + closedPort());
    assertEquals(
        "no node of " + home + " is running: start the cluster with ./jewel up",
        assertThrows(JewelException.class, HttpJewelClient.forHome(home, null)::ls).getMessage());
    String url = "http://127.0.0.1:" + closedPort();
    assertEquals(
        "no node answers at "
            + url
            + "/ (--api): start the cluster with ./jewel up, or name a running node",
        assertThrows(JewelException.class, HttpJewelClient.at(url, null)::peers).getMessage());
    assertEquals(
        "not an http or https URL: 'localhost:1' (--api; like http://127.0.0.1:26521)",
        assertThrows(JewelException.class, () -> HttpJewelClient.at("localhost:1", null))
            .getMessage());
  }

  @Test
  void namesAreEncodedWhole() {
    assertEquals("a%20b%25c%3Fd%23e%2Bf~g.h-i_j", HttpJewelClient.segment("a b%c?d#e+f~g.h-i_j"));
    assertEquals("%C3%A9t%C3%A9", HttpJewelClient.segment("été"));
    assertEquals("photos%2F2026%2Fx.jpg", HttpJewelClient.segment("photos/2026/x.jpg"));
  }

  @Test
  void theCommandLineWritesARangeThroughThePartialFile() throws Exception {
    byte[] content = "0123456789".getBytes(StandardCharsets.UTF_8);
    HttpServer s = node(null, "peer-1", serving(content));
    Backend http = Backend.http();
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    Session session =
        new Session(
            http,
            Map.of("JEWEL_API", url(s)),
            dir,
            new java.io.BufferedReader(new java.io.StringReader("")),
            new java.io.PrintWriter(out, true),
            new java.io.PrintWriter(err, true),
            false);
    int code = JewelCli.run(session, "get", "f.bin", "--range", "2-4", "-o", "part.txt");
    assertEquals(0, code, err::toString);
    assertEquals("234", Files.readString(dir.resolve("part.txt")));
    assertEquals(
        "got bytes 2-4 of f.bin -> " + dir.resolve("part.txt") + " (3 B of 10 B)\n",
        out.toString());
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of(dir.resolve("part.txt")), left.toList(), "no partial file stays");
    }
  }

  @Test
  void everyRequestCarriesTheTokenAndTheHomesAdminTokenIsTheDefault() throws Exception {
    java.util.Set<String> auth = java.util.concurrent.ConcurrentHashMap.newKeySet();
    Path home = dir.resolve("home");
    node(
        home,
        "peer-1",
        (ex, body) -> {
          auth.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
          json(ex, 200, Map.of("tokens", List.of()));
        });
    String admin = jewel.cli.launch.AdminToken.read(home).orElse(null);
    assertEquals(null, admin, "no admin token yet");
    java.nio.file.Path hashFile = jewel.cli.launch.AdminToken.ensure(home);
    String token = jewel.cli.launch.AdminToken.read(home).orElseThrow();
    assertEquals(
        jewel.api.ApiToken.parse(token).hash() + "\n", Files.readString(hashFile), "only its hash");
    assertEquals(
        "rw-------",
        java.nio.file.attribute.PosixFilePermissions.toString(
            Files.getPosixFilePermissions(home.resolve("admin-token"))));
    jewel.cli.launch.AdminToken.ensure(home);
    assertEquals(token, jewel.cli.launch.AdminToken.read(home).orElseThrow(), "made once");

    Backend.http().connect(home, 1, null, null).tokens();
    assertEquals(java.util.Set.of("Bearer " + token), auth, "the home's admin token");
    auth.clear();
    Backend.http().connect(home, 1, null, "jewel_t3_" + "a".repeat(64)).tokens();
    assertEquals(java.util.Set.of("Bearer jewel_t3_" + "a".repeat(64)), auth, "--token wins");
  }

  @Test
  void tokenRequestsGoWhereTheApiSaysAndRefusalsAreOneLine() throws Exception {
    jewel.api.TokenInfo info = new jewel.api.TokenInfo("t4", true, "ci", 1_000, null, null);
    HttpServer s =
        node(
            null,
            "peer-1",
            (ex, body) -> {
              switch (ex.getRequestMethod()) {
                case "POST" -> json(ex, 201, new jewel.api.NewToken(info, "jewel_t4_secret"));
                case "DELETE" ->
                    json(
                        ex,
                        403,
                        Map.of(
                            "error",
                            "token t2 is read-only: DELETE /v1/tokens/t4 needs an admin token"));
                default ->
                    json(
                        ex,
                        401,
                        Map.of(
                            "error",
                            "token t2 expired at 2026-01-01T00:00:00Z: ask for a new one (token create)"));
              }
            });
    try (HttpJewelClient c = HttpJewelClient.at(url(s), "jewel_t2_" + "b".repeat(64))) {
      assertEquals(
          new jewel.api.NewToken(info, "jewel_t4_secret"), c.createToken(true, 3600L, "ci"));
      JewelException forbidden = assertThrows(JewelException.class, () -> c.revokeToken("t4"));
      assertEquals(JewelException.Kind.FORBIDDEN, forbidden.kind());
      assertEquals(
          "token t2 is read-only: DELETE /v1/tokens/t4 needs an admin token",
          forbidden.getMessage());
      JewelException expired = assertThrows(JewelException.class, c::tokens);
      assertEquals(JewelException.Kind.UNAUTHORIZED, expired.kind());
      assertEquals(
          "token t2 expired at 2026-01-01T00:00:00Z: ask for a new one (token create)",
          expired.getMessage());
    }
    assertEquals(
        List.of(
            "POST /v1/tokens {\"readOnly\":true,\"expiresInSeconds\":3600,\"label\":\"ci\"}",
            "DELETE /v1/tokens/t4",
            "GET /v1/tokens"),
        List.copyOf(seen));
  }
}
