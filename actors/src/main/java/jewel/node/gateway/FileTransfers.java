package jewel.node.gateway;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import jewel.api.BlockId;
import jewel.api.ByteRange;
import jewel.api.Digests;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.JewelException;
import jewel.api.ObjectAttributes;
import jewel.api.PeerId;
import jewel.api.PeerSettings;
import jewel.api.Pin;
import jewel.api.SchemeSpec;
import jewel.api.StoreResult;
import jewel.node.PeerDirectory;
import jewel.node.PeerDirectory.LivePeer;
import jewel.node.RegistryAsk;
import jewel.node.RegistryPages;
import jewel.node.pins.PlanView;
import jewel.placement.Availability;
import jewel.placement.Durability;
import jewel.placement.FormulaPlacement;
import jewel.placement.Placement;
import jewel.protocol.CoordinatorCommand;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryReply;
import jewel.protocol.data.DataClient;
import jewel.schemes.Encoded;
import jewel.schemes.JewelRules;
import jewel.schemes.Schemes;
import jewel.schemes.StorageScheme;
import jewel.schemes.StoreJob;
import jewel.schemes.VerifyingTransport;
import jewel.schemes.VerifyingTransport.BlockCopy;
import jewel.schemes.stream.Sha256Stage;
import jewel.schemes.stream.Sha256Stage.CorruptBytesException;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store or a get done where the request arrived: this node hashes, encodes and fans blocks out to
 * their holders, or gathers and decodes them, streaming between the client's bytes and the holders'
 * data channels. The file's coordinator only gives the name's turn (a {@link Lease}) and commits;
 * the registry node never carries the bytes unless a client talks to it.
 */
public final class FileTransfers {
  private static final Logger log = LoggerFactory.getLogger(FileTransfers.class);

  /** Schemes that store the file as one block, whose id is the file's SHA-256. */
  private static final Set<String> WHOLE_FILE_SCHEMES = Set.of("hosting", "naive");

  private final ActorSystem<?> system;
  private final ActorRef<RegistryCommand> registry;
  private final Schemes schemes;
  private final DataClient data;
  private final Duration askTimeout;
  private final Materializer materializer;
  private final NodeMetrics metrics;

  /**
   * Copies found corrupt on this node: later reads skip them. A read that met one fails (its bytes
   * may have gone out already), and the client's retry reads around it.
   */
  private final Set<BlockCopy> suspects = ConcurrentHashMap.newKeySet();

  FileTransfers(
      ActorSystem<?> system,
      ActorRef<RegistryCommand> registry,
      Schemes schemes,
      DataClient data,
      Duration askTimeout,
      NodeMetrics metrics) {
    this.system = system;
    this.registry = registry;
    this.schemes = schemes;
    this.data = data;
    this.askTimeout = askTimeout;
    this.materializer = Materializer.matFromSystem(system);
    this.metrics = metrics;
  }

  /**
   * What a store is asked to do.
   *
   * @param scheme null: the cluster's default
   * @param pin non-null: also put the file under this fractional pin
   * @param contentId the bytes' SHA-256 if the sender knows it before they flow (null otherwise): a
   *     pinned store of a whole-file scheme then writes its copies straight to the formula's peers,
   *     and bytes of another SHA-256 are refused ({@link ContentMismatchException}) before the
   *     commit
   * @param object non-null for an S3 object: kept with the file, with the ETag (the MD5 of the
   *     bytes, computed as they stream past) filled in
   */
  public record StoreRequest(
      FileName name,
      long size,
      SchemeSpec scheme,
      boolean replace,
      Pin pin,
      BlockId contentId,
      ObjectAttributes object) {}

  /** The bytes stored were not those whose SHA-256 the sender announced: nothing is committed. */
  public static final class ContentMismatchException extends JewelException {
    private static final long serialVersionUID = 1L;

