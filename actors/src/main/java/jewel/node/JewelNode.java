package jewel.node;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import jewel.api.FileName;
import jewel.node.coordinator.Coordinator;
import jewel.node.coordinator.RegistryCommits;
import jewel.node.gateway.ApiSettings;
import jewel.node.gateway.Gateway;
import jewel.node.gateway.HttpApi;
import jewel.node.gateway.NodeMetrics;
import jewel.node.gateway.TokenCheck;
import jewel.node.maintenance.GarbageCollector;
import jewel.node.maintenance.Repairer;
import jewel.node.peer.Peer;
import jewel.node.peer.Scrubber;
import jewel.node.peer.ShareKeeper;
import jewel.node.pins.LivePeers;
import jewel.node.pins.PinScanner;
import jewel.node.pins.PinSettings;
import jewel.node.s3.GatewayObjectStore;
import jewel.node.s3.RegistryS3Credentials;
import jewel.node.s3.S3Routes;
import jewel.node.s3.S3Settings;
import jewel.node.s3.SigV4Authenticator;
import jewel.node.store.BlockStore;
import jewel.node.store.Isolation;
import jewel.node.store.LocalFiles;
import jewel.node.store.NodeDataHandler;
import jewel.node.store.RecentWrites;
import jewel.persistence.Registry;
import jewel.pki.ClusterTls;
import jewel.protocol.CoordinatorCommand;
import jewel.protocol.DataAddress;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryReply;
import jewel.protocol.data.DataChannel;
import jewel.protocol.data.DataClient;
import jewel.protocol.data.Traffic;
import jewel.schemes.Schemes;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;
import org.apache.pekko.stream.Materializer;

/**
 * One Jewel node in this JVM: the ActorSystem, its data channel, and what its roles run. Every node
 * gets a proxy to the registry singleton and to the coordinators' shards; a {@code registry} node
 * hosts the registry, a {@code peer} node a Peer with its disk, and a {@code client} node (the
 * shell) only offers and accepts local files on its data channel.
 */
public final class JewelNode implements AutoCloseable {
  private final NodeSettings settings;
  private final ActorSystem<Void> system;
  private final DataChannel dataChannel;
  private final LocalFiles localFiles;
  private final ActorRef<RegistryCommand> registry;
  private final Schemes schemes;
  private final DataClient dataClient;
  private final Traffic traffic;
  private final NodeMetrics metrics;
  private final Gateway gateway;
  private final Isolation isolation;
  private final Optional<ClusterTls> tls;
  private volatile String apiUrl;
  private volatile String s3Url;
  private volatile RegistryS3Credentials s3Credentials;

  private JewelNode(
      NodeSettings settings,
      ActorSystem<Void> system,
      DataChannel dataChannel,
      LocalFiles localFiles,
      ActorRef<RegistryCommand> registry,
      Schemes schemes,
      DataClient dataClient,
      Traffic traffic,
      NodeMetrics metrics,
      Isolation isolation,
      Optional<ClusterTls> tls) {
    this.settings = settings;
    this.tls = tls;
    this.system = system;
    this.dataChannel = dataChannel;
    this.localFiles = localFiles;
    this.registry = registry;
    this.schemes = schemes;
    this.dataClient = dataClient;
    this.traffic = traffic;
    this.metrics = metrics;
    this.isolation = isolation;
    this.gateway = new Gateway(this, metrics);
  }

