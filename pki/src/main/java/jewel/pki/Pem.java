package jewel.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import jewel.api.JewelException;

/**
 * PEM files with the JDK alone: an RSA private key as unencrypted PKCS#8 ({@code BEGIN PRIVATE
 * KEY}, which Pekko's rotating-keys engine reads too) and X.509 certificates. Every file is written
 * readable by its owner only, through a temporary file moved into place, so a reader never sees
 * half a file.
 */
final class Pem {
  private static final String KEY = "PRIVATE KEY";
  private static final String CERT = "CERTIFICATE";

  private Pem() {}

  static X509Certificate readCertificate(Path file, String what) {
    byte[] bytes = read(file, what);
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(bytes));
    } catch (CertificateException | ClassCastException e) {
      throw new JewelException(what + " " + file + " is not a PEM certificate: " + e.getMessage());
    }
  }

  static PrivateKey readKey(Path file, String what) {
    String text = new String(read(file, what), StandardCharsets.US_ASCII);
    int begin = text.indexOf("-----BEGIN " + KEY + "-----");
    int end = text.indexOf("-----END " + KEY + "-----");
    if (begin < 0 || end < begin) {
      throw new JewelException(what + " " + file + " is not a PEM private key (PKCS#8)");
    }
    try {
      byte[] der =
          Base64.getMimeDecoder().decode(text.substring(begin + KEY.length() + 16, end).trim());
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new JewelException(what + " " + file + " is not an RSA private key: " + e.getMessage());
    }
  }

  private static byte[] read(Path file, String what) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new JewelException("cannot read " + what + ": " + file + " does not exist");
    } catch (AccessDeniedException e) {
      throw new JewelException("cannot read " + what + ": " + file + " is not readable");
    } catch (IOException e) {
      throw new JewelException("cannot read " + what + " " + file + ": " + e.getMessage());
    }
  }

  static String encode(X509Certificate cert) {
    try {
      return encode(CERT, cert.getEncoded());
    } catch (CertificateException e) {
      throw new IllegalStateException(e);
    }
  }

  static String encode(PrivateKey key) {
    return encode(KEY, key.getEncoded());
  }

  private static String encode(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  /** A temporary file beside {@code file} holding {@code text}, owner-only; move it into place. */
  static Path stage(Path file, String text) throws IOException {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(temp);
    try {
      Files.createFile(
          temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(temp); // not a POSIX file system: its own rules apply
    } catch (FileAlreadyExistsException e) {
      throw new IOException(temp + " appeared while writing it", e);
    }
    Files.writeString(temp, text, StandardCharsets.US_ASCII);
    return temp;
  }

  static void commit(Path temp, Path file) throws IOException {
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** A folder readable by its owner only (created if missing). */
  static void ownerOnlyFolder(Path dir) throws IOException {
    Files.createDirectories(dir);
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system
    }
  }
}
