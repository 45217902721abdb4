package jewel.node.coordinator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import jewel.node.PeerDirectory.LivePeer;
import jewel.node.PeerDirectory;
import jewel.node.RegistryPages;
import jewel.node.pins.PlanView;
import jewel.api.BlockId;
import jewel.protocol.CoordinatorCommand;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.protocol.OperationReply;
import jewel.protocol.PeerCommand;
import jewel.api.PeerId;
import jewel.protocol.PeerReply;
import jewel.api.PeerSettings;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryReply;
import jewel.api.SchemeSpec;
import jewel.api.StoredBlock;
import jewel.protocol.data.DataClient;
import jewel.protocol.data.DataRequest;
import jewel.placement.Durability;
import jewel.schemes.Encoded;
import jewel.schemes.Schemes;
import jewel.schemes.StorageScheme;
import jewel.schemes.StoreJob;
import jewel.schemes.VerifyingTransport.BlockCopy;
import jewel.schemes.VerifyingTransport;
import jewel.placement.FormulaPlacement;
import jewel.placement.Placement;
import jewel.schemes.stream.Sha256Check;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work behind a coordinator's store, get and delete: ask the registry, find live
 * peers, run the scheme's streams, commit. Plain asynchronous code; the {@link
 * Coordinator} makes sure only one of these runs per file at a time.
 */
public final class FileOperations implements Operations {
  private static final Logger log = LoggerFactory.getLogger(FileOperations.class);

  private final ActorSystem<?> system;
  private final ActorRef<RegistryCommand> registry;
  private final Schemes schemes;
  private final DataClient data;
  private final Duration askTimeout;
  private final Materializer materializer;

  public FileOperations(
      ActorSystem<?> system, ActorRef<RegistryCommand> registry, Schemes schemes, DataClient data, Duration askTimeout) {
    this.system = system;
    this.registry = registry;
    this.schemes = schemes;
    this.data = data;
    this.askTimeout = askTimeout;
    this.materializer = Materializer.matFromSystem(system);
  }

  @Override
  public CompletionStage<OperationReply> store(CoordinatorCommand.Store c) {
    return schemeFor(c.scheme()).thenCompose(spec -> {
      StorageScheme scheme = schemes.get(spec.id());
      return refuseExisting(c.name(), c.replace())
          .thenCompose(ignored -> formulaPlacement(c, spec))
          .thenCombine(livePeers(), (placement, live) -> {
            int needed = scheme.peersNeeded(spec);
            if (live.size() < needed) {
              throw new OperationFailure(spec + " needs " + needed + " live peers, only " + live.size()
                  + " are up" + (live.isEmpty() ? "" : " (" + names(live.keySet()) + ")") + ": add peers or lower the parameters");
            }
            Source<ByteString, NotUsed> content = data.get(c.source().address(), DataRequest.getFile(c.source().token()))
                .mapMaterializedValue(m -> NotUsed.getInstance());
            // A pinned file's blocks will be audited: record their Merkle roots from the writer's bytes.
            DataTransport transport = new DataTransport(data, live, c.pin() != null);
            StoreJob job = new StoreJob(c.name(), spec, c.source().size(), content, new ArrayList<>(live.keySet()),
                transport, materializer, placement.orElse(null));
            log.info("storing '{}' ({} bytes) with {} on {}{}", c.name(), c.source().size(), spec, names(live.keySet()),
                placement.isPresent() ? ", copies where the pin's formula puts them" : "");
            return scheme.store(job).thenApply(encoded -> withMerkleRoots(encoded, transport.merkleRoots()));
          })
          .thenCompose(stored -> stored)
          .thenCompose(encoded -> commit(c, spec, encoded));
    });
  }

