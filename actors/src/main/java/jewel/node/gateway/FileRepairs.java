package jewel.node.gateway;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import jewel.api.BlockId;
import jewel.api.FileEntry;
import jewel.api.FileHealth;
import jewel.api.FileHealth.BlockHealth;
import jewel.api.FileName;
import jewel.api.JewelException;
import jewel.api.PeerId;
import jewel.api.PinView;
import jewel.api.Progress;
import jewel.api.RepairReport;
import jewel.api.RepairReport.NewCopy;
import jewel.api.RetuneReport;
import jewel.api.StoredBlock;
import jewel.api.UploadParts;
import jewel.api.VerifyReport;
import jewel.api.VerifyReport.BadCopy;
import jewel.node.PeerDirectory;
import jewel.node.PeerDirectory.LivePeer;
import jewel.node.RegistryAsk;
import jewel.node.RegistryPages;
import jewel.node.coordinator.RegistryCommits;
import jewel.node.maintenance.RepairSettings;
import jewel.placement.Availability;
import jewel.placement.Durability;
import jewel.placement.HealthCheck;
import jewel.placement.RendezvousPlacement;
import jewel.protocol.BlockHolder;
import jewel.protocol.PeerCommand;
import jewel.protocol.PeerReply;
import jewel.protocol.PeerState;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryReply;
import jewel.protocol.data.DataClient;
import jewel.schemes.JewelRules;
import jewel.schemes.RepairJob;
import jewel.schemes.Schemes;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code check}, {@code verify} and {@code repair}, done by this node.
 *
 * <ul>
 *   <li>check: the registry's view only (the block book, the peers up now and how long the others
 *       have been down), no peer reads a byte;
 *   <li>verify: every live holder re-reads and hashes its copies of the file's blocks on its own
 *       disk (nothing crosses the network but the verdicts); a corrupt copy is quarantined there
 *       and leaves the book;
 *   <li>repair: under the name's turn (so no store or delete of the name runs meanwhile), every
 *       copy that is due is re-created by the file's scheme ({@link
 *       jewel.schemes.StorageScheme#repair}) on a peer chosen by rendezvous on the block's id,
 *       peers that hold no block of the file first, and the registry records the new holders.
 * </ul>
 */
public final class FileRepairs {
  private static final Logger log = LoggerFactory.getLogger(FileRepairs.class);
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  /** Block ids one {@link PeerCommand.VerifyBlocks} carries at most. */
  static final int VERIFY_PAGE = PeerCommand.VerifyBlocks.MAX_BLOCKS;

  private final ActorSystem<?> system;
  private final FileTransfers transfers;
  private final ActorRef<RegistryCommand> registry;
  private final Schemes schemes;
  private final DataClient data;
  private final Duration askTimeout;
  private final Duration perMib;
  private final RepairSettings settings;
  private final Materializer materializer;
  private final RegistryCommits commits;

  /** {@code transfers}: how this node looks files up and takes their turn. */
  FileRepairs(
      ActorSystem<?> system,
      FileTransfers transfers,
      ActorRef<RegistryCommand> registry,
      Schemes schemes,
      DataClient data,
      Duration askTimeout,
      Duration perMib,
      RepairSettings settings) {
    this.system = system;
    this.transfers = transfers;
    this.registry = registry;
    this.schemes = schemes;
    this.data = data;
    this.askTimeout = askTimeout;
    this.perMib = perMib;
    this.settings = settings;
    this.materializer = Materializer.matFromSystem(system);
    this.commits = new RegistryCommits(system, registry, askTimeout);
  }

  public RepairSettings settings() {
    return settings;
  }

  // ---------------------------------------------------------------- check

  /**
   * What the cluster looks like to a health check: who is up, since when the others are down, each
   * peer's availability (those the registry has seen), that of a peer it has not, the pinned files.
   */
  private record View(
      Map<PeerId, LivePeer> peers,
      Map<PeerId, Long> downSince,
      Map<String, Double> observed,
      double unobserved,
      Set<FileName> pinned) {
    Set<PeerId> live() {
      return peers.keySet();
    }
  }

