package jewel.node.maintenance;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code jewel.repair}: when lost copies are re-created by themselves.
 *
 * @param auto whether the registry node repairs by itself (check and repair work either way)
 * @param grace how long a holder may be down before its copies are re-created elsewhere
 * @param interval how often the registry node looks for files with copies due
 * @param bytesPerSecond the pace of automatic repair: after re-creating b bytes it waits b / rate
 */
public record RepairSettings(boolean auto, Duration grace, Duration interval, long bytesPerSecond) {
  public RepairSettings {
    if (grace.isNegative()) {
      throw new IllegalArgumentException("jewel.repair.grace must not be negative, not " + grace);
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException(
          "jewel.repair.interval must be a positive duration, like 1m, not " + interval);
    }
    if (bytesPerSecond < 1) {
      throw new IllegalArgumentException(
          "jewel.repair.rate must be a positive size per second, like 64 MiB, not "
              + bytesPerSecond);
    }
  }

  public static RepairSettings from(Config root) {
    Config c = root.getConfig("jewel.repair");
    return new RepairSettings(
        c.getBoolean("auto"),
        c.getDuration("grace"),
        c.getDuration("interval"),
        c.getBytes("rate"));
  }

  /** How long to pause after re-creating {@code bytes}, to keep to the rate. */
  public Duration pauseAfter(long bytes) {
    return Duration.ofMillis(bytes * 1000 / bytesPerSecond);
  }
}
