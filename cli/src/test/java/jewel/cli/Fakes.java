package jewel.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import jewel.api.ApiToken;
import jewel.api.BlockId;
import jewel.api.BlockLayout;
import jewel.api.ByteRange;
import jewel.api.DefaultSchemes;
import jewel.api.Digests;
import jewel.api.FileEntry;
import jewel.api.FileHealth;
import jewel.api.FileName;
import jewel.api.FileStatus;
import jewel.api.JewelClient;
import jewel.api.JewelException;
import jewel.api.NewS3Key;
import jewel.api.NewToken;
import jewel.api.NodeStatus;
import jewel.api.PeerContents;
import jewel.api.PeerId;
import jewel.api.PeerSettings;
import jewel.api.Pin;
import jewel.api.PinTable;
import jewel.api.PinView;
import jewel.api.Progress;
import jewel.api.RepairReport;
import jewel.api.RetuneReport;
import jewel.api.S3KeyInfo;
import jewel.api.SchemeInfo;
import jewel.api.SchemeSpec;
import jewel.api.StoreResult;
import jewel.api.StoredBlock;
import jewel.api.TokenInfo;
import jewel.api.VerifyReport;
import jewel.cli.launch.Launcher;
import jewel.placement.Availability;
import jewel.placement.HealthCheck;
import jewel.schemes.JewelRules;
import jewel.schemes.SchemeCatalog;
import jewel.schemes.SchemeDefaults;

/**
 * A cluster in memory: a backend, a client and a launcher that behave like the real ones at their
 * edges.
 */
final class Fakes {
  private Fakes() {}

  static BlockId sha256(byte[] bytes) {
    return BlockId.of(Digests.sha256().digest(bytes));
  }

  /** The output of one run. */
  record Result(int code, String out, String err) {
    List<String> errLines() {
      return err.isEmpty() ? List.of() : List.of(err.split("\\R"));
    }

    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  static final class Backend implements jewel.cli.Backend {
    final Client client = new Client();
    final Launcher launcher = new Launcher();
    int connects;
    boolean running = true;
    Path lastHome;
    int lastPort;
    String lastToken;
    Map<String, String> env = Map.of();

    /**
     * Whether the sessions run on a person's terminal (where long transfers draw a progress line).
     */
    boolean terminal;

    @Override
    public JewelClient connect(Path home, int seedPort, String api, String token) {
      connects++;
      lastToken = token;
      lastHome = home;
      lastPort = seedPort;
      if (!running) {
        throw new JewelException(
            "no cluster is running at "
                + home
                + " (port "
                + seedPort
                + "): start one with ./jewel up");
      }
      client.closed = false;
      return client;
    }

    @Override
    public PeerIsolation isolation(Path home, String token) {
      return new PeerIsolation() {
        @Override
        public void isolate(NodeStatus peer, Duration duration) {
          client.calls.add("isolate " + peer.name() + " " + duration.toSeconds() + "s");
          client.isolated.add(peer.name());
        }

        @Override
        public void restore(NodeStatus peer) {
          client.calls.add("restore " + peer.name());
          client.isolated.remove(peer.name());
        }
      };
    }

    @Override
    public jewel.cli.launch.Launcher launcher(Path home, int seedPort) {
      lastHome = home;
      lastPort = seedPort;
      return launcher;
    }

    Session session(Path cwd, String input, StringWriter out, StringWriter err) {
      return new Session(
          this,
          env,
          cwd,
          new BufferedReader(new StringReader(input)),
          new PrintWriter(out, true),
          new PrintWriter(err, true),
          terminal);
    }

    Result run(Path cwd, String... args) {
      return runWithInput(cwd, "", args);
    }

    Result runWithInput(Path cwd, String input, String... args) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = JewelCli.run(session(cwd, input, out, err), args);
      return new Result(code, out.toString(), err.toString());
    }
  }

  static final class Client implements JewelClient {
    final Map<String, FileEntry> files = new TreeMap<>();
    final Map<String, byte[]> contents = new LinkedHashMap<>();

    /** "peer/name" of every file a get --to wrote into a peer's disk/files/. */
    final Set<String> peerFiles = new TreeSet<>();

