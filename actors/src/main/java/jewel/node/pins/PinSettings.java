package jewel.node.pins;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The node side of fractional pins, read from {@code jewel.pins} (defaults in this module's
 * reference.conf). The registry reads {@code default-fraction} and {@code min-holders} from the
 * same block; a peer learns min-holders from every pin plan rather than from its own configuration,
 * so all peers use the registry's value.
 *
 * @param rescanInterval how often a peer recomputes its share without being told to
 * @param fetchConcurrency how many blocks of its share a peer fetches at once
 * @param scanInterval how often the registry node runs the availability scan and audits
 * @param settleAfterChange how long the scan waits after a membership change (and after bumping
 *     salts) before it looks again, so a burst of events makes one scan
 * @param fetchGrace how long the scan lets the expected holders of an under-replicated block fetch
 *     it before it gives the block new holders anyway
 * @param auditsPerScan how many (block, holder) pairs each scan challenges
 * @param auditFailuresToGreylist failed audits counting against a peer at once that greylist it
 * @param auditFailureMemory how long a failed audit counts against a peer (each passed audit also
 *     forgives one): see {@link AuditFailures}
 * @param auditTimeout how long an audited peer has to answer, besides reading the block
 * @param auditMinReadRate bytes per second an audited peer is assumed to read at least: the time to
 *     answer grows by the block's size at this rate ({@link #auditTimeout(long)})
 * @param askTimeout how long a peer or the scan waits for the registry's pin plan
 */
public record PinSettings(
    Duration rescanInterval,
    int fetchConcurrency,
    Duration scanInterval,
    Duration settleAfterChange,
    Duration fetchGrace,
    int auditsPerScan,
    int auditFailuresToGreylist,
    Duration auditFailureMemory,
    Duration auditTimeout,
    long auditMinReadRate,
    Duration askTimeout) {

  public PinSettings {
    positive("rescan-interval", rescanInterval);
    positive("scan-interval", scanInterval);
    positive("audit-failure-memory", auditFailureMemory);
    positive("audit-timeout", auditTimeout);
    positive("ask-timeout", askTimeout);
    if (settleAfterChange.isNegative() || fetchGrace.isNegative()) {
      throw new IllegalArgumentException(
          "jewel.pins.settle-after-change and fetch-grace must not be negative");
    }
    if (fetchConcurrency < 1) {
      throw new IllegalArgumentException(
          "jewel.pins.fetch-concurrency must be at least 1, not " + fetchConcurrency);
    }
    if (auditsPerScan < 0) {
      throw new IllegalArgumentException(
          "jewel.pins.audits-per-scan must be 0 (no audits) or more, not " + auditsPerScan);
    }
    if (auditFailuresToGreylist < 1) {
      throw new IllegalArgumentException(
          "jewel.pins.audit-failures-to-greylist must be at least 1, not "
              + auditFailuresToGreylist);
    }
    if (auditMinReadRate < 1) {
      throw new IllegalArgumentException(
          "jewel.pins.audit-min-read-rate must be a size (bytes per second) like 10 MiB, not "
              + auditMinReadRate);
    }
  }

  /**
   * How long the audit of a block of {@code bytes} may take: {@code audit-timeout}, plus reading
   * the whole block at {@code audit-min-read-rate} (a peer's first audit of a block reads it whole,
   * to hash its chunks), rounded up to the millisecond.
   */
  public Duration auditTimeout(long bytes) {
    return auditTimeout.plusMillis((long) Math.ceil(bytes * 1000.0 / auditMinReadRate));
  }

  /** Reads {@code jewel.pins} from {@code root}. */
  public static PinSettings from(Config root) {
    Config c = root.getConfig("jewel.pins");
    return new PinSettings(
        c.getDuration("rescan-interval"),
        c.getInt("fetch-concurrency"),
        c.getDuration("scan-interval"),
        c.getDuration("settle-after-change"),
        c.getDuration("fetch-grace"),
        c.getInt("audits-per-scan"),
        c.getInt("audit-failures-to-greylist"),
        c.getDuration("audit-failure-memory"),
        c.getDuration("audit-timeout"),
        c.getBytes("audit-min-read-rate"),
        c.getDuration("ask-timeout"));
  }

  /** A duration as people write it in the configuration: 10s, 5m, 300ms. */
  public static String human(Duration d) {
    long ms = d.toMillis();
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  private static void positive(String key, Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(
          "jewel.pins." + key + " must be a positive duration like 10s, not " + d);
    }
  }
}
