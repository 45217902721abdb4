package jewel.node.coordinator;

/** An operation refused or failed for a reason a person can act on; the message says it in one line. */
final class OperationFailure extends RuntimeException {
  OperationFailure(String message) {
    super(message, null, false, false);
  }
}
