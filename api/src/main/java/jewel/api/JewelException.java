package jewel.api;

/**
 * A failure a person can act on: the message is one line that says what was wrong and, where it
 * can, what to do. The CLI prints it alone on stderr and exits 1; the HTTP API answers it as {@code
 * {"error": "…"}} with the status its {@link Kind} names.
 */
public class JewelException extends RuntimeException {

  /** What sort of failure, as far as a client must tell them apart. */
  public enum Kind {
    /** the request was wrong: a bad name, scheme, parameter or range syntax (HTTP 400) */
    BAD_INPUT(400),
    /** no token, or one the API does not accept: garbage, unknown, expired, revoked (401) */
    UNAUTHORIZED(401),
    /** a read-only token asked for a change (403) */
    FORBIDDEN(403),
    /** no such file or peer (404) */
    NOT_FOUND(404),
    /** the name exists and the store did not say replace (409) */
    CONFLICT(409),
    /** a range outside the file (416) */
    BAD_RANGE(416),
    /**
     * the cluster cannot do it now: too few live peers, the registry away, a holder failed (503)
     */
    UNAVAILABLE(503);

    private final int httpStatus;

    Kind(int httpStatus) {
      this.httpStatus = httpStatus;
    }

    public int httpStatus() {
      return httpStatus;
    }

    /** The kind an HTTP status stands for (anything else unknown: UNAVAILABLE). */
    public static Kind ofHttpStatus(int status) {
      for (Kind k : values()) {
        if (k.httpStatus == status) {
          return k;
        }
      }
      return status >= 400 && status < 500 ? BAD_INPUT : UNAVAILABLE;
    }
  }

  private final Kind kind;

  public JewelException(String message) {
    this(message, Kind.BAD_INPUT);
  }

  public JewelException(String message, Kind kind) {
    super(message);
    this.kind = kind;
  }

  public JewelException(String message, Throwable cause) {
    this(message, Kind.UNAVAILABLE, cause);
  }

  public JewelException(String message, Kind kind, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