  private CompletionStage<View> view() {
    CompletionStage<Map<PeerId, LivePeer>> live = PeerDirectory.live(system);
    CompletionStage<RegistryReply.PeerStates> states =
        RegistryAsk.query(registry, RegistryCommand.GetPeerStates::new, askTimeout, system);
    CompletionStage<RegistryReply.Pins> pins =
        RegistryPages.pins(registry, askTimeout, system.scheduler());
    return live.thenCombine(
            states,
            (l, s) ->
                new View(
                    l,
                    downSince(s),
                    s.availability(System.currentTimeMillis()),
                    s.unobserved(),
                    Set.of()))
        .thenCombine(
            pins,
            (v, p) ->
                new View(
                    v.peers(),
                    v.downSince(),
                    v.observed(),
                    v.unobserved(),
                    p.pins().stream().map(PinView::name).collect(Collectors.toSet())));
  }

  private static Map<PeerId, Long> downSince(RegistryReply.PeerStates states) {
    Map<PeerId, Long> down = new HashMap<>();
    for (Map.Entry<String, PeerState> e : states.peers().entrySet()) {
      if (!e.getValue().up()) {
        down.put(new PeerId(e.getKey()), e.getValue().sinceMillis());
      }
    }
    return down;
  }

  /** The health of one file, with what repair does about it. */
  public CompletionStage<FileHealth> check(FileName name) {
    return transfers
        .lookup(name)
        .thenCompose(entry -> check(List.of(entry)))
        .thenApply(healths -> healths.get(0));
  }

  /** The health of each of {@code files}, in their order; a composite's is its parts'. */
  public CompletionStage<List<FileHealth>> check(List<FileEntry> files) {
    return view()
        .thenCompose(
            view -> {
              CompletionStage<List<FileHealth>> all =
                  CompletableFuture.completedFuture(new ArrayList<>());
              for (FileEntry f : files) {
                CompletionStage<FileHealth> one =
                    f.composite()
                        ? parts(f).thenApply(parts -> compositeHealth(f, parts, view))
                        : CompletableFuture.completedFuture(health(f, view, settings.grace()));
                all =
                    all.thenCombine(
                        one,
                        (list, h) -> {
                          list.add(h);
                          return list;
                        });
              }
              return all;
            });
  }

  /**
   * The entries of a composite's parts, in order, looked up one after the other (a part no longer
   * stored is left out).
   */
  CompletionStage<List<FileEntry>> parts(FileEntry composite) {
    CompletionStage<List<FileEntry>> all = CompletableFuture.completedFuture(new ArrayList<>());
    for (FileName part : composite.object().partFiles()) {
      all =
          all.thenCompose(
              list ->
                  RegistryPages.entry(registry, part, askTimeout, system)
                      .thenApply(
                          found -> {
                            found.ifPresent(list::add);
                            return list;
                          }));
    }
    return all;
  }

  /** A composite with its parts' blocks as its own, numbered in order across the parts. */
  static FileEntry withPartsBlocks(FileEntry composite, List<FileEntry> parts) {
    List<StoredBlock> blocks = new ArrayList<>();
    for (FileEntry part : parts) {
      for (StoredBlock b : part.blocks()) {
        blocks.add(new StoredBlock(blocks.size(), b.id(), b.length(), b.holders(), b.merkleRoot()));
      }
    }
    return composite.withBlocks(blocks);
  }