  /**
   * For a pinned store of a whole-file scheme whose writer sent the file's id: copies go
   * straight to the peers the pin's formula picks ({@link FormulaPlacement}), so the writer
   * uploads each copy once and to a peer that keeps it. Empty otherwise: the scheme's own
   * placement, after which the formula's peers fetch the blocks.
   */
  private CompletionStage<Optional<Placement>> formulaPlacement(CoordinatorCommand.Store c, SchemeSpec spec) {
    if (c.pin() == null || c.contentId() == null || !WHOLE_FILE_SCHEMES.contains(spec.id())) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    CompletionStage<Map<String, PeerSettings>> settings =
        askRegistry(RegistryCommand.GetPeerSettings::new).thenApply(r -> ((RegistryReply.PeerTable) r).peers());
    CompletionStage<Double> defaultFraction =
        askRegistry(r -> new RegistryCommand.GetPin(c.name(), r)).thenApply(r -> ((RegistryReply.Pins) r).defaultFraction());
    return settings.thenCombine(defaultFraction, (peers, fallback) -> Optional.of(new FormulaPlacement(c.contentId(),
        c.pin().effectiveFraction(fallback, c.source().size()),
        p -> peers.getOrDefault(p.name(), PeerSettings.DEFAULT))));
  }

  /** Schemes that store the file as one block, whose id is the file's SHA-256. */
  private static final Set<String> WHOLE_FILE_SCHEMES = Set.of("hosting", "naive");

  private static Encoded withMerkleRoots(Encoded encoded, Map<BlockId, String> roots) {
    if (roots.isEmpty()) {
      return encoded;
    }
    return new Encoded(encoded.root(), encoded.layout(),
        encoded.blocks().stream().map(b -> b.withMerkleRoot(roots.get(b.id()))).toList());
  }

  private CompletionStage<OperationReply> commit(CoordinatorCommand.Store c, SchemeSpec spec, Encoded encoded) {
    FileEntry entry = new FileEntry(c.name(), c.source().size(), encoded.root(), spec, encoded.layout(),
        encoded.blocks(), System.currentTimeMillis());
    return askRegistry(r -> new RegistryCommand.Commit(entry, c.replace(), r)).thenCompose(reply -> {
      if (reply instanceof RegistryReply.Committed committed) {
        return deleteBlocks(c.replace() ? committed.orphans() : List.of(), List.of())
            .thenCompose(ignored -> c.pin() == null ? CompletableFuture.completedFuture(null)
                : askRegistry(r -> new RegistryCommand.SetPin(c.name(), c.pin(), r)))
            .thenApply(ignored -> {
              Durability d = Durability.of(committed.entry());
              log.info("stored '{}': root {}, D={}, survives {}", c.name(), encoded.root(), d.redundancy(), d.survives());
              return (OperationReply) new OperationReply.Stored(committed.entry(), d.redundancy(), d.survives(), d.minPeersUp());
            });
      }
      throw new OperationFailure(((RegistryReply.Rejected) reply).reason());
    });
  }

  @Override
  public CompletionStage<OperationReply> get(CoordinatorCommand.Get c) {
    return lookup(c.name()).thenCompose(this::readPlan).thenCompose(p -> read(c, p, Set.of()));
  }

  /** What a get reads: the entry with the peers to ask for each block, and the peers it never asks. */
  private record ReadPlan(FileEntry entry, Set<PeerId> greylisted) {}

  /**
   * Greylisted peers (failed audits) are never asked. For a fractionally pinned file, peers
   * fetch and drop blocks on their own, so the block book may lag: each block's candidates are
   * the peers the formula computes (live, not greylisted, within quota), then the book's
   * holders, then every other live peer.
   */
  private CompletionStage<ReadPlan> readPlan(FileEntry entry) {
    CompletionStage<Set<PeerId>> greylisted = askRegistry(RegistryCommand.GetPeerSettings::new)
        .thenApply(r -> ((RegistryReply.PeerTable) r).peers().entrySet().stream()
            .filter(e -> e.getValue().greylisted()).map(e -> new PeerId(e.getKey())).collect(Collectors.toSet()));
    CompletionStage<PlanView> pins = RegistryPages.pinPlan(registry, entry.name(), askTimeout, system.scheduler())
        .thenApply(PlanView::of);
    return greylisted.thenCombine(pins, (skip, plan) -> plan.blocks().isEmpty()
            ? CompletableFuture.completedFuture(new ReadPlan(entry, skip))
            : livePeers().thenApply(live -> new ReadPlan(withComputedHolders(entry, plan, live.keySet(), skip), skip)))
        .thenCompose(next -> next);
  }

