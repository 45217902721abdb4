package jewel.schemes;

/** Too few blocks of a file could be read; the message names them and their holders. */
public final class MissingBlocksException extends RuntimeException {
  public MissingBlocksException(String message) {
    super(message, null, false, false);
  }
}
