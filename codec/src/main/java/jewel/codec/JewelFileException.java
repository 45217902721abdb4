package jewel.codec;

import java.io.IOException;

/**
 * A set of jewel (or raw shard) files that cannot be joined, or a file that is not what it should
 * be: bad magic or header, a mixed set, duplicate indexes, too few files, truncation, or a rebuilt
 * file whose SHA-256 differs from the one recorded. The message is one line that says what was
 * wrong. It is an {@link IOException} so that callers of {@link JewelFiles} handle one checked
 * type, and can still tell a refused input (this) from a failing disk (other IOExceptions).
 */
public class JewelFileException extends IOException {

  private static final long serialVersionUID = 1L;

  public JewelFileException(String message) {
    super(message);
  }
}