  private static FileEntry withComputedHolders(FileEntry entry, PlanView plan, Set<PeerId> live, Set<PeerId> skip) {
    List<PeerId> askable = live.stream().filter(p -> !skip.contains(p)).sorted().toList();
    return entry.withBlocks(entry.blocks().stream().map(b -> {
      PlanView.Block pinned = plan.block(b.id());
      Set<PeerId> candidates = new LinkedHashSet<>(pinned == null ? List.of() : plan.expected(pinned, askable));
      candidates.addAll(b.holders());
      candidates.addAll(askable);
      return b.withHolders(new ArrayList<>(candidates));
    }).toList());
  }

  /**
   * One attempt at a get, skipping the {@code excluded} copies. Every downloaded block is
   * checked against its id; a corrupt copy fails the attempt (its bytes may have gone on
   * already, though never the file's last chunk, so nothing corrupt is committed), and the
   * read starts again, into the same sink, without it. Each retry excludes at least one more
   * copy, so this ends.
   */
  private CompletionStage<OperationReply> read(CoordinatorCommand.Get c, ReadPlan plan, Set<BlockCopy> excluded) {
    FileEntry entry = plan.entry();
    return livePeers().thenCompose(everyLive -> {
      Map<PeerId, LivePeer> live = new HashMap<>(everyLive);
      live.keySet().removeAll(plan.greylisted());
      Set<BlockCopy> corrupt = ConcurrentHashMap.newKeySet();
      VerifyingTransport transport = new VerifyingTransport(entry, new DataTransport(data, live, false), excluded,
          e -> corrupt.add(new BlockCopy(e.block(), e.peer())));
      // The read's own failure says what went wrong; the sink would only say that its bytes stopped.
      AtomicReference<Throwable> readFailure = new AtomicReference<>();
      CompletionStage<OperationReply> attempt;
      try {
        attempt = schemes.get(entry.scheme().id()).read(entry, live.keySet(), transport)
            .via(Sha256Check.verify(entry.root(), "file '" + entry.name() + "'"))
            .mapError(Throwable.class, t -> {
              readFailure.compareAndSet(null, t);
              return t;
            })
            .runWith(data.put(c.sink().address(), DataRequest.putFile(c.sink().token(), entry.size())), materializer)
            .thenApply(ignored -> (OperationReply) new OperationReply.Fetched(entry));
      } catch (RuntimeException e) {
        attempt = CompletableFuture.failedFuture(e);
      }
      return attempt.handle((reply, sinkFailure) -> {
        if (sinkFailure == null) {
          return CompletableFuture.completedFuture(reply);
        }
        Throwable failure = readFailure.get() != null ? readFailure.get() : sinkFailure;
        Set<BlockCopy> found = new LinkedHashSet<>(corrupt);
        found.removeAll(excluded);
        if (!found.isEmpty()) {
          Set<BlockCopy> without = new LinkedHashSet<>(excluded);
          without.addAll(found);
          log.warn("get '{}': {} corrupted; reading again without {}", entry.name(),
              found.stream().map(BlockCopy::toString).collect(Collectors.joining(", ")), found.size() == 1 ? "it" : "them");
          return read(c, plan, without);
        }
        if (excluded.isEmpty()) {
          return CompletableFuture.<OperationReply>failedFuture(failure);
        }
        return CompletableFuture.<OperationReply>failedFuture(new OperationFailure(
            oneLine(failure) + " (skipped corrupted copies: " + excluded.stream().map(BlockCopy::toString)
                .collect(Collectors.joining(", ")) + ")"));
      }).thenCompose(next -> next);
    });
  }

