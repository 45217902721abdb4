package jewel.api;

/**
 * A failure a person can act on: the message is one line that says what was wrong and,
 * where it can, what to do. The CLI prints it alone on stderr and exits 1.
 */
public class JewelException extends RuntimeException {
  public JewelException(String message) {
    super(message);
  }

  public JewelException(String message, Throwable cause) {
    super(message, cause);
  }
}