    ContentMismatchException(FileName name, BlockId announced, BlockId actual) {
      super(
          "the bytes of '"
              + name
              + "' have SHA-256 "
              + actual.hex()
              + ", not "
              + announced.hex()
              + " as announced: nothing stored",
          Kind.BAD_INPUT);
    }
  }

  /** A file being read: its entry, the range served (null: all of it) and the bytes. */
  public record Download(FileEntry entry, ByteRange range, Source<ByteString, NotUsed> bytes) {
    public long length() {
      return range == null ? entry.size() : range.length();
    }
  }

  /**
   * Checks the request, takes the name's turn, and stores {@code content} (exactly {@code size}
   * bytes, read once). Nothing is committed unless every block reached its holders; a failure, or
   * content that ends early, releases the turn and discards what was uploaded.
   */
  CompletionStage<StoreResult> store(StoreRequest request, Source<ByteString, ?> content) {
    var timer = metrics.startTransfer();
    return schemeFor(request.scheme(), request.name())
        .thenCompose(
            spec ->
                refuseExisting(request.name(), request.replace())
                    .thenCompose(
                        ignored ->
                            Lease.take(
                                system, coordinator(request.name()), request.name(), askTimeout))
                    .thenCompose(lease -> storeUnder(lease, spec, request, content))
                    .thenCompose(this::withAvailability))
        .whenComplete((result, failure) -> metrics.endStore(timer, failure == null));
  }

  private CompletionStage<StoreResult> storeUnder(
      Lease lease, SchemeSpec spec, StoreRequest request, Source<ByteString, ?> content) {
    StorageScheme scheme = schemes.get(spec.id());
    // An object's ETag is the MD5 of its bytes: one more digest over the chunks as they pass.
    MessageDigest md5 = request.object() == null ? null : Digests.md5();
    Source<ByteString, NotUsed> bytes =
        md5 == null
            ? content.mapMaterializedValue(m -> NotUsed.getInstance())
            : content
                .map(
                    chunk -> {
                      for (ByteBuffer b : chunk.getByteBuffers()) {
                        md5.update(b);
                      }
                      return chunk;
                    })
                .mapMaterializedValue(m -> NotUsed.getInstance());
    // Opened before the first byte, so that no deletion takes what this store writes.
    CompletableFuture<Upload> upload =
        Upload.open(system, registry, askTimeout).toCompletableFuture();
    CompletionStage<StoreResult> stored =
        upload
            .thenCompose(ignored -> formulaPlacement(request, spec))
            .thenCombine(
                livePeers(),
                (placement, live) -> {
                  int needed = scheme.peersNeeded(spec);
                  if (live.size() < needed) {
                    throw new JewelException(
                        spec
                            + " needs "
                            + needed
                            + " live peers, only "
                            + live.size()
                            + " are up"
                            + (live.isEmpty() ? "" : " (" + names(live.keySet()) + ")")
                            + ": add peers or lower the parameters",
                        JewelException.Kind.UNAVAILABLE);
                  }
                  // A pinned file's blocks will be audited: record their Merkle roots from the
                  // writer's bytes.
                  DataTransport t =
                      new DataTransport(data, live, upload.join(), request.pin() != null);
                  StoreJob job =
                      new StoreJob(
                          request.name(),
                          spec,
                          request.size(),
                          bytes,
                          new ArrayList<>(live.keySet()),
                          t,
                          materializer,
                          placement.orElse(null));
                  log.info(
                      "storing '{}' ({} bytes) with {} on {}{}",
                      request.name(),
                      request.size(),
                      spec,
                      names(live.keySet()),
                      placement.isPresent() ? ", copies where the pin's formula puts them" : "");
                  return scheme
                      .store(job)
                      .thenApply(encoded -> withMerkleRoots(encoded, t.merkleRoots()));
                })
            .thenCompose(encoding -> encoding)
            .thenCompose(
                encoded -> {
                  if (request.contentId() != null && !request.contentId().equals(encoded.root())) {
                    throw new ContentMismatchException(
                        request.name(), request.contentId(), encoded.root());
                  }
                  FileEntry entry =
                      new FileEntry(
                          request.name(),
                          request.size(),
                          encoded.root(),
                          spec,
                          encoded.layout(),
                          encoded.blocks(),
                          System.currentTimeMillis(),
                          md5 == null
                              ? null
                              : request.object().withEtag(HexFormat.of().formatHex(md5.digest())));
                  return lease
                      .commit(entry, upload.join(), request.replace(), request.pin())
                      .thenApply(
                          committed -> {
                            Durability d = Durability.of(entry);
                            return new StoreResult(
                                entry, d.redundancy(), d.survives(), d.minPeersUp());
                          });
                });
    return stored.whenComplete(
        (result, failure) -> {
          Upload opened = upload.isCompletedExceptionally() ? null : upload.getNow(null);
          if (failure != null) {
            List<BlockId> uploaded = opened == null ? List.of() : opened.written();
            log.info(
                "store of '{}' failed, nothing committed ({} blocks uploaded will be discarded): {}",
                request.name(),
                uploaded.size(),
                RegistryAsk.oneLine(failure));
            lease.release(opened == null ? null : opened.id(), uploaded);
          }
          if (opened != null) {
            opened.close(); // after the commit or the release: until then, its blocks are spared
          }
        });
  }

