package jewel.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bearer token of the HTTP API: {@code jewel_ID_SECRET}, where ID names the token ({@code admin}
 * for the one {@code ./jewel up} writes into the home, {@code t1}, {@code t2}, … for those {@code
 * token create} makes) and SECRET is 64 hex digits of a {@link SecureRandom}. Nodes keep only the
 * SHA-256 of the secret ({@link #hash}) and compare it in constant time ({@link #matches}).
 *
 * <p>SHA-256, not a slow password hash: the secret carries 256 random bits, so nobody can guess one
 * from a leaked hash by trying candidates, which is what bcrypt or Argon2 make expensive for
 * passwords people choose; a slow hash would only cost every request its milliseconds.
 */
public record ApiToken(String id, String secret) {
  /** The id of the admin token that {@code ./jewel up} writes into the home. */
  public static final String ADMIN_ID = "admin";

  private static final Pattern FORM = Pattern.compile("jewel_([a-z0-9]{1,32})_([0-9a-f]{64})");
  private static final SecureRandom RANDOM = new SecureRandom();

  public ApiToken {
    if (id == null || secret == null || !FORM.matcher(text(id, secret)).matches()) {
      throw new IllegalArgumentException(
          "not a Jewel token: one looks like jewel_t1_ followed by 64 hex digits");
    }
  }

  /** A new token of id {@code id} with a fresh random secret. */
  public static ApiToken generate(String id) {
    return new ApiToken(id, newSecret());
  }

  /** 64 hex digits of a {@link SecureRandom}: the secret of a new token. */
  public static String newSecret() {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return HexFormat.of().formatHex(secret);
  }

  /** The token written as {@link #toString()} writes it, or one line saying it is not one. */
  public static ApiToken parse(String text) {
    Matcher m = FORM.matcher(text == null ? "" : text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a Jewel token: one looks like jewel_t1_ followed by 64 hex digits");
    }
    return new ApiToken(m.group(1), m.group(2));
  }

  /** The hex SHA-256 of the secret: all a node keeps of a token. */
  public String hash() {
    return hash(secret);
  }

  /** The hex SHA-256 of {@code secret}. */
  public static String hash(String secret) {
    return HexFormat.of()
        .formatHex(Digests.sha256().digest(secret.getBytes(StandardCharsets.US_ASCII)));
  }

  /** Whether this token's secret has the hash {@code hash}, compared in constant time. */
  public boolean matches(String hash) {
    return hash != null
        && MessageDigest.isEqual(
            hash().getBytes(StandardCharsets.US_ASCII), hash.getBytes(StandardCharsets.US_ASCII));
  }

  /** The token as a client sends it: {@code jewel_ID_SECRET}. */
  @Override
  public String toString() {
    return text(id, secret);
  }

  private static String text(String id, String secret) {
    return "jewel_" + id + "_" + secret;
  }
}
