package jewel.persistence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import jewel.api.BlockId;
import jewel.api.StoredBlock;
import jewel.protocol.DeleteGuard;
import org.slf4j.Logger;

/**
 * The uploads in progress: stores that may have written blocks no committed file references yet. In
 * memory only (a restarted registry starts with none, and its ids start above its predecessor's);
 * an upload not heard from for {@code lease} is gone. A registry that has not run for a lease yet
 * may not have heard of every store in progress (its predecessor's report within a lease): until
 * then its guards spare every upload's blocks. Not thread-safe: the registry's command handler is
 * its only user.
 */
final class Uploads {
  /** One open upload. */
  private static final class Upload {
    final long started;
    long lastHeard;
    final Set<BlockId> written = new HashSet<>();

    /** The blocks it will commit, staged page by page, in order. */
    final List<StoredBlock> staged = new ArrayList<>();

    Upload(long now) {
      this.started = now;
      this.lastHeard = now;
    }
  }

  /**
   * Ids per millisecond of the clock: ids start at the clock's milliseconds times this, so a
   * registry started later starts above its predecessor unless that one handed out more than this
   * many ids per millisecond on average.
   */
  private static final long IDS_PER_MILLI = 1000;

  private final Duration lease;
  private final LongSupplier clock;
  private final Logger log;
  private final Map<Long, Upload> open = new HashMap<>();
  private final long started;
  private long newest;

  /**
   * @param clock milliseconds since the epoch
   */
  Uploads(Duration lease, LongSupplier clock, Logger log) {
    this.lease = lease;
    this.clock = clock;
    this.log = log;
    this.started = clock.getAsLong();
    this.newest = started * IDS_PER_MILLI;
  }

  /** Opens an upload: its id is greater than any handed out before. */
  long open() {
    long now = clock.getAsLong();
    newest = Math.max(newest + 1, now * IDS_PER_MILLI);
    open.put(newest, new Upload(now));
    return newest;
  }

  /**
   * Renews {@code id}'s lease and adds {@code written} to its blocks. An id this registry does not
   * hold open (one of a registry before a restart, or one that expired while its store went on) is
   * taken as open again: its store is evidently alive.
   */
  void progress(long id, List<BlockId> written) {
    long now = clock.getAsLong();
    newest = Math.max(newest, id);
    Upload upload = open.computeIfAbsent(id, i -> new Upload(now));
    upload.lastHeard = now;
    upload.written.addAll(written);
  }

  /**
   * Renews {@code id}'s lease, as {@link #progress} does, and adds {@code blocks} to its staged.
   */
  void stage(long id, List<StoredBlock> blocks) {
    progress(id, List.of());
    open.get(id).staged.addAll(blocks);
  }

  /** The blocks staged under {@code id}, in order; none if it is not open. */
  List<StoredBlock> staged(long id) {
    Upload upload = open.get(id);
    return upload == null ? List.of() : List.copyOf(upload.staged);
  }

  void close(long id) {
    open.remove(id);
  }

  /** Those of {@code blocks} no open upload wrote, in their order. */
  List<BlockId> notWritten(List<BlockId> blocks) {
    expire();
    return blocks.stream()
        .filter(b -> open.values().stream().noneMatch(u -> u.written.contains(b)))
        .toList();
  }

  /**
   * What peers must check before deleting: the uploads open now and the newest id; in the first
   * lease, an id below all, which spares every upload's blocks.
   */
  DeleteGuard guard(long minAgeMillis) {
    expire();
    boolean warm = clock.getAsLong() - started >= lease.toMillis();
    return new DeleteGuard(
        open.keySet().stream().sorted().toList(), warm ? newest : Long.MIN_VALUE, minAgeMillis);
  }

  private void expire() {
    long now = clock.getAsLong();
    open.entrySet()
        .removeIf(
            e -> {
              Upload u = e.getValue();
              if (now - u.lastHeard <= lease.toMillis()) {
                return false;
              }
              log.info(
                  "upload {} expired: not heard from for {} s (started {} s ago, {} blocks)",
                  e.getKey(),
                  (now - u.lastHeard) / 1000,
                  (now - u.started) / 1000,
                  u.written.size());
              return true;
            });
  }
}