  /**
   * A composite's health: readable while every part is (one redundancy group per part), healthy
   * when every part is; its blocks are its parts' blocks in order. Its parts are repaired as the
   * files they are.
   */
  private FileHealth compositeHealth(FileEntry composite, List<FileEntry> parts, View view) {
    List<FileHealth> healths = parts.stream().map(p -> health(p, view, settings.grace())).toList();
    List<BlockHealth> blocks = new ArrayList<>();
    for (FileHealth h : healths) {
      for (BlockHealth b : h.blocks()) {
        blocks.add(
            new BlockHealth(
                blocks.size(), b.id(), b.length(), b.wanted(), b.live(), b.waiting(), b.lost()));
      }
    }
    List<FileEntry> up =
        parts.stream()
            .map(
                p ->
                    p.withBlocks(
                        p.blocks().stream()
                            .map(
                                b ->
                                    b.withHolders(
                                        b.holders().stream()
                                            .filter(view.live()::contains)
                                            .toList()))
                            .toList()))
            .toList();
    boolean whole = parts.size() == composite.object().parts().size();
    int survives = whole ? Durability.ofParts(composite.size(), up).survives() : -1;
    int promised = healths.stream().mapToInt(FileHealth::promised).min().orElse(-1);
    FileHealth.State state =
        survives < 0
            ? FileHealth.State.UNREADABLE
            : healths.stream().allMatch(h -> h.state() == FileHealth.State.HEALTHY)
                ? FileHealth.State.HEALTHY
                : FileHealth.State.DEGRADED;
    String repair =
        !whole
            ? "cannot: some of its parts are not stored any more"
            : state == FileHealth.State.HEALTHY
                ? null
                : "its parts ("
                    + composite.object().parts().size()
                    + " files under "
                    + UploadParts.prefix(composite.object().upload())
                    + ") are repaired as files of their own";
    return new FileHealth(
        composite.name(), composite.scheme(), state, survives, promised, blocks, repair);
  }

  /**
   * Every file's health, for the repair queue, and which holders are up and which down.
   *
   * @param due the files with copies to re-create now (not those a pin keeps)
   * @param down holders of some block that are not up now
   * @param belowTarget the files stored with an availability target whose availability, computed
   *     from their holders' observed availability, has dropped below it: each wants one more jewel
   */
  public record Survey(
      List<FileHealth> files,
      List<FileHealth> due,
      Set<PeerId> live,
      Set<PeerId> down,
      List<BelowTarget> belowTarget) {}

  /**
   * A file whose availability (from its holders' observed availability; a holder not observed yet
   * counts as up, as at the store) is below the target it was stored with.
   */
  public record BelowTarget(FileName name, int n, double availability, double target) {}

  public CompletionStage<Survey> survey() {
    return RegistryPages.files(registry, null, askTimeout, system)
        .thenCombine(
            view(),
            (files, view) -> {
              Set<PeerId> down = new java.util.TreeSet<>();
              files.forEach(
                  f ->
                      f.blocks()
                          .forEach(
                              b ->
                                  b.holders().stream()
                                      .filter(p -> !view.live().contains(p))
                                      .forEach(down::add)));
              Map<FileName, FileEntry> byName = new HashMap<>();
              files.forEach(f -> byName.put(f.name(), f));
              List<FileHealth> health =
                  files.stream()
                      .map(
                          f ->
                              f.composite()
                                  ? compositeHealth(
                                      f,
                                      f.object().partFiles().stream()
                                          .map(byName::get)
                                          .filter(java.util.Objects::nonNull)
                                          .toList(),
                                      view)
                                  : health(f, view, settings.grace()))
                      .toList();
              // A composite's parts are files of their own: they are repaired, not it.
              Set<FileName> composites =
                  files.stream()
                      .filter(FileEntry::composite)
                      .map(FileEntry::name)
                      .collect(Collectors.toSet());
              List<FileHealth> due =
                  health.stream()
                      .filter(
                          h ->
                              h.repairDue()
                                  && !view.pinned().contains(h.name())
                                  && !composites.contains(h.name()))
                      .toList();
              List<BelowTarget> belowTarget =
                  files.stream()
                      .filter(f -> !view.pinned().contains(f.name()) && !f.composite())
                      .map(f -> belowTarget(f, view))
                      .flatMap(Optional::stream)
                      .toList();
              return new Survey(health, due, view.live(), down, belowTarget);
            });
  }

