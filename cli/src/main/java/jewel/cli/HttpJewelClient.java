package jewel.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import jewel.api.BlockId;
import jewel.api.ByteRange;
import jewel.api.DefaultSchemes;
import jewel.api.Digests;
import jewel.api.FileEntry;
import jewel.api.FileHealth;
import jewel.api.FileName;
import jewel.api.FileStatus;
import jewel.api.JewelClient;
import jewel.api.JewelException;
import jewel.api.JewelException.Kind;
import jewel.api.NewS3Key;
import jewel.api.NewToken;
import jewel.api.NodeStatus;
import jewel.api.PartFiles;
import jewel.api.PeerContents;
import jewel.api.PeerId;
import jewel.api.PeerSettings;
import jewel.api.Pin;
import jewel.api.PinTable;
import jewel.api.Progress;
import jewel.api.RepairReport;
import jewel.api.RetuneReport;
import jewel.api.S3KeyInfo;
import jewel.api.SchemeInfo;
import jewel.api.SchemeSpec;
import jewel.api.StoreResult;
import jewel.api.TokenInfo;
import jewel.api.VerifyReport;
import jewel.pki.ClusterCa;
import jewel.pki.ClusterTls;
import jewel.pki.TlsFiles;

/**
 * The one-shot command line's cluster: HTTP requests to one node's API (api/README.md), with the
 * JDK's {@link HttpURLConnection} (a tenth of the start-up of its newer HTTP client, which a
 * command of one or two requests does not repay) and Jackson. No JVM joins the cluster; the node
 * that takes a request does the scheme's work.
 *
 * <p>A node that refuses the connection is skipped for the next one (see {@link NodeFinder}); a
 * node that dies during a request that may run twice (a read, a settings change) is skipped too,
 * but a store or a delete that reached a node is never sent again on its own: the person is told,
 * and runs the command again.
 */
public final class HttpJewelClient implements JewelClient {
  private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

  /** How long a node may stay silent: before its answer, or between two reads of a file's bytes. */
  private static final int SILENCE_TIMEOUT_MILLIS = 120_000;

  private static final int PAGE = 1000;
  private static final int BUFFER = 256 * 1024;
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final NodeFinder finder;

  /** The bearer token every request carries, or null: none (the node then says it wants one). */
  private final String token;

  /**
   * What an HTTPS API's certificate must be signed by: the cluster's CA, whose certificate is in
   * the home ({@code HOME/tls/ca.crt}); null: the JDK's default trust (no such file).
   */
  private final SSLSocketFactory clusterTrust;

  /** The node that answered last: the ones before it refused, so later requests start here. */
  private int current;

  HttpJewelClient(NodeFinder finder, String token) {
    this(finder, token, null);
  }

  private HttpJewelClient(NodeFinder finder, String token, SSLSocketFactory clusterTrust) {
    this.finder = finder;
    this.token = token;
    this.clusterTrust = clusterTrust;
  }

  /** The node at {@code url} only, with {@code token} (null: none). */
  public static HttpJewelClient at(String url, String token) {
    return new HttpJewelClient(NodeFinder.at(url), token);
  }

  /**
   * The running nodes of {@code home}, peers first, spread over by this process's id, with {@code
   * token} (null: none).
   */
  public static HttpJewelClient forHome(Path home, String token) {
    return new HttpJewelClient(NodeFinder.forHome(home, ProcessHandle.current().pid()), token)
        .trustingClusterOf(home);
  }