  /**
   * For a pinned store of a whole-file scheme whose writer sent the file's id: copies go straight
   * to the peers the pin's formula picks ({@link FormulaPlacement}), so the writer uploads each
   * copy once and to a peer that keeps it. Empty otherwise: the scheme's own placement, after which
   * the formula's peers fetch the blocks.
   */
  private CompletionStage<Optional<Placement>> formulaPlacement(
      StoreRequest request, SchemeSpec spec) {
    if (request.pin() == null
        || request.contentId() == null
        || !WHOLE_FILE_SCHEMES.contains(spec.id())) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    CompletionStage<Map<String, PeerSettings>> settings =
        ask(RegistryCommand.GetPeerSettings::new).thenApply(RegistryReply.PeerTable::peers);
    CompletionStage<Double> defaultFraction =
        ask((ActorRef<RegistryReply.Pins> r) -> new RegistryCommand.GetPin(request.name(), r))
            .thenApply(RegistryReply.Pins::defaultFraction);
    return settings.thenCombine(
        defaultFraction,
        (peers, fallback) ->
            Optional.of(
                new FormulaPlacement(
                    request.contentId(),
                    request.pin().effectiveFraction(fallback, request.size()),
                    p -> peers.getOrDefault(p.name(), PeerSettings.DEFAULT))));
  }

  private static Encoded withMerkleRoots(Encoded encoded, Map<BlockId, String> roots) {
    if (roots.isEmpty()) {
      return encoded;
    }
    return new Encoded(
        encoded.root(),
        encoded.layout(),
        encoded.blocks().stream().map(b -> b.withMerkleRoot(roots.get(b.id()))).toList());
  }

  /**
   * Looks the file up and checks the range. The bytes, when run, read only the blocks (for jewels
   * only the segments) that cover the range. A whole file is SHA-256 checked before its last bytes
   * go out; a range is checked block by block where it reads blocks whole.
   *
   * <p>A read takes no turn of the name: blocks are immutable and named by their content, so a read
   * of the entry it looked up is right whatever else happens to the name meanwhile (a delete that
   * removes the blocks under it fails it, with a line that names the missing blocks). So a read
   * needs the registry only to look the file up, and while the registry moves to another node it
   * reads what this node last heard of the file ({@link #lookupForRead}).
   */
  CompletionStage<Download> read(FileName name, ByteRange requested) {
    return lookupForRead(name)
        .thenApply(
            entry -> {
              ByteRange range = requested == null ? null : requested.within(entry.size());
              if (requested != null && range == null) {
                throw new JewelException(
                    "range "
                        + requested
                        + " starts at or past the end of '"
                        + name
                        + "' ("
                        + entry.size()
                        + " bytes)",
                    JewelException.Kind.BAD_RANGE);
              }
              ByteRange effective =
                  range != null && range.start() == 0 && range.length() == entry.size()
                      ? null
                      : range;
              Source<ByteString, NotUsed> bytes =
                  entry.composite()
                      ? partsBytes(entry, effective)
                      : Source.lazyCompletionStageSource(() -> readPlanned(entry, effective))
                          .mapMaterializedValue(m -> NotUsed.getInstance());
              return new Download(entry, effective, bytes);
            });
  }

