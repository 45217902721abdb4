package jewel.node.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jewel.api.ApiToken;
import jewel.api.BlockId;
import jewel.api.ByteRange;
import jewel.api.DefaultSchemes;
import jewel.api.FileEntry;
import jewel.api.FileHealth;
import jewel.api.FileName;
import jewel.api.FileStatus;
import jewel.api.JewelClient;
import jewel.api.JewelException;
import jewel.api.NewS3Key;
import jewel.api.NewToken;
import jewel.api.NodeStatus;
import jewel.api.PartFiles;
import jewel.api.PeerContents;
import jewel.api.PeerId;
import jewel.api.PeerSettings;
import jewel.api.Pin;
import jewel.api.PinTable;
import jewel.api.PinView;
import jewel.api.Progress;
import jewel.api.RepairReport;
import jewel.api.RetuneReport;
import jewel.api.S3AccessKeys;
import jewel.api.S3KeyInfo;
import jewel.api.SchemeInfo;
import jewel.api.SchemeSpec;
import jewel.api.StoreResult;
import jewel.api.StoredBlock;
import jewel.api.TokenInfo;
import jewel.api.UploadParts;
import jewel.api.VerifyReport;
import jewel.node.JewelNode;
import jewel.node.NodeSettings;
import jewel.node.PeerDirectory;
import jewel.node.PeerDirectory.LivePeer;
import jewel.node.RegistryAsk;
import jewel.node.RegistryPages;
import jewel.node.maintenance.RepairSettings;
import jewel.node.pins.PlanView;
import jewel.node.store.BlockStore;
import jewel.protocol.ByteSource;
import jewel.protocol.NodeCommand;
import jewel.protocol.PeerCommand;
import jewel.protocol.PeerHistory;
import jewel.protocol.PeerReply;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryReply;
import jewel.protocol.data.DataRequest;
import jewel.schemes.StorageScheme;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.IOResult;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Everything a client can ask of the cluster, done by this node: the HTTP API's routes call it, and
 * the shell (a client member of the cluster) uses it directly, so its stores and gets run the
 * scheme in the shell's own JVM and go straight to the holders. Stores and gets stream ({@link
 * #store(FileTransfers.StoreRequest, Source)}, {@link #read}); the blocking {@link JewelClient}
 * methods are for the shell and the API's control routes.
 */
public final class Gateway implements JewelClient {
  /** How long a paged listing may take in all; each page has the ask timeout to come. */
  private static final Duration LISTING_TIMEOUT = Duration.ofMinutes(10);

  private final JewelNode node;
  private final FileTransfers transfers;
  private final FileRepairs repairs;
  private final Duration askTimeout;
  private final Duration perMib;
  private final Materializer materializer;

  public Gateway(JewelNode node, NodeMetrics metrics) {
    this.node = node;
    var config = node.system().settings().config();
    this.askTimeout = config.getDuration("jewel.client.base-timeout");
    this.perMib = config.getDuration("jewel.client.per-mib-timeout");
    this.transfers =
        new FileTransfers(
            node.system(), node.registry(), node.schemes(), node.dataClient(), askTimeout, metrics);
    this.repairs =
        new FileRepairs(
            node.system(),
            transfers,
            node.registry(),
            node.schemes(),
            node.dataClient(),
            askTimeout,
            perMib,
            RepairSettings.from(config));
    this.materializer = Materializer.matFromSystem(node.system());
  }

  /** check, verify and repair, asynchronously (the registry node's repair queue uses them). */
  public FileRepairs repairs() {
    return repairs;
  }

  public JewelNode node() {
    return node;
  }

  // ------------------------------------------------------------------ streaming: the API's and the
  // shell's

  /**
   * Stores {@code content} (exactly {@code request.size()} bytes); see {@link FileTransfers#store}.
   */
  public CompletionStage<StoreResult> store(
      FileTransfers.StoreRequest request, Source<ByteString, ?> content) {
    if (request.scheme() != null) {
      validate(request.scheme());
    }
    return transfers
        .store(request, content)
        .thenApply(
            result -> {
              if (request.pin() != null) {
                rescanAll();
              }
              return result;
            });
  }

