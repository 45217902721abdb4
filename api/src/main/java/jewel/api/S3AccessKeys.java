package jewel.api;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * The two halves of an S3 access key, shaped like AWS's so that every S3 client takes them: an
 * access key id of 20 characters, {@code JWL} and 17 of base32's upper-case alphabet (85 random
 * bits: it names the key and is sent in the clear), and a secret key of 40 letters and digits (238
 * random bits), both from a {@link SecureRandom}. Signature Version 4 signs with the secret itself,
 * so the registry keeps it (unlike an {@link ApiToken}'s, of which it keeps a hash).
 */
public final class S3AccessKeys {
  private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final String ALPHANUMERIC =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final Pattern ACCESS_KEY = Pattern.compile("JWL[A-Z2-7]{17}");
  private static final Pattern SECRET_KEY = Pattern.compile("[A-Za-z0-9]{40}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private S3AccessKeys() {}

  /** A fresh access key id: {@code JWL} and 17 random base32 characters. */
  public static String newAccessKey() {
    return "JWL" + random(BASE32, 17);
  }

  /** A fresh secret key: 40 random letters and digits. */
  public static String newSecretKey() {
    return random(ALPHANUMERIC, 40);
  }

  /** Whether {@code text} has the shape of an access key id Jewel makes. */
  public static boolean isAccessKey(String text) {
    return text != null && ACCESS_KEY.matcher(text).matches();
  }

  /** Whether {@code text} has the shape of a secret key Jewel makes. */
  public static boolean isSecretKey(String text) {
    return text != null && SECRET_KEY.matcher(text).matches();
  }

  private static String random(String alphabet, int length) {
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return s.toString();
  }
}
