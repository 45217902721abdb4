package jewel.api;

/**
 * Where the parts of S3 multipart uploads are kept: each part is an ordinary file (so repair,
 * scrub, garbage collection and retune treat it like any file) named {@code .uploads/ID/NNNNN},
 * which no bucket can hold (a bucket name cannot start with a dot). Listings of objects never show
 * them; {@code ls} hides them with {@link #hidden}.
 */
public final class UploadParts {
  /** The first segment of every part's name. */
  public static final String FOLDER = ".uploads";

  private UploadParts() {}

  /** The file that holds part {@code partNumber} (1 to 10,000) of upload {@code uploadId}. */
  public static FileName part(String uploadId, int partNumber) {
    return new FileName(prefix(uploadId) + String.format("%05d", partNumber));
  }

  /** The start of the names of every part of upload {@code uploadId}. */
  public static String prefix(String uploadId) {
    return FOLDER + "/" + uploadId + "/";
  }

  /** The part number in a part's name. */
  public static int number(FileName part) {
    String value = part.value();
    return Integer.parseInt(value.substring(value.lastIndexOf('/') + 1));
  }

  /** The upload a part belongs to ({@code name} must be {@link #hidden}). */
  public static String upload(FileName part) {
    return part.segments().get(1);
  }

  /** Whether {@code name} is a part of a multipart upload, which a listing of files leaves out. */
  public static boolean hidden(FileName name) {
    return name.value().startsWith(FOLDER + "/");
  }

  /**
   * Whether a listing of the files starting with {@code prefix} (null or empty: all) shows {@code
   * name}: parts only when the prefix asks for them ({@code ls .uploads/}).
   */
  public static boolean listed(FileName name, String prefix) {
    return !hidden(name) || (prefix != null && prefix.startsWith(FOLDER + "/"));
  }
}
