package jewel.persistence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import jewel.api.BlockId;
import jewel.api.BlockLayout;
import jewel.api.BucketNames;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.PeerId;
import jewel.api.PeerSettings;
import jewel.api.PinView;
import jewel.api.S3AccessKeys;
import jewel.api.S3KeyInfo;
import jewel.api.SchemeSpec;
import jewel.api.StoredBlock;
import jewel.api.TokenInfo;
import jewel.api.UploadParts;
import jewel.protocol.BlockHolder;
import jewel.protocol.BucketInfo;
import jewel.protocol.MultipartInfo;
import jewel.protocol.Pages;
import jewel.protocol.PeerState;
import jewel.protocol.PinnedBlock;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryCommand.BumpSalt;
import jewel.protocol.RegistryCommand.CloseUpload;
import jewel.protocol.RegistryCommand.Commit;
import jewel.protocol.RegistryCommand.CreateBucket;
import jewel.protocol.RegistryCommand.CreateS3Key;
import jewel.protocol.RegistryCommand.CreateToken;
import jewel.protocol.RegistryCommand.Delete;
import jewel.protocol.RegistryCommand.DeleteBucket;
import jewel.protocol.RegistryCommand.EndMultipart;
import jewel.protocol.RegistryCommand.GetBucket;
import jewel.protocol.RegistryCommand.GetMultipart;
import jewel.protocol.RegistryCommand.GetPeerSettings;
import jewel.protocol.RegistryCommand.GetPeerStates;
import jewel.protocol.RegistryCommand.GetPin;
import jewel.protocol.RegistryCommand.GetPinPlan;
import jewel.protocol.RegistryCommand.GetSettings;
import jewel.protocol.RegistryCommand.GetStats;
import jewel.protocol.RegistryCommand.ListBuckets;
import jewel.protocol.RegistryCommand.ListFiles;
import jewel.protocol.RegistryCommand.ListMultiparts;
import jewel.protocol.RegistryCommand.ListPins;
import jewel.protocol.RegistryCommand.ListS3Keys;
import jewel.protocol.RegistryCommand.ListTokens;
import jewel.protocol.RegistryCommand.Lookup;
import jewel.protocol.RegistryCommand.LookupBlocks;
import jewel.protocol.RegistryCommand.LookupS3Key;
import jewel.protocol.RegistryCommand.LookupToken;
import jewel.protocol.RegistryCommand.OpenUpload;
import jewel.protocol.RegistryCommand.PlanDeletion;
import jewel.protocol.RegistryCommand.RecordCopies;
import jewel.protocol.RegistryCommand.RecordPeerStates;
import jewel.protocol.RegistryCommand.ReportHoldings;
import jewel.protocol.RegistryCommand.Retune;
import jewel.protocol.RegistryCommand.RevokeS3Key;
import jewel.protocol.RegistryCommand.RevokeToken;
import jewel.protocol.RegistryCommand.SetDefaultPin;
import jewel.protocol.RegistryCommand.SetDefaultScheme;
import jewel.protocol.RegistryCommand.SetPeerSettings;
import jewel.protocol.RegistryCommand.SetPin;
import jewel.protocol.RegistryCommand.StageBlocks;
import jewel.protocol.RegistryCommand.StartHoldingsReport;
import jewel.protocol.RegistryCommand.StartMultipart;
import jewel.protocol.RegistryCommand.UploadProgress;
import jewel.protocol.RegistryEvent;
import jewel.protocol.RegistryEvent.BucketCreated;
import jewel.protocol.RegistryEvent.BucketDeleted;
import jewel.protocol.RegistryEvent.CopiesRecorded;
import jewel.protocol.RegistryEvent.DefaultPinSet;
import jewel.protocol.RegistryEvent.DefaultSchemeSet;
import jewel.protocol.RegistryEvent.FileCommitted;
import jewel.protocol.RegistryEvent.FileDeleted;
import jewel.protocol.RegistryEvent.FileRetuned;
import jewel.protocol.RegistryEvent.HoldingsReported;
import jewel.protocol.RegistryEvent.PeerSettingsSet;
import jewel.protocol.RegistryEvent.PeerStatesChanged;
import jewel.protocol.RegistryEvent.PinSet;
import jewel.protocol.RegistryEvent.S3KeyCreated;
import jewel.protocol.RegistryEvent.S3KeyRevoked;
import jewel.protocol.RegistryEvent.SaltBumped;
import jewel.protocol.RegistryEvent.TokenCreated;
import jewel.protocol.RegistryEvent.TokenRevoked;
import jewel.protocol.RegistryEvent.UploadEnded;
import jewel.protocol.RegistryEvent.UploadStarted;
import jewel.protocol.RegistryReply;
import jewel.protocol.RegistryReply.BlockPage;
import jewel.protocol.RegistryReply.BucketFound;
import jewel.protocol.RegistryReply.Buckets;
import jewel.protocol.RegistryReply.Committed;
import jewel.protocol.RegistryReply.Deleted;
import jewel.protocol.RegistryReply.DeletionPlan;
import jewel.protocol.RegistryReply.Listing;
import jewel.protocol.RegistryReply.LookedUp;
import jewel.protocol.RegistryReply.MultipartFound;
import jewel.protocol.RegistryReply.Multiparts;
import jewel.protocol.RegistryReply.PeerStates;
import jewel.protocol.RegistryReply.PeerTable;
import jewel.protocol.RegistryReply.PinPlan;
import jewel.protocol.RegistryReply.Pins;
import jewel.protocol.RegistryReply.S3KeyFound;
import jewel.protocol.RegistryReply.S3Keys;
import jewel.protocol.RegistryReply.Settings;
import jewel.protocol.RegistryReply.TokenFound;
import jewel.protocol.RegistryReply.Tokens;
import jewel.protocol.RegistryReply.UploadOpened;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.DeleteSnapshotsFailed;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.RecoveryFailed;
import org.apache.pekko.persistence.typed.SnapshotFailed;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The file registry: an event-sourced index, block tree, block catalog and block book (see {@link
 * RegistryState}). It runs as a Cluster Singleton on role {@code registry}; with the LevelDB
 * journal its events live on that node's disk.
 *
 * <p>Configuration (in this module's {@code reference.conf}): {@code jewel.registry}'s {@code
 * default-scheme} (the cluster default until someone sets one), {@code snapshot-every} and {@code
 * keep-snapshots}; {@code jewel.pins}'s {@code default-fraction} (the cluster's default pin
 * fraction until someone sets one) and {@code min-holders} (handed to peers in every pin plan; not
 * persisted, so a restart with a new value applies it); {@code jewel.gc.upload-lease} (how long an
 * upload lives without news, see {@link Uploads}).
 */