  /**
   * Whether {@code entry} has an availability target (only Reed-Solomon files do) that its holders'
   * observed availability no longer meets, and one more jewel could be added: the codec allows it
   * and some live peer holds none of the file's jewels.
   */
  private static Optional<BelowTarget> belowTarget(FileEntry entry, View view) {
    double target = JewelRules.target(entry.scheme());
    if (Double.isNaN(target)) {
      return Optional.empty();
    }
    double availability =
        Availability.of(entry, p -> view.observed().getOrDefault(p.name(), view.unobserved()))
            .value();
    int n = entry.layout().n();
    Set<PeerId> holders = new java.util.HashSet<>();
    entry.blocks().forEach(b -> holders.addAll(b.holders()));
    boolean room =
        n < JewelRules.maxJewels(entry.layout().chunkSize()) && !holders.containsAll(view.live());
    return availability >= target || !room
        ? Optional.empty()
        : Optional.of(new BelowTarget(entry.name(), n, availability, target));
  }

  private FileHealth health(FileEntry entry, View view, Duration grace) {
    FileHealth health =
        HealthCheck.of(
            entry, copies(entry), view.live(), view.downSince(), System.currentTimeMillis(), grace);
    return health.withRepair(repairLine(health, view, grace));
  }

  private int copies(FileEntry entry) {
    return schemes.get(entry.scheme().id()).copiesOfEachBlock(entry.scheme());
  }

  /** What repair does about a file, in one line; null if nothing. */
  private static String repairLine(FileHealth health, View view, Duration grace) {
    if (health.state() == FileHealth.State.HEALTHY) {
      return null;
    }
    if (view.pinned().contains(health.name())) {
      return "kept by its pin: the availability scan gives its blocks new holders";
    }
    if (health.state() == FileHealth.State.UNREADABLE) {
      return "cannot: too few of its blocks are up; it waits for a holder to come back";
    }
    if (health.repairDue()) {
      return "due now";
    }
    long now = System.currentTimeMillis();
    long first = Long.MAX_VALUE;
    Set<PeerId> waiting = new java.util.TreeSet<>();
    for (BlockHealth b : health.blocks()) {
      for (PeerId p : b.waiting()) {
        waiting.add(p);
        first = Math.min(first, view.downSince().getOrDefault(p, now));
      }
    }
    if (waiting.isEmpty()) {
      return "due now";
    }
    Duration left = Duration.ofMillis(Math.max(0, first + grace.toMillis() - now));
    return "due in "
        + human(left)
        + " unless "
        + waiting.stream().map(PeerId::name).collect(Collectors.joining(", "))
        + (waiting.size() == 1 ? " comes" : " come")
        + " back (down since "
        + CLOCK.format(Instant.ofEpochMilli(first))
        + ")";
  }

