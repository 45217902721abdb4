package jewel.persistence;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import jewel.protocol.BlockId;
import jewel.protocol.FileEntry;
import jewel.protocol.FileName;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryCommand.Commit;
import jewel.protocol.RegistryCommand.Delete;
import jewel.protocol.RegistryCommand.GetSettings;
import jewel.protocol.RegistryCommand.ListFiles;
import jewel.protocol.RegistryCommand.Lookup;
import jewel.protocol.RegistryCommand.ReportHoldings;
import jewel.protocol.RegistryCommand.SetDefaultScheme;
import jewel.protocol.RegistryEvent;
import jewel.protocol.RegistryEvent.DefaultSchemeSet;
import jewel.protocol.RegistryEvent.FileCommitted;
import jewel.protocol.RegistryEvent.FileDeleted;
import jewel.protocol.RegistryEvent.HoldingsReported;
import jewel.protocol.RegistryReply;
import jewel.protocol.RegistryReply.Committed;
import jewel.protocol.RegistryReply.Deleted;
import jewel.protocol.RegistryReply.Found;
import jewel.protocol.RegistryReply.Listing;
import jewel.protocol.RegistryReply.NotFound;
import jewel.protocol.RegistryReply.Rejected;
import jewel.protocol.RegistryReply.Settings;
import jewel.protocol.SchemeSpec;
import jewel.protocol.StoredBlock;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
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
 * The file registry: an event-sourced index, block tree, block catalog and block book (see
 * {@link RegistryState}). It runs as a Cluster Singleton on role {@code registry}; with the
 * LevelDB journal its events live on that node's disk.
 *
 * <p>Configuration ({@code jewel.registry} in this module's {@code reference.conf}):
 * {@code default-scheme} (the cluster default until someone sets one), {@code snapshot-every}
 * and {@code keep-snapshots}.
 */
public final class Registry
    extends EventSourcedBehaviorWithEnforcedReplies<RegistryCommand, RegistryEvent, RegistryState> {

  /** The registry's persistence id when a cluster has one registry. */
  public static final PersistenceId PERSISTENCE_ID = PersistenceId.ofUniqueId("jewel-registry");

  /** The registry's settings, read from {@code jewel.registry}. */
  public record Options(SchemeSpec defaultScheme, int snapshotEvery, int keepSnapshots) {
    public Options {
      if (defaultScheme == null) {
        throw new IllegalArgumentException("jewel.registry.default-scheme must be set, like \"naive n=2\"");
      }
      if (snapshotEvery < 1) {
        throw new IllegalArgumentException(
            "jewel.registry.snapshot-every must be at least 1, not " + snapshotEvery);
      }
      if (keepSnapshots < 1) {
        throw new IllegalArgumentException(
            "jewel.registry.keep-snapshots must be at least 1, not " + keepSnapshots);
      }
    }

    /** Reads {@code jewel.registry} from {@code root}, with one clear line per bad value. */
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
      return new Options(spec, c.getInt("snapshot-every"), c.getInt("keep-snapshots"));
    }
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

  private Registry(PersistenceId id, ActorContext<RegistryCommand> ctx, Options options) {
    // A failed journal write restarts the registry (replaying its events) after a pause,
    // rather than stopping it for good.
    super(id, SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.ctx = ctx;
    this.options = options;
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
        .onCommand(ListFiles.class, (state, c) -> Effect().reply(c.replyTo(), new Listing(state.entries())))
        .onCommand(Delete.class, this::onDelete)
        .onCommand(ReportHoldings.class, this::onReportHoldings)
        .onCommand(SetDefaultScheme.class, this::onSetDefaultScheme)
        .onCommand(GetSettings.class, (state, c) -> Effect().reply(c.replyTo(), settings(state)))
        .build();
  }

  private ReplyEffect<RegistryEvent, RegistryState> onCommit(RegistryState state, Commit c) {
    String problem = problem(c.entry());
    if (problem != null) {
      ctx.getLog().info("commit refused: {}", problem);
      return Effect().reply(c.replyTo(), new Rejected(problem));
    }
    FileEntry entry = c.entry();
    FileName name = entry.name();
    Optional<FileEntry> replaced = state.entry(name);
    if (replaced.isPresent() && !c.replace()) {
      return Effect()
          .reply(c.replyTo(), new Rejected("file '" + name + "' exists: use --replace to overwrite it"));
    }
    return Effect()
        .persist(new FileCommitted(entry))
        .thenReply(
            c.replyTo(),
            after ->
                new Committed(
                    after.entry(name).orElseThrow(),
                    replaced.map(after::orphansOf).orElse(List.of())));
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
    if (entry.blocks().isEmpty()) {
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
      return Effect().reply(c.replyTo(), new Rejected("lookup of no name: give a file name"));
    }
    return Effect()
        .reply(
            c.replyTo(),
            state.entry(c.name()).<RegistryReply>map(Found::new).orElseGet(() -> new NotFound(c.name())));
  }

  private ReplyEffect<RegistryEvent, RegistryState> onDelete(RegistryState state, Delete c) {
    if (c.name() == null) {
      return Effect().reply(c.replyTo(), new Rejected("delete of no name: give a file name"));
    }
    Optional<FileEntry> before = state.entry(c.name());
    if (before.isEmpty()) {
      return Effect().reply(c.replyTo(), new NotFound(c.name()));
    }
    return Effect()
        .persist(new FileDeleted(c.name()))
        .thenReply(c.replyTo(), after -> new Deleted(before.get(), after.orphansOf(before.get())));
  }

  private ReplyEffect<RegistryEvent, RegistryState> onReportHoldings(
      RegistryState state, ReportHoldings c) {
    if (c.peer() == null || c.blocks() == null) {
      ctx.getLog().warn("ignoring a holdings report without a peer or a block list: {}", c);
      return Effect().noReply();
    }
    if (state.holdsExactly(c.peer(), c.blocks())) {
      return Effect().noReply(); // nothing changes: keep the journal from growing on every join
    }
    SortedSet<BlockId> known = new TreeSet<>();
    for (BlockId b : c.blocks()) {
      if (b != null && state.knows(b)) {
        known.add(b);
      }
    }
    return Effect().persist(new HoldingsReported(c.peer(), List.copyOf(known))).thenNoReply();
  }

  private ReplyEffect<RegistryEvent, RegistryState> onSetDefaultScheme(
      RegistryState state, SetDefaultScheme c) {
    if (c.peer() == null && c.scheme() == null) {
      return Effect()
          .reply(c.replyTo(), new Rejected("the cluster needs a default scheme: name one, like naive n=2"));
    }
    SchemeSpec current =
        c.peer() == null ? state.clusterDefault() : state.peerDefaults().get(c.peer().name());
    if (Objects.equals(current, c.scheme())) {
      return Effect().reply(c.replyTo(), settings(state));
    }
    return Effect()
        .persist(new DefaultSchemeSet(c.peer(), c.scheme()))
        .thenReply(c.replyTo(), this::settings);
  }

  private Settings settings(RegistryState state) {
    SchemeSpec cluster =
        state.clusterDefault() != null ? state.clusterDefault() : options.defaultScheme();
    return new Settings(cluster, state.sortedPeerDefaults());
  }

  // ---------------------------------------------------------------- events

  @Override
  public EventHandler<RegistryState, RegistryEvent> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(FileCommitted.class, (state, e) -> state.committed(e.entry()))
        .onEvent(FileDeleted.class, (state, e) -> state.deleted(e.name()))
        .onEvent(HoldingsReported.class, (state, e) -> state.holdingsReported(e.peer(), e.blocks()))
        .onEvent(DefaultSchemeSet.class, (state, e) -> state.defaultSchemeSet(e.peer(), e.scheme()))
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
                        "registry {} recovered: {} files, {} blocks",
                        persistenceId().id(), state.fileCount(), state.blockCount()))
        .onSignal(
            RecoveryFailed.class,
            (state, signal) -> ctx.getLog().error("registry recovery failed", signal.getFailure()))
        .onSignal(
            SnapshotFailed.class,
            (state, signal) -> ctx.getLog().warn("registry snapshot failed", signal.getFailure()))
        .onSignal(
            DeleteSnapshotsFailed.class,
            (state, signal) -> ctx.getLog().warn("deleting old registry snapshots failed", signal.getFailure()))
        .build();
  }
}
