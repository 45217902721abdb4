package jewel.node.pins;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/** Failures as one line for the logs and refusals. */
public final class Failures {
  private Failures() {}

  /** The first line of the real cause's message ("no answer in time" for a timed-out ask). */
  public static String oneLine(Throwable failure) {
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof TimeoutException) {
      return "no answer in time";
    }
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return message.lines().findFirst().orElse(message);
  }
}