  /**
   * This client, trusting for HTTPS the CA of the cluster of {@code home} (its {@code tls/ca.crt},
   * which {@code ./jewel up} makes and {@code certs issue} hands to other machines) and nothing
   * else; unchanged if the home has none.
   */
  public HttpJewelClient trustingClusterOf(Path home) {
    Path ca = home.resolve(ClusterCa.FOLDER).resolve(TlsFiles.CA_CERT);
    if (!Files.isRegularFile(ca)) {
      return this;
    }
    return new HttpJewelClient(finder, token, ClusterTls.trustingOnly(ca).getSocketFactory());
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
  public StoreResult store(
      Path localFile,
      FileName name,
      SchemeSpec scheme,
      boolean replace,
      Pin pin,
      Progress progress) {
    long size;
    try {
      size = Files.size(localFile);
    } catch (IOException e) {
      throw new JewelException("cannot read " + localFile + ": " + e.getMessage());
    }
    String file = "v1/files/" + segment(name.value());
    // A node refuses a name that exists before it reads the body, but HttpURLConnection reads
    // the answer only once it has sent all of it (and loses it when the node closes the
    // connection on a long rest): asked first, the conflict is told before a byte goes.
    if (!replace && exchange("reading " + file, true, Request.head(file)).status() == 200) {
      throw exists(name);
    }
    Request put =
        new Request(
            "PUT",
            file + query(storeParams(scheme, replace, pin)),
            Map.of("Content-Type", "application/octet-stream"),
            size,
            out -> upload(localFile, size, out, progress));
    try {
      return read(exchange("the store of " + name, false, put), StoreResult.class);
    } catch (BodyCut cut) {
      throw whyCut(cut, file, name, replace);
    }
  }

  @Override
  public StoreResult storeFrom(
      PeerId peer, String fileName, FileName name, SchemeSpec scheme, boolean replace, Pin pin) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("from", peer.name());
    params.put("path", fileName);
    params.putAll(storeParams(scheme, replace, pin));
    return sendJson(
        "PUT",
        "v1/files/" + segment(name.value()) + query(params),
        null,
        StoreResult.class,
        false,
        "the store of " + name);
  }