  /** Starts a node of these settings on top of {@code base} ({@link NodeSettings#load()}). */
  public static JewelNode start(NodeSettings settings, Config base) throws Exception {
    // Checked before anything starts: a missing key or an expired certificate is one line.
    Optional<ClusterTls> tls = settings.tls(base);
    Config config = settings.pekkoConfig(base);
    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), NodeSettings.SYSTEM_NAME, config);
    try {
      Schemes schemes = new Schemes(NodeSettings.schemeDefaults(config));
      Path disk = settings.nodeDir().resolve("disk");
      BlockStore store =
          settings.hasRole(NodeSettings.PEER) ? BlockStore.open(disk.resolve("blocks")) : null;
      RecentWrites writes = store == null ? null : new RecentWrites(store);
      Isolation isolation =
          store == null ? null : new Isolation(settings.name().name(), Clock.systemUTC());
      LocalFiles files =
          settings.hasRole(NodeSettings.PEER)
              ? LocalFiles.inFolder(disk.resolve("files"))
              : LocalFiles.anywhere();
      Traffic traffic = new Traffic();
      DataChannel channel =
          DataChannel.bind(
                  system,
                  settings.host(),
                  settings.dataPort(),
                  new NodeDataHandler(writes, files, isolation),
                  traffic,
                  tls)
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);

      if (settings.hasRole(NodeSettings.REGISTRY)) {
        checkJournal(system, config);
      }
      ActorRef<RegistryCommand> registry =
          ClusterSingleton.get(system)
              .init(
                  SingletonActor.of(Registry.create(Registry.PERSISTENCE_ID), "registry")
                      .withSettings(
                          ClusterSingletonSettings.create(system).withRole(NodeSettings.REGISTRY)));

      Duration askTimeout = config.getDuration("jewel.client.base-timeout");
      DataClient dataClient = new DataClient(system, traffic, tls);
      RegistryCommits commits = new RegistryCommits(system, registry, askTimeout);
      Coordinator.init(system, commits);

      // Fractional pins: every peer keeps its own share; the registry node scans and audits.
      PinSettings pins = PinSettings.from(config);
      LivePeers livePeers = LivePeers.inCluster(system);
      Scrubber.Counters scrubbed = new Scrubber.Counters();
      if (settings.hasRole(NodeSettings.PEER)) {
        DataAddress data = channel.address();
        system.systemActorOf(
            Peer.create(
                settings.name(),
                data,
                writes,
                files,
                registry,
                new ShareKeeper.Setup(pins, livePeers, dataClient),
                new Scrubber.Setup(Scrubber.Settings.from(config), scrubbed)),
            "peer",
            org.apache.pekko.actor.typed.Props.empty());
      }
      NodeMetrics metrics = new NodeMetrics(settings.name().name(), traffic);
      if (settings.hasRole(NodeSettings.REGISTRY)) {
        system.systemActorOf(
            PinScanner.create(pins, registry, livePeers, true),
            "pin-scanner",
            org.apache.pekko.actor.typed.Props.empty());
        AtomicLong collected = new AtomicLong();
        system.systemActorOf(
            GarbageCollector.create(
                GarbageCollector.Settings.from(config), registry, livePeers, collected, true),
            "garbage-collector",
            org.apache.pekko.actor.typed.Props.empty());
        metrics.counter(
            "jewel_gc_blocks_deleted",
            "unreferenced blocks the garbage collector deleted from peers",
            collected::get);
      }
      if (store != null) {
        metrics.gauge("jewel_blocks_held", "blocks this peer holds", store::count);
        metrics.gauge(
            "jewel_block_bytes_held", "bytes of the blocks this peer holds", store::bytes);
        metrics.counter(
            "jewel_scrub_blocks_checked", "blocks the scrub re-hashed", scrubbed::blocksChecked);
        metrics.counter(
            "jewel_scrub_bytes_checked", "bytes the scrub re-hashed", scrubbed::bytesChecked);
        metrics.counter(
            "jewel_scrub_corrupt", "corrupt blocks the scrub quarantined", scrubbed::corruptFound);
        metrics.gauge(
            "jewel_scrub_last_pass_seconds",
            "wall time of the last full scrub pass",
            scrubbed::lastPassSeconds);
        metrics.gauge(
            "jewel_scrub_last_pass_cpu_seconds",
            "CPU time of the scrub thread in the last full pass",
            scrubbed::lastPassCpuSeconds);
      }
      if (settings.hasRole(NodeSettings.REGISTRY)) {
        registryGauges(system, registry, askTimeout, metrics);
      }
      JewelNode node =
          new JewelNode(
              settings,
              system,
              channel,
              files,
              registry,
              schemes,
              dataClient,
              traffic,
              metrics,
              isolation,
              tls);
      if (settings.hasRole(NodeSettings.REGISTRY)) {
        node.startRepairs();
      }
      if (!settings.hasRole(NodeSettings.CLIENT)) {
        node.serveApi(config);
        node.serveS3(config);
        node.describeItself();
        // Last: a client that finds these files finds a node that can say what it is.
        node.publish("api", node.apiUrl);
        if (node.s3Url != null) {
          node.publish("s3", node.s3Url);
        }
      }
      return node;
    } catch (Exception e) {
      system.terminate();
      throw e;
    }
  }

  /**
   * A registry node refuses to start without a journal it can reach: on PostgreSQL it connects,
   * creating the plugin's tables if they are missing (its own schema scripts), within 30 s.
   */
  private static void checkJournal(ActorSystem<?> system, Config config) throws Exception {
    String url = NodeSettings.journalUrl(config);
    if (url.isEmpty()) {
      return; // LevelDB: its folder is this node's own
    }
    try {
      SchemaUtils.createIfNotExists(system).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException(
          "the registry's journal at "
              + NodeSettings.redacted(url)
              + " cannot be reached: "
              + RegistryAsk.oneLine(cause),
          e);
    }
  }

  /**
   * The registry's counts as gauges on the registry node, refreshed every 10 s (a scrape reads the
   * last answer rather than asking the registry each time).
   */
  private static void registryGauges(
      ActorSystem<?> system,
      ActorRef<RegistryCommand> registry,
      Duration timeout,
      NodeMetrics metrics) {
    var last =
        new java.util.concurrent.atomic.AtomicReference<>(new RegistryReply.Stats(0, 0, 0, 0));
    system
        .scheduler()
        .scheduleAtFixedRate(
            Duration.ofSeconds(1),
            Duration.ofSeconds(10),
            () ->
                RegistryAsk.ask(registry, RegistryCommand.GetStats::new, timeout, system)
                    .thenAccept(last::set),
            system.executionContext());
    metrics.gauge(
        "jewel_registry_events", "events the registry has persisted", () -> last.get().events());
    metrics.gauge("jewel_registry_files", "files in the index", () -> last.get().files());
    metrics.gauge(
        "jewel_registry_blocks", "blocks in the block catalog", () -> last.get().blocks());
    metrics.gauge(
        "jewel_greylisted_peers",
        "peers whose copies do not count (failed audits)",
        () -> last.get().greylisted());
  }

  /** The repair queue on the registry node, and its counts as metrics. */
  private void startRepairs() {
    Repairer.Stats stats = new Repairer.Stats();
    system.systemActorOf(
        Repairer.create(gateway.repairs(), registry, stats),
        "repairer",
        org.apache.pekko.actor.typed.Props.empty());
    metrics.gauge("jewel_files_degraded", "files readable with copies down", stats.degraded::get);
    metrics.gauge(
        "jewel_files_unreadable", "files with too few blocks up to read", stats.unreadable::get);
    metrics.gauge("jewel_repair_queue_files", "files waiting for repair", stats.queued::get);
    metrics.counter(
        "jewel_repaired_files", "files the repair queue repaired", stats.repairedFiles::get);
    metrics.counter(
        "jewel_repaired_bytes",
        "bytes of blocks the repair queue re-created",
        stats.repairedBytes::get);
    metrics.counter(
        "jewel_repair_failures",
        "repairs and automatic retunes that failed (tried again)",
        stats.failures::get);
    metrics.gauge(
        "jewel_files_below_target",
        "files whose availability dropped below their target",
        stats.belowTarget::get);
    metrics.counter(
        "jewel_added_jewels",
        "jewels added to files below their availability target",
        stats.addedJewels::get);
  }

  /**
   * Binds the HTTP API on {@code jewel.api.host}:{@code jewel.api.port}; its URL goes to {@code
   * NAME/api} in the home, where the command line finds nodes, once the node can describe itself.
   * An address other machines reach is refused unless tokens are required and the API serves HTTPS
   * ({@link ApiSettings#checkExposure}).
   */
  private void serveApi(Config config) throws Exception {
    ApiSettings api = ApiSettings.from(config);
    api.checkExposure();
    String host = api.host();
    int port = api.port();
    Duration askTimeout = config.getDuration("jewel.client.base-timeout");
    TokenCheck tokens =
        new TokenCheck(
            api,
            id ->
                RegistryAsk.query(
                    registry,
                    (ActorRef<RegistryReply.TokenFound> r) ->
                        new RegistryCommand.LookupToken(id, r),
                    askTimeout,
                    system),
            System::nanoTime,
            System::currentTimeMillis);
    ServerBuilder server = Http.get(system).newServerAt(host, port);
    String scheme = "http://";
    if (api.tls()) {
      server = server.enableHttps(https("jewel.api.tls"));
      scheme = "https://";
    }
    var binding =
        server
            .bind(
                new HttpApi(gateway, tokens, traffic, metrics, scheme + host + ":" + port).route())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    apiUrl = scheme + host + ":" + binding.localAddress().getPort();
    system.log().info("HTTP API at {}", apiUrl);
  }

  /**
   * Binds the S3 listener on {@code jewel.s3.host}:{@code jewel.s3.port} (none with {@code
   * jewel.s3.enabled = off}); its URL goes to {@code NAME/s3} in the home. An address other
   * machines reach is refused unless it serves HTTPS ({@link S3Settings#checkExposure}). Its
   * requests keep their URI as sent ({@code Raw-Request-URI}): a signature covers the path as the
   * client encoded it.
   */
  private void serveS3(Config config) throws Exception {
    S3Settings s3 = S3Settings.from(config);
    if (!s3.enabled()) {
      return;
    }
    s3.checkExposure();
    Duration askTimeout = config.getDuration("jewel.client.base-timeout");
    s3Credentials =
        new RegistryS3Credentials(
            accessKey ->
                RegistryAsk.query(
                    registry,
                    (ActorRef<RegistryReply.S3KeyFound> r) ->
                        new RegistryCommand.LookupS3Key(accessKey, r),
                    askTimeout,
                    system),
            ApiSettings.from(config).tokenCache(),
            System::nanoTime,
            System::currentTimeMillis);
    ServerBuilder server =
        Http.get(system)
            .newServerAt(s3.host(), s3.port())
            .withSettings(S3Routes.serverSettings(system.settings().config()));
    String scheme = "http://";
    if (s3.tls()) {
      server = server.enableHttps(https("jewel.s3.tls"));
      scheme = "https://";
    }
    var binding = server.bind(s3Route(s3)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    s3Url = scheme + s3.host() + ":" + binding.localAddress().getPort();
    system.log().info("S3 listener at {} (region {})", s3Url, s3.region());
  }

  /**
   * What the S3 listener answers: S3's REST protocol ({@link S3Routes}), every request's signature
   * checked against the registry's S3 keys, objects stored and read by this node's gateway.
   */
  private Route s3Route(S3Settings s3) {
    return new S3Routes(
            new GatewayObjectStore(gateway),
            new SigV4Authenticator(s3Credentials, s3.region(), Clock.systemUTC()),
            s3,
            Materializer.matFromSystem(system))
        .route();
  }

  /** Writes {@code url} to the file {@code NAME/name} of the home, at once (a rename). */
  private void publish(String name, String url) throws java.io.IOException {
    Files.createDirectories(settings.nodeDir());
    Path temp = settings.nodeDir().resolve(name + ".tmp");
    Files.writeString(temp, url + "\n");
    Files.move(
        temp,
        settings.nodeDir().resolve(name),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  /** Lets other nodes ask what this node is, with its API's and S3 listener's URLs (NodeInfo). */
  private void describeItself() {
    var self = org.apache.pekko.cluster.typed.Cluster.get(system).selfMember().address();
    String address =
        self.getHost().orElse(settings.host()) + ":" + self.getPort().orElse(settings.port());
    system.systemActorOf(
        NodeInfo.create(settings.name().name(), address, apiUrl, s3Url, traffic),
        "node-info",
        org.apache.pekko.actor.typed.Props.empty());
  }

  /**
   * HTTPS with the node's own cluster certificate (made by {@code ./jewel up}, see the README's
   * "Certificates and TLS"), for the API or the S3 listener when {@code setting} is on, re-read as
   * the data channel's is, so a rotated certificate is served without a restart. Clients present no
   * certificate: they authenticate with a token or a signature, and check the node's certificate
   * against the cluster's CA.
   */
  private HttpsConnectionContext https(String setting) {
    ClusterTls members =
        tls.orElseThrow(
            () ->
                new IllegalArgumentException(
                    setting
                        + " = on serves HTTPS with this node's cluster certificate, and"
                        + " the cluster runs without TLS (jewel.tls.enabled = off): turn it on"));
    return ConnectionContext.httpsServer(() -> members.serverEngine(false));
  }

  public NodeSettings settings() {
    return settings;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public DataAddress dataAddress() {
    return dataChannel.address();
  }

  public LocalFiles localFiles() {
    return localFiles;
  }

  public ActorRef<RegistryCommand> registry() {
    return registry;
  }

  public Schemes schemes() {
    return schemes;
  }

  /** Whether this peer's data channel refuses block traffic now; empty on a node keeping none. */
  public Optional<Isolation> isolation() {
    return Optional.ofNullable(isolation);
  }

  public DataClient dataClient() {
    return dataClient;
  }

  /**
   * This node's TLS ({@code jewel.tls}), or empty if it is off: its {@link ClusterTls#context()}
   * and {@link ClusterTls#serverEngine(boolean)} serve HTTPS with the node's own certificate.
   */
  public Optional<ClusterTls> tls() {
    return tls;
  }

  /** Everything clients can ask, done by this node (the API's routes and the shell use it). */
  public Gateway gateway() {
    return gateway;
  }

  /** The base URL of this node's HTTP API, or null if it serves none (a client). */
  public String apiUrl() {
    return apiUrl;
  }

  /** The base URL of this node's S3 listener, or null if it serves none. */
  public String s3Url() {
    return s3Url;
  }

  /** The S3 access keys as this node's S3 listener checks them; empty if it serves none. */
  public Optional<RegistryS3Credentials> s3Credentials() {
    return Optional.ofNullable(s3Credentials);
  }

  public EntityRef<CoordinatorCommand> coordinator(FileName name) {
    return ClusterSharding.get(system).entityRefFor(Coordinator.TYPE_KEY, name.value());
  }

  /** Leaves the cluster and stops, waiting at most {@code timeout}. */
  public void stop(Duration timeout) {
    try {
      // Closed first, so that terminating the system does not find them open and log an error.
      Http.get(system)
          .shutdownAllConnectionPools()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // best effort, as is leaving
    }
    system.terminate();
    try {
      system
          .getWhenTerminated()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // leaving is best effort: the registry node downs a member that vanished anyway
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(10));
  }
}
