package jewel.node.client;

import jewel.api.PinView;

import jewel.api.PeerContents;

import jewel.api.JewelException;
import jewel.api.NodeStatus;
import jewel.api.FileStatus;
import jewel.api.SchemeInfo;
import jewel.api.StoreResult;
import jewel.api.JewelClient;
import jewel.api.ByteRange;
import jewel.api.DefaultSchemes;
import jewel.api.PinTable;
import jewel.api.Progress;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import jewel.node.JewelNode;
import jewel.node.NodeSettings;
import jewel.node.PeerDirectory.LivePeer;
import jewel.node.PeerDirectory;
import jewel.node.RegistryPages;
import jewel.node.pins.PlanView;
import jewel.node.store.BlockStore;
import jewel.node.store.LocalFiles;
import jewel.api.BlockId;
import jewel.protocol.ByteSink;
import jewel.protocol.ByteSource;
import jewel.protocol.CoordinatorCommand;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.protocol.OperationReply;
import jewel.protocol.PeerCommand;
import jewel.api.PeerId;
import jewel.protocol.PeerReply;
import jewel.api.PeerSettings;
import jewel.api.Pin;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryReply;
import jewel.api.SchemeSpec;
import jewel.api.StoredBlock;
import jewel.schemes.StorageScheme;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The shell's and the CLI's way into a running cluster: a node with role {@code client}
 * that holds no data, offers local files to coordinators on its data channel, and leaves
 * when closed.
 */
public final class ClusterClient implements JewelClient {
  private final JewelNode node;
  private final Path home;
  private final Duration baseTimeout;
  /**
   * How long a paged listing may take in all. Each page has {@code baseTimeout} to come, so a
   * registry that is away fails fast; a big registry just takes more pages.
   */
  private static final Duration LISTING_TIMEOUT = Duration.ofMinutes(10);
  private final Duration perMib;

  private ClusterClient(JewelNode node, Path home, Config config) {
    this.node = node;
    this.home = home;
    this.baseTimeout = config.getDuration("jewel.client.base-timeout");
    this.perMib = config.getDuration("jewel.client.per-mib-timeout");
  }

  /** Joins the cluster of this home as a client node; fails with a clear line if it is not running. */
  public static JewelClient connect(Path home, int seedPort) {
    Path absHome = home.toAbsolutePath().normalize();
    if (!listening(seedPort)) {
      throw new JewelException("no cluster is running at " + absHome + " (port " + seedPort + "): start one with ./jewel up");
    }
    Config base = ConfigFactory.load();
    NodeSettings settings = new NodeSettings(new PeerId("client-" + ProcessHandle.current().pid()),
        List.of(NodeSettings.CLIENT), "127.0.0.1", 0, 0, List.of("127.0.0.1:" + seedPort), absHome);
    JewelNode node;
    try {
      node = JewelNode.start(settings, base);
    } catch (Exception e) {
      throw new JewelException("could not start a client node: " + e.getMessage(), e);
    }
    Duration joinTimeout = base.getDuration("jewel.client.join-timeout");
    Instant deadline = Instant.now().plus(joinTimeout);
    Cluster cluster = Cluster.get(node.system());
    while (!joined(cluster.selfMember().status())) {
      if (Instant.now().isAfter(deadline)) {
        node.close();
        throw new JewelException("could not join the cluster at port " + seedPort + " within " + joinTimeout.toSeconds()
            + " s: is the seed up? (see " + absHome.resolve("seed").resolve("node.log") + ")");
      }
      sleep(50);
    }
    return new ClusterClient(node, absHome, base);
  }

  /** A client over a node already started and joined (tests run several nodes in one JVM). */
  public static JewelClient over(JewelNode node) {
    return new ClusterClient(node, node.settings().home(), node.system().settings().config());
  }

