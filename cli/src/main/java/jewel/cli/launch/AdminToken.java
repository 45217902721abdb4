package jewel.cli.launch;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import jewel.api.ApiToken;
import jewel.api.JewelException;

/**
 * The admin token of a home: {@code HOME/admin-token} holds the token (readable by its owner only),
 * which the command line sends by itself; {@code HOME/admin-token.sha256} holds the SHA-256 of its
 * secret, all the nodes {@code up} starts are given ({@code jewel.api.admin-token-hash-file}), so
 * no node's files or settings hold the secret.
 */
public final class AdminToken {
  /** The token, in the home. */
  public static final String FILE = "admin-token";

  /** The hash of its secret, in the home. */
  public static final String HASH_FILE = "admin-token.sha256";

  private AdminToken() {}

  /**
   * Makes the home's admin token if it has none (created owner-only, never readable by others for a
   * moment) and writes its hash beside it; returns the hash file.
   */
  public static Path ensure(Path home) {
    Path file = home.resolve(FILE);
    try {
      Files.createDirectories(home);
      ApiToken token;
      try {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        token = ApiToken.generate(ApiToken.ADMIN_ID);
        Files.writeString(file, token + "\n");
      } catch (FileAlreadyExistsException e) {
        token = parse(file, Files.readString(file));
      }
      Path hash = home.resolve(HASH_FILE);
      Path temp = home.resolve(HASH_FILE + ".tmp");
      Files.writeString(temp, token.hash() + "\n");
      Files.move(temp, hash, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return hash;
    } catch (IOException e) {
      throw new JewelException("cannot keep the admin token in " + file + ": " + e.getMessage());
    }
  }

  /** The home's admin token, if it has one. */
  public static Optional<String> read(Path home) {
    Path file = home.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(parse(file, Files.readString(file)).toString());
    } catch (IOException e) {
      throw new JewelException("cannot read the admin token " + file + ": " + e.getMessage());
    }
  }

  private static ApiToken parse(Path file, String text) {
    try {
      ApiToken token = ApiToken.parse(text);
      if (!token.id().equals(ApiToken.ADMIN_ID)) {
        throw new IllegalArgumentException("its id is " + token.id() + ", not admin");
      }
      return token;
    } catch (IllegalArgumentException e) {
      throw new JewelException(
          file
              + " is not an admin token ("
              + e.getMessage()
              + "): delete it, and ./jewel down and up make a new one");
    }
  }
}
