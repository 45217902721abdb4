package jewel.api;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The message digests Jewel hashes with: SHA-256, which names blocks ({@link BlockId}) and files;
 * MD5, only for the ETags S3 clients expect of objects.
 */
public final class Digests {
  private Digests() {}

  /** A fresh SHA-256 digest. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide SHA-256 (MessageDigest's contract), so this never happens.
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  /** A fresh MD5 digest. */
  public static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide MD5 (MessageDigest's contract), so this never happens.
      throw new IllegalStateException("this JVM has no MD5", e);
    }
  }
}
