package jewel.pki;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The three PEM files a member of the cluster presents and checks with: its private key, its
 * certificate (signed by the cluster's CA), and the CA's certificate, which is all it trusts.
 */
public record TlsFiles(Path key, Path cert, Path ca) {
  /** The CA's certificate in a folder of certificates. */
  public static final String CA_CERT = "ca.crt";

  public TlsFiles {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(cert, "cert");
    Objects.requireNonNull(ca, "ca");
  }

  /** {@code NAME.key}, {@code NAME.crt} and {@code ca.crt} in {@code dir}, as a home keeps them. */
  public static TlsFiles in(Path dir, String name) {
    return new TlsFiles(
        dir.resolve(name + ".key"), dir.resolve(name + ".crt"), dir.resolve(CA_CERT));
  }
}