  private static boolean joined(MemberStatus s) {
    return s == MemberStatus.up() || s == MemberStatus.weaklyUp();
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public List<NodeStatus> peers() {
    Map<PeerId, LivePeer> live = livePeers();
    Map<String, PeerSettings> settings = peerSettings();
    Map<Integer, String> names = namesByPort();
    org.apache.pekko.cluster.Cluster classic = org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(node.system()));
    Set<Member> unreachable = classic.state().getUnreachable();
    List<NodeStatus> out = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    for (Member m : classic.state().getMembers()) {
      int port = m.address().getPort().map(p -> (Integer) p).orElse(0);
      String name = names.getOrDefault(port, (m.hasRole(NodeSettings.CLIENT) ? "client" : "node") + "@" + port);
      if (m.hasRole(NodeSettings.CLIENT) && m.address().equals(classic.selfAddress())) {
        name = "client (this shell)";
      }
      seen.add(name);
      String status = unreachable.contains(m) ? "unreachable" : m.status().toString().toLowerCase().replace("weaklyup", "up");
      LivePeer p = live.get(peerIdOrNone(name));
      out.add(new NodeStatus(name, m.address().getHost().orElse("?") + ":" + port, List.copyOf(new TreeSet<>(m.getRoles())).stream()
          .filter(r -> !r.startsWith("dc-")).toList(), status, p == null ? -1 : p.blocks(), p == null ? -1 : p.bytes(),
          settings.getOrDefault(name, PeerSettings.DEFAULT).greylisted(), p != null && p.overQuota(), null, -1, -1));
    }
    for (Map.Entry<Integer, String> e : names.entrySet()) {
      if (!seen.contains(e.getValue())) {
        out.add(new NodeStatus(e.getValue(), "127.0.0.1:" + e.getKey(), List.of(), "down", -1, -1,
            settings.getOrDefault(e.getValue(), PeerSettings.DEFAULT).greylisted(), false, null, -1, -1));
      }
    }
    out.sort(Comparator.comparing(NodeStatus::name, ClusterClient::byNodeName));
    return out;
  }

  private static int byNodeName(String a, String b) {
    boolean pa = a.matches("[a-z0-9][a-z0-9_-]*"), pb = b.matches("[a-z0-9][a-z0-9_-]*");
    return pa && pb ? new PeerId(a).compareTo(new PeerId(b)) : a.compareTo(b);
  }

  private static PeerId peerIdOrNone(String name) {
    try {
      return new PeerId(name);
    } catch (IllegalArgumentException e) {
      return new PeerId("none");
    }
  }

  /** Node names by cluster port, from the launcher's files in the home folder. */
  private Map<Integer, String> namesByPort() {
    Map<Integer, String> names = new HashMap<>();
    for (String n : new ProcessLauncher(home, 0).knownNodes()) {
      try {
        names.put(Integer.parseInt(Files.readString(home.resolve(n).resolve("port")).trim()), n);
      } catch (IOException | NumberFormatException e) {
        // a node folder without a readable port file is not ours to name
      }
    }
    return names;
  }

  @Override
  public PeerContents dir(PeerId peer) {
    List<PeerContents.LocalFile> files = new ArrayList<>();
    List<PeerContents.HeldBlock> blocks = new ArrayList<>();
    BlockId after = null;
    do {
      BlockId from = after;
      PeerReply.Contents page = (PeerReply.Contents) askPeer(peer, r -> new PeerCommand.ListContents(from, r));
      files.addAll(page.files());
      blocks.addAll(page.blocks());
      after = page.next();
    } while (after != null);
    return new PeerContents(peer, files, blocks);
  }

  @Override
  public StoreResult store(Path localFile, FileName name, SchemeSpec scheme, boolean replace, Pin pin, Progress progress) {
    LocalFiles.Offer offer;
    try {
      offer = node.localFiles().offerPath(localFile);
    } catch (IOException e) {
      throw new JewelException("cannot read " + localFile + ": " + e.getMessage());
    }
    ByteSource source = new ByteSource(node.dataAddress(), offer.token(), offer.size());
    // A pinned whole file can go straight to the peers the formula picks if its id is known first.
    BlockId contentId = null;
    if (pin != null) {
      try {
        contentId = BlockStore.idOf(localFile);
      } catch (IOException e) {
        throw new JewelException("cannot read " + localFile + ": " + e.getMessage());
      }
    }
    return storeFrom(source, name, scheme, replace, pin, contentId);
  }

  @Override
  public StoreResult storeFrom(PeerId peer, String fileName, FileName name, SchemeSpec scheme, boolean replace, Pin pin) {
    PeerReply reply = askPeer(peer, r -> new PeerCommand.OfferFile(fileName, r));
    if (reply instanceof PeerReply.FileOffered offered) {
      SchemeSpec chosen = scheme != null ? scheme : settings().peerDefaults().get(peer.name());
      return storeFrom(offered.source(), name, chosen, replace, pin, null);
    }
    throw new JewelException(((PeerReply.PeerRefused) reply).reason());
  }

  private StoreResult storeFrom(
      ByteSource source, FileName name, SchemeSpec scheme, boolean replace, Pin pin, BlockId contentId) {
    if (scheme != null) {
      validate(scheme);
    }
    OperationReply reply = operate(name, source.size(),
        r -> new CoordinatorCommand.Store(name, source, scheme, replace, pin, contentId, r));
    OperationReply.Stored stored = (OperationReply.Stored) reply;
    if (pin != null) {
      rescanAll();
    }
    return new StoreResult(stored.entry(), stored.redundancy(), stored.survives(), stored.minPeersUp());
  }