public final class Registry
    extends EventSourcedBehaviorWithEnforcedReplies<RegistryCommand, RegistryEvent, RegistryState> {

  /** The registry's persistence id when a cluster has one registry. */
  public static final PersistenceId PERSISTENCE_ID = PersistenceId.ofUniqueId("jewel-registry");

  /**
   * The registry's settings, read from {@code jewel.registry}, {@code jewel.pins}, {@code jewel.gc}
   * and {@code jewel.availability}.
   */
  public record Options(
      SchemeSpec defaultScheme,
      int snapshotEvery,
      int keepSnapshots,
      double defaultFraction,
      int minHolders,
      Duration uploadLease,
      Duration availabilityWindow,
      int maxPeerChanges,
      double availabilityPrior,
      Duration availabilityPriorWeight) {
    public Options {
      if (defaultScheme == null) {
        throw new IllegalArgumentException(
            "jewel.registry.default-scheme must be set, like \"naive n=2\"");
      }
      if (snapshotEvery < 1) {
        throw new IllegalArgumentException(
            "jewel.registry.snapshot-every must be at least 1, not " + snapshotEvery);
      }
      if (keepSnapshots < 1) {
        throw new IllegalArgumentException(
            "jewel.registry.keep-snapshots must be at least 1, not " + keepSnapshots);
      }
      if (!validFraction(defaultFraction)) {
        throw new IllegalArgumentException(
            "jewel.pins.default-fraction must be in (0, 1], like 0.1 or \"10%\", not "
                + defaultFraction);
      }
      if (minHolders < 1) {
        throw new IllegalArgumentException(
            "jewel.pins.min-holders must be at least 1, not " + minHolders);
      }
      if (uploadLease == null || uploadLease.isNegative() || uploadLease.isZero()) {
        throw new IllegalArgumentException(
            "jewel.gc.upload-lease must be a positive duration, like 2m, not " + uploadLease);
      }
      if (availabilityWindow == null
          || availabilityWindow.isNegative()
          || availabilityWindow.isZero()) {
        throw new IllegalArgumentException(
            "jewel.availability.window must be a positive duration, like 7d, not "
                + availabilityWindow);
      }
      if (maxPeerChanges < 2) {
        throw new IllegalArgumentException(
            "jewel.availability.max-changes must be at least 2, not " + maxPeerChanges);
      }
      if (!(availabilityPrior > 0 && availabilityPrior <= 1)) {
        throw new IllegalArgumentException(
            "jewel.availability.prior must be in (0, 1], like 0.9, not " + availabilityPrior);
      }
      if (availabilityPriorWeight == null || availabilityPriorWeight.isNegative()) {
        throw new IllegalArgumentException(
            "jewel.availability.prior-weight must be 0 or a positive duration, like 1d, not "
                + availabilityPriorWeight);
      }
    }

    /**
     * Reads {@code jewel.registry}, {@code jewel.pins} and {@code jewel.gc} from {@code root}, with
     * one clear line per bad value.
     */
    public static Options from(com.typesafe.config.Config root) {
      com.typesafe.config.Config c = root.getConfig("jewel.registry");
      String scheme = c.getString("default-scheme");
      SchemeSpec spec;
      try {
        spec = SchemeSpec.parse(scheme);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "jewel.registry.default-scheme = \"" + scheme + "\": " + e.getMessage(), e);
      }
      com.typesafe.config.Config pins = root.getConfig("jewel.pins");
      return new Options(
          spec,
          c.getInt("snapshot-every"),
          c.getInt("keep-snapshots"),
          fraction(pins, "default-fraction"),
          pins.getInt("min-holders"),
          root.getDuration("jewel.gc.upload-lease"),
          root.getDuration("jewel.availability.window"),
          root.getInt("jewel.availability.max-changes"),
          root.getDouble("jewel.availability.prior"),
          root.getDuration("jewel.availability.prior-weight"));
    }

    /** A fraction written as a number ({@code 0.1}) or a percentage ({@code "10%"}). */
    private static double fraction(com.typesafe.config.Config c, String key) {
      Object raw = c.getValue(key).unwrapped();
      String text = String.valueOf(raw).trim();
      try {
        if (raw instanceof Number n) {
          return n.doubleValue();
        }
        if (text.endsWith("%")) {
          return Double.parseDouble(text.substring(0, text.length() - 1).trim()) / 100;
        }
        return Double.parseDouble(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "jewel.pins." + key + " must be in (0, 1], like 0.1 or \"10%\", not \"" + text + "\"",
            e);
      }
    }
  }

  /** Whether {@code f} is a fraction a pin can have: in (0, 1], not NaN. */
  static boolean validFraction(double f) {
    return f > 0 && f <= 1;
  }

  public static Behavior<RegistryCommand> create() {
    return create(PERSISTENCE_ID);
  }

  public static Behavior<RegistryCommand> create(PersistenceId id) {
    return Behaviors.setup(
        ctx -> new Registry(id, ctx, Options.from(ctx.getSystem().settings().config())));
  }

  private final ActorContext<RegistryCommand> ctx;
  private final Options options;
  private final Uploads uploads;
  // The last full pin plan, and the state it was computed from: pages of one plan then cost a
  // binary search, not a recomputation. (States are immutable.)
  private RegistryState planOf;
  private double planFraction;
  private List<PinnedBlock> plan;

  private Registry(PersistenceId id, ActorContext<RegistryCommand> ctx, Options options) {
    // A failed journal write restarts the registry (replaying its events) after a pause,
    // rather than stopping it for good.
    super(
        id,
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.ctx = ctx;
    this.options = options;
    this.uploads = new Uploads(options.uploadLease(), System::currentTimeMillis, ctx.getLog());
  }

  @Override
  public RegistryState emptyState() {
    return RegistryState.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(options.snapshotEvery(), options.keepSnapshots());
  }

  // ---------------------------------------------------------------- commands

  @Override
  public CommandHandlerWithReply<RegistryCommand, RegistryEvent, RegistryState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Commit.class, this::onCommit)
        .onCommand(Lookup.class, this::onLookup)
        .onCommand(LookupBlocks.class, this::onLookupBlocks)
        .onCommand(
            ListFiles.class,
            (state, c) -> Effect().reply(c.replyTo(), listing(state, c.after(), c.prefix())))
        .onCommand(Delete.class, this::onDelete)
        .onCommand(
            StartHoldingsReport.class,
            (state, c) ->
                Effect()
                    .reply(c.replyTo(), new RegistryReply.HoldingsMark(lastSequenceNumber(ctx))))
        .onCommand(ReportHoldings.class, this::onReportHoldings)
        .onCommand(SetDefaultScheme.class, this::onSetDefaultScheme)
        .onCommand(GetSettings.class, (state, c) -> Effect().reply(c.replyTo(), settings(state)))
        .onCommand(SetPin.class, this::onSetPin)
        .onCommand(SetDefaultPin.class, this::onSetDefaultPin)
        .onCommand(GetPin.class, (state, c) -> Effect().reply(c.replyTo(), pinOf(state, c.name())))
        .onCommand(
            ListPins.class, (state, c) -> Effect().reply(c.replyTo(), pins(state, c.after())))
        .onCommand(SetPeerSettings.class, this::onSetPeerSettings)
        .onCommand(
            GetPeerSettings.class, (state, c) -> Effect().reply(c.replyTo(), peerTable(state)))
        .onCommand(
            GetStats.class,
            (state, c) ->
                Effect()
                    .reply(
                        c.replyTo(),
                        new RegistryReply.Stats(
                            lastSequenceNumber(ctx),
                            state.fileCount(),
                            state.blockCount(),
                            (int)
                                state.sortedPeerSettings().values().stream()
                                    .filter(PeerSettings::greylisted)
                                    .count())))
        .onCommand(GetPinPlan.class, this::onGetPinPlan)
        .onCommand(BumpSalt.class, this::onBumpSalt)
        .onCommand(RecordCopies.class, this::onRecordCopies)
        .onCommand(Retune.class, this::onRetune)
        .onCommand(RecordPeerStates.class, this::onRecordPeerStates)
        .onCommand(
            GetPeerStates.class,
            (state, c) ->
                Effect()
                    .reply(
                        c.replyTo(),
                        new PeerStates(
                            state.peerStates(),
                            state.peerHistories(),
                            options.availabilityWindow().toMillis(),
                            options.availabilityPrior(),
                            options.availabilityPriorWeight().toMillis())))
        // uploads and deletion plans: in memory, nothing persisted
        .onCommand(
            OpenUpload.class,
            (state, c) -> Effect().reply(c.replyTo(), new UploadOpened(uploads.open())))
        .onCommand(
            UploadProgress.class,
            (state, c) -> {
              uploads.progress(c.upload(), c.written());
              return Effect().noReply();
            })
        .onCommand(
            StageBlocks.class,
            (state, c) -> {
              uploads.stage(c.upload(), c.blocks());
              return Effect().reply(c.replyTo(), Done.getInstance());
            })
        .onCommand(
            CloseUpload.class,
            (state, c) -> {
              uploads.close(c.upload());
              return Effect().noReply();
            })
        .onCommand(PlanDeletion.class, this::onPlanDeletion)
        // API tokens
        .onCommand(CreateToken.class, this::onCreateToken)
        .onCommand(RevokeToken.class, this::onRevokeToken)
        .onCommand(
            ListTokens.class, (state, c) -> Effect().reply(c.replyTo(), tokens(state, c.after())))
        .onCommand(
            LookupToken.class,
            (state, c) ->
                Effect()
                    .reply(
                        c.replyTo(),
                        state
                            .token(c.id())
                            .map(t -> new TokenFound(t.info(c.id()), t.secretHash()))
                            .orElse(new TokenFound(null, null))))
        // S3 access keys
        .onCommand(CreateS3Key.class, this::onCreateS3Key)
        .onCommand(RevokeS3Key.class, this::onRevokeS3Key)
        .onCommand(
            ListS3Keys.class, (state, c) -> Effect().reply(c.replyTo(), s3Keys(state, c.after())))
        .onCommand(
            LookupS3Key.class,
            (state, c) ->
                Effect()
                    .reply(
                        c.replyTo(),
                        state
                            .s3Key(c.accessKey())
                            .map(k -> new S3KeyFound(k.info(c.accessKey()), k.secretKey()))
                            .orElse(new S3KeyFound(null, null))))
        // S3 buckets and uploads
        .onCommand(CreateBucket.class, this::onCreateBucket)
        .onCommand(DeleteBucket.class, this::onDeleteBucket)
        .onCommand(
            ListBuckets.class,
            (state, c) -> Effect().reply(c.replyTo(), new Buckets(state.bucketList())))
        .onCommand(
            GetBucket.class,
            (state, c) ->
                Effect().reply(c.replyTo(), new BucketFound(state.bucket(c.name()).orElse(null))))
        .onCommand(StartMultipart.class, this::onStartMultipart)
        .onCommand(EndMultipart.class, this::onEndMultipart)
        .onCommand(
            GetMultipart.class,
            (state, c) ->
                Effect()
                    .reply(
                        c.replyTo(),
                        new MultipartFound(state.multipart(c.uploadId()).orElse(null))))
        .onCommand(
            ListMultiparts.class, (state, c) -> Effect().reply(c.replyTo(), multiparts(state, c)))
        .build();
  }

  private ReplyEffect<RegistryEvent, RegistryState> onCommit(RegistryState state, Commit c) {
    List<StoredBlock> staged = uploads.staged(c.upload());
    if (c.entry() != null && staged.size() != c.blocks()) {
      String lost =
          "cannot commit file '"
              + c.entry().name()
              + "': the registry holds "
              + staged.size()
              + " of the "
              + c.blocks()
              + " blocks its store staged (the registry restarted during the store): store it again";
      ctx.getLog().info("commit refused: {}", lost);
      return Effect().reply(c.replyTo(), StatusReply.error(lost));
    }
    FileEntry entry = c.entry() == null ? null : c.entry().withBlocks(staged);
    String problem = problem(entry);
    if (problem != null) {
      ctx.getLog().info("commit refused: {}", problem);
      return Effect().reply(c.replyTo(), StatusReply.error(problem));
    }
    FileName name = entry.name();
    // A part that arrives once its upload is over would be lost, or change a completed object.
    if (UploadParts.hidden(name)
        && (name.segments().size() != 3 || state.multipart(UploadParts.upload(name)).isEmpty())) {
      return Effect()
          .reply(
              c.replyTo(),
              StatusReply.error(
                  "cannot commit part '" + name + "': its upload is over (completed or aborted)"));
    }
    if (entry.composite()) {
      for (FileName part : entry.object().partFiles()) {
        if (!state.has(part)) {
          return Effect()
              .reply(
                  c.replyTo(),
                  StatusReply.error(
                      "cannot commit file '" + name + "': its part '" + part + "' is not stored"));
        }
      }
    }
    List<FileEntry> replaced = state.withParts(name);
    if (!replaced.isEmpty() && !c.replace()) {
      return Effect()
          .reply(
              c.replyTo(),
              StatusReply.error("file '" + name + "' exists: use --replace to overwrite it"));
    }
    return Effect()
        .persist(new FileCommitted(entry))
        .thenReply(
            c.replyTo(), after -> StatusReply.success(new Committed(after.orphansOf(replaced))));
  }

  /** Why a commit of {@code entry} cannot be taken, or null if it can. */
  static String problem(FileEntry entry) {
    if (entry == null) {
      return "nothing to commit: the commit carries no file entry";
    }
    if (entry.name() == null) {
      return "nothing to commit: the file entry has no name";
    }
    String file = "file '" + entry.name() + "'";
    if (entry.root() == null) {
      return "cannot commit " + file + ": it has no root block";
    }
    if (entry.scheme() == null) {
      return "cannot commit " + file + ": it has no scheme";
    }
    if (entry.layout() == null) {
      return "cannot commit " + file + ": it has no block layout";
    }
    if (entry.size() < 0) {
      return "cannot commit " + file + ": its size is negative (" + entry.size() + ")";
    }
    if (entry.blocks().isEmpty() && !entry.composite()) {
      return "cannot commit " + file + ": it has no blocks";
    }
    for (StoredBlock b : entry.blocks()) {
      if (b.id() == null) {
        return "cannot commit " + file + ": block " + b.index() + " has no id";
      }
      if (b.length() < 0) {
        return "cannot commit " + file + ": block " + b.index() + " has a negative length";
      }
    }
    return null;
  }

  private ReplyEffect<RegistryEvent, RegistryState> onLookup(RegistryState state, Lookup c) {
    if (c.name() == null) {
      return Effect().reply(c.replyTo(), StatusReply.error("lookup of no name: give a file name"));
    }
    Optional<RegistryState.EntryPage> page = state.entryPage(c.name(), null, Pages.BUDGET);
    return Effect()
        .reply(
            c.replyTo(),
            StatusReply.success(
                new LookedUp(
                    c.name(),
                    page.map(RegistryState.EntryPage::entry).orElse(null),
                    page.map(RegistryState.EntryPage::next).orElse(null))));
  }

  private ReplyEffect<RegistryEvent, RegistryState> onLookupBlocks(
      RegistryState state, LookupBlocks c) {
    if (c.name() == null || c.from() == null) {
      return Effect()
          .reply(
              c.replyTo(),
              StatusReply.error("a page of blocks needs a file name and where the page starts"));
    }
    Optional<RegistryState.EntryPage> page = state.entryPage(c.name(), c.from(), Pages.BUDGET);
    if (page.isEmpty()) {
      return Effect()
          .reply(
              c.replyTo(),
              StatusReply.error(
                  "file '" + c.name() + "' was deleted or replaced while it was read: try again"));
    }
    return Effect()
        .reply(
            c.replyTo(),
            StatusReply.success(new BlockPage(page.get().entry().blocks(), page.get().next())));
  }

  private ReplyEffect<RegistryEvent, RegistryState> onDelete(RegistryState state, Delete c) {
    if (c.name() == null) {
      return Effect().reply(c.replyTo(), StatusReply.error("delete of no name: give a file name"));
    }
    List<FileEntry> before = state.withParts(c.name());
    if (before.isEmpty()) {
      return Effect().reply(c.replyTo(), StatusReply.error(unknown(c.name())));
    }
    return Effect()
        .persist(new FileDeleted(c.name()))
        .thenReply(
            c.replyTo(),
            after ->
                StatusReply.success(
                    new Deleted(before.get(0).withBlocks(List.of()), after.orphansOf(before))));
  }

  private static String unknown(FileName name) {
    return "unknown file '" + name + "' (try: ls)";
  }

  private ReplyEffect<RegistryEvent, RegistryState> onReportHoldings(
      RegistryState state, ReportHoldings c) {
    if (c.peer() == null || c.blocks() == null) {
      ctx.getLog().warn("ignoring a holdings report without a peer or a block list: {}", c);
      return Effect().noReply();
    }
    // A mark from beyond the journal's end comes from before the journal was lost: take the
    // listing as of now, the best that is left.
    long asOf = Math.min(c.asOf(), lastSequenceNumber(ctx));
    if (!state.reportChangesBook(c.peer(), c.after(), c.upTo(), c.blocks(), asOf)) {
      return Effect().noReply(); // nothing changes: keep the journal from growing on every join
    }
    SortedSet<BlockId> known = new TreeSet<>();
    for (BlockId b : c.blocks()) {
      if (b != null && state.knows(b) && RegistryState.inRange(b, c.after(), c.upTo())) {
        known.add(b);
      }
    }
    return Effect()
        .persist(new HoldingsReported(c.peer(), List.copyOf(known), c.after(), c.upTo(), asOf))
        .thenNoReply();
  }

  private ReplyEffect<RegistryEvent, RegistryState> onSetDefaultScheme(
      RegistryState state, SetDefaultScheme c) {
    if (c.peer() == null && c.scheme() == null) {
      return Effect()
          .reply(
              c.replyTo(),
              StatusReply.error("the cluster needs a default scheme: name one, like naive n=2"));
    }
    SchemeSpec current =
        c.peer() == null ? state.clusterDefault() : state.peerDefaults().get(c.peer().name());
    if (Objects.equals(current, c.scheme())) {
      return Effect().reply(c.replyTo(), StatusReply.success(settings(state)));
    }
    return Effect()
        .persist(new DefaultSchemeSet(c.peer(), c.scheme()))
        .thenReply(c.replyTo(), after -> StatusReply.success(settings(after)));
  }

  private Settings settings(RegistryState state) {
    SchemeSpec cluster =
        state.clusterDefault() != null ? state.clusterDefault() : options.defaultScheme();
    return new Settings(cluster, state.sortedPeerDefaults());
  }

  // ---------------------------------------------------------------- pins

  private ReplyEffect<RegistryEvent, RegistryState> onSetPin(RegistryState state, SetPin c) {
    FileName name = c.name();
    if (name == null) {
      return Effect().reply(c.replyTo(), StatusReply.error("pin of no name: give a file name"));
    }
    if (!state.has(name)) {
      return Effect().reply(c.replyTo(), StatusReply.error(unknown(name)));
    }
    if (Objects.equals(state.pin(name), c.pin())) {
      return Effect().reply(c.replyTo(), StatusReply.success(pinOf(state, name)));
    }
    return Effect()
        .persist(new PinSet(name, c.pin()))
        .thenReply(c.replyTo(), after -> StatusReply.success(pinOf(after, name)));
  }

  private ReplyEffect<RegistryEvent, RegistryState> onSetDefaultPin(
      RegistryState state, SetDefaultPin c) {
    double f = c.fraction();
    if (!validFraction(f)) {
      return Effect()
          .reply(
              c.replyTo(),
              StatusReply.error("a fraction must be in (0, 1], like 0.1 or 10%, not " + f));
    }
    // Compared with the fraction last set, not the configured one: setting the configured
    // value explicitly records it, so a later change of the configuration does not move it.
    if (state.defaultFraction() != null && state.defaultFraction() == f) {
      return Effect().reply(c.replyTo(), StatusReply.success(pins(state, null)));
    }
    return Effect()
        .persist(new DefaultPinSet(f))
        .thenReply(c.replyTo(), after -> StatusReply.success(pins(after, null)));
  }

  private ReplyEffect<RegistryEvent, RegistryState> onSetPeerSettings(
      RegistryState state, SetPeerSettings c) {
    if (c.peer() == null) {
      return Effect()
          .reply(
              c.replyTo(), StatusReply.error("settings for no peer: name the peer, like peer-3"));
    }
    // No settings means the defaults: the peer's entry goes.
    PeerSettings settings = c.settings() == null ? PeerSettings.DEFAULT : c.settings();
    if (state.peerSettings(c.peer()).equals(settings)) {
      return Effect().reply(c.replyTo(), StatusReply.success(peerTable(state)));
    }
    return Effect()
        .persist(new PeerSettingsSet(c.peer(), settings))
        .thenReply(c.replyTo(), after -> StatusReply.success(peerTable(after)));
  }

  @SuppressWarnings("ReferenceEquality") // the cache is of this very (immutable) state
  private ReplyEffect<RegistryEvent, RegistryState> onGetPinPlan(
      RegistryState state, GetPinPlan c) {
    double defaultFraction = state.defaultFraction(options.defaultFraction());
    // Every peer reads every page every rescan: compute the whole plan once per state.
    if (planOf != state || planFraction != defaultFraction) {
      plan = state.pinnedBlocks(defaultFraction);
      planOf = state;
      planFraction = defaultFraction;
    }
    List<PinnedBlock> blocks = plan;
    if (c.file() != null) {
      Set<BlockId> ofFile =
          state
              .entry(c.file())
              .map(e -> e.blocks().stream().map(StoredBlock::id).collect(Collectors.toSet()))
              .orElse(Set.of());
      blocks = plan.stream().filter(b -> ofFile.contains(b.id())).toList();
    }
    Pages.Page<PinnedBlock, BlockId> page =
        Pages.after(
            blocks,
            PinnedBlock::id,
            c.after(),
            b -> 250 + b.file().value().length() + 40L * b.holders().size());
    return Effect()
        .reply(
            c.replyTo(),
            new PinPlan(
                page.items(), state.sortedPeerSettings(), options.minHolders(), page.next()));
  }

  /**
   * The files after {@code after} whose names start with {@code prefix} (null: all), as many as fit
   * a page (see {@link Pages}); a file too big for a page alone comes alone, with its first page of
   * blocks and the cursor of the rest. Costs the page, not the index: the index is sorted.
   */
  private static Listing listing(RegistryState state, FileName after, String prefix) {
    List<FileEntry> files = new ArrayList<>();
    long left = Pages.BUDGET;
    for (String name : state.namesAfter(after, prefix)) {
      FileName file = new FileName(name);
      RegistryState.EntryPage page = state.entryPage(file, null, Pages.BUDGET).orElseThrow();
      if (!files.isEmpty() && (page.next() != null || Pages.entryBytes(page.entry()) > left)) {
        return new Listing(files, files.get(files.size() - 1).name(), null); // it opens the next
      }
      files.add(page.entry());
      if (page.next() != null) {
        return new Listing(
            files, state.namesAfter(file, prefix).isEmpty() ? null : file, page.next());
      }
      left -= Pages.entryBytes(page.entry());
    }
    return new Listing(files, null, null);
  }

  private ReplyEffect<RegistryEvent, RegistryState> onBumpSalt(RegistryState state, BumpSalt c) {
    BlockId block = c.block();
    if (block == null) {
      ctx.getLog().warn("ignoring a salt bump without a block: {}", c);
      return Effect().noReply();
    }
    if (!state.knows(block)) {
      ctx.getLog()
          .debug("ignoring a salt bump of block {}, which no file references", block.shortHex());
      return Effect().noReply();
    }
    long salt = state.salt(block);
    if (salt != c.fromSalt() || salt == Long.MAX_VALUE) {
      // Two scans saw the same shortage: the first bump won, this one is stale.
      ctx.getLog()
          .debug(
              "ignoring a salt bump of block {} from {}: its salt is {}",
              block.shortHex(),
              c.fromSalt(),
              salt);
      return Effect().noReply();
    }
    String reason = c.reason() == null || c.reason().isBlank() ? "no reason given" : c.reason();
    return Effect()
        .persist(new SaltBumped(block, salt + 1, c.reason()))
        .thenRun(
            after ->
                ctx.getLog()
                    .info("block {} salt {} -> {}: {}", block.shortHex(), salt, salt + 1, reason))
        .thenNoReply();
  }

  // ---------------------------------------------------------------- durability

  private ReplyEffect<RegistryEvent, RegistryState> onRecordCopies(
      RegistryState state, RecordCopies c) {
    Optional<FileEntry> file = c.name() == null ? Optional.empty() : state.entry(c.name());
    if (file.isEmpty()) {
      return Effect().reply(c.replyTo(), StatusReply.error(unknown(c.name())));
    }
    if (!file.get().root().equals(c.root())) {
      return Effect()
          .reply(
              c.replyTo(),
              StatusReply.error(
                  "'" + c.name() + "' was replaced while it was repaired: repair it again"));
    }
    Set<BlockId> ofFile =
        file.get().blocks().stream().map(StoredBlock::id).collect(Collectors.toSet());
    List<BlockHolder> copies =
        c.copies().stream()
            .filter(h -> ofFile.contains(h.block()) && !state.holders(h.block()).contains(h.peer()))
            .toList();
    if (copies.isEmpty()) {
      return Effect().reply(c.replyTo(), StatusReply.ack());
    }
    return Effect()
        .persist(new CopiesRecorded(copies))
        .thenReply(c.replyTo(), after -> StatusReply.ack());
  }

  private ReplyEffect<RegistryEvent, RegistryState> onRetune(RegistryState state, Retune c) {
    Optional<FileEntry> file = c.name() == null ? Optional.empty() : state.entry(c.name());
    if (file.isEmpty()) {
      return Effect().reply(c.replyTo(), StatusReply.error(unknown(c.name())));
    }
    String problem = retuneProblem(file.get(), c);
    if (problem != null) {
      return Effect().reply(c.replyTo(), StatusReply.error(problem));
    }
    FileEntry entry = file.get();
    if (c.n() == c.fromN()) {
      return Effect().reply(c.replyTo(), StatusReply.success(new Committed(List.of())));
    }
    BlockLayout was = entry.layout();
    return Effect()
        .persist(
            new FileRetuned(
                c.name(),
                entry.scheme().with("n", Integer.toString(c.n())),
                new BlockLayout(was.kind(), was.k(), c.n(), was.chunkSize(), was.codec()),
                c.added()))
        .thenReply(
            c.replyTo(), after -> StatusReply.success(new Committed(after.orphansOf(entry))));
  }

  /** The most jewels a Reed-Solomon file has: the codec's GF(2^8) limit (JewelRules.MAX_JEWELS). */
  static final int MAX_JEWELS = 256;

  /** Why a retune of {@code file} as {@code c} asks cannot be taken, or null if it can. */
  static String retuneProblem(FileEntry file, Retune c) {
    String name = "'" + file.name() + "'";
    if (!file.root().equals(c.root())) {
      return name + " was replaced while it was retuned: retune it again";
    }
    BlockLayout layout = file.layout();
    if (!"reedsolomon".equals(file.scheme().id()) || !"segments".equals(layout.kind())) {
      return "cannot retune "
          + name
          + ": it is stored with "
          + file.scheme()
          + ", and only reedsolomon files have jewels to add or drop";
    }
    if (layout.n() != c.fromN()) {
      return name + " has n=" + layout.n() + " now, not " + c.fromN() + ": retune it again";
    }
    if (c.n() < layout.k() || c.n() > MAX_JEWELS) {
      return "cannot retune "
          + name
          + " to n="
          + c.n()
          + ": it needs k="
          + layout.k()
          + " <= n <= "
          + MAX_JEWELS;
    }
    List<StoredBlock> added = c.added() == null ? List.of() : c.added();
    List<Integer> indexes = added.stream().map(StoredBlock::index).sorted().toList();
    List<Integer> wanted =
        java.util.stream.IntStream.range(c.fromN(), Math.max(c.fromN(), c.n())).boxed().toList();
    if (!indexes.equals(wanted)) {
      return "cannot retune "
          + name
          + " from n="
          + c.fromN()
          + " to n="
          + c.n()
          + ": the new jewels must be exactly "
          + wanted
          + ", got "
          + indexes;
    }
    for (StoredBlock b : added) {
      if (b.id() == null || b.holders().isEmpty() || b.length() < 0) {
        return "cannot retune " + name + ": new jewel " + b.index() + " has no id or no holder";
      }
    }
    return null;
  }

  private ReplyEffect<RegistryEvent, RegistryState> onRecordPeerStates(
      RegistryState state, RecordPeerStates c) {
    Set<PeerId> live = new HashSet<>(c.up() == null ? List.of() : c.up());
    List<PeerId> gone = new ArrayList<>(c.down() == null ? List.of() : c.down());
    state
        .peerStates()
        .forEach(
            (name, was) -> {
              PeerId p = new PeerId(name);
              if (was.up() && !live.contains(p) && !gone.contains(p)) {
                gone.add(p); // up before, not among the live peers now
              }
            });
    List<PeerId> up = changed(state, c.up(), true, c.atMillis());
    List<PeerId> down = changed(state, gone, false, c.atMillis());
    if (up.isEmpty() && down.isEmpty()) {
      return Effect().noReply();
    }
    return Effect().persist(new PeerStatesChanged(up, down, c.atMillis())).thenNoReply();
  }

  /**
   * Those of {@code peers} whose recorded state is not {@code up} yet, as of {@code atMillis}: a
   * state recorded later wins over a late answer (a survey that finished after a membership check).
   */
  private static List<PeerId> changed(
      RegistryState state, List<PeerId> peers, boolean up, long atMillis) {
    List<PeerId> changed = new ArrayList<>();
    for (PeerId p : peers == null ? List.<PeerId>of() : peers) {
      PeerState was = state.peerStates().get(p.name());
      if (was == null || (was.up() != up && was.sinceMillis() <= atMillis)) {
        changed.add(p);
      }
    }
    return changed;
  }

  /** The pin of {@code name} alone: one line, or none if it has no pin. */
  private Pins pinOf(RegistryState state, FileName name) {
    double defaultFraction = state.defaultFraction(options.defaultFraction());
    return new Pins(state.pinView(name, defaultFraction).stream().toList(), defaultFraction, null);
  }

  /** A page of the pinned files' lines, after {@code after}. */
  private Pins pins(RegistryState state, FileName after) {
    double defaultFraction = state.defaultFraction(options.defaultFraction());
    Pages.Page<PinView, FileName> page =
        Pages.after(
            state.pinViews(defaultFraction),
            PinView::name,
            after,
            v -> 200 + v.name().value().length());
    return new Pins(page.items(), defaultFraction, page.next());
  }

  private PeerTable peerTable(RegistryState state) {
    return new PeerTable(state.sortedPeerSettings());
  }

  // ---------------------------------------------------------------- uploads and deletion plans

  /**
   * The candidates no committed file references and no open upload wrote. The guard covers what the
   * plan cannot see: blocks an open upload wrote but has not reported yet, and uploads opened after
   * this answer.
   */
  private ReplyEffect<RegistryEvent, RegistryState> onPlanDeletion(
      RegistryState state, PlanDeletion c) {
    List<BlockId> blocks =
        uploads.notWritten(
            c.candidates().stream().filter(b -> b != null && !state.knows(b)).toList());
    return Effect().reply(c.replyTo(), new DeletionPlan(blocks, uploads.guard(c.minAgeMillis())));
  }

  // ---------------------------------------------------------------- API tokens

  /** Longest label a token may have. */
  static final int LABEL_LIMIT = 200;

  private ReplyEffect<RegistryEvent, RegistryState> onCreateToken(
      RegistryState state, CreateToken c) {
    String problem = tokenProblem(c);
    if (problem != null) {
      return Effect().reply(c.replyTo(), StatusReply.error(problem));
    }
    String id = state.nextTokenId();
    String label = c.label() == null ? "" : c.label().strip();
    return Effect()
        .persist(
            new TokenCreated(
                id, c.secretHash(), c.readOnly(), label, c.createdAtMillis(), c.expiresAtMillis()))
        .thenReply(
            c.replyTo(),
            after ->
                StatusReply.success(
                    new RegistryReply.Token(after.token(id).orElseThrow().info(id))));
  }

  /** Why a token cannot be made as {@code c} asks, or null if it can. */
  static String tokenProblem(CreateToken c) {
    if (c.secretHash() == null || !c.secretHash().matches("[0-9a-f]{64}")) {
      return "a token needs the SHA-256 of its secret (64 hex digits)";
    }
    return labelOrExpiryProblem("a token", c.label(), c.expiresAtMillis(), c.createdAtMillis());
  }

  /**
   * Why a credential's label or expiry is refused, or null if neither is ({@code what}: "a token",
   * "an S3 key").
   */
  private static String labelOrExpiryProblem(
      String what, String label, Long expiresAtMillis, long createdAtMillis) {
    String text = label == null ? "" : label;
    if (text.length() > LABEL_LIMIT) {
      return what + "'s label may have " + LABEL_LIMIT + " characters, not " + text.length();
    }
    if (text.chars().anyMatch(Character::isISOControl)) {
      return what + "'s label may not have control characters";
    }
    if (expiresAtMillis != null && expiresAtMillis <= createdAtMillis) {
      return what + " must expire after it is made: give a positive duration, like 30d";
    }
    return null;
  }

  private ReplyEffect<RegistryEvent, RegistryState> onRevokeToken(
      RegistryState state, RevokeToken c) {
    Optional<RegistryState.StoredToken> token = state.token(c.id());
    if (token.isEmpty()) {
      return Effect()
          .reply(
              c.replyTo(), StatusReply.error("unknown token id '" + c.id() + "' (try: token ls)"));
    }
    if (token.get().revokedAtMillis() != null) {
      return Effect()
          .reply(
              c.replyTo(),
              StatusReply.error(
                  "token "
                      + c.id()
                      + " was revoked already, at "
                      + java.time.Instant.ofEpochMilli(token.get().revokedAtMillis())));
    }
    return Effect()
        .persist(new TokenRevoked(c.id(), c.atMillis()))
        .thenReply(
            c.replyTo(),
            after ->
                StatusReply.success(
                    new RegistryReply.Token(after.token(c.id()).orElseThrow().info(c.id()))));
  }

  /** A page of the tokens after id {@code after}, in the order they were made. */
  private static Tokens tokens(RegistryState state, String after) {
    Pages.Page<TokenInfo, Long> page =
        Pages.after(
            state.tokenInfos(),
            RegistryState::tokenNumber,
            after == null ? null : RegistryState.tokenNumber(after),
            t -> 200L + t.label().length());
    return new Tokens(page.items(), page.next() == null ? null : "t" + page.next());
  }

  // ---------------------------------------------------------------- S3 access keys

  private ReplyEffect<RegistryEvent, RegistryState> onCreateS3Key(
      RegistryState state, CreateS3Key c) {
    String problem = s3KeyProblem(c);
    if (problem == null && state.s3Key(c.accessKey()).isPresent()) {
      problem = "S3 access key " + c.accessKey() + " exists already: make another";
    }
    if (problem != null) {
      return Effect().reply(c.replyTo(), StatusReply.error(problem));
    }
    String label = c.label() == null ? "" : c.label().strip();
    return Effect()
        .persist(
            new S3KeyCreated(
                c.accessKey(),
                c.secretKey(),
                c.readOnly(),
                label,
                c.createdAtMillis(),
                c.expiresAtMillis()))
        .thenReply(
            c.replyTo(),
            after ->
                StatusReply.success(
                    new RegistryReply.S3Key(
                        after.s3Key(c.accessKey()).orElseThrow().info(c.accessKey()))));
  }

  /** Why an S3 access key cannot be made as {@code c} asks, or null if it can. */
  static String s3KeyProblem(CreateS3Key c) {
    if (!S3AccessKeys.isAccessKey(c.accessKey())) {
      return "an S3 access key id is JWL and 17 base32 characters (A-Z, 2-7)";
    }
    if (!S3AccessKeys.isSecretKey(c.secretKey())) {
      return "an S3 secret key is 40 letters and digits";
    }
    return labelOrExpiryProblem("an S3 key", c.label(), c.expiresAtMillis(), c.createdAtMillis());
  }

  private ReplyEffect<RegistryEvent, RegistryState> onRevokeS3Key(
      RegistryState state, RevokeS3Key c) {
    Optional<RegistryState.StoredS3Key> key = state.s3Key(c.accessKey());
    if (key.isEmpty()) {
      return Effect()
          .reply(
              c.replyTo(),
              StatusReply.error("unknown S3 access key '" + c.accessKey() + "' (try: s3 key ls)"));
    }
    if (key.get().revokedAtMillis() != null) {
      return Effect()
          .reply(
              c.replyTo(),
              StatusReply.error(
                  "S3 access key "
                      + c.accessKey()
                      + " was revoked already, at "
                      + java.time.Instant.ofEpochMilli(key.get().revokedAtMillis())));
    }
    return Effect()
        .persist(new S3KeyRevoked(c.accessKey(), c.atMillis()))
        .thenReply(
            c.replyTo(),
            after ->
                StatusReply.success(
                    new RegistryReply.S3Key(
                        after.s3Key(c.accessKey()).orElseThrow().info(c.accessKey()))));
  }

  /** A page of the S3 access keys after {@code after}, in access key order. */
  private static S3Keys s3Keys(RegistryState state, String after) {
    Pages.Page<S3KeyInfo, String> page =
        Pages.after(
            state.s3KeyInfos(), S3KeyInfo::accessKey, after, k -> 200L + k.label().length());
    return new S3Keys(page.items(), page.next());
  }

  // ---------------------------------------------------------------- S3 buckets and uploads

  private ReplyEffect<RegistryEvent, RegistryState> onCreateBucket(
      RegistryState state, CreateBucket c) {
    String problem = BucketNames.problem(c.name());
    if (problem != null) {
      return Effect().reply(c.replyTo(), StatusReply.error(problem));
    }
    if (state.bucket(c.name()).isPresent()) {
      return Effect()
          .reply(c.replyTo(), StatusReply.error("bucket '" + c.name() + "' exists already"));
    }
    return Effect()
        .persist(new BucketCreated(c.name(), c.scheme(), c.atMillis()))
        .thenReply(c.replyTo(), after -> StatusReply.success(after.bucket(c.name()).orElseThrow()));
  }

  private ReplyEffect<RegistryEvent, RegistryState> onDeleteBucket(
      RegistryState state, DeleteBucket c) {
    if (state.bucket(c.name()).isEmpty()) {
      return Effect().reply(c.replyTo(), StatusReply.error(noBucket(c.name())));
    }
    if (state.bucketInUse(c.name())) {
      return Effect()
          .reply(
              c.replyTo(),
              StatusReply.error(
                  "bucket '" + c.name() + "' is not empty: delete its objects and uploads first"));
    }
    return Effect()
        .persist(new BucketDeleted(c.name()))
        .thenReply(c.replyTo(), after -> StatusReply.success(Done.getInstance()));
  }

  private static String noBucket(String name) {
    return "unknown bucket '" + name + "'";
  }

  private ReplyEffect<RegistryEvent, RegistryState> onStartMultipart(
      RegistryState state, StartMultipart c) {
    if (state.bucket(c.bucket()).isEmpty()) {
      return Effect().reply(c.replyTo(), StatusReply.error(noBucket(c.bucket())));
    }
    if (c.uploadId() == null || !c.uploadId().matches("[A-Za-z0-9_-]{1,100}")) {
      return Effect()
          .reply(
              c.replyTo(),
              StatusReply.error(
                  "an upload id has 1 to 100 letters, digits, '_' and '-': '"
                      + c.uploadId()
                      + "'"));
    }
    if (state.multipart(c.uploadId()).isPresent()) {
      return Effect()
          .reply(c.replyTo(), StatusReply.error("upload '" + c.uploadId() + "' exists already"));
    }
    return Effect()
        .persist(
            new UploadStarted(
                c.uploadId(), c.bucket(), c.key(), c.meta(), c.scheme(), c.atMillis()))
        .thenReply(
            c.replyTo(), after -> StatusReply.success(after.multipart(c.uploadId()).orElseThrow()));
  }

  private ReplyEffect<RegistryEvent, RegistryState> onEndMultipart(
      RegistryState state, EndMultipart c) {
    if (state.multipart(c.uploadId()).isEmpty()) {
      return Effect()
          .reply(c.replyTo(), StatusReply.error("unknown upload '" + c.uploadId() + "'"));
    }
    return Effect()
        .persist(new UploadEnded(c.uploadId()))
        .thenReply(c.replyTo(), after -> StatusReply.success(Done.getInstance()));
  }

  /** The uploads asked for, as many as {@link ListMultiparts#LIMIT} and a page allow. */
  private static Multiparts multiparts(RegistryState state, ListMultiparts c) {
    List<MultipartInfo> all = state.multipartsIn(c.bucket(), c.prefix());
    Pages.Page<MultipartInfo, Integer> page =
        Pages.from(
            all.subList(0, Math.min(all.size(), ListMultiparts.LIMIT)),
            0,
            Pages.BUDGET,
            u -> 200L + u.key().length() + Pages.objectBytes(u.meta()));
    return new Multiparts(page.items(), page.items().size() < all.size());
  }

  // ---------------------------------------------------------------- events

  @Override
  public EventHandler<RegistryState, RegistryEvent> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        // An event's own number is the sequence number being applied, on recovery too.
        .onEvent(
            FileCommitted.class, (state, e) -> state.committed(e.entry(), lastSequenceNumber(ctx)))
        .onEvent(FileDeleted.class, (state, e) -> state.deleted(e.name()))
        .onEvent(
            HoldingsReported.class,
            (state, e) ->
                state.holdingsReported(
                    e.peer(),
                    e.after(),
                    e.upTo(),
                    e.blocks(),
                    e.asOf() != null ? e.asOf() : lastSequenceNumber(ctx)))
        .onEvent(DefaultSchemeSet.class, (state, e) -> state.defaultSchemeSet(e.peer(), e.scheme()))
        .onEvent(PinSet.class, (state, e) -> state.pinSet(e.name(), e.pin()))
        .onEvent(DefaultPinSet.class, (state, e) -> state.defaultPinSet(e.fraction()))
        .onEvent(PeerSettingsSet.class, (state, e) -> state.peerSettingsSet(e.peer(), e.settings()))
        .onEvent(SaltBumped.class, (state, e) -> state.saltBumped(e.block(), e.salt()))
        .onEvent(
            CopiesRecorded.class,
            (state, e) -> state.copiesRecorded(e.copies(), lastSequenceNumber(ctx)))
        .onEvent(
            FileRetuned.class,
            (state, e) ->
                state.retuned(e.name(), e.scheme(), e.layout(), e.added(), lastSequenceNumber(ctx)))
        .onEvent(
            PeerStatesChanged.class,
            (state, e) ->
                state.peerStatesChanged(
                    e.up(),
                    e.down(),
                    e.atMillis(),
                    options.availabilityWindow().toMillis(),
                    options.maxPeerChanges()))
        .onEvent(
            TokenCreated.class,
            (state, e) ->
                state.tokenCreated(
                    e.id(),
                    new RegistryState.StoredToken(
                        e.secretHash(),
                        e.readOnly(),
                        e.label(),
                        e.createdAtMillis(),
                        e.expiresAtMillis(),
                        null)))
        .onEvent(TokenRevoked.class, (state, e) -> state.tokenRevoked(e.id(), e.atMillis()))
        .onEvent(
            S3KeyCreated.class,
            (state, e) ->
                state.s3KeyCreated(
                    e.accessKey(),
                    new RegistryState.StoredS3Key(
                        e.secretKey(),
                        e.readOnly(),
                        e.label(),
                        e.createdAtMillis(),
                        e.expiresAtMillis(),
                        null)))
        .onEvent(S3KeyRevoked.class, (state, e) -> state.s3KeyRevoked(e.accessKey(), e.atMillis()))
        .onEvent(
            BucketCreated.class,
            (state, e) -> state.bucketCreated(new BucketInfo(e.name(), e.scheme(), e.atMillis())))
        .onEvent(BucketDeleted.class, (state, e) -> state.bucketDeleted(e.name()))
        .onEvent(
            UploadStarted.class,
            (state, e) ->
                state.uploadStarted(
                    new MultipartInfo(
                        e.uploadId(), e.bucket(), e.key(), e.meta(), e.scheme(), e.atMillis())))
        .onEvent(UploadEnded.class, (state, e) -> state.uploadEnded(e.uploadId()))
        .build();
  }

  // ---------------------------------------------------------------- signals

  @Override
  public SignalHandler<RegistryState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state ->
                ctx.getLog()
                    .info(
                        "registry {} recovered: {} files, {} blocks, {} pins",
                        persistenceId().id(),
                        state.fileCount(),
                        state.blockCount(),
                        state.pinCount()))
        .onSignal(
            RecoveryFailed.class,
            (state, signal) -> ctx.getLog().error("registry recovery failed", signal.getFailure()))
        .onSignal(
            SnapshotFailed.class,
            (state, signal) -> ctx.getLog().warn("registry snapshot failed", signal.getFailure()))
        .onSignal(
            DeleteSnapshotsFailed.class,
            (state, signal) ->
                ctx.getLog().warn("deleting old registry snapshots failed", signal.getFailure()))
        .build();
  }
}
