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
import jewel.api.RepairReport;
import jewel.api.RepairReport.NewCopy;
import jewel.api.StoredBlock;
import jewel.api.VerifyReport;
import jewel.api.VerifyReport.BadCopy;
import jewel.node.PeerDirectory;
import jewel.node.PeerDirectory.LivePeer;
import jewel.node.RegistryAsk;
import jewel.node.RegistryPages;
import jewel.node.maintenance.RepairSettings;
import jewel.placement.HealthCheck;
import jewel.placement.RendezvousPlacement;
import jewel.protocol.BlockHolder;
import jewel.protocol.PeerCommand;
import jewel.protocol.PeerReply;
import jewel.protocol.PeerState;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryReply;
import jewel.protocol.data.DataClient;
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
  }

  public RepairSettings settings() {
    return settings;
  }

  // ---------------------------------------------------------------- check

  /** What the cluster looks like to a health check: who is up, since when the others are down. */
  private record View(
      Map<PeerId, LivePeer> peers, Map<PeerId, Long> downSince, Set<FileName> pinned) {
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
    return live.thenCombine(states, (l, s) -> new View(l, downSince(s), Set.of()))
        .thenCombine(
            pins,
            (v, p) ->
                new View(
                    v.peers(),
                    v.downSince(),
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
        .thenCombine(view(), (entry, view) -> health(entry, view, settings.grace()));
  }

  /** The health of each of {@code files}, in their order. */
  public CompletionStage<List<FileHealth>> check(List<FileEntry> files) {
    return view()
        .thenApply(view -> files.stream().map(f -> health(f, view, settings.grace())).toList());
  }

  /**
   * Every file's health, for the repair queue, and which holders are up and which down.
   *
   * @param due the files with copies to re-create now (not those a pin keeps)
   * @param down holders of some block that are not up now
   */
  public record Survey(
      List<FileHealth> files, List<FileHealth> due, Set<PeerId> live, Set<PeerId> down) {}

  public CompletionStage<Survey> survey() {
    return RegistryPages.files(registry, askTimeout, system)
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
              List<FileHealth> health =
                  files.stream().map(f -> health(f, view, settings.grace())).toList();
              List<FileHealth> due =
                  health.stream()
                      .filter(h -> h.repairDue() && !view.pinned().contains(h.name()))
                      .toList();
              return new Survey(health, due, view.live(), down);
            });
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
    return Lease.take(system, transfers.coordinator(name), name, askTimeout)
        .thenCompose(
            lease -> repairUnder(name, grace).whenComplete((report, failure) -> lease.release()));
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

  private static long lengthOf(FileEntry entry, int index) {
    return entry.blocks().stream()
        .filter(b -> b.index() == index)
        .mapToLong(StoredBlock::length)
        .findFirst()
        .orElse(0);
  }
}