  @Override
  public FileEntry get(FileName name, Path out, ByteRange range, Progress progress) {
    String path = "v1/files/" + segment(name.value());
    Request request =
        new Request(
            "GET",
            path,
            range == null
                ? Map.of()
                : Map.of("Range", "bytes=" + range.start() + "-" + range.end()),
            -1,
            null);
    String what = "sending " + name;
    NodeFinder.Node broke = null;
    List<NodeFinder.Node> nodes = finder.nodes();
    for (int i = current; i < nodes.size(); i++) {
      NodeFinder.Node node = nodes.get(i);
      HttpURLConnection c = connect(node, request);
      if (c == null) {
        continue;
      }
      int status;
      try {
        status = c.getResponseCode();
      } catch (IOException e) {
        c.disconnect();
        broke = node;
        continue;
      }
      current = i;
      if (status != 200 && status != 206) {
        byte[] error;
        try {
          error = bodyOf(c, status);
        } catch (IOException e) {
          error = new byte[0];
        }
        if (status == 416) {
          throw new JewelException(
              errorLine(error)
                  .orElse("range " + range + " lies outside '" + name + "' (try: ls for its size)"),
              Kind.BAD_RANGE);
        }
        throw failure(node, "GET", path, status, error);
      }
      Path partial = PartFiles.beside(out);
      try {
        FileEntry entry = receive(name, c, status, range, partial, progress);
        try {
          Files.move(
              partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          throw new LocalWriteException(e); // the bytes all came: the node is not to blame
        }
        return entry;
      } catch (IOException e) {
        // The node went away mid-file (or the file could not be written): what was read goes.
        deleteQuietly(partial);
        c.disconnect();
        if (e instanceof LocalWriteException w) {
          throw new JewelException("cannot write " + out + ": " + w.getCause().getMessage());
        }
        broke = node;
      } catch (RuntimeException e) {
        deleteQuietly(partial);
        c.disconnect();
        throw e;
      }
    }
    if (broke != null) {
      throw new JewelException(
          "node "
              + broke.name()
              + " stopped in the middle of "
              + what
              + " and no other node answers; nothing was written: run the command again",
          Kind.UNAVAILABLE);
    }
    throw new JewelException(finder.noneAnswers(), Kind.UNAVAILABLE);
  }

  @Override
  public FileEntry getTo(FileName name, PeerId peer, boolean force) {
    Map<String, String> params =
        force ? Map.of("to", peer.name(), "force", "true") : Map.of("to", peer.name());
    return sendJson(
        "POST",
        "v1/files/" + segment(name.value()) + "/copy" + query(params),
        null,
        FileEntry.class,
        false,
        "the copy of " + name + " to " + peer);
  }

  @Override
  public FileEntry delete(FileName name) {
    return sendJson(
        "DELETE",
        "v1/files/" + segment(name.value()),
        null,
        FileEntry.class,
        false,
        "the delete of " + name);
  }

  @Override
  public List<FileEntry> ls(String prefix) {
    return pages(
        "v1/files",
        prefix.isEmpty() ? Map.of() : Map.of("prefix", prefix),
        FilesPage.class,
        FilesPage::files,
        FilesPage::next,
        "the index");
  }

  /**
   * Every item of a paged listing at {@code path} with {@code filter} (query parameters sent with
   * every page), page after page ({@code after} the last page's {@code next}) until a page has
   * none.
   */
  private <P, T> List<T> pages(
      String path,
      Map<String, String> filter,
      Class<P> pageType,
      java.util.function.Function<P, List<T>> items,
      java.util.function.Function<P, String> nextOf,
      String what) {
    List<T> all = new ArrayList<>();
    String after = null;
    do {
      Map<String, String> params = new LinkedHashMap<>(filter);
      if (after != null) {
        params.put("after", after);
      }
      params.put("limit", Integer.toString(PAGE));
      P page = getJson(path + query(params), pageType);
      all.addAll(items.apply(page));
      String next = nextOf.apply(page);
      if (next != null && next.equals(after)) {
        throw new JewelException(
            "the node repeats the page after '"
                + after
                + "' of "
                + what
                + ": it is not listing forward");
      }
      after = next;
    } while (after != null);
    return all;
  }

  @Override
  public List<FileHealth> check(FileName name) {
    if (name != null) {
      return List.of(getJson("v1/files/" + segment(name.value()) + "/check", FileHealth.class));
    }
    return pages(
        "v1/check", Map.of(), HealthPage.class, HealthPage::files, HealthPage::next, "the index");
  }

  @Override
  public VerifyReport verify(FileName name) {
    return sendJson(
        "POST",
        "v1/files/" + segment(name.value()) + "/verify",
        null,
        VerifyReport.class,
        true,
        "the verify of " + name);
  }

  @Override
  public RepairReport repair(FileName name) {
    return sendJson(
        "POST",
        "v1/files/" + segment(name.value()) + "/repair",
        null,
        RepairReport.class,
        true,
        "the repair of " + name);
  }

  /**
   * The node does the work and answers when it is done: {@code progress} hears nothing over HTTP
   * (the node's log says what it does).
   */
  @Override
  public RetuneReport retune(FileName name, int n, Progress progress) {
    return sendJson(
        "POST",
        "v1/files/" + segment(name.value()) + "/retune?n=" + n,
        null,
        RetuneReport.class,
        true,
        "the retune of " + name);
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
    String path =
        peer == null
            ? "v1/settings/schemes/default"
            : "v1/settings/schemes/peers/" + segment(peer.name());
    return sendJson(
        "PUT",
        path,
        Map.of("scheme", scheme.toString()),
        DefaultSchemes.class,
        true,
        "setting the default scheme");
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
    return sendJson(
        "PUT",
        "v1/settings/pins/default-fraction",
        Map.of("fraction", fraction),
        PinTable.class,
        true,
        "setting the default fraction");
  }

  @Override
  public Map<String, PeerSettings> peerSettings() {
    return sendJson(
        "GET", "v1/peer-settings", null, SETTINGS_MAP, true, "reading the peer settings");
  }

  @Override
  public Map<String, PeerSettings> updatePeer(PeerId peer, UnaryOperator<PeerSettings> change) {
    PeerSettings now = peerSettings().getOrDefault(peer.name(), PeerSettings.DEFAULT);
    PeerSettings next = change.apply(now);
    return sendJson(
        "PUT",
        "v1/peer-settings/" + segment(peer.name()),
        next,
        SETTINGS_MAP,
        true,
        "changing " + peer + "'s settings");
  }

  /**
   * Makes this node (a peer) refuse every block read and write on its data channel for {@code
   * duration}, while it stays a member ({@code PUT /v1/isolation}).
   */
  void isolate(Duration duration) {
    sendJson(
        "PUT",
        "v1/isolation",
        Map.of("seconds", duration.toMillis() / 1000.0),
        IsolationState.class,
        true,
        "isolating the node");
  }

  /** Ends this node's isolation ({@code DELETE /v1/isolation}). */
  void restore() {
    sendJson("DELETE", "v1/isolation", null, IsolationState.class, true, "restoring the node");
  }

  @Override
  public NewToken createToken(boolean readOnly, Long expiresInSeconds, String label) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("readOnly", readOnly);
    if (expiresInSeconds != null) {
      body.put("expiresInSeconds", expiresInSeconds);
    }
    body.put("label", label == null ? "" : label);
    return sendJson("POST", "v1/tokens", body, NewToken.class, false, "making a token");
  }