  @Override
  public FileEntry get(FileName name, Path out, ByteRange range, Progress progress) {
    String token;
    try {
      token = node.localFiles().acceptPath(out);
    } catch (IOException e) {
      throw new JewelException("cannot write " + out + ": " + e.getMessage());
    }
    long size = lookup(name).size();
    return ((OperationReply.Fetched) operate(name, size,
        r -> new CoordinatorCommand.Get(name, new ByteSink(node.dataAddress(), token), r))).entry();
  }

  @Override
  public FileEntry getTo(FileName name, PeerId peer) {
    long size = lookup(name).size();
    PeerReply reply = askPeer(peer, r -> new PeerCommand.AcceptFile(name.value(), r));
    if (reply instanceof PeerReply.FileAccepted accepted) {
      return ((OperationReply.Fetched) operate(name, size, r -> new CoordinatorCommand.Get(name, accepted.sink(), r))).entry();
    }
    throw new JewelException(((PeerReply.PeerRefused) reply).reason());
  }

  @Override
  public FileEntry delete(FileName name) {
    return ((OperationReply.Removed) operate(name, 0, r -> new CoordinatorCommand.Delete(name, r))).entry();
  }

  @Override
  public List<FileEntry> ls() {
    return await(RegistryPages.files(node.registry(), baseTimeout, node.system().scheduler()),
        LISTING_TIMEOUT, "the registry (is the seed up?)");
  }

  @Override
  public FileStatus status(FileName name) {
    FileEntry entry = lookup(name);
    Map<PeerId, LivePeer> livePeers = livePeers();
    Set<String> live = livePeers.keySet().stream().map(PeerId::name).collect(Collectors.toCollection(TreeSet::new));
    PinView pin = ((RegistryReply.Pins) askRegistry(r -> new RegistryCommand.GetPin(name, r))).pins()
        .stream().findFirst().orElse(null);
    // The plan as every peer and the scan read it, so that `expected` is exactly whom they
    // expect: the formula, each peer's settings and quota, a shared block's largest fraction.
    PlanView plan = pin == null ? null : PlanView.of(await(
        RegistryPages.pinPlan(node.registry(), name, baseTimeout, node.system().scheduler()),
        LISTING_TIMEOUT, "the registry (is the seed up?)"));
    List<PeerId> candidates = plan == null ? List.of()
        : livePeers.keySet().stream().filter(p -> !plan.greylisted(p)).toList();
    List<FileStatus.BlockStatus> blocks = new ArrayList<>();
    for (StoredBlock b : entry.blocks()) {
      List<String> holders = b.holders().stream().map(PeerId::name).toList();
      PlanView.Block planned = plan == null ? null : plan.block(b.id());
      long salt = planned == null ? 0 : planned.salt();
      List<String> expected = planned == null ? List.of()
          : plan.expected(planned, candidates).stream().map(PeerId::name).toList();
      blocks.add(new FileStatus.BlockStatus(b.index(), b.id().hex(), b.length(), holders,
          holders.stream().filter(live::contains).toList(), salt, expected));
    }
    return new FileStatus(entry, live, pin, blocks);
  }

  @Override
  public DefaultSchemes settings() {
    return defaults((RegistryReply.Settings) askRegistry(RegistryCommand.GetSettings::new));
  }

  @Override
  public DefaultSchemes setDefaultScheme(PeerId peer, SchemeSpec scheme) {
    SchemeSpec normalized = validate(scheme);
    if (peer != null && !livePeers().containsKey(peer)) {
      throw new JewelException("unknown or dead peer '" + peer + "' (try: peers)");
    }
    return defaults((RegistryReply.Settings) askRegistry(r -> new RegistryCommand.SetDefaultScheme(peer, normalized, r)));
  }

  @Override
  public List<SchemeInfo> schemes() {
    List<SchemeInfo> out = new ArrayList<>();
    for (StorageScheme s : node.schemes().all()) {
      out.add(new SchemeInfo(s.id(), s.summary(), s.parameters(), s.redundancyFormula(), s.survivesFormula()));
    }
    return out;
  }

  @Override
  public PinTable setPin(FileName name, Pin pin) {
    RegistryReply reply = askRegistry(r -> new RegistryCommand.SetPin(name, pin, r));
    if (reply instanceof RegistryReply.NotFound) {
      throw new JewelException("unknown file '" + name + "' (try: ls)");
    }
    rescanAll();
    return pinTable((RegistryReply.Pins) reply);
  }

