package jewel.api;

/**
 * S3's rules for a bucket's name, which is also the first segment of its objects' file names: 3 to
 * 63 characters of lower-case letters, digits, '.' and '-', starting and ending with a letter or a
 * digit, no '..', '.-' or '-.', not shaped like an IP address, none of S3's reserved prefixes and
 * suffixes.
 */
public final class BucketNames {
  private BucketNames() {}

  /** Why {@code name} cannot name a bucket, or null if it can. */
  public static String problem(String name) {
    if (name == null || name.length() < 3 || name.length() > 63) {
      return "a bucket name has 3 to 63 characters: '" + name + "'";
    }
    if (!name.matches("[a-z0-9][a-z0-9.-]*[a-z0-9]")) {
      return "a bucket name has lower-case letters, digits, '.' and '-', and starts and ends with"
          + " a letter or a digit: '"
          + name
          + "'";
    }
    if (name.contains("..") || name.contains(".-") || name.contains("-.")) {
      return "a bucket name has no '..', '.-' or '-.': '" + name + "'";
    }
    if (name.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
      return "a bucket name is not an IP address: '" + name + "'";
    }
    if (name.startsWith("xn--") || name.endsWith("-s3alias")) {
      return "a bucket name does not start with 'xn--' or end with '-s3alias' (S3 keeps them): '"
          + name
          + "'";
    }
    return null;
  }
}
