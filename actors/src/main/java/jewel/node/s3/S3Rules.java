package jewel.node.s3;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import jewel.api.BucketNames;
import jewel.api.Digests;

/**
 * S3's rules that every {@link ObjectStore} keeps alike: which bucket names and keys it takes, the
 * ETag forms clients check, and what a multipart upload may be completed from.
 */
public final class S3Rules {
  /** The smallest part but the last of a completed upload, as S3 has it. */
  public static final long MIN_PART_SIZE = 5L * 1024 * 1024;

  public static final int MAX_PARTS = 10_000;

  /** A key's longest UTF-8 form. */
  public static final int MAX_KEY_BYTES = 1024;

  /**
   * The order S3 lists keys in: UTF-8 byte order, which is code point order (String's compareTo is
   * UTF-16 order, which differs past U+FFFF).
   */
  public static final Comparator<String> KEY_ORDER =
      (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
          int ca = a.codePointAt(i);
          int cb = b.codePointAt(j);
          if (ca != cb) {
            return Integer.compare(ca, cb);
          }
          i += Character.charCount(ca);
          j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
      };

  private S3Rules() {}

  /** Throws InvalidBucketName unless S3 would take {@code name} ({@link BucketNames}). */
  public static void checkBucketName(String name) {
    String problem = BucketNames.problem(name);
    if (problem != null) {
      throw new S3Exception("InvalidBucketName", 400, problem);
    }
  }

  /** Throws KeyTooLongError or InvalidArgument unless S3 would take {@code key}. */
  public static void checkKey(String key) {
    if (key.isEmpty()) {
      throw S3Exception.invalidArgument("an object key cannot be empty");
    }
    if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      throw new S3Exception(
          "KeyTooLongError", 400, "an object key is at most " + MAX_KEY_BYTES + " bytes of UTF-8");
    }
  }

  /** Throws InvalidArgument unless {@code partNumber} is 1 to 10,000. */
  public static void checkPartNumber(int partNumber) {
    if (partNumber < 1 || partNumber > MAX_PARTS) {
      throw S3Exception.invalidArgument(
          "a part number is 1 to " + MAX_PARTS + ", not " + partNumber);
    }
  }

  /** The ETag of a single-part object or of a part: its MD5 in hex, quoted. */
  public static String etag(byte[] md5) {
    return '"' + HexFormat.of().formatHex(md5) + '"';
  }

  /**
   * The ETag of an object completed from {@code parts}: the MD5 of their binary MD5s one after the
   * other, a dash and how many there are, quoted.
   */
  public static String multipartEtag(List<ObjectStore.Part> parts) {
    MessageDigest md5 = Digests.md5();
    for (ObjectStore.Part p : parts) {
      md5.update(HexFormat.of().parseHex(unquoted(p.etag())));
    }
    return '"' + HexFormat.of().formatHex(md5.digest()) + "-" + parts.size() + '"';
  }

  /**
   * The parts an upload is completed from, given what the client chose and what arrived (by part
   * number): InvalidRequest for no part, InvalidPartOrder unless the numbers ascend, InvalidPart
   * for one not uploaded or of another ETag (quotes optional, as clients send either),
   * EntityTooSmall for a part but the last under {@link #MIN_PART_SIZE}.
   */
  public static List<ObjectStore.Part> completion(
      List<ObjectStore.PartChoice> chosen, Map<Integer, ObjectStore.Part> uploaded) {
    if (chosen.isEmpty()) {
      throw new S3Exception(
          "InvalidRequest", 400, "a multipart upload is completed from one part or more");
    }
    List<ObjectStore.Part> parts = new ArrayList<>();
    int previous = 0;
    for (ObjectStore.PartChoice c : chosen) {
      if (c.partNumber() <= previous) {
        throw new S3Exception(
            "InvalidPartOrder", 400, "the parts must be listed in ascending order of number");
      }
      previous = c.partNumber();
      ObjectStore.Part part = uploaded.get(c.partNumber());
      if (part == null || !unquoted(part.etag()).equals(unquoted(c.etag()))) {
        throw new S3Exception(
            "InvalidPart",
            400,
            "part "
                + c.partNumber()
                + " was not uploaded, or its ETag is not "
                + c.etag()
                + ": upload it again");
      }
      parts.add(part);
    }
    for (int i = 0; i < parts.size() - 1; i++) {
      if (parts.get(i).size() < MIN_PART_SIZE) {
        throw new S3Exception(
            "EntityTooSmall",
            400,
            "part "
                + parts.get(i).partNumber()
                + " has "
                + parts.get(i).size()
                + " bytes: every part but the last needs "
                + MIN_PART_SIZE
                + " or more");
      }
    }
    return parts;
  }

  /** An ETag without its quotes (clients send either); null stays null. */
  static String unquoted(String etag) {
    if (etag == null) {
      return null;
    }
    String e = etag.strip();
    return e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")
        ? e.substring(1, e.length() - 1)
        : e;
  }
}
