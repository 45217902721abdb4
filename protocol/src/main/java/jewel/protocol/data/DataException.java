package jewel.protocol.data;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * A data-channel failure with a one-line message meant for people: what a {@link DataHandler}
 * refuses (sent back to the client as the text of an HTTP error status), what a peer answered, or
 * why a peer could not be reached. Unchecked, so it can fail streams and futures directly.
 */
public class DataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Longest message kept (characters); a longer one is cut, an answer must stay small. */
  static final int MAX_MESSAGE = 2000;

  public DataException(String message) {
    super(oneLine(message));
  }

  public DataException(String message, Throwable cause) {
    super(oneLine(message), cause);
  }

  /** {@code text} on one line (line breaks become spaces), cut to a bounded length. */
  static String oneLine(String text) {
    if (text == null || text.isBlank()) {
      return "unknown error";
    }
    String line = text.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    return line.length() <= MAX_MESSAGE ? line : line.substring(0, MAX_MESSAGE - 1) + "…";
  }

  /**
   * One line that says what went wrong in {@code failure}: the message of a {@code DataException}
   * (or any exception with a message), the exception's name for an I/O error whose message is only
   * a path, the name alone when there is no message. Wrappers of futures are looked through.
   */
  public static String describe(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t == null) {
      return "unknown error";
    }
    String message = t.getMessage();
    if (message == null || message.isBlank()) {
      return t.getClass().getSimpleName();
    }
    if (t instanceof IOException && !(t.getClass() == IOException.class)) {
      return oneLine(t.getClass().getSimpleName() + ": " + message);
    }
    return oneLine(message);
  }

  /** The exception inside {@code CompletionException}/{@code ExecutionException} wrappers. */
  public static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
