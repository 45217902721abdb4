package jewel.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;
import jewel.api.Progress;

/**
 * One line on a terminal's stderr that a long store or get redraws: bytes done, the total, MB/s and
 * the time left, e.g. {@code 12.0 MiB of 100.0 MiB 34.5 MB/s 3 s left}. Redrawn at most ten times a
 * second and cleared when the transfer ends, so that only the command's result stays on the screen.
 */
final class ProgressLine implements Progress, AutoCloseable {
  /** Smaller transfers are over before a line would help. */
  static final long THRESHOLD = 4L << 20;

  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintWriter err;
  private final LongSupplier clock;
  private final long start;
  private long lastDraw;
  private int drawnWidth;

  ProgressLine(PrintWriter err, LongSupplier nanoClock) {
    this.err = err;
    this.clock = nanoClock;
    this.start = nanoClock.getAsLong();
    this.lastDraw = start;
  }

  /**
   * A line for a transfer of {@code size} bytes, or {@link Progress#NONE} when nobody watches (not
   * a terminal, {@code silent}: {@code --json}, {@code --quiet}) or the transfer is small.
   */
  static Progress forTransfer(Session session, long size, boolean silent) {
    if (!session.terminal() || silent || size <= THRESHOLD) {
      return Progress.NONE;
    }
    return new ProgressLine(session.err(), System::nanoTime);
  }

  /**
   * For a transfer whose size is known only when it starts (a get): a line from the first update
   * on, if the size passes the threshold and someone watches.
   */
  static Progress whenKnown(Session session, boolean silent) {
    if (!session.terminal() || silent) {
      return Progress.NONE;
    }
    return new Deferred(session);
  }

  /** Clears the line of {@code progress} if it drew one. */
  static void finish(Progress progress) {
    if (progress instanceof AutoCloseable line) {
      try {
        line.close();
      } catch (Exception e) {
        // clearing a line cannot fail in a way worth telling
      }
    }
  }

  private static final class Deferred implements Progress, AutoCloseable {
    private final Session session;
    private Progress line;

    Deferred(Session session) {
      this.session = session;
    }

    @Override
    public synchronized void update(long done, long total) {
      if (line == null) {
        line = forTransfer(session, total, false);
      }
      line.update(done, total);
    }

    @Override
    public synchronized void close() {
      finish(line);
    }
  }

  @Override
  public synchronized void update(long done, long total) {
    long now = clock.getAsLong();
    if (now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    String text = text(done, total, now - start);
    err.print("\r" + text + " ".repeat(Math.max(0, drawnWidth - text.length())));
    err.flush();
    drawnWidth = text.length();
  }

  @Override
  public synchronized void close() {
    if (drawnWidth > 0) {
      err.print("\r" + " ".repeat(drawnWidth) + "\r");
      err.flush();
      drawnWidth = 0;
    }
  }

  /**
   * The line for {@code done} of {@code total} bytes ({@code total} < 0: unknown) after {@code
   * elapsedNanos}.
   */
  static String text(long done, long total, long elapsedNanos) {
    StringBuilder s = new StringBuilder(Format.size(done));
    if (total >= 0) {
      s.append(" of ").append(Format.size(total));
    }
    double seconds = elapsedNanos / 1e9;
    if (seconds <= 0 || done <= 0) {
      return s.toString();
    }
    double bytesPerSecond = done / seconds;
    s.append(String.format(Locale.ROOT, "  %.1f MB/s", bytesPerSecond / 1e6));
    if (total >= done) {
      long left = (long) Math.ceil((total - done) / bytesPerSecond);
      s.append("  ").append(duration(left)).append(" left");
    }
    return s.toString();
  }

  /** {@code 7 s}, {@code 2 min 05 s}, {@code 1 h 02 min}. */
  static String duration(long seconds) {
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min", seconds / 3600, (seconds % 3600) / 60);
  }
}
