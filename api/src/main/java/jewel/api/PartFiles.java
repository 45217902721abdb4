package jewel.api;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Names of the temporary files a write goes through before it is moved into place. Each is hidden,
 * in the target's own folder (so the move is a rename within one file system), and named {@code
 * .jewel-<32 hex digits>.part}: 44 characters however long the target's name is, so that a file
 * with the longest valid name ({@link FileName#MAX_BYTES} bytes, the usual file system limit) can
 * be written too. A name derived from the target's would not fit beside it.
 */
public final class PartFiles {
  public static final String PREFIX = ".jewel-";
  public static final String SUFFIX = ".part";

  /** A glob that matches every name {@link #name()} gives. */
  public static final String GLOB = PREFIX + "*" + SUFFIX;

  private PartFiles() {}

  /** A fresh temporary name: {@code .jewel-<32 hex digits>.part}. */
  public static String name() {
    byte[] random = new byte[16];
    ThreadLocalRandom.current().nextBytes(random);
    return PREFIX + HexFormat.of().formatHex(random) + SUFFIX;
  }

  /** A fresh temporary file path in {@code target}'s folder. */
  public static Path beside(Path target) {
    return target.toAbsolutePath().resolveSibling(name());
  }
}