    final List<String> calls = new ArrayList<>();
    final List<String> live = new ArrayList<>(List.of("peer-1", "peer-2", "peer-3"));

    /** Each peer's observed availability, as the registry would report it (none by default). */
    final Map<String, Double> observed = new TreeMap<>();

    static final long OBSERVED_MILLIS = 7L * 24 * 3600 * 1000;

    /** Whether a get writes bytes other than those stored. */
    boolean serveWrongBytes;

    /** Peers an experiment took down: a get needs a holder outside them. */
    final Set<String> isolated = new TreeSet<>();

    SchemeSpec clusterDefault = SchemeSpec.parse("naive n=2");
    final Map<String, SchemeSpec> peerDefaults = new TreeMap<>();
    SchemeSpec lastScheme;

    /** What the last store or get was given to tell its progress. */
    Progress lastProgress;

    boolean closed;
    RuntimeException failNext;

    /** The S3 access keys, by access key, in the order made; their times from {@link #NOW}. */
    final Map<String, S3KeyInfo> s3Keys = new LinkedHashMap<>();

    /** The API tokens, by id, in the order made; their times from {@link #NOW}. */
    final Map<String, TokenInfo> tokens = new LinkedHashMap<>();

    /**
     * 2100-01-01T00:00:00Z: when the fake cluster makes tokens (in the future, so none expired).
     */
    static final long NOW = 4_102_444_800_000L;

    private void call(String what) {
      calls.add(what);
      if (failNext != null) {
        RuntimeException e = failNext;
        failNext = null;
        throw e;
      }
    }

    private PeerId livePeer(PeerId p) {
      if (!live.contains(p.name())) {
        throw new JewelException("unknown or dead peer '" + p + "' (try: peers)");
      }
      return p;
    }

    private FileEntry entry(FileName name) {
      FileEntry e = files.get(name.value());
      if (e == null) {
        throw new JewelException("unknown file '" + name + "' (try: ls)");
      }
      return e;
    }

    @Override
    public List<NodeStatus> peers() {
      call("peers");
      List<NodeStatus> nodes = new ArrayList<>();
      nodes.add(
          new NodeStatus(
              "seed",
              "pekko://jewel@127.0.0.1:25520",
              List.of("registry"),
              "up",
              -1,
              -1,
              false,
              false,
              "http://127.0.0.1:26520",
              "http://127.0.0.1:27520",
              -1,
              -1,
              null,
              0));
      for (String p : live) {
        nodes.add(
            new NodeStatus(
                p,
                "pekko://jewel@127.0.0.1:2552" + p.charAt(p.length() - 1),
                List.of("peer"),
                "up",
                2,
                1536 * 1024,
                peerSettings.getOrDefault(p, PeerSettings.DEFAULT).greylisted(),
                false,
                "http://127.0.0.1:2652" + p.charAt(p.length() - 1),
                "http://127.0.0.1:2752" + p.charAt(p.length() - 1),
                0,
                0,
                observed.get(p),
                observed.containsKey(p) ? OBSERVED_MILLIS : 0));
      }
      nodes.add(
          new NodeStatus(
              "127.0.0.1:40001",
              "pekko://jewel@127.0.0.1:40001",
              List.of("client"),
              "up",
              -1,
              -1,
              false,
              false,
              null,
              null,
              -1,
              -1,
              null,
              0));
      return nodes;
    }

    @Override
    public PeerContents dir(PeerId peer) {
      call("dir " + peer);
      livePeer(peer);
      return new PeerContents(
          peer,
          List.of(new PeerContents.LocalFile("notes.txt", 12)),
          List.of(new PeerContents.HeldBlock(sha256(new byte[] {1}), 3_000_000L)));
    }

