package jewel.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.function.UnaryOperator;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import jewel.api.BlockId;
import jewel.api.ByteRange;
import jewel.api.DefaultSchemes;
import jewel.api.Digests;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.FileStatus;
import jewel.api.JewelClient;
import jewel.api.JewelException;
import jewel.api.NodeStatus;
import jewel.api.PartFiles;
import jewel.api.PeerContents;
import jewel.api.PeerId;
import jewel.api.PeerSettings;
import jewel.api.Pin;
import jewel.api.PinTable;
import jewel.api.Progress;
import jewel.api.SchemeInfo;
import jewel.api.SchemeSpec;
import jewel.api.StoreResult;

/**
 * The one-shot command line's cluster: HTTP requests to one node's API (api/README.md), with
 * the JDK's HTTP client and Jackson. No JVM joins the cluster; the node that takes a request
 * does the scheme's work.
 *
 * <p>A node that refuses the connection is skipped for the next one (see {@link NodeFinder});
 * a node that dies during a request that may run twice (a read, a settings change) is skipped
 * too, but a store or a delete that reached a node is never sent again on its own: the person
 * is told, and runs the command again.
 */
public final class HttpJewelClient implements JewelClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  /** How long a JSON answer may take; bodies of files stream without a deadline. */
  private static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(2);
  private static final int PAGE = 1000;
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final NodeFinder finder;
  private final HttpClient http;
  /** The node that answered last: the ones before it refused, so later requests start here. */
  private int current;

  HttpJewelClient(NodeFinder finder) {
    this.finder = finder;
    this.http = HttpClient.newBuilder()
        .sslContext(plainHttpOnly())
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /**
   * Node APIs speak plain HTTP. Without a context of its own the client loads the default one,
   * with the JDK's trust store: a fifth of a one-shot command's start-up, for nothing.
   */
  private static SSLContext plainHttpOnly() {
    try {
      SSLContext none = SSLContext.getInstance("TLS");
      none.init(new KeyManager[0], new TrustManager[0], null);
      return none;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS context: " + e.getMessage(), e);
    }
  }

  /** The node at {@code url} only. */
  public static HttpJewelClient at(String url) {
    return new HttpJewelClient(NodeFinder.at(url));
  }

  /** The running nodes of {@code home}, peers first, spread over by this process's id. */
  public static HttpJewelClient forHome(Path home) {
    return new HttpJewelClient(NodeFinder.forHome(home, ProcessHandle.current().pid()));
  }

  // ---- the API, one method a row of api/README.md's table

  @Override
  public List<NodeStatus> peers() {
    return getJson("v1/peers", NodesPage.class).nodes();
  }

  @Override
  public PeerContents dir(PeerId peer) {
    return getJson("v1/peers/" + segment(peer.name()) + "/contents", PeerContents.class);
  }

  @Override
  public StoreResult store(Path localFile, FileName name, SchemeSpec scheme, boolean replace, Pin pin, Progress progress) {
    long size;
    try {
      size = Files.size(localFile);
    } catch (IOException e) {
      throw new JewelException("cannot read " + localFile + ": " + e.getMessage());
    }
    String path = "v1/files/" + segment(name.value()) + query(storeParams(scheme, replace, pin));
    BodyPublisher body = size == 0 ? BodyPublishers.ofByteArray(new byte[0]) : counted(localFile, size, progress);
    Exchange<byte[]> answer = exchange("the store of " + name, false, base -> HttpRequest.newBuilder(base.resolve(path))
        .PUT(body)
        .header("Content-Type", "application/octet-stream")
        // No Expect: 100-continue: JDK 17's client waits forever when the answer to it is a final
        // status such as 409 (measured here). A node that refuses early answers at once and
        // closes the connection, which stops the upload just as well.
        .build(), BodyHandlers.ofByteArray());
    return read(answer, StoreResult.class);
  }

  @Override
  public StoreResult storeFrom(PeerId peer, String fileName, FileName name, SchemeSpec scheme, boolean replace, Pin pin) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("from", peer.name());
    params.put("path", fileName);
    params.putAll(storeParams(scheme, replace, pin));
    return sendJson("PUT", "v1/files/" + segment(name.value()) + query(params), null, StoreResult.class, false,
        "the store of " + name);
  }

  @Override
  public FileEntry get(FileName name, Path out, ByteRange range, Progress progress) {
    String path = "v1/files/" + segment(name.value());
    Path folder = out.toAbsolutePath().getParent();
    String what = "sending " + name;
    IOException lastBreak = null;
    NodeFinder.Node broke = null;
    List<NodeFinder.Node> nodes = finder.nodes();
    for (int i = current; i < nodes.size(); i++) {
      NodeFinder.Node node = nodes.get(i);
      HttpRequest.Builder request = HttpRequest.newBuilder(node.base().resolve(path)).GET();
      if (range != null) {
        request.header("Range", "bytes=" + range.start() + "-" + range.end());
      }
      HttpResponse<InputStream> response;
      try {
        response = http.send(request.build(), BodyHandlers.ofInputStream());
      } catch (IOException e) {
        if (!refused(e)) {
          lastBreak = e;
          broke = node;
        }
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new JewelException("interrupted while " + what);
      }
      current = i;
      int status = response.statusCode();
      if (status != 200 && status != 206) {
        byte[] error;
        try (InputStream in = response.body()) {
          error = in.readNBytes(64 * 1024);
        } catch (IOException e) {
          error = new byte[0];
        }
        if (status == 416) {
          throw new JewelException(errorLine(error).orElse("range " + range + " lies outside '" + name + "' (try: ls for its size)"));
        }
        throw failure(node, "GET", path, status, error);
      }
      Path partial = folder.resolve(PartFiles.name());
      try {
        FileEntry entry = receive(name, response, range, partial, progress);
        Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return entry;
      } catch (IOException e) {
        // The node went away mid-file (or the file could not be written): what was read goes.
        deleteQuietly(partial);
        if (e instanceof LocalWriteException w) {
          throw new JewelException("cannot write " + out + ": " + w.getCause().getMessage());
        }
        lastBreak = e;
        broke = node;
      } catch (RuntimeException e) {
        deleteQuietly(partial);
        throw e;
      }
    }
    if (broke != null) {
      throw new JewelException("node " + broke.name() + " stopped in the middle of " + what
          + " and no other node answers; nothing was written: run the command again");
    }
    throw new JewelException(finder.noneAnswers());
  }

  @Override
  public FileEntry getTo(FileName name, PeerId peer, boolean force) {
    Map<String, String> params = force ? Map.of("to", peer.name(), "force", "true") : Map.of("to", peer.name());
    return sendJson("POST", "v1/files/" + segment(name.value()) + "/copy" + query(params), null,
        FileEntry.class, false, "the copy of " + name + " to " + peer);
  }

  @Override
  public FileEntry delete(FileName name) {
    return sendJson("DELETE", "v1/files/" + segment(name.value()), null, FileEntry.class, false, "the delete of " + name);
  }

  @Override
  public List<FileEntry> ls() {
    List<FileEntry> all = new ArrayList<>();
    String after = null;
    do {
      Map<String, String> params = new LinkedHashMap<>();
      if (after != null) {
        params.put("after", after);
      }
      params.put("limit", Integer.toString(PAGE));
      FilesPage page = getJson("v1/files" + query(params), FilesPage.class);
      all.addAll(page.files());
      if (page.next() != null && page.next().equals(after)) {
        throw new JewelException("the node repeats the page after '" + after + "' of the index: it is not listing forward");
      }
      after = page.next();
    } while (after != null);
    return all;
  }

  @Override
  public FileStatus status(FileName name) {
    return getJson("v1/files/" + segment(name.value()) + "/status", FileStatus.class);
  }

  @Override
  public DefaultSchemes settings() {
    return getJson("v1/settings/schemes", DefaultSchemes.class);
  }

  @Override
  public DefaultSchemes setDefaultScheme(PeerId peer, SchemeSpec scheme) {
    String path = peer == null ? "v1/settings/schemes/default" : "v1/settings/schemes/peers/" + segment(peer.name());
    return sendJson("PUT", path, Map.of("scheme", scheme.toString()), DefaultSchemes.class, true, "setting the default scheme");
  }

  @Override
  public List<SchemeInfo> schemes() {
    return getJson("v1/schemes", SchemesPage.class).schemes();
  }

  @Override
  public PinTable setPin(FileName name, Pin pin) {
    String path = "v1/pins/" + segment(name.value());
    return pin == null
        ? sendJson("DELETE", path, null, PinTable.class, false, "unpinning " + name)
        : sendJson("PUT", path, pin, PinTable.class, true, "pinning " + name);
  }

  @Override
  public PinTable pins() {
    return getJson("v1/pins", PinTable.class);
  }

  @Override
  public PinTable setDefaultPin(double fraction) {
    return sendJson("PUT", "v1/settings/pins/default-fraction", Map.of("fraction", fraction), PinTable.class, true,
        "setting the default fraction");
  }

  @Override
  public Map<String, PeerSettings> peerSettings() {
    return read(exchange("reading the peer settings", true, jsonRequest("GET", "v1/peer-settings", null),
        BodyHandlers.ofByteArray()), SETTINGS_MAP);
  }

  @Override
  public Map<String, PeerSettings> updatePeer(PeerId peer, UnaryOperator<PeerSettings> change) {
    PeerSettings now = peerSettings().getOrDefault(peer.name(), PeerSettings.DEFAULT);
    PeerSettings next = change.apply(now);
    return read(exchange("changing " + peer + "'s settings", true,
        jsonRequest("PUT", "v1/peer-settings/" + segment(peer.name()), next), BodyHandlers.ofByteArray()), SETTINGS_MAP);
  }

  @Override
  public void close() {
    // Nothing held open between requests that outlives this process.
  }

  // ---- the documents that wrap a list

  record NodesPage(List<NodeStatus> nodes) {}

  record FilesPage(List<FileEntry> files, String next) {}

  record SchemesPage(List<SchemeInfo> schemes) {}

  private static final JavaType SETTINGS_MAP =
      JSON.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, PeerSettings.class);

  // ---- requests, failover and errors

  /** An answer and the node that gave it. */
  private record Exchange<T>(NodeFinder.Node node, String method, String path, HttpResponse<T> response) {}

  private interface RequestFor {
    HttpRequest at(URI base);
  }

  private <T> T getJson(String path, Class<T> type) {
    return sendJson("GET", path, null, type, true, "reading " + path);
  }

  private <T> T sendJson(String method, String path, Object body, Class<T> type, boolean idempotent, String what) {
    return read(exchange(what, idempotent, jsonRequest(method, path, body), BodyHandlers.ofByteArray()),
        JSON.constructType(type));
  }

  private <T> T read(Exchange<byte[]> answer, Class<T> type) {
    return read(answer, JSON.constructType(type));
  }

  private static <T> T read(Exchange<byte[]> answer, JavaType type) {
    HttpResponse<byte[]> r = answer.response();
    if (r.statusCode() / 100 != 2) {
      throw failure(answer.node(), answer.method(), answer.path(), r.statusCode(), r.body());
    }
    try {
      return JSON.readValue(r.body(), type);
    } catch (IOException e) {
      throw new JewelException("node " + answer.node().name() + " answered " + answer.method() + " /" + answer.path()
          + " with a document this command line cannot read (" + oneLine(e.getMessage()) + "): is it the same version?");
    }
  }

  private static RequestFor jsonRequest(String method, String path, Object body) {
    byte[] bytes;
    try {
      bytes = body == null ? null : JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
    return base -> {
      HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(ANSWER_TIMEOUT)
          .header("Accept", "application/json");
      if (bytes == null) {
        b.method(method, BodyPublishers.noBody());
      } else {
        b.method(method, BodyPublishers.ofByteArray(bytes)).header("Content-Type", "application/json");
      }
      return b.build();
    };
  }

  /**
   * Sends the request to the first node that takes it. A node that refuses the connection is
   * skipped; one that goes away during the request is skipped only if the request may run
   * twice ({@code idempotent}), else the person hears what happened.
   */
  private <T> Exchange<T> exchange(String what, boolean idempotent, RequestFor request, HttpResponse.BodyHandler<T> handler) {
    List<NodeFinder.Node> nodes = finder.nodes();
    NodeFinder.Node broke = null;
    for (int i = current; i < nodes.size(); i++) {
      NodeFinder.Node node = nodes.get(i);
      HttpRequest r = request.at(node.base());
      try {
        HttpResponse<T> response = http.send(r, handler);
        current = i;
        return new Exchange<>(node, r.method(), node.base().relativize(r.uri()).toString(), response);
      } catch (IOException e) {
        if (refused(e)) {
          continue;
        }
        if (!idempotent) {
          throw new JewelException("node " + node.name() + " stopped in the middle of " + what
              + "; nothing was committed: run the command again");
        }
        broke = node;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new JewelException("interrupted during " + what);
      }
    }
    if (broke != null) {
      throw new JewelException("node " + broke.name() + " stopped in the middle of " + what
          + " and no other node answers: run the command again, or start the cluster with ./jewel up");
    }
    throw new JewelException(finder.noneAnswers());
  }

  /** Whether the node was simply not there: nothing of the request reached it. */
  private static boolean refused(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** The node's {@code {"error": "..."}} line, or one that names the status. */
  private static JewelException failure(NodeFinder.Node node, String method, String path, int status, byte[] body) {
    return new JewelException(errorLine(body).orElse(
        "node " + node.name() + " answered " + method + " /" + path + " with HTTP " + status));
  }

  private static java.util.Optional<String> errorLine(byte[] body) {
    try {
      JsonNode doc = JSON.readTree(body);
      if (doc != null && doc.path("error").isTextual()) {
        return java.util.Optional.of(oneLine(doc.get("error").asText()));
      }
    } catch (IOException e) {
      // not JSON: the caller names the status instead
    }
    return java.util.Optional.empty();
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  // ---- file bodies

  /** The file as a body of exactly {@code size} bytes, telling {@code progress} what went out. */
  private static BodyPublisher counted(Path file, long size, Progress progress) {
    BodyPublisher bytes;
    try {
      bytes = BodyPublishers.ofFile(file);
    } catch (IOException e) {
      throw new JewelException("cannot read " + file + ": " + e.getMessage());
    }
    return BodyPublishers.fromPublisher(subscriber -> bytes.subscribe(new Flow.Subscriber<ByteBuffer>() {
      long done;

      @Override
      public void onSubscribe(Flow.Subscription s) {
        progress.update(0, size);
        subscriber.onSubscribe(s);
      }

      @Override
      public void onNext(ByteBuffer item) {
        done += item.remaining();
        progress.update(done, size);
        subscriber.onNext(item);
      }

      @Override
      public void onError(Throwable t) {
        subscriber.onError(t);
      }

      @Override
      public void onComplete() {
        subscriber.onComplete();
      }
    }), size);
  }

  /** An {@link IOException} of the local file, not of the node. */
  private static final class LocalWriteException extends IOException {
    LocalWriteException(IOException cause) {
      super(cause);
    }
  }

  /**
   * Writes the body to {@code partial}: all of it, checked against the length the node
   * declared and, for a whole file, against its SHA-256 (the ETag); else an exception.
   */
  private FileEntry receive(FileName name, HttpResponse<InputStream> response, ByteRange range, Path partial,
      Progress progress) throws IOException {
    int status = response.statusCode();
    long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
    String etag = response.headers().firstValue("ETag").map(t -> t.replace("W/", "").replace("\"", "")).orElse(null);
    long total = declared;
    long skip = 0;
    long want = declared;
    if (status == 206) {
      total = response.headers().firstValue("Content-Range").map(HttpJewelClient::totalOf).orElse(-1L);
    } else if (range != null && declared >= 0) {
      // The node sent the whole file for a range: keep only the range.
      ByteRange within = range.within(declared);
      if (within == null) {
        response.body().close();
        throw new JewelException("range " + range + " lies outside '" + name + "' (" + declared + " bytes)");
      }
      skip = within.start();
      want = within.length();
    }
    MessageDigest sha = status == 200 && range == null && etag != null ? Digests.sha256() : null;
    byte[] buffer = new byte[256 * 1024];
    long got = 0;
    long written = 0;
    try (InputStream in = response.body(); OutputStream out = newFile(partial)) {
      progress.update(0, want);
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (sha != null) {
          sha.update(buffer, 0, n);
        }
        int from = (int) Math.max(0, Math.min(n, skip - got));
        int to = want < 0 ? n : (int) Math.max(from, Math.min(n, skip + want - got));
        got += n;
        if (to > from) {
          try {
            out.write(buffer, from, to - from);
          } catch (IOException e) {
            throw new LocalWriteException(e);
          }
          written += to - from;
          progress.update(written, want);
        }
      }
    }
    if (declared >= 0 && got != declared) {
      throw new IOException("the body ended after " + got + " of " + declared + " bytes");
    }
    BlockId root = null;
    if (etag != null) {
      try {
        root = new BlockId(etag);
      } catch (IllegalArgumentException e) {
        // not a block id: no check, no root to show
        sha = null;
      }
    }
    if (sha != null && root != null) {
      String hex = HexFormat.of().formatHex(sha.digest());
      if (!hex.equals(root.hex())) {
        throw new JewelException("the bytes of '" + name + "' do not match its SHA-256 (" + root.shortHex()
            + "…, got " + hex.substring(0, 12) + "…); nothing was written: run the command again");
      }
    }
    return new FileEntry(name, total, root, null, null, List.of(), 0);
  }

  private static OutputStream newFile(Path path) throws IOException {
    try {
      return Files.newOutputStream(path);
    } catch (IOException e) {
      throw new LocalWriteException(e);
    }
  }

  /** The file's size from {@code bytes A-B/TOTAL}, or -1. */
  private static long totalOf(String contentRange) {
    int slash = contentRange.lastIndexOf('/');
    try {
      return slash < 0 ? -1 : Long.parseLong(contentRange.substring(slash + 1).trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // a hidden .part file is all that stays
    }
  }

  // ---- paths and queries

  private static Map<String, String> storeParams(SchemeSpec scheme, boolean replace, Pin pin) {
    Map<String, String> params = new LinkedHashMap<>();
    if (scheme != null) {
      params.put("scheme", scheme.toString());
    }
    if (replace) {
      params.put("replace", "true");
    }
    if (pin != null) {
      params.put("fraction", pin.fraction() == null ? "default" : Double.toString(pin.fraction()));
    }
    return params;
  }

  /** {@code ?k=v&...} with every value percent-encoded, or nothing. */
  static String query(Map<String, String> params) {
    if (params.isEmpty()) {
      return "";
    }
    StringBuilder s = new StringBuilder();
    params.forEach((k, v) -> s.append(s.length() == 0 ? '?' : '&').append(k).append('=').append(segment(v)));
    return s.toString();
  }

  /**
   * Percent-encodes every byte of the UTF-8 text but the unreserved characters, so that a name
   * with spaces, {@code %}, {@code ?}, {@code #} or {@code +} arrives as it is (in a path
   * segment and in a query value alike).
   */
  static String segment(String text) {
    StringBuilder s = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        s.append((char) c);
      } else {
        s.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return s.toString();
  }
}