  @Override
  public List<TokenInfo> tokens() {
    return getJson("v1/tokens", TokensPage.class).tokens();
  }

  @Override
  public TokenInfo revokeToken(String id) {
    return sendJson(
        "DELETE", "v1/tokens/" + segment(id), null, TokenInfo.class, false, "revoking token " + id);
  }

  @Override
  public NewS3Key createS3Key(boolean readOnly, Long expiresInSeconds, String label) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("readOnly", readOnly);
    if (expiresInSeconds != null) {
      body.put("expiresInSeconds", expiresInSeconds);
    }
    body.put("label", label == null ? "" : label);
    return sendJson("POST", "v1/s3/keys", body, NewS3Key.class, false, "making an S3 key");
  }

  @Override
  public List<S3KeyInfo> s3Keys() {
    return getJson("v1/s3/keys", S3KeysPage.class).keys();
  }

  @Override
  public S3KeyInfo revokeS3Key(String accessKey) {
    return sendJson(
        "DELETE",
        "v1/s3/keys/" + segment(accessKey),
        null,
        S3KeyInfo.class,
        false,
        "revoking S3 key " + accessKey);
  }

  @Override
  public void close() {
    // Nothing held open between requests that outlives this process.
  }

  // ---- the documents that wrap a list

  record NodesPage(List<NodeStatus> nodes) {}

  record IsolationState(String node, boolean isolated, String until) {}

  record FilesPage(List<FileEntry> files, String next) {}

  record HealthPage(List<FileHealth> files, String next) {}

  record SchemesPage(List<SchemeInfo> schemes) {}

  record TokensPage(List<TokenInfo> tokens) {}

  record S3KeysPage(List<S3KeyInfo> keys) {}

  private static final JavaType SETTINGS_MAP =
      JSON.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, PeerSettings.class);

  // ---- requests, failover and errors

  /** Writes a request's body. */
  private interface BodyWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * A request under a node's base URL, with a body of {@code length} bytes (-1: none). A body
   * streams ({@link HttpURLConnection#setFixedLengthStreamingMode}), never buffered whole.
   */
  private record Request(
      String method, String path, Map<String, String> headers, long length, BodyWriter body) {
    static Request head(String path) {
      return new Request("HEAD", path, Map.of(), -1, null);
    }
  }

  /** An answer, its body read whole, and the node that gave it. */
  @SuppressWarnings("ArrayRecordComponent") // read once, never compared
  private record Answer(
      NodeFinder.Node node, String method, String path, int status, byte[] body) {}

  /**
   * A store or a delete that lost its body on the way: the node died, or answered before it had all
   * of it and closed the connection (HttpURLConnection then drops that answer). Either way the node
   * committed nothing.
   */
  private static final class BodyCut extends JewelException {
    final NodeFinder.Node node;

    BodyCut(NodeFinder.Node node, String what) {
      super(stopped(node, what), Kind.UNAVAILABLE);
      this.node = node;
    }
  }

  private <T> T getJson(String path, Class<T> type) {
    return sendJson("GET", path, null, JSON.constructType(type), true, "reading " + path);
  }

  private <T> T sendJson(
      String method, String path, Object body, Class<T> type, boolean idempotent, String what) {
    return sendJson(method, path, body, JSON.constructType(type), idempotent, what);
  }

  @SuppressWarnings("TypeParameterUnusedInFormals") // T is what the JavaType given describes
  private <T> T sendJson(
      String method, String path, Object body, JavaType type, boolean idempotent, String what) {
    Request request;
    if (body != null) {
      byte[] bytes = writeJson(body);
      request =
          new Request(
              method,
              path,
              Map.of("Accept", "application/json", "Content-Type", "application/json"),
              bytes.length,
              out -> out.write(bytes));
    } else {
      // HttpURLConnection sends a request once more on its own when the connection fails before
      // the answer, unless its body streams: one that must not run twice streams an empty body.
      request =
          new Request(
              method, path, Map.of("Accept", "application/json"), idempotent ? -1 : 0, out -> {});
    }
    return read(exchange(what, idempotent, request), type);
  }

  private static <T> T read(Answer answer, Class<T> type) {
    return read(answer, JSON.constructType(type));
  }

  @SuppressWarnings("TypeParameterUnusedInFormals") // T is what the JavaType given describes
  private static <T> T read(Answer answer, JavaType type) {
    if (answer.status() / 100 != 2) {
      throw failure(answer.node(), answer.method(), answer.path(), answer.status(), answer.body());
    }
    try {
      return JSON.readValue(answer.body(), type);
    } catch (IOException e) {
      throw new JewelException(
          "node "
              + answer.node().name()
              + " answered "
              + answer.method()
              + " /"
              + answer.path()
              + " with a document this command line cannot read ("
              + JewelCli.oneLine(e.getMessage())
              + "): is it the same version?");
    }
  }

  private static byte[] writeJson(Object body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Sends the request to the first node that takes it. A node that refuses the connection is
   * skipped; one that goes away during the request is skipped only if the request may run twice
   * ({@code idempotent}), else the person hears what happened.
   */
  private Answer exchange(String what, boolean idempotent, Request request) {
    List<NodeFinder.Node> nodes = finder.nodes();
    NodeFinder.Node broke = null;
    for (int i = current; i < nodes.size(); i++) {
      NodeFinder.Node node = nodes.get(i);
      HttpURLConnection c = connect(node, request);
      if (c == null) {
        continue;
      }
      boolean sent = false;
      try {
        if (request.length() >= 0) {
          try (OutputStream out = c.getOutputStream()) {
            request.body().writeTo(out);
          }
        }
        sent = true;
        int status = c.getResponseCode();
        byte[] body = bodyOf(c, status);
        current = i;
        return new Answer(node, request.method(), request.path(), status, body);
      } catch (IOException e) {
        c.disconnect();
        if (!idempotent) {
          throw sent
              ? new JewelException(stopped(node, what), Kind.UNAVAILABLE)
              : new BodyCut(node, what);
        }
        broke = node;
      } catch (RuntimeException e) {
        // The body's own failure (the local file): the node gets a short body and commits nothing.
        c.disconnect();
        throw e;
      }
    }
    if (broke != null) {
      throw new JewelException(
          "node "
              + broke.name()
              + " stopped in the middle of "
              + what
              + " and no other node answers: run the command again, or start the cluster with ./jewel up",
          Kind.UNAVAILABLE);
    }
    throw new JewelException(finder.noneAnswers(), Kind.UNAVAILABLE);
  }

  private static String stopped(NodeFinder.Node node, String what) {
    return "node "
        + node.name()
        + " stopped in the middle of "
        + what
        + "; nothing was committed: run the command again";
  }

  /**
   * A connection to {@code node} for the request, its headers set, or null when the node does not
   * take it (refused, or no answer within the connect timeout): nothing of the request reached it.
   * Direct: a node's API is never behind a proxy.
   */
  private HttpURLConnection connect(NodeFinder.Node node, Request request) {
    try {
      HttpURLConnection c =
          (HttpURLConnection)
              node.base().resolve(request.path()).toURL().openConnection(Proxy.NO_PROXY);
      c.setRequestMethod(request.method());
      c.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
      c.setReadTimeout(SILENCE_TIMEOUT_MILLIS);
      c.setInstanceFollowRedirects(false);
      if (clusterTrust != null && c instanceof HttpsURLConnection https) {
        https.setSSLSocketFactory(clusterTrust);
      }
      request.headers().forEach(c::setRequestProperty);
      if (token != null) {
        c.setRequestProperty("Authorization", "Bearer " + token);
      }
      if (request.length() >= 0) {
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(request.length());
      }
      c.connect();
      return c;
    } catch (SSLException e) {
      // Not a node that is away: one that cannot prove it is of this cluster (or no HTTPS).
      throw new JewelException(
          "the API at "
              + node.base()
              + " failed the TLS handshake ("
              + e.getMessage()
              + "): "
              + (clusterTrust == null
                  ? "this home has no cluster CA (tls/ca.crt) to check it with"
                  : "its certificate is not one this home's cluster CA (tls/ca.crt) signed for that address"),
          Kind.UNAVAILABLE);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The answer's body, read whole: the document of a success, the error document of a failure
   * (maybe none).
   */
  private static byte[] bodyOf(HttpURLConnection c, int status) throws IOException {
    try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
      return in == null ? new byte[0] : in.readAllBytes();
    }
  }

  /**
   * The node's {@code {"error": "..."}} line, or one that names the status; of the kind the status
   * stands for.
   */
  private static JewelException failure(
      NodeFinder.Node node, String method, String path, int status, byte[] body) {
    return new JewelException(
        errorLine(body)
            .orElse(
                "node "
                    + node.name()
                    + " answered "
                    + method
                    + " /"
                    + path
                    + " with HTTP "
                    + status),
        Kind.ofHttpStatus(status));
  }

  private static Optional<String> errorLine(byte[] body) {
    try {
      JsonNode doc = JSON.readTree(body);
      if (doc != null && doc.path("error").isTextual()) {
        return Optional.of(JewelCli.oneLine(doc.get("error").asText()));
      }
    } catch (IOException e) {
      // not JSON: the caller names the status instead
    }
    return Optional.empty();
  }

  // ---- file bodies

  /** The node's own words for a store of a name that exists. */
  private static JewelException exists(FileName name) {
    return new JewelException(
        "file '" + name + "' exists: use --replace to overwrite it", Kind.CONFLICT);
  }

  /**
   * Why the node stopped taking the file, as far as the node can still tell: not at all (it died),
   * a file of that name (stored since the check before the upload), or a refusal whose reason went
   * with the connection.
   */
  private JewelException whyCut(BodyCut cut, String file, FileName name, boolean replace) {
    HttpURLConnection c = connect(cut.node, Request.head(file));
    int status;
    try {
      status = c == null ? -1 : c.getResponseCode();
    } catch (IOException e) {
      status = -1;
    }
    if (status < 0) {
      return cut;
    }
    if (status == 200 && !replace) {
      return exists(name);
    }
    if (status == 401 || status == 403) {
      return new JewelException(
          "node "
              + cut.node.name()
              + " refused the store of "
              + name
              + ": its token is not accepted (HTTP "
              + status
              + "); try: ./jewel token ls, or another --token",
          Kind.ofHttpStatus(status));
    }
    return new JewelException(
        "node "
            + cut.node.name()
            + " refused the store of "
            + name
            + " before it had all of it,"
            + " and its reason was lost with the connection; nothing was committed: check that enough peers are up"
            + " (./jewel peers) and run the command again",
        Kind.UNAVAILABLE);
  }

  /**
   * Writes {@code size} bytes of the file to {@code out}, telling {@code progress} what went out.
   * Only {@code out}'s failures are {@link IOException}s: the file's are one line.
   */
  private static void upload(Path file, long size, OutputStream out, Progress progress)
      throws IOException {
    byte[] buffer = new byte[BUFFER];
    long done = 0;
    progress.update(0, size);
    InputStream in;
    try {
      in = Files.newInputStream(file);
    } catch (IOException e) {
      throw new JewelException("cannot read " + file + ": " + e.getMessage());
    }
    try (in) {
      while (done < size) {
        int n;
        try {
          n = in.read(buffer, 0, (int) Math.min(buffer.length, size - done));
        } catch (IOException e) {
          throw new JewelException("cannot read " + file + ": " + e.getMessage());
        }
        if (n < 0) {
          throw new JewelException("cannot read " + file + ": it became shorter while it was sent");
        }
        out.write(buffer, 0, n);
        done += n;
        progress.update(done, size);
      }
    }
  }

  /** An {@link IOException} of the local file, not of the node. */
  private static final class LocalWriteException extends IOException {
    LocalWriteException(IOException cause) {
      super(cause);
    }
  }

  /**
   * Writes the body to {@code partial}: all of it, checked against the length the node declared
   * and, for a whole file, against its SHA-256 (the ETag); else an exception.
   */
  private static FileEntry receive(
      FileName name,
      HttpURLConnection c,
      int status,
      ByteRange range,
      Path partial,
      Progress progress)
      throws IOException {
    long declared = c.getContentLengthLong();
    String tag = c.getHeaderField("ETag");
    String etag = tag == null ? null : tag.replace("W/", "").replace("\"", "");
    long total = declared;
    long skip = 0;
    long want = declared;
    if (status == 206) {
      String contentRange = c.getHeaderField("Content-Range");
      total = contentRange == null ? -1 : totalOf(contentRange);
    } else if (range != null && declared >= 0) {
      // The node sent the whole file for a range: keep only the range.
      ByteRange within = range.within(declared);
      if (within == null) {
        c.disconnect();
        throw new JewelException(
            "range " + range + " lies outside '" + name + "' (" + declared + " bytes)",
            Kind.BAD_RANGE);
      }
      skip = within.start();
      want = within.length();
    }
    BlockId root = blockIdOrNull(etag);
    // A whole file is checked against the SHA-256 the node gives (a multipart object has none of
    // its own: its parts are checked as the node reads them); a range has no hash of its own.
    BlockId content = blockIdOrNull(c.getHeaderField("X-Jewel-Sha256"));
    MessageDigest sha = status == 200 && range == null && content != null ? Digests.sha256() : null;
    byte[] buffer = new byte[BUFFER];
    long got = 0;
    long written = 0;
    try (InputStream in = c.getInputStream();
        OutputStream out = newFile(partial)) {
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
    if (sha != null) {
      String hex = BlockId.of(sha.digest()).hex();
      if (!hex.equals(content.hex())) {
        throw new JewelException(
            "the bytes of '"
                + name
                + "' do not match its SHA-256 ("
                + content.shortHex()
                + "…, got "
                + hex.substring(0, 12)
                + "…); nothing was written: run the command again",
            Kind.UNAVAILABLE);
      }
    }
    return new FileEntry(name, total, root, null, null, List.of(), 0);
  }

  /** The block id an ETag names; null without one, or for one that is not a block id. */
  private static BlockId blockIdOrNull(String etag) {
    if (etag == null) {
      return null;
    }
    try {
      return new BlockId(etag);
    } catch (IllegalArgumentException e) {
      return null;
    }
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
    params.forEach(
        (k, v) -> s.append(s.length() == 0 ? '?' : '&').append(k).append('=').append(segment(v)));
    return s.toString();
  }

  /**
   * Percent-encodes every byte of the UTF-8 text but the unreserved characters, so that a name with
   * spaces, {@code %}, {@code ?}, {@code #} or {@code +} arrives as it is (in a path segment and in
   * a query value alike).
   */
  static String segment(String text) {
    StringBuilder s = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        s.append((char) c);
      } else {
        s.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return s.toString();
  }
}
