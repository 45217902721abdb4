package jewel.node.store;

/**
 * A refusal or failure of the block store or of the local files, with a one-line message meant for
 * people ("block hash mismatch: expected X, got Y", "block X is corrupted on disk (hash Y)", "file
 * name '../x' leaves the files folder"). Unchecked, so it can fail streams directly.
 */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
