package jewel.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jewel.api.PeerId;
import jewel.pki.ClusterCa;
import jewel.pki.ClusterTls;
import jewel.pki.TlsFiles;
import jewel.schemes.SchemeDefaults;

/**
 * One node's settings, read from {@code jewel.*} (see {@link #load()}), and the Pekko configuration
 * they imply.
 */
public record NodeSettings(
    PeerId name,
    List<String> roles,
    String host,
    int port,
    int dataPort,
    List<String> seedNodes,
    Path home) {

  public static final String SYSTEM_NAME = "jewel";
  public static final String REGISTRY = "registry";
  public static final String PEER = "peer";
  public static final String CLIENT = "client";

  /** The resource of this module with the Pekko settings a node needs; see {@link #load()}. */
  static final String PEKKO_SETTINGS = "node-pekko.conf";

  /**
   * A node's configuration, first match wins: system properties ({@code -Djewel.…}), the
   * deployment's file ({@code -Dconfig.file=…}, else an {@code application.conf} on the class path,
   * if any), this module's {@code node-pekko.conf}, then every module's {@code reference.conf}.
   * node-pekko.conf says why it is not a reference.conf.
   */
  public static Config load() {
    Config pekko =
        ConfigFactory.parseResources(
            NodeSettings.class,
            "/" + PEKKO_SETTINGS,
            ConfigParseOptions.defaults().setAllowMissing(false));
    return ConfigFactory.load(ConfigFactory.defaultApplication().withFallback(pekko));
  }

  public static NodeSettings from(Config config) {
    Config j = config.getConfig("jewel");
    return new NodeSettings(
        new PeerId(j.getString("node.name")),
        stringList(j, "node.roles"),
        j.getString("node.host"),
        j.getInt("node.port"),
        j.getInt("node.data-port"),
        stringList(j, "seed-nodes"),
        Path.of(j.getString("home")));
  }

  /** Lists may be given as HOCON lists or, from the command line, as "a,b". */
  private static List<String> stringList(Config c, String path) {
    if (c.getValue(path).valueType() == ConfigValueType.STRING) {
      String s = c.getString(path).trim();
      return s.isEmpty() ? List.of() : Arrays.asList(s.split("\\s*,\\s*"));
    }
    return c.getStringList(path);
  }

  public boolean hasRole(String role) {
    return roles.contains(role);
  }

  /** This node's own folder under the home: disk/, registry/ and its log. */
  public Path nodeDir() {
    return home.resolve(name.name());
  }

  /**
   * The name this node's key and certificate go by: its own, or {@link ClusterCa#SHELL} for a
   * client (the shell's JVMs all present the shell's certificate).
   */
  public String memberName() {
    return hasRole(CLIENT) ? ClusterCa.SHELL : name.name();
  }

  /**
   * This node's key, certificate and the cluster's CA certificate ({@code jewel.tls.*}; an empty
   * path: {@code HOME/tls/NAME.key}, {@code NAME.crt}, {@code ca.crt}), or empty if {@code
   * jewel.tls.enabled} is off.
   */
  public Optional<TlsFiles> tlsFiles(Config config) {
    Config t = config.getConfig("jewel.tls");
    if (!t.getBoolean("enabled")) {
      return Optional.empty();
    }
    TlsFiles home = TlsFiles.in(tlsDir(), memberName());
    return Optional.of(
        new TlsFiles(
            orDefault(t, "key-file", home.key()),
            orDefault(t, "cert-file", home.cert()),
            orDefault(t, "ca-file", home.ca())));
  }

  /** The home's folder of certificates: its CA and every member's key and certificate. */
  public Path tlsDir() {
    return home.resolve(ClusterCa.FOLDER);
  }

  private static Path orDefault(Config c, String key, Path otherwise) {
    String path = c.getString(key).trim();
    return (path.isEmpty() ? otherwise : Path.of(path)).toAbsolutePath();
  }

  /**
   * This node's TLS, read from its files and checked (one line, a {@link jewel.api.JewelException},
   * if a file is missing or unreadable, the certificate expired or the cluster's CA did not sign
   * it), or empty if TLS is off.
   */
  public Optional<ClusterTls> tls(Config config) {
    Duration reload = config.getDuration("jewel.tls.reload-interval");
    return tlsFiles(config).map(files -> ClusterTls.load(files, memberName(), reload));
  }

  /** The full configuration of this node's ActorSystem: Pekko keys derived from ours. */
  public Config pekkoConfig(Config base) {
    Map<String, Object> o = new HashMap<>();
    tlsFiles(base)
        .ifPresent(
            files -> {
              // Artery over TLS with Pekko's rotating-keys engine: PEM files read again every
              // reload-interval, mutual authentication always (a client certificate is required
              // of every inbound connection), and both ends must share a name in their
              // certificates (ClusterCa.CLUSTER_NAME); wrapped to log the inbound handshakes it
              // refuses.
              String engine = "pekko.remote.artery.ssl.rotating-keys-engine.";
              o.put("pekko.remote.artery.transport", "tls-tcp");
              o.put(
                  "pekko.remote.artery.ssl.ssl-engine-provider",
                  RefusalLoggingEngineProvider.class.getName());
              o.put(engine + "key-file", files.key().toString());
              o.put(engine + "cert-file", files.cert().toString());
              o.put(engine + "ca-cert-file", files.ca().toString());
              o.put(engine + "protocol", ClusterTls.PROTOCOL);
              o.put(
                  engine + "ssl-context-cache-ttl",
                  base.getDuration("jewel.tls.reload-interval").toMillis() + "ms");
            });
    o.put("pekko.remote.artery.canonical.hostname", host);
    o.put("pekko.remote.artery.canonical.port", port);
    o.put("pekko.cluster.roles", roles);
    List<String> seeds = new ArrayList<>();
    for (String s : seedNodes) {
      seeds.add("pekko://" + SYSTEM_NAME + "@" + s);
    }
    o.put("pekko.cluster.seed-nodes", seeds);
    Path registry = nodeDir().resolve("registry").toAbsolutePath();
    o.put("pekko.persistence.journal.leveldb.dir", registry.resolve("journal").toString());
    o.put("pekko.persistence.snapshot-store.local.dir", registry.resolve("snapshots").toString());
    String journal = journalUrl(base);
    if (!journal.isEmpty()) {
      // Pekko Persistence JDBC on one shared pool (the plugin reads it only from under
      // pekko-persistence-jdbc.shared-databases: a top-level slick block is not picked up).
      o.put("pekko.persistence.journal.plugin", "jdbc-journal");
      o.put("pekko.persistence.snapshot-store.plugin", "jdbc-snapshot-store");
      o.put("jdbc-journal.use-shared-db", "slick");
      o.put("jdbc-snapshot-store.use-shared-db", "slick");
      o.put("jdbc-read-journal.use-shared-db", "slick");
      String db = "pekko-persistence-jdbc.shared-databases.slick.";
      o.put(db + "profile", "slick.jdbc.PostgresProfile$");
      o.put(db + "db.url", journal);
      o.put(db + "db.driver", "org.postgresql.Driver");
      o.put(db + "db.numThreads", 4);
      o.put(db + "db.maxConnections", 4);
      o.put(db + "db.minConnections", 1);
      o.put(db + "db.connectionTimeout", 5000);
      // Several registry nodes share the journal: the singleton runs only while it holds the
      // database's lease, so a split cluster never runs two registries on one journal.
      o.put("pekko.cluster.singleton.use-lease", "jewel.registry.lease");
    }
    return ConfigFactory.parseMap(o).withFallback(base);
  }

  /** {@code jewel.registry.journal-url}: empty for LevelDB, else a PostgreSQL JDBC URL. */
  public static String journalUrl(Config config) {
    String url = config.getString("jewel.registry.journal-url").trim();
    if (!url.isEmpty() && !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "jewel.registry.journal-url must be empty (LevelDB) or a PostgreSQL JDBC URL like"
              + " jdbc:postgresql://127.0.0.1:5432/jewel?user=jewel, not \""
              + redacted(url)
              + "\"");
    }
    return url;
  }

  /** A journal URL without its query (which may hold a password), for messages and logs. */
  public static String redacted(String url) {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query) + "?…";
  }

  public static SchemeDefaults schemeDefaults(Config config) {
    Config s = config.getConfig("jewel.schemes");
    return new SchemeDefaults(
        s.getInt("copies"),
        s.getInt("k"),
        s.getInt("n"),
        s.getInt("m"),
        (int) s.getBytes("chunk-size").longValue(),
        s.getString("codec"));
  }
}