  private static String oneLine(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return message.lines().findFirst().orElse(message);
  }

  @Override
  public CompletionStage<OperationReply> delete(CoordinatorCommand.Delete c) {
    return askRegistry(r -> new RegistryCommand.Delete(c.name(), r)).thenCompose(reply -> {
      if (reply instanceof RegistryReply.Deleted deleted) {
        return deleteBlocks(deleted.orphans(), deleted.entry().blocks())
            .thenApply(ignored -> (OperationReply) new OperationReply.Removed(deleted.entry()));
      }
      throw unknown(c.name());
    });
  }

  /**
   * Asks the live holders of {@code orphans} to drop them. Best effort: a holder that is
   * down keeps its copy, which no file references any more.
   */
  private CompletionStage<Void> deleteBlocks(List<BlockId> orphans, List<StoredBlock> knownBlocks) {
    if (orphans.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    Set<BlockId> drop = new HashSet<>(orphans);
    return livePeers().thenCompose(live -> {
      Map<PeerId, List<BlockId>> byPeer = new LinkedHashMap<>();
      for (LivePeer p : live.values()) {
        byPeer.put(p.name(), new ArrayList<>(drop)); // a peer ignores blocks it does not hold
      }
      List<CompletableFuture<PeerReply>> acks = new ArrayList<>();
      byPeer.forEach((peer, blocks) -> acks.add(AskPattern.<PeerCommand, PeerReply>ask(live.get(peer).ref(),
              r -> new PeerCommand.DeleteBlocks(blocks, r), askTimeout, system.scheduler())
          .toCompletableFuture().exceptionally(e -> null)));
      return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
    });
  }

  private CompletionStage<SchemeSpec> schemeFor(SchemeSpec requested) {
    CompletionStage<SchemeSpec> spec = requested != null
        ? CompletableFuture.completedFuture(requested)
        : askRegistry(RegistryCommand.GetSettings::new).thenApply(r -> ((RegistryReply.Settings) r).clusterDefault());
    return spec.thenApply(s -> {
      try {
        return schemes.normalize(s);
      } catch (IllegalArgumentException e) {
        throw new OperationFailure(e.getMessage());
      }
    });
  }

  private CompletionStage<Void> refuseExisting(FileName name, boolean replace) {
    if (replace) {
      return CompletableFuture.completedFuture(null);
    }
    return askRegistry(r -> new RegistryCommand.Lookup(name, r)).thenAccept(reply -> {
      if (reply instanceof RegistryReply.Found) {
        throw new OperationFailure("file '" + name + "' exists: use --replace to overwrite it");
      }
    });
  }

  private CompletionStage<FileEntry> lookup(FileName name) {
    return askRegistry(r -> new RegistryCommand.Lookup(name, r)).thenApply(reply -> {
      if (reply instanceof RegistryReply.Found found) {
        return found.entry();
      }
      throw unknown(name);
    });
  }

  private CompletionStage<Map<PeerId, LivePeer>> livePeers() {
    return PeerDirectory.live(system);
  }

  private CompletionStage<RegistryReply> askRegistry(
      org.apache.pekko.japi.function.Function<ActorRef<RegistryReply>, RegistryCommand> message) {
    return AskPattern.ask(registry, message::apply, askTimeout, system.scheduler())
        .exceptionally(e -> {
          throw new OperationFailure("the registry did not answer within " + askTimeout.toSeconds()
              + " s: is the seed node up? (./jewel peers)");
        });
  }

  private static OperationFailure unknown(FileName name) {
    return new OperationFailure("unknown file '" + name + "' (try: ls)");
  }

  private static String names(Set<PeerId> peers) {
    return String.join(", ", peers.stream().map(PeerId::name).toList());
  }

  /** One line for a failure of any kind. */
  static OperationReply failed(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (!(t instanceof OperationFailure)) {
      log.warn("operation failed", t);
    }
    return new OperationReply.Failed(oneLine(t));
  }
}