  /**
   * A composite's bytes (or a range of them): its parts' reads one after the other, each part read
   * only when the one before has ended and only over the bytes of the range it holds, each checked
   * as a read of that part is.
   */
  private Source<ByteString, NotUsed> partsBytes(FileEntry entry, ByteRange range) {
    long start = range == null ? 0 : range.start();
    long end = range == null ? entry.size() : range.end() + 1; // exclusive
    List<ObjectAttributes.Part> parts = entry.object().parts();
    List<FileName> files = entry.object().partFiles();
    List<PartRead> reads = new ArrayList<>();
    long offset = 0;
    for (int i = 0; i < parts.size(); i++) {
      long size = parts.get(i).size();
      long from = Math.max(start, offset);
      long to = Math.min(end, offset + size);
      if (from < to) {
        reads.add(
            new PartRead(
                files.get(i),
                from == offset && to == offset + size
                    ? null
                    : new ByteRange(from - offset, to - offset - 1)));
      }
      offset += size;
    }
    return Source.from(reads)
        .flatMapConcat(
            r ->
                Source.lazyCompletionStageSource(
                    () -> read(r.part(), r.range()).thenApply(Download::bytes)));
  }

  /** A part of a composite to read, and which of its bytes (null: all). */
  private record PartRead(FileName part, ByteRange range) {}

  /**
   * Commits a composite ({@link ObjectAttributes}) under its name's turn, replacing any file of
   * that name: no byte moves, its parts are stored already.
   */
  CompletionStage<FileEntry> commitComposite(FileEntry entry) {
    return Lease.take(system, coordinator(entry.name()), entry.name(), askTimeout)
        .thenCompose(
            lease ->
                Upload.open(system, registry, askTimeout)
                    .thenCompose(
                        upload ->
                            lease
                                .commit(entry, upload, true, null)
                                .whenComplete((stored, failure) -> upload.close()))
                    .whenComplete(
                        (stored, failure) -> {
                          if (failure != null) {
                            lease.release();
                          }
                        }))
        .thenApply(stored -> entry);
  }

  /**
   * How long a read waits for the registry before it goes on with what this node last heard: longer
   * than the registry takes to answer, shorter than it takes to move to another node.
   */
  private static final Duration READ_PATIENCE = Duration.ofSeconds(2);