    private StoreResult put(FileName name, byte[] bytes, SchemeSpec scheme, boolean replace) {
      if (files.containsKey(name.value()) && !replace) {
        throw new JewelException(
            "file '" + name + "' already exists (use --replace to overwrite it)");
      }
      SchemeSpec spec = scheme == null ? clusterDefault : scheme;
      lastScheme = scheme;
      Double availability = null;
      if (spec.params().containsKey(JewelRules.TARGET)) {
        // As the gateway picks: here the placement gives n jewels to the first n live peers.
        IntFunction<double[]> upFor =
            n ->
                live.subList(0, n).stream()
                    .mapToDouble(p -> observed.getOrDefault(p, 1.0))
                    .toArray();
        double target = JewelRules.target(spec);
        double maxOverhead = JewelRules.maxOverhead(spec);
        Availability.Choice c =
            Availability.cheapest(live.size(), upFor, target, maxOverhead)
                .orElseThrow(
                    () ->
                        new JewelException(
                            Availability.outOfReach(live.size(), upFor, target, maxOverhead),
                            JewelException.Kind.UNAVAILABLE));
        spec = spec.with("k", Integer.toString(c.k())).with("n", Integer.toString(c.n()));
        availability = c.availability();
      }
      int copies = spec.id().equals("hosting") ? 1 : spec.intParam("n", 2);
      if (copies > live.size()) {
        throw new JewelException(
            spec + " needs " + copies + " live peers, only " + live.size() + " are up");
      }
      BlockId root = sha256(bytes);
      List<PeerId> holders = new ArrayList<>();
      for (int i = 0; i < copies; i++) {
        holders.add(new PeerId(live.get(i)));
      }
      FileEntry e =
          new FileEntry(
              name,
              bytes.length,
              root,
              spec,
              BlockLayout.whole(),
              List.of(new StoredBlock(0, root, bytes.length, holders)),
              1_700_000_000_000L);
      files.put(name.value(), e);
      contents.put(name.value(), bytes);
      return new StoreResult(e, copies, copies - 1, 1, availability);
    }

    FileEntry add(String name, String content) {
      return put(new FileName(name), content.getBytes(StandardCharsets.UTF_8), null, true).entry();
    }