  @Override
  public PinTable pins() {
    return pinTable(await(RegistryPages.pins(node.registry(), baseTimeout, node.system().scheduler()),
        LISTING_TIMEOUT, "the registry (is the seed up?)"));
  }

  @Override
  public PinTable setDefaultPin(double fraction) {
    RegistryReply reply = askRegistry(r -> new RegistryCommand.SetDefaultPin(fraction, r));
    if (reply instanceof RegistryReply.Rejected rejected) {
      throw new JewelException(rejected.reason());
    }
    rescanAll();
    return pinTable((RegistryReply.Pins) reply);
  }

  @Override
  public Map<String, PeerSettings> peerSettings() {
    return ((RegistryReply.PeerTable) askRegistry(RegistryCommand.GetPeerSettings::new)).peers();
  }

  @Override
  public Map<String, PeerSettings> updatePeer(PeerId peer, UnaryOperator<PeerSettings> change) {
    if (!namesByPort().containsValue(peer.name()) && !livePeers().containsKey(peer)) {
      throw new JewelException("unknown peer '" + peer + "' (try: peers)");
    }
    PeerSettings changed;
    try {
      changed = change.apply(peerSettings().getOrDefault(peer.name(), PeerSettings.DEFAULT));
    } catch (IllegalArgumentException e) {
      throw new JewelException(e.getMessage());
    }
    RegistryReply reply = askRegistry(r -> new RegistryCommand.SetPeerSettings(peer, changed, r));
    if (reply instanceof RegistryReply.Rejected rejected) {
      throw new JewelException(rejected.reason());
    }
    rescanAll();
    return ((RegistryReply.PeerTable) reply).peers();
  }

  private static DefaultSchemes defaults(RegistryReply.Settings s) {
    return new DefaultSchemes(s.clusterDefault(), s.peerDefaults());
  }

  private static PinTable pinTable(RegistryReply.Pins p) {
    return new PinTable(p.pins(), p.defaultFraction());
  }

  /** Pins or peer settings changed: every live peer recomputes its share now. */
  private void rescanAll() {
    livePeers().values().forEach(p -> p.ref().tell(new PeerCommand.Rescan()));
  }

  @Override
  public void close() {
    node.close();
  }

  private SchemeSpec validate(SchemeSpec scheme) {
    try {
      return node.schemes().normalize(scheme);
    } catch (IllegalArgumentException e) {
      throw new JewelException(e.getMessage());
    }
  }

  private FileEntry lookup(FileName name) {
    RegistryReply reply = askRegistry(r -> new RegistryCommand.Lookup(name, r));
    if (reply instanceof RegistryReply.Found found) {
      return found.entry();
    }
    throw new JewelException("unknown file '" + name + "' (try: ls)");
  }

  private Map<PeerId, LivePeer> livePeers() {
    return await(PeerDirectory.live(node.system()), Duration.ofSeconds(15), "the peers");
  }

  private PeerReply askPeer(PeerId peer, org.apache.pekko.japi.function.Function<ActorRef<PeerReply>, PeerCommand> message) {
    LivePeer p = livePeers().get(peer);
    if (p == null) {
      throw new JewelException("unknown or dead peer '" + peer + "' (try: peers)");
    }
    return await(AskPattern.ask(p.ref(), message::apply, baseTimeout, node.system().scheduler()), baseTimeout, peer.name());
  }

  private RegistryReply askRegistry(org.apache.pekko.japi.function.Function<ActorRef<RegistryReply>, RegistryCommand> message) {
    return await(AskPattern.ask(node.registry(), message::apply, baseTimeout, node.system().scheduler()), baseTimeout,
        "the registry (is the seed up?)");
  }

  /** Runs an operation on the file's coordinator, allowing time in proportion to the bytes moved. */
  private OperationReply operate(FileName name, long bytes,
      org.apache.pekko.japi.function.Function<ActorRef<OperationReply>, CoordinatorCommand> message) {
    Duration timeout = baseTimeout.plus(perMib.multipliedBy(bytes >> 20));
    OperationReply reply = await(node.coordinator(name).ask(message::apply, timeout), timeout, "the coordinator of '" + name + "'");
    if (reply instanceof OperationReply.Failed failed) {
      throw new JewelException(failed.reason());
    }
    return reply;
  }

  private static <T> T await(CompletionStage<T> stage, Duration timeout, String what) {
    try {
      return stage.toCompletableFuture().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new JewelException(what + " did not answer within " + timeout.toSeconds() + " s");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof java.util.concurrent.TimeoutException || cause instanceof org.apache.pekko.pattern.AskTimeoutException) {
        throw new JewelException(what + " did not answer within " + timeout.toSeconds() + " s");
      }
      throw new JewelException(cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JewelException("interrupted");
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