  /** A file's bytes, or a range of them; see {@link FileTransfers#read}. */
  public CompletionStage<FileTransfers.Download> read(FileName name, ByteRange range) {
    return transfers.read(name, range);
  }

  /** The file's entry (for {@code HEAD}), without reading it. */
  public CompletionStage<FileEntry> lookupAsync(FileName name) {
    return transfers.lookup(name);
  }

  // ------------------------------------------------------------------ JewelClient

  @Override
  public List<NodeStatus> peers() {
    Map<PeerId, LivePeer> live = livePeers();
    Map<String, PeerSettings> settings = peerSettings();
    Map<String, NodeCommand.Description> described = describeNodes();
    RegistryReply.PeerStates states = askRegistry(RegistryCommand.GetPeerStates::new);
    long now = System.currentTimeMillis();
    Map<String, Double> availability = states.availability(now);
    Map<String, String> namesByAddress = new HashMap<>();
    described.values().forEach(d -> namesByAddress.put(d.address(), d.name()));
    org.apache.pekko.cluster.Cluster classic =
        org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(node.system()));
    Set<Member> unreachable = classic.state().getUnreachable();
    List<NodeStatus> out = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    for (Member m : classic.state().getMembers()) {
      String address = m.address().getHost().orElse("?") + ":" + m.address().getPort().orElse(0);
      boolean client = m.hasRole(NodeSettings.CLIENT);
      String name =
          namesByAddress.getOrDefault(address, (client ? "client" : "node") + "@" + address);
      if (client && m.address().equals(classic.selfAddress())) {
        name = "client (this shell)";
      }
      seen.add(name);
      String status =
          unreachable.contains(m)
              ? "unreachable"
              : m.status().toString().toLowerCase(Locale.ROOT).replace("weaklyup", "up");
      LivePeer p = live.get(peerIdOrNone(name));
      NodeCommand.Description d = described.get(name);
      out.add(
          new NodeStatus(
              name,
              address,
              m.getRoles().stream().filter(r -> !r.startsWith("dc-")).sorted().toList(),
              status,
              p == null ? -1 : p.blocks(),
              p == null ? -1 : p.bytes(),
              settings.getOrDefault(name, PeerSettings.DEFAULT).greylisted(),
              p != null && p.overQuota(),
              d == null ? null : d.api(),
              d == null ? null : d.s3(),
              d == null ? -1 : d.bytesReceived(),
              d == null ? -1 : d.bytesSent(),
              availability.get(name),
              observedMillis(states, name, now)));
    }
    // Nodes of this home that are not members now (stopped or killed): their folders say they
    // exist.
    for (Map.Entry<String, String> e : knownNodes().entrySet()) {
      if (!seen.contains(e.getKey())) {
        out.add(
            new NodeStatus(
                e.getKey(),
                e.getValue(),
                List.of(),
                "down",
                -1,
                -1,
                settings.getOrDefault(e.getKey(), PeerSettings.DEFAULT).greylisted(),
                false,
                null,
                null,
                -1,
                -1,
                availability.get(e.getKey()),
                observedMillis(states, e.getKey(), now)));
      }
    }
    out.sort(Comparator.comparing(NodeStatus::name, Gateway::byNodeName));
    return out;
  }

  private static long observedMillis(RegistryReply.PeerStates states, String name, long now) {
    PeerHistory h = states.histories().get(name);
    return h == null ? 0 : h.observedMillis(now, states.windowMillis());
  }

  /** Every reachable node's own description, by name. */
  private Map<String, NodeCommand.Description> describeNodes() {
    Receptionist.Listing listing =
        await(
            AskPattern.ask(
                node.system().receptionist(),
                (ActorRef<Receptionist.Listing> r) -> Receptionist.find(NodeCommand.SERVICE_KEY, r),
                askTimeout,
                node.system().scheduler()),
            askTimeout,
            "the receptionist");
    Map<String, NodeCommand.Description> out = new TreeMap<>();
    List<CompletionStage<NodeCommand.Description>> asks =
        listing.getServiceInstances(NodeCommand.SERVICE_KEY).stream()
            .map(
                ref ->
                    AskPattern.<NodeCommand, NodeCommand.Description>ask(
                            ref,
                            NodeCommand.Describe::new,
                            PeerDirectory.ANSWER_TIMEOUT,
                            node.system().scheduler())
                        .exceptionally(e -> null))
            .toList();
    for (CompletionStage<NodeCommand.Description> a : asks) {
      NodeCommand.Description d = a.toCompletableFuture().join();
      if (d != null) {
        out.put(d.name(), d);
      }
    }
    return out;
  }

  /** Node folders of this node's home with a {@code port} file: name → {@code 127.0.0.1:port}. */
  private Map<String, String> knownNodes() {
    Map<String, String> nodes = new TreeMap<>();
    Path home = node.settings().home();
    if (!Files.isDirectory(home)) {
      return nodes;
    }
    try (Stream<Path> dirs = Files.list(home)) {
      for (Path d : dirs.toList()) {
        Path port = d.resolve("port");
        if (Files.isRegularFile(port)) {
          try {
            nodes.put(
                d.getFileName().toString(),
                "127.0.0.1:" + Integer.parseInt(Files.readString(port).trim()));
          } catch (IOException | NumberFormatException e) {
            // a folder without a readable port file is not a node of ours
          }
        }
      }
    } catch (IOException e) {
      // no listing: only members are shown
    }
    return nodes;
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

  @Override
  public PeerContents dir(PeerId peer) {
    List<PeerContents.LocalFile> files = new ArrayList<>();
    List<PeerContents.HeldBlock> blocks = new ArrayList<>();
    BlockId after = null;
    do {
      BlockId from = after;
      PeerReply.Contents page = askPeer(peer, r -> new PeerCommand.ListContents(from, r));
      files.addAll(page.files());
      blocks.addAll(page.blocks());
      after = page.next();
    } while (after != null);
    return new PeerContents(peer, files, blocks);
  }

  /** Stores a local file of this node's machine (the shell's), reading it once. */
  @Override
  public StoreResult store(
      Path localFile,
      FileName name,
      SchemeSpec scheme,
      boolean replace,
      Pin pin,
      Progress progress) {
    long size;
    BlockId contentId = null;
    try {
      size = Files.size(localFile);
      // A pinned whole file can go straight to the peers the formula picks if its id is known
      // first.
      if (pin != null) {
        contentId = BlockStore.idOf(localFile);
      }
    } catch (IOException e) {
      throw new JewelException("cannot read " + localFile + ": " + e.getMessage());
    }
    Source<ByteString, ?> content = FileIO.fromPath(localFile).via(Progressing.of(progress, size));
    return await(
        store(
            new FileTransfers.StoreRequest(name, size, scheme, replace, pin, contentId, null),
            content),
        transferTimeout(size),
        "the store of '" + name + "'");
  }

  @Override
  public StoreResult storeFrom(
      PeerId peer, String fileName, FileName name, SchemeSpec scheme, boolean replace, Pin pin) {
    return await(
        storeFromAsync(peer, fileName, name, scheme, replace, pin),
        askTimeout.multipliedBy(10),
        "the store of '" + name + "'");
  }

  /** Stores a file of {@code peer}'s {@code disk/files/}, read from its data channel. */
  public CompletionStage<StoreResult> storeFromAsync(
      PeerId peer, String fileName, FileName name, SchemeSpec scheme, boolean replace, Pin pin) {
    PeerReply.FileOffered offered =
        askPeerWithStatus(peer, r -> new PeerCommand.OfferFile(fileName, r));
    ByteSource source = offered.source();
    SchemeSpec chosen = scheme != null ? scheme : settings().peerDefaults().get(peer.name());
    Source<ByteString, ?> content =
        node.dataClient().get(source.address(), DataRequest.getFile(source.token()));
    return store(
        new FileTransfers.StoreRequest(name, source.size(), chosen, replace, pin, null, null),
        content);
  }

  /**
   * Reads a file (or a range) into a local file of this node's machine: into a temporary file
   * beside it, moved into place only when complete. A read that met a corrupt copy is read once
   * more: this node skips that copy from then on.
   */
  @Override
  public FileEntry get(FileName name, Path out, ByteRange range, Progress progress) {
    try {
      return getOnce(name, out, range, progress);
    } catch (JewelException first) {
      if (first.getMessage() == null || !first.getMessage().contains("corrupt")) {
        throw first;
      }
      return getOnce(name, out, range, progress);
    }
  }

  private FileEntry getOnce(FileName name, Path out, ByteRange range, Progress progress) {
    FileTransfers.Download download =
        await(read(name, range), askTimeout, "the registry (is the seed up?)");
    Path partial = PartFiles.beside(out);
    try {
      IOResult written =
          await(
              download
                  .bytes()
                  .via(Progressing.of(progress, download.length()))
                  .toMat(
                      FileIO.toPath(
                          partial,
                          Set.of(
                              StandardOpenOption.CREATE,
                              StandardOpenOption.WRITE,
                              StandardOpenOption.TRUNCATE_EXISTING)),
                      Keep.right())
                  .run(materializer),
              transferTimeout(download.length()),
              "the get of '" + name + "'");
      if (written.getCount() != download.length()) {
        throw new JewelException(
            "the get of '"
                + name
                + "' wrote "
                + written.getCount()
                + " of "
                + download.length()
                + " bytes",
            JewelException.Kind.UNAVAILABLE);
      }
      try (var channel = java.nio.channels.FileChannel.open(partial, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return download.entry();
    } catch (IOException e) {
      throw new JewelException("cannot write " + out + ": " + e.getMessage());
    } finally {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException e) {
        // nothing more to do: the partial file is hidden and named as such
      }
    }
  }

  @Override
  public FileEntry getTo(FileName name, PeerId peer, boolean force) {
    return await(
        getToAsync(name, peer, force), askTimeout.multipliedBy(10), "the get of '" + name + "'");
  }

  /**
   * Reads a file into {@code peer}'s {@code disk/files/}, over its data channel; the peer refuses
   * to replace a file already there unless {@code force}, before any byte is read.
   */
  public CompletionStage<FileEntry> getToAsync(FileName name, PeerId peer, boolean force) {
    PeerReply.FileAccepted accepted =
        askPeer(
                peer,
                (ActorRef<PeerReply.AcceptReply> r) ->
                    new PeerCommand.AcceptFile(name.value(), force, r))
            .accepted();
    var sink = accepted.sink();
    return read(name, null)
        .thenCompose(
            download ->
                download
                    .bytes()
                    .runWith(
                        node.dataClient()
                            .put(
                                sink.address(),
                                DataRequest.putFile(sink.token(), download.entry().size())),
                        materializer)
                    .thenApply(ignored -> download.entry()));
  }

  @Override
  public FileEntry delete(FileName name) {
    return await(
        deleteAsync(name), askTimeout.multipliedBy(2), "the coordinator of '" + name + "'");
  }

  public CompletionStage<FileEntry> deleteAsync(FileName name) {
    return node.coordinator(name)
        .<jewel.protocol.OperationReply.DeleteReply>ask(
            r -> new jewel.protocol.CoordinatorCommand.Delete(name, r), askTimeout)
        .thenApply(reply -> reply.removed().entry());
  }

  @Override
  public List<FileEntry> ls(String prefix) {
    return await(
            RegistryPages.files(
                node.registry(), prefix.isEmpty() ? null : prefix, askTimeout, node.system()),
            LISTING_TIMEOUT,
            "the registry (is the seed up?)")
        .stream()
        .filter(e -> UploadParts.listed(e.name(), prefix))
        .toList();
  }

  @Override
  public List<FileHealth> check(FileName name) {
    if (name != null) {
      return List.of(await(repairs.check(name), LISTING_TIMEOUT, "the registry (is the seed up?)"));
    }
    return check(ls());
  }

  /** The health of each of {@code files}. */
  public List<FileHealth> check(List<FileEntry> files) {
    return await(repairs.check(files), LISTING_TIMEOUT, "the registry (is the seed up?)");
  }

  @Override
  public VerifyReport verify(FileName name) {
    FileEntry entry = lookup(name);
    return await(
        repairs.verify(name), transferTimeout(entry.storedBytes()), "the verify of " + name);
  }

  @Override
  public RepairReport repair(FileName name) {
    FileEntry entry = lookup(name);
    return await(
        repairs.repair(name, Duration.ZERO),
        transferTimeout(entry.size() + entry.storedBytes()),
        "the repair of " + name);
  }

  @Override
  public RetuneReport retune(FileName name, int n, Progress progress) {
    FileEntry entry = lookup(name);
    return await(
        repairs.retune(name, n, progress),
        transferTimeout(entry.size() + entry.storedBytes()),
        "the retune of " + name);
  }

  /**
   * One page of the index, by name, after {@code after} (null: from the start), of the names that
   * start with {@code prefix} (null: all).
   */
  public RegistryReply.Listing filesPage(String prefix, FileName after) {
    return await(filesPageAsync(prefix, after), askTimeout, "the registry (is the seed up?)");
  }

  public CompletionStage<RegistryReply.Listing> filesPageAsync(String prefix, FileName after) {
    return RegistryAsk.query(
        node.registry(),
        r -> new RegistryCommand.ListFiles(after, prefix, r),
        askTimeout,
        node.system());
  }

  /**
   * Commits a multipart object from its stored parts (its entry names them), replacing any file of
   * its name; no byte moves.
   */
  public CompletionStage<FileEntry> commitComposite(FileEntry entry) {
    return transfers.commitComposite(entry);
  }

  @Override
  public FileStatus status(FileName name) {
    FileEntry found = lookup(name);
    // A composite's blocks are its parts'.
    FileEntry entry =
        found.composite()
            ? FileRepairs.withPartsBlocks(
                found,
                await(repairs.parts(found), LISTING_TIMEOUT, "the registry (is the seed up?)"))
            : found;
    Map<PeerId, LivePeer> livePeers = livePeers();
    Set<String> live =
        livePeers.keySet().stream()
            .map(PeerId::name)
            .collect(Collectors.toCollection(TreeSet::new));
    PinView pin =
        askRegistry((ActorRef<RegistryReply.Pins> r) -> new RegistryCommand.GetPin(name, r))
            .pins()
            .stream()
            .findFirst()
            .orElse(null);
    // The plan as every peer and the scan read it, so that `expected` is exactly whom they
    // expect: the formula, each peer's settings and quota, a shared block's largest fraction.
    PlanView plan =
        pin == null
            ? null
            : PlanView.of(
                await(
                    RegistryPages.pinPlan(
                        node.registry(), name, askTimeout, node.system().scheduler()),
                    LISTING_TIMEOUT,
                    "the registry (is the seed up?)"));
    List<PeerId> candidates =
        plan == null
            ? List.of()
            : livePeers.keySet().stream().filter(p -> !plan.greylisted(p)).toList();
    List<FileStatus.BlockStatus> blocks = new ArrayList<>();
    for (StoredBlock b : entry.blocks()) {
      List<String> holders = b.holders().stream().map(PeerId::name).toList();
      PlanView.Block planned = plan == null ? null : plan.block(b.id());
      long salt = planned == null ? 0 : planned.salt();
      List<String> expected =
          planned == null
              ? List.of()
              : plan.expected(planned, candidates).stream().map(PeerId::name).toList();
      blocks.add(
          new FileStatus.BlockStatus(
              b.index(),
              b.id().hex(),
              b.length(),
              holders,
              holders.stream().filter(live::contains).toList(),
              salt,
              expected));
    }
    return new FileStatus(entry, live, pin, blocks);
  }

  @Override
  public DefaultSchemes settings() {
    return defaults(askRegistry(RegistryCommand.GetSettings::new));
  }

  @Override
  public DefaultSchemes setDefaultScheme(PeerId peer, SchemeSpec scheme) {
    SchemeSpec normalized = validate(scheme);
    if (peer != null && !livePeers().containsKey(peer)) {
      throw new JewelException(
          "unknown or dead peer '" + peer + "' (try: peers)", JewelException.Kind.NOT_FOUND);
    }
    return defaults(
        askRegistry(
            r -> new RegistryCommand.SetDefaultScheme(peer, normalized, r),
            JewelException.Kind.BAD_INPUT));
  }

  @Override
  public List<SchemeInfo> schemes() {
    List<SchemeInfo> out = new ArrayList<>();
    for (StorageScheme s : node.schemes().all()) {
      out.add(s.info());
    }
    return out;
  }

  @Override
  public PinTable setPin(FileName name, Pin pin) {
    RegistryReply.Pins reply =
        askRegistry(r -> new RegistryCommand.SetPin(name, pin, r), JewelException.Kind.NOT_FOUND);
    rescanAll();
    return pinTable(reply);
  }

  @Override
  public PinTable pins() {
    return pinTable(
        await(
            RegistryPages.pins(node.registry(), askTimeout, node.system().scheduler()),
            LISTING_TIMEOUT,
            "the registry (is the seed up?)"));
  }

  @Override
  public PinTable setDefaultPin(double fraction) {
    RegistryReply.Pins reply =
        askRegistry(
            r -> new RegistryCommand.SetDefaultPin(fraction, r), JewelException.Kind.BAD_INPUT);
    rescanAll();
    return pinTable(reply);
  }

  @Override
  public Map<String, PeerSettings> peerSettings() {
    return askRegistry(RegistryCommand.GetPeerSettings::new).peers();
  }

  @Override
  public Map<String, PeerSettings> updatePeer(PeerId peer, UnaryOperator<PeerSettings> change) {
    if (!knownNodes().containsKey(peer.name()) && !livePeers().containsKey(peer)) {
      throw new JewelException(
          "unknown peer '" + peer + "' (try: peers)", JewelException.Kind.NOT_FOUND);
    }
    PeerSettings changed;
    try {
      changed = change.apply(peerSettings().getOrDefault(peer.name(), PeerSettings.DEFAULT));
    } catch (IllegalArgumentException e) {
      throw new JewelException(e.getMessage());
    }
    RegistryReply.PeerTable table =
        askRegistry(
            r -> new RegistryCommand.SetPeerSettings(peer, changed, r),
            JewelException.Kind.BAD_INPUT);
    rescanAll();
    return table.peers();
  }

  /**
   * The shell's gateway closes its client node with it; a node's own gateway lives as long as the
   * node.
   */
  @Override
  public void close() {
    if (node.settings().hasRole(NodeSettings.CLIENT)) {
      node.close();
    }
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

  private SchemeSpec validate(SchemeSpec scheme) {
    try {
      return node.schemes().normalize(scheme);
    } catch (IllegalArgumentException e) {
      throw new JewelException(e.getMessage());
    }
  }

  private FileEntry lookup(FileName name) {
    return await(transfers.lookup(name), askTimeout, "the registry (is the seed up?)");
  }

  /**
   * Waits longer than {@link PeerDirectory#live} can take (the Receptionist settling, its answer,
   * then each peer's description, each up to {@link PeerDirectory#ANSWER_TIMEOUT}), so that a peer
   * that does not describe itself, such as a downed incarnation still listed, is left out rather
   * than failing the whole answer.
   */
  private Map<PeerId, LivePeer> livePeers() {
    return await(
        PeerDirectory.live(node.system()),
        PeerDirectory.ANSWER_TIMEOUT.multipliedBy(4),
        "the peers");
  }

  private <R> R askPeer(
      PeerId peer, org.apache.pekko.japi.function.Function<ActorRef<R>, PeerCommand> message) {
    LivePeer p = livePeers().get(peer);
    if (p == null) {
      throw new JewelException(
          "unknown or dead peer '" + peer + "' (try: peers)", JewelException.Kind.NOT_FOUND);
    }
    return await(
        AskPattern.ask(p.ref(), message, askTimeout, node.system().scheduler()),
        askTimeout,
        peer.name());
  }

  /**
   * Asks a command the peer may refuse; a refusal is a {@link JewelException} with the peer's
   * reason.
   */
  private <R> R askPeerWithStatus(
      PeerId peer,
      org.apache.pekko.japi.function.Function<ActorRef<StatusReply<R>>, PeerCommand> message) {
    StatusReply<R> reply = askPeer(peer, message);
    if (reply.isError()) {
      throw new JewelException(reply.getError().getMessage(), JewelException.Kind.BAD_INPUT);
    }
    return reply.getValue();
  }

  /** Asks a command that only reads (so it may be asked again: {@link RegistryAsk#query}). */
  private <R> R askRegistry(
      org.apache.pekko.japi.function.Function<ActorRef<R>, RegistryCommand> message) {
    return await(
        RegistryAsk.query(node.registry(), message, askTimeout, node.system()),
        askTimeout,
        "the registry (is the seed up?)");
  }

  /**
   * Asks a command the registry may refuse; a refusal is a {@link JewelException} of kind {@code
   * refused}.
   */
  private <R> R askRegistry(
      org.apache.pekko.japi.function.Function<ActorRef<StatusReply<R>>, RegistryCommand> message,
      JewelException.Kind refused) {
    return await(
        RegistryAsk.askWithStatus(node.registry(), message, refused, askTimeout, node.system()),
        askTimeout,
        "the registry (is the seed up?)");
  }

  // ------------------------------------------------------------------ API tokens

  /**
   * Makes a token: its secret here, of which the registry keeps only the hash and gives the id; the
   * secret leaves this node only in the answer.
   */
  @Override
  public NewToken createToken(boolean readOnly, Long expiresInSeconds, String label) {
    long now = System.currentTimeMillis();
    Long expires = expiresAt(now, expiresInSeconds, "a token");
    String secret = ApiToken.newSecret();
    TokenInfo info =
        askRegistry(
                (ActorRef<StatusReply<RegistryReply.Token>> r) ->
                    new RegistryCommand.CreateToken(
                        ApiToken.hash(secret), readOnly, label, now, expires, r),
                JewelException.Kind.BAD_INPUT)
            .token();
    return new NewToken(info, new ApiToken(info.id(), secret).toString());
  }

  /** The longest a token or an S3 key may live: 100 years, in seconds. */
  private static final long MAX_TOKEN_SECONDS = 100L * 366 * 24 * 3600;

  /** When {@code what}, made at {@code now}, expires after {@code seconds} (null: never). */
  private static Long expiresAt(long now, Long seconds, String what) {
    if (seconds == null) {
      return null;
    }
    if (seconds < 1 || seconds > MAX_TOKEN_SECONDS) {
      throw new JewelException(what + " expires after 1 s to 100 years, not " + seconds + " s");
    }
    return now + seconds * 1000;
  }

  @Override
  public List<TokenInfo> tokens() {
    return await(
        RegistryPages.tokens(node.registry(), askTimeout, node.system().scheduler()),
        LISTING_TIMEOUT,
        "the registry (is the seed up?)");
  }

  @Override
  public TokenInfo revokeToken(String id) {
    if (ApiToken.ADMIN_ID.equals(id)) {
      throw new JewelException(
          "the admin token is not in the registry: to replace it, stop the cluster (down),"
              + " delete HOME/admin-token and start it again (up)");
    }
    RegistryReply.TokenFound found =
        askRegistry(
            (ActorRef<RegistryReply.TokenFound> r) -> new RegistryCommand.LookupToken(id, r));
    if (found.token() == null) {
      throw new JewelException(
          "unknown token id '" + id + "' (try: token ls)", JewelException.Kind.NOT_FOUND);
    }
    // Refused now only if it was revoked meanwhile: a conflict.
    return askRegistry(
            (ActorRef<StatusReply<RegistryReply.Token>> r) ->
                new RegistryCommand.RevokeToken(id, System.currentTimeMillis(), r),
            JewelException.Kind.CONFLICT)
        .token();
  }

  // ------------------------------------------------------------------ S3 access keys

  /**
   * Makes an S3 access key, both halves here; the registry keeps them (Signature Version 4 needs
   * the secret), and the secret leaves the registry only in this answer and to gateways checking
   * signatures.
   */
  @Override
  public NewS3Key createS3Key(boolean readOnly, Long expiresInSeconds, String label) {
    long now = System.currentTimeMillis();
    Long expires = expiresAt(now, expiresInSeconds, "an S3 key");
    String accessKey = S3AccessKeys.newAccessKey();
    String secretKey = S3AccessKeys.newSecretKey();
    S3KeyInfo info =
        askRegistry(
                (ActorRef<StatusReply<RegistryReply.S3Key>> r) ->
                    new RegistryCommand.CreateS3Key(
                        accessKey, secretKey, readOnly, label, now, expires, r),
                JewelException.Kind.BAD_INPUT)
            .key();
    return new NewS3Key(info, secretKey);
  }

  @Override
  public List<S3KeyInfo> s3Keys() {
    return await(
        RegistryPages.s3Keys(node.registry(), askTimeout, node.system().scheduler()),
        LISTING_TIMEOUT,
        "the registry (is the seed up?)");
  }

  @Override
  public S3KeyInfo revokeS3Key(String accessKey) {
    RegistryReply.S3KeyFound found =
        askRegistry(
            (ActorRef<RegistryReply.S3KeyFound> r) ->
                new RegistryCommand.LookupS3Key(accessKey, r));
    if (found.key() == null) {
      throw new JewelException(
          "unknown S3 access key '" + accessKey + "' (try: s3 key ls)",
          JewelException.Kind.NOT_FOUND);
    }
    // Refused now only if it was revoked meanwhile: a conflict.
    S3KeyInfo revoked =
        askRegistry(
                (ActorRef<StatusReply<RegistryReply.S3Key>> r) ->
                    new RegistryCommand.RevokeS3Key(accessKey, System.currentTimeMillis(), r),
                JewelException.Kind.CONFLICT)
            .key();
    node.s3Credentials().ifPresent(c -> c.forget(accessKey));
    return revoked;
  }

  /** Time for a transfer: the base timeout plus some per MiB moved. */
  private Duration transferTimeout(long bytes) {
    return askTimeout.plus(perMib.multipliedBy(bytes >> 20));
  }

  private static <T> T await(CompletionStage<T> stage, Duration timeout, String what) {
    try {
      return stage.toCompletableFuture().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new JewelException(
          what + " did not answer within " + timeout.toSeconds() + " s",
          JewelException.Kind.UNAVAILABLE);
    } catch (ExecutionException e) {
      Throwable cause = RegistryAsk.unwrap(e.getCause());
      if (cause instanceof JewelException j) {
        throw j;
      }
      if (cause instanceof java.util.concurrent.TimeoutException
          || cause instanceof org.apache.pekko.pattern.AskTimeoutException) {
        throw new JewelException(
            what + " did not answer within " + timeout.toSeconds() + " s",
            JewelException.Kind.UNAVAILABLE);
      }
      throw new JewelException(RegistryAsk.oneLine(cause), JewelException.Kind.UNAVAILABLE, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JewelException("interrupted", JewelException.Kind.UNAVAILABLE);
    }
  }
}