  static String human(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m" + (s % 60 == 0 ? "" : " " + (s % 60) + "s");
    }
    return (s / 3600) + "h" + ((s % 3600) / 60 == 0 ? "" : " " + ((s % 3600) / 60) + "m");
  }

  // ---------------------------------------------------------------- verify

  /** Every live holder re-hashes its copies of the file's blocks; the bad ones are named. */
  public CompletionStage<VerifyReport> verify(FileName name) {
    return transfers
        .lookup(name)
        .thenCompose(
            entry ->
                entry.composite()
                    ? parts(entry).thenApply(parts -> withPartsBlocks(entry, parts))
                    : CompletableFuture.completedFuture(entry))
        .thenCombine(PeerDirectory.live(system), (entry, live) -> verify(entry, live))
        .thenCompose(v -> v);
  }

  private CompletionStage<VerifyReport> verify(FileEntry entry, Map<PeerId, LivePeer> live) {
    Map<PeerId, List<StoredBlock>> byPeer = new TreeMap<>();
    Set<PeerId> down = new java.util.TreeSet<>();
    for (StoredBlock b : entry.blocks()) {
      for (PeerId p : b.holders()) {
        if (live.containsKey(p)) {
          byPeer.computeIfAbsent(p, x -> new ArrayList<>()).add(b);
        } else {
          down.add(p);
        }
      }
    }
    List<CompletableFuture<List<BadCopy>>> checks = new ArrayList<>();
    int copies = 0;
    for (Map.Entry<PeerId, List<StoredBlock>> e : byPeer.entrySet()) {
      Map<BlockId, StoredBlock> blocks = new LinkedHashMap<>();
      e.getValue().forEach(b -> blocks.putIfAbsent(b.id(), b));
      copies += blocks.size();
      List<BlockId> ids = new ArrayList<>(blocks.keySet());
      for (int from = 0; from < ids.size(); from += VERIFY_PAGE) {
        List<BlockId> page = ids.subList(from, Math.min(ids.size(), from + VERIFY_PAGE));
        long bytes = page.stream().mapToLong(id -> blocks.get(id).length()).sum();
        checks.add(verifyOn(live.get(e.getKey()), page, blocks, bytes).toCompletableFuture());
      }
    }
    int checked = copies;
    return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
        .thenApply(
            ignored -> {
              List<BadCopy> bad = new ArrayList<>();
              checks.forEach(c -> bad.addAll(c.join()));
              bad.sort(Comparator.comparingInt(BadCopy::index).thenComparing(BadCopy::peer));
              if (!bad.isEmpty()) {
                log.warn("verify '{}': {} bad copies: {}", entry.name(), bad.size(), bad);
              }
              return new VerifyReport(entry.name(), checked, bad, List.copyOf(down));
            });
  }

  private CompletionStage<List<BadCopy>> verifyOn(
      LivePeer peer, List<BlockId> page, Map<BlockId, StoredBlock> blocks, long bytes) {
    Duration timeout = askTimeout.plus(perMib.multipliedBy(bytes >> 20));
    return AskPattern.<PeerCommand, StatusReply<PeerReply.Verified>>ask(
            peer.ref(),
            r -> new PeerCommand.VerifyBlocks(List.copyOf(page), r),
            timeout,
            system.scheduler())
        .handle(
            (reply, failure) -> {
              if (failure == null && reply.isError()) {
                failure = reply.getError();
              }
              if (failure != null) {
                throw new JewelException(
                    peer.name()
                        + " did not finish verifying "
                        + page.size()
                        + " blocks within "
                        + timeout.toSeconds()
                        + " s: "
                        + RegistryAsk.oneLine(failure),
                    JewelException.Kind.UNAVAILABLE);
              }
              PeerReply.Verified verified = reply.getValue();
              List<BadCopy> bad = new ArrayList<>();
              verified
                  .corrupt()
                  .forEach(
                      id ->
                          bad.add(new BadCopy(blocks.get(id).index(), id, peer.name(), "corrupt")));
              verified
                  .missing()
                  .forEach(
                      id ->
                          bad.add(new BadCopy(blocks.get(id).index(), id, peer.name(), "missing")));
              return bad;
            });
  }

  // ---------------------------------------------------------------- repair

  /**
   * Re-creates the file's copies that are due: lost for longer than {@code grace} (zero: every copy
   * that is not up now), under the name's turn. A file with nothing due comes back unchanged.
   */
  public CompletionStage<RepairReport> repair(FileName name, Duration grace) {
    return transfers
        .lookup(name)
        .thenCompose(
            entry ->
                entry.composite()
                    ? repairParts(entry, grace)
                    : Lease.take(system, transfers.coordinator(name), name, askTimeout)
                        .thenCompose(
                            lease ->
                                repairUnder(name, grace)
                                    .whenComplete((report, failure) -> lease.release())));
  }

  /** Repairs a composite's parts, one after the other, each as the file it is. */
  private CompletionStage<RepairReport> repairParts(FileEntry composite, Duration grace) {
    List<NewCopy> created = new ArrayList<>();
    long[] bytes = {0};
    CompletionStage<Void> done = CompletableFuture.completedFuture(null);
    for (FileName part : composite.object().partFiles()) {
      done =
          done.thenCompose(ignored -> repair(part, grace))
              .thenAccept(
                  r -> {
                    created.addAll(r.created());
                    bytes[0] += r.bytes();
                  });
    }
    return done.thenCompose(ignored -> check(composite.name()))
        .thenApply(after -> new RepairReport(composite.name(), created, bytes[0], after));
  }

  private CompletionStage<RepairReport> repairUnder(FileName name, Duration grace) {
    return transfers
        .lookup(name)
        .thenCombine(view(), (entry, view) -> repair(entry, view, grace))
        .thenCompose(r -> r);
  }

  private CompletionStage<RepairReport> repair(FileEntry entry, View view, Duration grace) {
    FileHealth before = health(entry, view, grace);
    if (view.pinned().contains(entry.name())) {
      return CompletableFuture.completedFuture(
          new RepairReport(entry.name(), List.of(), 0, before));
    }
    if (before.state() == FileHealth.State.UNREADABLE) {
      throw new JewelException(
          "cannot repair '"
              + entry.name()
              + "': too few of its blocks are up to rebuild it (check shows which); bring a holder back",
          JewelException.Kind.UNAVAILABLE);
    }
    Map<Integer, List<PeerId>> targets = targets(before, view.live());
    if (targets.isEmpty()) {
      if (before.repairDue()) {
        throw new JewelException(
            "cannot repair '"
                + entry.name()
                + "': every live peer already holds its blocks; add peers",
            JewelException.Kind.UNAVAILABLE);
      }
      return CompletableFuture.completedFuture(
          new RepairReport(entry.name(), List.of(), 0, before));
    }
    // The new copies go up under an upload of their own, as a store's do: until the registry
    // has recorded them, no deletion may take them.
    return Upload.open(system, registry, askTimeout)
        .thenCompose(
            upload -> {
              log.info("repairing '{}': new copies of blocks {}", entry.name(), targets);
              return schemes
                  .get(entry.scheme().id())
                  .repair(
                      new RepairJob(
                          entry,
                          view.live(),
                          targets,
                          new DataTransport(data, view.peers(), upload, false),
                          materializer))
                  .thenCompose(made -> record(entry, made))
                  .whenComplete((made, failure) -> upload.close());
            })
        .thenCompose(
            made ->
                transfers
                    .lookup(entry.name())
                    .thenCombine(
                        view(),
                        (after, v) ->
                            new RepairReport(
                                entry.name(),
                                made,
                                made.stream().mapToLong(c -> lengthOf(entry, c.index())).sum(),
                                health(after, v, grace))));
  }

  /**
   * Where the due copies go: per block, the live peers that hold no copy of it, ranked by
   * rendezvous on its id; peers that hold no block of the file, nor are chosen already, first.
   */
  static Map<Integer, List<PeerId>> targets(FileHealth health, Set<PeerId> live) {
    Set<PeerId> busy = new HashSet<>();
    health.blocks().forEach(b -> busy.addAll(b.live()));
    Set<BlockId> planned = new HashSet<>();
    Map<Integer, List<PeerId>> targets = new TreeMap<>();
    for (BlockHealth b : health.blocks()) {
      if (b.due() == 0 || !planned.add(b.id())) {
        continue;
      }
      Map<PeerId, Double> free = new HashMap<>();
      live.stream().filter(p -> !b.live().contains(p)).forEach(p -> free.put(p, 1.0));
      List<PeerId> ranked = new ArrayList<>(RendezvousPlacement.pick(b.id(), 0, free, free.size()));
      ranked.sort(Comparator.comparing(busy::contains)); // stable: free peers first
      List<PeerId> chosen = ranked.subList(0, Math.min(b.due(), ranked.size()));
      if (!chosen.isEmpty()) {
        targets.put(b.index(), List.copyOf(chosen));
        busy.addAll(chosen);
      }
    }
    return targets;
  }

  private CompletionStage<List<NewCopy>> record(FileEntry entry, List<NewCopy> made) {
    List<BlockHolder> copies =
        made.stream().map(c -> new BlockHolder(c.block(), c.peer())).toList();
    return RegistryAsk.askWithStatus(
            registry,
            (ActorRef<StatusReply<Done>> r) ->
                new RegistryCommand.RecordCopies(entry.name(), entry.root(), copies, r),
            JewelException.Kind.CONFLICT,
            askTimeout,
            system)
        .thenApply(
            recorded -> {
              log.info("repaired '{}': {} new copies", entry.name(), made.size());
              return made;
            });
  }

  // ---------------------------------------------------------------- retune

  /**
   * Gives Reed-Solomon file {@code name} {@code n} jewels, under the name's turn (so no store,
   * delete or repair of the name runs meanwhile). Raising n: the file is read from any k of its
   * jewels, only the new jewels are encoded ({@link jewel.schemes.StorageScheme#extend}) and
   * uploaded, each to a live peer that holds none of the file's jewels (ranked by rendezvous on the
   * file's root and the jewel's index), under an upload of their own as a store's are; then the
   * registry records the new n and the new jewels with their holders in one event. Lowering n: the
   * registry records the smaller n, and the dropped jewels no file references any more are dropped
   * from the live peers as a delete drops its blocks (the garbage collector takes the copies on
   * peers that were down). Every jewel the file keeps stays as it is.
   *
   * <p>Also what the {@link jewel.node.maintenance.Repairer} runs, one jewel at a time, for a file
   * whose availability dropped below its target ({@link Survey#belowTarget}).
   */
  public CompletionStage<RetuneReport> retune(FileName name, int n, Progress progress) {
    return Lease.take(system, transfers.coordinator(name), name, askTimeout)
        .thenCompose(
            lease ->
                transfers
                    .lookup(name)
                    .thenCombine(view(), (entry, view) -> retune(entry, view, n, progress))
                    .thenCompose(r -> r)
                    .whenComplete((report, failure) -> lease.release()));
  }

  private CompletionStage<RetuneReport> retune(
      FileEntry entry, View view, int n, Progress progress) {
    if (entry.composite()) {
      throw new JewelException(
          "'"
              + entry.name()
              + "' is a multipart object: retune its parts, the files under "
              + UploadParts.prefix(entry.object().upload()));
    }
    int fromN = JewelRules.retunable(entry, n);
    if (n == fromN) {
      return CompletableFuture.completedFuture(
          new RetuneReport(
              entry.name(),
              fromN,
              n,
              List.of(),
              List.of(),
              0,
              health(entry, view, settings.grace())));
    }
    if (n < fromN) {
      return recordRetune(entry, n, List.of())
          .thenCompose(
              dropped ->
                  commits
                      .deleteBlocks(dropped)
                      .thenCompose(ignored -> report(entry, n, List.of(), dropped)));
    }
    Map<Integer, List<PeerId>> targets = newJewelTargets(entry, n, view.live());
    return Upload.open(system, registry, askTimeout)
        .thenCompose(
            upload -> {
              log.info(
                  "retuning '{}' from n={} to n={}: new jewels on {}",
                  entry.name(),
                  fromN,
                  n,
                  targets);
              return schemes
                  .get(entry.scheme().id())
                  .extend(
                      new RepairJob(
                          entry,
                          view.live(),
                          targets,
                          new DataTransport(data, view.peers(), upload, false),
                          materializer),
                      n,
                      progress)
                  .thenCompose(
                      added ->
                          recordRetune(entry, n, added)
                              .thenApply(
                                  none ->
                                      added.stream()
                                          .flatMap(
                                              b ->
                                                  b.holders().stream()
                                                      .map(
                                                          p ->
                                                              new NewCopy(
                                                                  b.index(), b.id(), p, true)))
                                          .toList()))
                  .whenComplete((made, failure) -> upload.close());
            })
        .thenCompose(made -> report(entry, n, made, List.of()));
  }

  /**
   * Where the new jewels {@code n} of the file go: each to its own live peer that holds no jewel of
   * the file (nor was a holder that is down now: it may come back with its jewel), ranked by
   * rendezvous on the file's root with the jewel's index as salt. Refused, saying what is
   * reachable, when too few such peers are up.
   */
  static Map<Integer, List<PeerId>> newJewelTargets(FileEntry entry, int n, Set<PeerId> live) {
    int fromN = entry.layout().n();
    Set<PeerId> holders = new HashSet<>();
    entry.blocks().forEach(b -> holders.addAll(b.holders()));
    Map<PeerId, Double> free = new HashMap<>();
    live.stream().filter(p -> !holders.contains(p)).forEach(p -> free.put(p, 1.0));
    if (free.size() < n - fromN) {
      throw new JewelException(
          "cannot retune '"
              + entry.name()
              + "' to n="
              + n
              + ": each new jewel needs a live peer that holds none of its "
              + fromN
              + " jewels, and "
              + (free.isEmpty()
                  ? "none is up"
                  : free.size()
                      + (free.size() == 1 ? " is" : " are")
                      + " up ("
                      + free.keySet().stream()
                          .sorted()
                          .map(PeerId::name)
                          .collect(Collectors.joining(", "))
                      + ")")
              + "; the most it can have now is n="
              + (fromN + free.size())
              + " (add peers)",
          JewelException.Kind.UNAVAILABLE);
    }
    Map<Integer, List<PeerId>> targets = new TreeMap<>();
    for (int index = fromN; index < n; index++) {
      PeerId chosen = RendezvousPlacement.pick(entry.root(), index, free, 1).get(0);
      targets.put(index, List.of(chosen));
      free.remove(chosen);
    }
    return targets;
  }

  /** Records the new n and {@code added} in the registry; answers the jewels no file uses now. */
  private CompletionStage<List<BlockId>> recordRetune(
      FileEntry entry, int n, List<StoredBlock> added) {
    return RegistryAsk.askWithStatus(
            registry,
            (ActorRef<StatusReply<RegistryReply.Committed>> r) ->
                new RegistryCommand.Retune(
                    entry.name(), entry.root(), entry.layout().n(), n, added, r),
            JewelException.Kind.CONFLICT,
            askTimeout,
            system)
        .thenApply(
            committed -> {
              log.info("retuned '{}' from n={} to n={}", entry.name(), entry.layout().n(), n);
              return committed.orphans();
            });
  }

  private CompletionStage<RetuneReport> report(
      FileEntry before, int n, List<NewCopy> added, List<BlockId> dropped) {
    long jewel = before.blocks().isEmpty() ? 0 : before.blocks().get(0).length();
    return transfers
        .lookup(before.name())
        .thenCombine(
            view(),
            (after, v) ->
                new RetuneReport(
                    before.name(),
                    before.layout().n(),
                    n,
                    added,
                    dropped,
                    jewel * added.size(),
                    health(after, v, settings.grace())));
  }

  private static long lengthOf(FileEntry entry, int index) {
    return entry.blocks().stream()
        .filter(b -> b.index() == index)
        .mapToLong(StoredBlock::length)
        .findFirst()
        .orElse(0);
  }
}
