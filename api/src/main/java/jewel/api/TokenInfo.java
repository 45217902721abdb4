package jewel.api;

/**
 * An API token as {@code token ls} shows it: never its secret, nor the secret's hash.
 *
 * @param id what names it ({@code token revoke ID})
 * @param readOnly true if it may only read (GET and HEAD), false for an admin token
 * @param label what its maker said it is for (empty if nothing)
 * @param createdAtMillis when it was made (epoch ms)
 * @param expiresAtMillis when it stops working (epoch ms), or null: never
 * @param revokedAtMillis when it was revoked (epoch ms), or null: it was not
 */
public record TokenInfo(
    String id,
    boolean readOnly,
    String label,
    long createdAtMillis,
    Long expiresAtMillis,
    Long revokedAtMillis) {

  /** {@code admin} or {@code read-only}. */
  public String kind() {
    return readOnly ? "read-only" : "admin";
  }
}
