package jewel.node.peer;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import jewel.api.BlockId;
import jewel.api.PeerContents;
import jewel.node.pins.Failures;
import jewel.node.store.BlockStore;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.ThrottleMode;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Re-hashes every block of its peer's store in the background, a child of its {@link Peer}, so that
 * bytes that rot on disk are found before a reader or an audit needs them.
 *
 * <p>A pass lists the store and reads each block whole through {@link BlockStore#reader(BlockId)}
 * (which checks it against its id), one at a time, in id order, at {@code rate} bytes per second:
 * within a block Pekko Streams' throttle paces the bytes, and each block starts when the pass at
 * that rate would be done with the ones before. A block that fails, and again when re-read at once,
 * is quarantined ({@link BlockStore#quarantine}), logged at ERROR, and the peer is told ({@link
 * Quarantined}) so it reports its holdings again and the registry stops counting it as a holder; a
 * block deleted under the pass is skipped. Passes start {@code interval} apart, the first {@code
 * firstPassAfter} after start, so that a cluster starting up does not hash everything at once. Each
 * pass ends with one INFO line: its cost.
 *
 * <p>The actor and the stream stages past the file reads run on {@code jewel-scrub-dispatcher}, one
 * thread of its own, so the CPU time that thread spends in a pass is what the pass costs (the
 * reads' own system time is on Pekko's blocking-I/O pool and not in it).
 */
public final class Scrubber extends AbstractBehavior<Scrubber.Command> {

  /** The single-thread dispatcher the scrub runs on (defined in reference.conf). */
  private static final String DISPATCHER = "jewel-scrub-dispatcher";

  /**
   * {@code jewel.scrub}: {@code rate} bytes per second (0: no scrubbing), a pass every {@code
   * interval}, the first {@code firstPassAfter} after start.
   */
  public record Settings(long rate, Duration interval, Duration firstPassAfter) {
    public Settings {
      if (rate < 0 || interval.isNegative() || interval.isZero() || firstPassAfter.isNegative()) {
        throw new IllegalArgumentException(
            "jewel.scrub: rate must be 0 (off) or more, interval more than 0 and"
                + " first-pass-after 0 or more; got "
                + rate
                + ", "
                + interval
                + ", "
                + firstPassAfter);
      }
    }

    public static Settings from(Config config) {
      Config scrub = config.getConfig("jewel.scrub");
      ConfigValue rate = scrub.getValue("rate");
      boolean off =
          rate.valueType() == ConfigValueType.BOOLEAN
              ? !(Boolean) rate.unwrapped()
              : "off".equals(rate.unwrapped());
      return new Settings(
          off ? 0 : scrub.getBytes("rate"),
          scrub.getDuration("interval"),
          scrub.getDuration("first-pass-after"));
    }

    boolean enabled() {
      return rate > 0;
    }
  }

  /** What the scrubs of this node found so far, for metrics: read from any thread. */
  public static final class Counters {
    private final AtomicLong blocks = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong corrupt = new AtomicLong();
    private final AtomicLong passes = new AtomicLong();
    private volatile double lastPassSeconds;
    private volatile double lastPassCpuSeconds;

    public long blocksChecked() {
      return blocks.get();
    }

    public long bytesChecked() {
      return bytes.get();
    }

    public long corruptFound() {
      return corrupt.get();
    }

    public long passes() {
      return passes.get();
    }

    /** Wall time of the last finished pass (0 before the first). */
    public double lastPassSeconds() {
      return lastPassSeconds;
    }

    /** CPU time of the scrub thread in the last finished pass (0 before the first). */
    public double lastPassCpuSeconds() {
      return lastPassCpuSeconds;
    }
  }

  /** What a peer needs to scrub: settings, and counters the node's metrics read. */
  public record Setup(Settings settings, Counters counters) {}

  /** What the scrubber handles. Local only: it never crosses a node boundary. */
  public sealed interface Command extends NoSerializationVerificationNeeded {}

  /** Told to the peer: {@code block} was found corrupt and quarantined. */
  public record Quarantined(BlockId block) implements NoSerializationVerificationNeeded {}

  private record PassDue() implements Command {}

  /** Time to read the next block of the pass. */
  private record ReadNext() implements Command {}

  /** One block's read ended: {@code bytes} read, or {@code failure}. */
  private record Checked(BlockId block, Long bytes, Throwable failure) implements Command {}

  private final TimerScheduler<Command> timers;
  private final BlockStore store;
  private final ActorRef<Quarantined> peer;
  private final Settings settings;
  private final Counters counters;
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

  private final Deque<PeerContents.HeldBlock> pending = new ArrayDeque<>(); // not yet read
  private long passStartNanos;
  private long passStartCpu;
  private long passBlocks;
  private long passBytes;
  private long passListedBytes; // of the blocks started so far, as listed: what the rate allows
  private long passCorrupt;

  /**
   * A scrubber of {@code store} that tells {@code peer} what it quarantines; stops at once if
   * scrubbing is off. Spawn it on {@link #dispatcher()}.
   */
  public static Behavior<Command> create(
      BlockStore store, ActorRef<Quarantined> peer, Setup setup) {
    return Behaviors.setup(
        ctx -> {
          ctx.setLoggerName(Scrubber.class);
          Settings settings = setup.settings();
          if (!settings.enabled()) {
            ctx.getLog().info("scrubbing is off (jewel.scrub.rate)");
            return Behaviors.stopped();
          }
          return Behaviors.withTimers(
              timers -> {
                timers.startSingleTimer(new PassDue(), settings.firstPassAfter());
                return new Scrubber(ctx, timers, store, peer, settings, setup.counters());
              });
        });
  }

  /** Where {@link #create} runs: the scrub's own thread. */
  public static DispatcherSelector dispatcher() {
    return DispatcherSelector.fromConfig(DISPATCHER);
  }

  private Scrubber(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      BlockStore store,
      ActorRef<Quarantined> peer,
      Settings settings,
      Counters counters) {
    super(ctx);
    this.timers = timers;
    this.store = store;
    this.peer = peer;
    this.settings = settings;
    this.counters = counters;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(PassDue.class, p -> startPass())
        .onMessage(ReadNext.class, r -> readNext())
        .onMessage(Checked.class, this::onChecked)
        .build();
  }

  private Behavior<Command> startPass() {
    pending.addAll(store.list());
    passStartNanos = System.nanoTime();
    passStartCpu = threadCpuNanos();
    passBlocks = 0;
    passBytes = 0;
    passListedBytes = 0;
    passCorrupt = 0;
    return readNext();
  }

  private Behavior<Command> readNext() {
    PeerContents.HeldBlock next = pending.poll();
    if (next == null) {
      endPass();
      return this;
    }
    passListedBytes += next.size();
    BlockId id = next.id();
    getContext().pipeToSelf(read(id), (bytes, failure) -> new Checked(id, bytes, failure));
    return this;
  }

  /**
   * Reads block {@code id} whole, throttled to the scrub's rate, so that a big block is not read at
   * full speed; fails if its bytes do not match its id. The throttle counts KiB (Pekko's throttle
   * takes at most one unit a nanosecond, so about 1 TB/s is as fast as it goes) and lets about 50
   * ms of reading through at once, which absorbs the scheduler's 10 ms ticks; each block starts
   * with that much in hand, which {@link #onChecked} makes up for between blocks.
   */
  private CompletionStage<Long> read(BlockId id) {
    int kibPerSecond = (int) Math.min(1_000_000_000L, Math.max(1, settings.rate() / 1024));
    return store
        .reader(id)
        .throttle(
            kibPerSecond,
            Duration.ofSeconds(1),
            Math.max(256, kibPerSecond / 20),
            chunk -> (chunk.size() + 1023) / 1024,
            ThrottleMode.shaping())
        .toMat(Sink.fold(0L, (n, chunk) -> n + chunk.size()), (io, read) -> read)
        .withAttributes(ActorAttributes.dispatcher(DISPATCHER))
        .run(getContext().getSystem());
  }

  private Behavior<Command> onChecked(Checked c) {
    if (c.failure() == null) {
      passBlocks++;
      passBytes += c.bytes();
      counters.blocks.incrementAndGet();
      counters.bytes.addAndGet(c.bytes());
    } else if (quarantineIfDamaged(store, c.block())) {
      passBlocks++;
      passCorrupt++;
      counters.blocks.incrementAndGet();
      counters.corrupt.incrementAndGet();
      getContext()
          .getLog()
          .error("scrub quarantined block {}: {}", c.block(), Failures.oneLine(c.failure()));
      peer.tell(new Quarantined(c.block()));
    } // else deleted under the pass, or the read was cut short (a shutdown) and the block is fine
    // The next block starts when the pass, at its rate, would be done with this one.
    long dueNanos = passStartNanos + (long) (passListedBytes * 1e9 / settings.rate());
    Duration wait = Duration.ofNanos(dueNanos - System.nanoTime());
    if (wait.isNegative() || wait.isZero()) {
      return readNext();
    }
    timers.startSingleTimer(new ReadNext(), wait);
    return this;
  }

  /**
   * Reads block {@code id} again, here and now, and quarantines it if it is there but does not
   * match its id or cannot be read: true if it did. A failed read alone is not enough to move a
   * block away (a stream cut short by a shutdown fails too).
   */
  static boolean quarantineIfDamaged(BlockStore store, BlockId id) {
    boolean damaged;
    try {
      damaged = !store.verify(id); // also false if it is gone: quarantine then says so
    } catch (UncheckedIOException unreadable) {
      damaged = true;
    }
    return damaged && store.quarantine(id);
  }

  private void endPass() {
    Duration wall = Duration.ofNanos(System.nanoTime() - passStartNanos);
    double cpuSeconds = (threadCpuNanos() - passStartCpu) / 1e9;
    counters.lastPassSeconds = wall.toNanos() / 1e9;
    counters.lastPassCpuSeconds = cpuSeconds;
    counters.passes.incrementAndGet();
    getContext()
        .getLog()
        .info(
            "scrub pass done: {} blocks, {} bytes, {} corrupt, {} s wall, {} s CPU on the scrub"
                + " thread",
            passBlocks,
            passBytes,
            passCorrupt,
            String.format(Locale.ROOT, "%.1f", counters.lastPassSeconds),
            String.format(Locale.ROOT, "%.2f", cpuSeconds));
    Duration untilNext = settings.interval().minus(wall);
    timers.startSingleTimer(new PassDue(), untilNext.isNegative() ? Duration.ZERO : untilNext);
  }

  private long threadCpuNanos() {
    return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : 0;
  }
}