    @Override
    public StoreResult store(
        Path localFile,
        FileName name,
        SchemeSpec scheme,
        boolean replace,
        Pin pin,
        Progress progress) {
      call(
          "store "
              + localFile.getFileName()
              + " as "
              + name
              + (pin == null ? "" : " pinned " + pin));
      lastProgress = progress;
      try {
        return put(name, Files.readAllBytes(localFile), scheme, replace);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public StoreResult storeFrom(
        PeerId peer, String fileName, FileName name, SchemeSpec scheme, boolean replace, Pin pin) {
      call("storeFrom " + peer + " " + fileName + " as " + name);
      livePeer(peer);
      if (!fileName.equals("notes.txt") && !fileName.endsWith("/notes.txt")) {
        throw new JewelException(
            "no file '" + fileName + "' in " + peer + "'s disk/files/ (try: dir " + peer + ")");
      }
      return put(name, "hello notes\n".getBytes(StandardCharsets.UTF_8), scheme, replace);
    }

    @Override
    public FileEntry get(FileName name, Path out, ByteRange range, Progress progress) {
      call("get " + name);
      lastProgress = progress;
      FileEntry e = entry(name);
      if (e.blocks().get(0).holders().stream().allMatch(h -> isolated.contains(h.name()))) {
        throw new JewelException(
            "cannot read '" + name + "': every holder is down", JewelException.Kind.UNAVAILABLE);
      }
      try {
        byte[] bytes = contents.get(name.value());
        Files.write(out, serveWrongBytes ? new byte[bytes.length + 1] : bytes);
      } catch (IOException x) {
        throw new JewelException("cannot write " + out + ": " + x.getMessage());
      }
      return e;
    }

    @Override
    public FileEntry getTo(FileName name, PeerId peer, boolean force) {
      call("getTo " + name + " " + peer + (force ? " force" : ""));
      livePeer(peer);
      FileEntry e = entry(name);
      if (!peerFiles.add(peer + "/" + name) && !force) {
        throw new JewelException(
            peer + " already has '" + name + "' in its disk/files/: use --force to replace it",
            JewelException.Kind.CONFLICT);
      }
      return e;
    }

    @Override
    public FileEntry delete(FileName name) {
      call("delete " + name);
      FileEntry e = entry(name);
      files.remove(name.value());
      contents.remove(name.value());
      return e;
    }

    @Override
    public List<FileEntry> ls(String prefix) {
      call(prefix.isEmpty() ? "ls" : "ls " + prefix);
      return files.values().stream()
          .filter(e -> e.name().value().startsWith(prefix))
          .collect(Collectors.toCollection(ArrayList::new));
    }

    @Override
    public FileStatus status(FileName name) {
      call("status " + name);
      FileEntry e = entry(name);
      Set<String> livePeers = new TreeSet<>(live);
      List<FileStatus.BlockStatus> blocks = new ArrayList<>();
      for (StoredBlock b : e.blocks()) {
        List<String> holders = b.holders().stream().map(PeerId::name).toList();
        blocks.add(
            new FileStatus.BlockStatus(
                b.index(),
                b.id().hex(),
                b.length(),
                holders,
                holders.stream().filter(livePeers::contains).toList(),
                0,
                List.of()));
      }
      return new FileStatus(e, livePeers, pins.get(name.value()), blocks);
    }

    /** Peers that went down, for check: those not in {@link #live} count as down since then. */
    long downSince = 0;

    /** Copies verify reports corrupt, by file name. */
    final Map<String, List<VerifyReport.BadCopy>> corrupt = new TreeMap<>();

    @Override
    public List<FileHealth> check(FileName name) {
      call(name == null ? "check" : "check " + name);
      List<FileEntry> which = name == null ? List.copyOf(files.values()) : List.of(entry(name));
      Set<PeerId> up = live.stream().map(PeerId::new).collect(Collectors.toSet());
      Map<PeerId, Long> down = new HashMap<>();
      which.forEach(e -> e.blocks().forEach(b -> b.holders().forEach(p -> down.put(p, downSince))));
      up.forEach(down::remove);
      return which.stream()
          .map(
              e ->
                  HealthCheck.of(
                      e,
                      new SchemeCatalog(SchemeDefaults.STANDARD)
                          .get(e.scheme().id())
                          .copiesOfEachBlock(e.scheme()),
                      up,
                      down,
                      System.currentTimeMillis(),
                      Duration.ZERO))
          .toList();
    }

    @Override
    public VerifyReport verify(FileName name) {
      call("verify " + name);
      FileEntry e = entry(name);
      int copies = e.blocks().stream().mapToInt(b -> b.holders().size()).sum();
      return new VerifyReport(
          name, copies, corrupt.getOrDefault(name.value(), List.of()), List.of());
    }

    @Override
    public RepairReport repair(FileName name) {
      call("repair " + name);
      FileEntry e = entry(name);
      List<RepairReport.NewCopy> made = new ArrayList<>();
      List<StoredBlock> blocks = new ArrayList<>();
      for (StoredBlock b : e.blocks()) {
        List<PeerId> holders = new ArrayList<>();
        for (PeerId p : b.holders()) {
          if (live.contains(p.name())) {
            holders.add(p);
          } else {
            PeerId spare =
                live.stream()
                    .map(PeerId::new)
                    .filter(q -> !b.holders().contains(q) && !holders.contains(q))
                    .findFirst()
                    .orElseThrow(() -> new JewelException("no live peer can take a copy"));
            holders.add(spare);
            made.add(new RepairReport.NewCopy(b.index(), b.id(), spare, false));
          }
        }
        blocks.add(b.withHolders(holders));
      }
      files.put(name.value(), e.withBlocks(blocks));
      return new RepairReport(
          name, made, made.size() * e.blocks().get(0).length(), check(name).get(0));
    }

    /**
     * A reedsolomon file of {@code n} jewels of 100 bytes (k=3, chunks of 64 bytes), jewel i on the
     * i-th live peer.
     */
    FileEntry addJewels(String name, int n) {
      List<StoredBlock> jewels = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        byte[] jewel = (name + "#" + i).getBytes(StandardCharsets.UTF_8);
        jewels.add(new StoredBlock(i, sha256(jewel), 100, List.of(new PeerId(live.get(i)))));
      }
      FileEntry e =
          new FileEntry(
              new FileName(name),
              300,
              sha256(name.getBytes(StandardCharsets.UTF_8)),
              SchemeSpec.parse("reedsolomon k=3 n=" + n + " codec=jewel chunk=64"),
              new BlockLayout("segments", 3, n, 64, "jewel"),
              jewels,
              1_700_000_000_000L);
      files.put(name, e);
      return e;
    }

    /** Checks as a node does (JewelRules), then places new jewels on peers holding none. */
    @Override
    public RetuneReport retune(FileName name, int n, Progress progress) {
      call("retune " + name + " " + n);
      lastProgress = progress;
      FileEntry e = entry(name);
      int fromN = JewelRules.retunable(e, n);
      List<RepairReport.NewCopy> added = new ArrayList<>();
      List<BlockId> dropped = new ArrayList<>();
      List<StoredBlock> blocks = new ArrayList<>();
      for (StoredBlock b : e.blocks()) {
        if (b.index() < n) {
          blocks.add(b);
        } else {
          dropped.add(b.id());
        }
      }
      if (n > fromN) {
        Set<String> holding = new TreeSet<>();
        e.blocks().forEach(b -> b.holders().forEach(p -> holding.add(p.name())));
        List<String> free = live.stream().filter(p -> !holding.contains(p)).toList();
        if (free.size() < n - fromN) {
          throw new JewelException(
              "cannot retune '"
                  + name
                  + "' to n="
                  + n
                  + ": the most it can have now is n="
                  + (fromN + free.size())
                  + " (add peers)",
              JewelException.Kind.UNAVAILABLE);
        }
        for (int i = fromN; i < n; i++) {
          PeerId peer = new PeerId(free.get(i - fromN));
          BlockId id = sha256((name + "#" + i).getBytes(StandardCharsets.UTF_8));
          blocks.add(new StoredBlock(i, id, 100, List.of(peer)));
          added.add(new RepairReport.NewCopy(i, id, peer, true));
        }
      }
      progress.update(e.size(), e.size());
      BlockLayout l = e.layout();
      files.put(
          name.value(),
          new FileEntry(
              name,
              e.size(),
              e.root(),
              e.scheme().with("n", Integer.toString(n)),
              new BlockLayout(l.kind(), l.k(), n, l.chunkSize(), l.codec()),
              blocks,
              e.storedAtMillis()));
      return new RetuneReport(
          name, fromN, n, added, dropped, 100L * added.size(), check(name).get(0));
    }

    @Override
    public DefaultSchemes settings() {
      call("settings");
      return new DefaultSchemes(clusterDefault, Map.copyOf(peerDefaults));
    }

    @Override
    public DefaultSchemes setDefaultScheme(PeerId peer, SchemeSpec scheme) {
      call("setDefaultScheme " + peer + " " + scheme);
      if (peer == null) {
        clusterDefault = scheme;
      } else {
        peerDefaults.put(peer.name(), scheme);
      }
      return settings();
    }

    @Override
    public List<SchemeInfo> schemes() {
      call("schemes");
      return List.of();
    }

    final Map<String, PinView> pins = new TreeMap<>();
    double defaultFraction = 0.5;
    final Map<String, PeerSettings> peerSettings = new TreeMap<>();

    private PinTable allPins() {
      return new PinTable(List.copyOf(pins.values()), defaultFraction);
    }

    @Override
    public PinTable setPin(FileName name, Pin pin) {
      call("setPin " + name + " " + pin);
      FileEntry e = entry(name);
      if (pin == null) {
        pins.remove(name.value());
        return allPins();
      }
      PinView v =
          new PinView(name, pin, pin.effectiveFraction(defaultFraction, e.size()), e.size());
      pins.put(name.value(), v);
      return new PinTable(List.of(v), defaultFraction);
    }

    @Override
    public PinTable pins() {
      call("pins");
      return allPins();
    }

    @Override
    public PinTable setDefaultPin(double fraction) {
      call("setDefaultPin " + fraction);
      defaultFraction = fraction;
      return allPins();
    }

    @Override
    public Map<String, PeerSettings> peerSettings() {
      call("peerSettings");
      return Map.copyOf(peerSettings);
    }

    @Override
    public Map<String, PeerSettings> updatePeer(
        PeerId peer, java.util.function.UnaryOperator<PeerSettings> change) {
      call("updatePeer " + peer);
      if (!live.contains(peer.name())) {
        throw new JewelException("unknown peer '" + peer + "' (try: peers)");
      }
      peerSettings.put(
          peer.name(), change.apply(peerSettings.getOrDefault(peer.name(), PeerSettings.DEFAULT)));
      return Map.copyOf(peerSettings);
    }

    @Override
    public NewToken createToken(boolean readOnly, Long expiresInSeconds, String label) {
      call("createToken " + readOnly + " " + expiresInSeconds + " " + label);
      String id = "t" + (tokens.size() + 1);
      TokenInfo info =
          new TokenInfo(
              id,
              readOnly,
              label,
              NOW,
              expiresInSeconds == null ? null : NOW + expiresInSeconds * 1000,
              null);
      tokens.put(id, info);
      return new NewToken(info, ApiToken.generate(id).toString());
    }

    @Override
    public List<TokenInfo> tokens() {
      call("tokens");
      return List.copyOf(tokens.values());
    }

    @Override
    public TokenInfo revokeToken(String id) {
      call("revokeToken " + id);
      TokenInfo t = tokens.get(id);
      if (t == null) {
        throw new JewelException(
            "unknown token id '" + id + "' (try: token ls)", JewelException.Kind.NOT_FOUND);
      }
      if (t.revokedAtMillis() != null) {
        throw new JewelException(
            "token " + id + " was revoked already, at 2100-01-01T00:00:01Z",
            JewelException.Kind.CONFLICT);
      }
      TokenInfo revoked =
          new TokenInfo(
              id, t.readOnly(), t.label(), t.createdAtMillis(), t.expiresAtMillis(), NOW + 1000);
      tokens.put(id, revoked);
      return revoked;
    }

    @Override
    public NewS3Key createS3Key(boolean readOnly, Long expiresInSeconds, String label) {
      call("createS3Key " + readOnly + " " + expiresInSeconds + " " + label);
      String accessKey = "JWL" + "A".repeat(16) + (char) ('A' + s3Keys.size());
      S3KeyInfo info =
          new S3KeyInfo(
              accessKey,
              readOnly,
              label,
              NOW,
              expiresInSeconds == null ? null : NOW + expiresInSeconds * 1000,
              null);
      s3Keys.put(accessKey, info);
      return new NewS3Key(info, "s".repeat(39) + s3Keys.size());
    }

    @Override
    public List<S3KeyInfo> s3Keys() {
      call("s3Keys");
      return List.copyOf(s3Keys.values());
    }

    @Override
    public S3KeyInfo revokeS3Key(String accessKey) {
      call("revokeS3Key " + accessKey);
      S3KeyInfo k = s3Keys.get(accessKey);
      if (k == null) {
        throw new JewelException(
            "unknown S3 access key '" + accessKey + "' (try: s3 key ls)",
            JewelException.Kind.NOT_FOUND);
      }
      if (k.revokedAtMillis() != null) {
        throw new JewelException(
            "S3 access key " + accessKey + " was revoked already, at 2100-01-01T00:00:01Z",
            JewelException.Kind.CONFLICT);
      }
      S3KeyInfo revoked =
          new S3KeyInfo(
              accessKey,
              k.readOnly(),
              k.label(),
              k.createdAtMillis(),
              k.expiresAtMillis(),
              NOW + 1000);
      s3Keys.put(accessKey, revoked);
      return revoked;
    }

    @Override
    public void close() {
      calls.add("close");
      closed = true;
    }
  }

  static final class Launcher implements jewel.cli.launch.Launcher {
    final List<String> calls = new ArrayList<>();
    final Set<String> nodes = new TreeSet<>(List.of("seed", "peer-1", "peer-2", "peer-3"));

    @Override
    public List<String> up(int peers, int registries, String journal) {
      calls.add("up " + peers + (registries == 1 ? "" : " registries " + registries));
      return List.of("seed", "peer-1");
    }

    @Override
    public List<String> down() {
      calls.add("down");
      return List.of("peer-1", "seed");
    }

    @Override
    public List<String> add(int count) {
      calls.add("add " + count);
      return List.of("peer-4");
    }

    private void known(PeerId node) {
      if (!nodes.contains(node.name())) {
        throw new JewelException(
            "unknown peer '" + node + "' (nodes of ./live: " + String.join(", ", nodes) + ")");
      }
    }

    @Override
    public void kill(PeerId node) {
      calls.add("kill " + node);
      known(node);
    }

    @Override
    public void revive(PeerId node) {
      calls.add("revive " + node);
      known(node);
    }

    @Override
    public boolean running() {
      return true;
    }
  }
}