  /** What this node last heard of files it read, and of greylisted peers (see {@link #read}). */
  private final Map<FileName, FileEntry> lastKnown =
      java.util.Collections.synchronizedMap(
          new java.util.LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<FileName, FileEntry> eldest) {
              return size() > 10_000;
            }
          });

  private volatile Set<PeerId> lastGreylisted = Set.of();

  /**
   * The file's entry from the registry; if the registry has not answered within {@link
   * #READ_PATIENCE} and this node read the file before, the entry it read then.
   */
  private CompletionStage<FileEntry> lookupForRead(FileName name) {
    CompletableFuture<FileEntry> answer = lookup(name).toCompletableFuture();
    var unused =
        answer.whenComplete(
            (entry, failure) -> {
              if (entry != null) {
                lastKnown.put(name, entry);
              } else if (RegistryAsk.unwrap(failure) instanceof JewelException j
                  && j.kind() == JewelException.Kind.NOT_FOUND) {
                lastKnown.remove(name);
              }
            });
    FileEntry known = lastKnown.get(name);
    if (known == null) {
      return answer;
    }
    return answer.copy().completeOnTimeout(known, READ_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private CompletionStage<Source<ByteString, NotUsed>> readPlanned(
      FileEntry entry, ByteRange range) {
    return readPlan(entry)
        .thenCombine(
            livePeers(),
            (plan, everyLive) -> {
              var timer = metrics.startTransfer();
              return attempt(plan, everyLive, range)
                  .watchTermination(
                      (notUsed, done) -> {
                        done.whenComplete((d, failure) -> metrics.endGet(timer, failure == null));
                        return NotUsed.getInstance();
                      });
            });
  }

  /** What a get reads: the entry with the peers to ask for each block, in the order to ask them. */
  private record ReadPlan(FileEntry entry) {}

  /**
   * Greylisted peers (failed audits) are asked last, but asked: a file whose only good copies a
   * greylisted peer holds can still be read (and what it serves is checked like any copy). For a
   * fractionally pinned file, peers fetch and drop blocks on their own, so the block book may lag:
   * each block's candidates are the peers the formula computes (live, not greylisted, within
   * quota), then the book's holders, then every other live peer.
   */
  private CompletionStage<ReadPlan> readPlan(FileEntry entry) {
    // While the registry moves to another node: the greylist this node last heard, and no pin
    // plan (every live peer is then a candidate, after the book's holders).
    CompletionStage<Set<PeerId>> greylisted =
        ask(RegistryCommand.GetPeerSettings::new)
            .thenApply(
                t -> {
                  Set<PeerId> grey =
                      t.peers().entrySet().stream()
                          .filter(e -> e.getValue().greylisted())
                          .map(e -> new PeerId(e.getKey()))
                          .collect(Collectors.toSet());
                  lastGreylisted = grey;
                  return grey;
                })
            .toCompletableFuture()
            .completeOnTimeout(lastGreylisted, READ_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    CompletionStage<PlanView> pins =
        RegistryPages.pinPlan(registry, entry.name(), askTimeout, system.scheduler())
            .thenApply(PlanView::of)
            .toCompletableFuture()
            .completeOnTimeout(null, READ_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    return greylisted
        .thenCombine(
            pins,
            (last, plan) ->
                plan != null && plan.blocks().isEmpty()
                    ? CompletableFuture.completedFuture(new ReadPlan(askingLast(entry, last)))
                    : livePeers()
                        .thenApply(
                            live ->
                                new ReadPlan(
                                    askingLast(
                                        withComputedHolders(entry, plan, live.keySet(), last),
                                        last))))
        .thenCompose(next -> next);
  }

  /**
   * Each block's candidates: the peers the pin's formula computes ({@code plan} null: unknown),
   * then the book's holders, then every other live peer.
   */
  private static FileEntry withComputedHolders(
      FileEntry entry, PlanView plan, Set<PeerId> live, Set<PeerId> greylisted) {
    List<PeerId> everyLive = live.stream().sorted().toList();
    List<PeerId> notGreylisted = everyLive.stream().filter(p -> !greylisted.contains(p)).toList();
    return entry.withBlocks(
        entry.blocks().stream()
            .map(
                b -> {
                  PlanView.Block pinned = plan == null ? null : plan.block(b.id());
                  Set<PeerId> candidates =
                      new LinkedHashSet<>(
                          pinned == null ? List.of() : plan.expected(pinned, notGreylisted));
                  candidates.addAll(b.holders());
                  candidates.addAll(everyLive);
                  return b.withHolders(new ArrayList<>(candidates));
                })
            .toList());
  }

  /** Each block's holders in the same order, but the greylisted ones after all others. */
  private static FileEntry askingLast(FileEntry entry, Set<PeerId> greylisted) {
    if (greylisted.isEmpty()) {
      return entry;
    }
    return entry.withBlocks(
        entry.blocks().stream()
            .map(
                b -> {
                  List<PeerId> holders = new ArrayList<>(b.holders());
                  holders.sort(
                      Comparator.comparing(greylisted::contains)); // stable: false before true
                  return b.withHolders(holders);
                })
            .toList());
  }

  /**
   * One read of the file, skipping copies found corrupt before. Every block downloaded whole is
   * checked against its id; a corrupt copy fails the read, and is remembered so that the next read
   * goes around it.
   */
  private Source<ByteString, NotUsed> attempt(
      ReadPlan plan, Map<PeerId, LivePeer> live, ByteRange range) {
    FileEntry entry = plan.entry();
    Set<BlockCopy> excluded = Set.copyOf(suspects);
    VerifyingTransport transport =
        new VerifyingTransport(
            entry,
            new DataTransport(data, live),
            excluded,
            e -> {
              BlockCopy copy = new BlockCopy(e.block(), e.peer());
              if (suspects.add(copy)) {
                log.warn(
                    "get '{}': {} is corrupted; reads from this node skip it from now on",
                    entry.name(),
                    copy);
              }
            });
    Source<ByteString, NotUsed> bytes =
        schemes.get(entry.scheme().id()).read(entry, live.keySet(), transport, range);
    Source<ByteString, NotUsed> checked =
        range != null
            ? bytes
            : bytes.via(
                Sha256Stage.failBeforeLastChunk(
                    entry.root(),
                    (actual, size) ->
                        new CorruptBytesException(
                            "file '" + entry.name() + "'", entry.root(), actual)));
    return checked
        // Too few blocks, or a corrupt one: the cluster cannot serve it now, and the line says why.
        .mapError(
        Throwable.class,
        t ->
            t instanceof JewelException
                ? t
                : new JewelException(RegistryAsk.oneLine(t), JewelException.Kind.UNAVAILABLE, t));
  }

  private CompletionStage<SchemeSpec> schemeFor(SchemeSpec requested, FileName name) {
    CompletionStage<SchemeSpec> spec =
        requested != null
            ? CompletableFuture.completedFuture(requested)
            : ask(RegistryCommand.GetSettings::new)
                .thenApply(RegistryReply.Settings::clusterDefault);
    return spec.thenCompose(s -> pickForTarget(s, name))
        .thenApply(
            s -> {
              try {
                return schemes.normalize(s);
              } catch (IllegalArgumentException e) {
                throw new JewelException(e.getMessage(), JewelException.Kind.BAD_INPUT);
              }
            });
  }

  /**
   * A Reed-Solomon spec with an availability target and neither k nor n, with the k and n {@link
   * Availability#cheapest} picks on the live peers: the n jewels' holders are the peers the
   * placement gives this file's n positions, each counted with its observed availability (a peer
   * the registry has not observed yet counts as up). Any other spec as it is.
   */
  private CompletionStage<SchemeSpec> pickForTarget(SchemeSpec spec, FileName name) {
    if (!spec.id().equals("reedsolomon") || !spec.params().containsKey(JewelRules.TARGET)) {
      return CompletableFuture.completedFuture(spec);
    }
    boolean k = spec.params().containsKey("k"), n = spec.params().containsKey("n");
    if (k && n) {
      return CompletableFuture.completedFuture(spec); // a file's recorded scheme: target kept
    }
    if (k || n) {
      throw new JewelException(
          "availability= picks k and n: give neither of them, or both and no availability");
    }
    return livePeers()
        .thenCombine(
            ask(RegistryCommand.GetPeerStates::new),
            (live, states) -> {
              double target, maxOverhead;
              Placement placement;
              try {
                target = JewelRules.target(spec);
                maxOverhead = JewelRules.maxOverhead(spec);
                placement =
                    Placement.named(
                        spec.params().getOrDefault("placement", Placement.NAMES.get(0)));
              } catch (IllegalArgumentException e) {
                throw new JewelException(e.getMessage());
              }
              if (!spec.params().getOrDefault("placement", "roundrobin").equals("roundrobin")) {
                throw new JewelException(
                    "availability= picks k and n with round-robin placement only: rendezvous may"
                        + " put two jewels on one peer");
              }
              Map<String, Double> observed = states.availability(System.currentTimeMillis());
              List<PeerId> peers = new ArrayList<>(live.keySet());
              IntFunction<double[]> upFor =
                  count ->
                      placement
                          .place(name.value(), Placement.positions(name.value(), count), 1, peers)
                          .stream()
                          .mapToDouble(
                              h -> observed.getOrDefault(h.get(0).name(), states.unobserved()))
                          .toArray();
              Optional<Availability.Choice> choice =
                  Availability.cheapest(peers.size(), upFor, target, maxOverhead);
              if (choice.isEmpty()) {
                throw new JewelException(
                    Availability.outOfReach(peers.size(), upFor, target, maxOverhead),
                    JewelException.Kind.UNAVAILABLE);
              }
              Availability.Choice c = choice.get();
              log.info(
                  "'{}': reedsolomon k={} n={} for availability {} ({} computed)",
                  name,
                  c.k(),
                  c.n(),
                  Availability.format(target),
                  Availability.format(c.availability()));
              return spec.with("k", Integer.toString(c.k())).with("n", Integer.toString(c.n()));
            });
  }

  /** The store's result with its computed availability, if its scheme has a target. */
  private CompletionStage<StoreResult> withAvailability(StoreResult stored) {
    if (!stored.entry().scheme().params().containsKey(JewelRules.TARGET)) {
      return CompletableFuture.completedFuture(stored);
    }
    return ask(RegistryCommand.GetPeerStates::new)
        .thenApply(
            states -> {
              Map<String, Double> observed = states.availability(System.currentTimeMillis());
              double a =
                  Availability.of(
                          stored.entry(), p -> observed.getOrDefault(p.name(), states.unobserved()))
                      .value();
              return new StoreResult(
                  stored.entry(), stored.redundancy(), stored.survives(), stored.minPeersUp(), a);
            });
  }

  /** Refuses early, before any byte moves; the commit checks again under the name's turn. */
  private CompletionStage<Void> refuseExisting(FileName name, boolean replace) {
    if (replace) {
      return CompletableFuture.completedFuture(null);
    }
    return RegistryPages.entry(registry, name, askTimeout, system)
        .thenAccept(
            found -> {
              if (found.isPresent()) {
                throw new JewelException(
                    "file '" + name + "' exists: use --replace to overwrite it",
                    JewelException.Kind.CONFLICT);
              }
            });
  }

  CompletionStage<FileEntry> lookup(FileName name) {
    return RegistryPages.entry(registry, name, askTimeout, system)
        .thenApply(
            found ->
                found.orElseThrow(
                    () ->
                        new JewelException(
                            "unknown file '" + name + "' (try: ls)",
                            JewelException.Kind.NOT_FOUND)));
  }

  private CompletionStage<Map<PeerId, LivePeer>> livePeers() {
    return PeerDirectory.live(system);
  }

  org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<CoordinatorCommand> coordinator(
      FileName name) {
    return ClusterSharding.get(system)
        .entityRefFor(jewel.node.coordinator.Coordinator.TYPE_KEY, name.value());
  }

  private <R> CompletionStage<R> ask(
      org.apache.pekko.japi.function.Function<ActorRef<R>, RegistryCommand> message) {
    return RegistryAsk.query(registry, message, askTimeout, system);
  }

  private static String names(Set<PeerId> peers) {
    return String.join(", ", peers.stream().map(PeerId::name).toList());
  }
}
