package jewel.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import jewel.api.JewelException;
import jewel.api.PeerId;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * The cluster's certificate authority, kept in a folder of a home ({@code HOME/tls/}, owner-only):
 * its key {@code ca.key} and certificate {@code ca.crt}, and one key and certificate per member,
 * {@code NAME.key} and {@code NAME.crt}. Only members whose certificate this CA signed get into the
 * cluster or its data channels; the CA's key never leaves this folder.
 *
 * <p>Keys are RSA 2048 (Pekko's rotating-keys engine reads RSA only), certificates SHA-256 with
 * RSA. A member's certificate names it ({@code CN=NAME} and a DNS name NAME), and carries the DNS
 * name {@link #CLUSTER_NAME} that every member shares (Pekko's engine checks that both ends of a
 * connection have a name in common), {@code localhost}, {@code 127.0.0.1}, and the hosts it is
 * issued for. It is good for {@link #MEMBER_VALIDITY}, the CA for {@link #CA_VALIDITY}.
 */
public final class ClusterCa {
  /** A home's folder of certificates, {@code HOME/tls}. */
  public static final String FOLDER = "tls";

  /** The member name of the shell (every shell of a home presents this certificate). */
  public static final String SHELL = "shell";

  /** The DNS name in every member's certificate: the cluster's (Pekko's ActorSystem's) name. */
  public static final String CLUSTER_NAME = "jewel";

  public static final Duration MEMBER_VALIDITY = Duration.ofDays(365);
  public static final Duration CA_VALIDITY = Duration.ofDays(3650);

  /** The CA's own files in its folder; no member may take this name. */
  static final String CA = "ca";

  private static final String SIGNATURE = "SHA256withRSA";

  /** Certificates start an hour early, for machines whose clocks differ a little. */
  private static final Duration BACKDATE = Duration.ofHours(1);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final PrivateKey key;
  private final X509Certificate cert;
  private final Clock clock;

  private ClusterCa(Path dir, PrivateKey key, X509Certificate cert, Clock clock) {
    this.dir = dir;
    this.key = key;
    this.cert = cert;
    this.clock = clock;
  }

  /** Whether {@code dir} holds a CA. */
  public static boolean exists(Path dir) {
    return Files.exists(dir.resolve(TlsFiles.CA_CERT));
  }

  /** The CA in {@code dir}, created there (with a new key) if there is none yet. */
  public static ClusterCa openOrCreate(Path dir) {
    return openOrCreate(dir, Clock.systemUTC());
  }

  /** As {@link #openOrCreate(Path)}, dating what it issues by {@code clock}. */
  public static ClusterCa openOrCreate(Path dir, Clock clock) {
    return exists(dir) ? open(dir, clock) : create(dir, clock);
  }

  /** The CA in {@code dir}; one line if there is none or its files cannot be read. */
  public static ClusterCa open(Path dir, Clock clock) {
    if (!exists(dir)) {
      throw new JewelException(
          "no certificate authority in " + dir + ": ./jewel up (or certs issue) creates one");
    }
    TlsFiles ca = TlsFiles.in(dir, CA);
    return new ClusterCa(
        dir,
        Pem.readKey(ca.key(), "the CA's key"),
        Pem.readCertificate(ca.cert(), "the CA's certificate"),
        clock);
  }

  private static ClusterCa create(Path dir, Clock clock) {
    KeyPair pair = newKeyPair();
    Instant now = clock.instant();
    X500Name name =
        new X500Name(
            "CN=jewel cluster CA " + HexFormat.of().formatHex(randomBytes(4)) + ",O=jewel");
    try {
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  name,
                  serial(),
                  Date.from(now.minus(BACKDATE)),
                  Date.from(now.plus(CA_VALIDITY)),
                  name,
                  pair.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate cert = sign(builder, pair.getPrivate());
      Pem.ownerOnlyFolder(dir);
      TlsFiles ca = TlsFiles.in(dir, CA);
      write(ca, pair.getPrivate(), cert);
      return new ClusterCa(dir, pair.getPrivate(), cert, clock);
    } catch (IOException | GeneralSecurityException e) {
      throw new JewelException("cannot create a certificate authority in " + dir + ": " + e, e);
    }
  }

  /** The folder this CA keeps its files and its members' in. */
  public Path dir() {
    return dir;
  }

  public X509Certificate certificate() {
    return cert;
  }

  /** Where member {@code name}'s files are in this CA's folder (they may not exist). */
  public TlsFiles files(String name) {
    return TlsFiles.in(dir, memberName(name));
  }

  /** Member {@code name}'s files, issued first if its key or certificate is missing. */
  public TlsFiles ensure(String name) {
    TlsFiles files = files(name);
    if (Files.exists(files.key()) && Files.exists(files.cert())) {
      return files;
    }
    return issue(name);
  }

  /** A new key and certificate for member {@code name} in this CA's folder, replacing any. */
  public TlsFiles issue(String name) {
    return issue(name, dir, List.of());
  }

  /**
   * A new key and certificate for member {@code name} in {@code out} (replacing any there), with
   * the CA's certificate beside them: what a machine needs to join. {@code hosts}: addresses or
   * names the member is reached at, besides localhost.
   */
  public TlsFiles issue(String name, Path out, List<String> hosts) {
    String member = memberName(name);
    KeyPair pair = newKeyPair();
    Instant now = clock.instant();
    Set<GeneralName> names = new LinkedHashSet<>();
    names.add(new GeneralName(GeneralName.dNSName, member));
    names.add(new GeneralName(GeneralName.dNSName, CLUSTER_NAME));
    names.add(new GeneralName(GeneralName.dNSName, "localhost"));
    names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
    for (String host : hosts) {
      names.add(
          new GeneralName(
              IPAddress.isValid(host) ? GeneralName.iPAddress : GeneralName.dNSName, host));
    }
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  cert,
                  serial(),
                  Date.from(now.minus(BACKDATE)),
                  Date.from(now.plus(MEMBER_VALIDITY)),
                  new X500Name("CN=" + member + ",O=jewel"),
                  pair.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(
                      new KeyPurposeId[] {
                        KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                      }))
              .addExtension(
                  Extension.subjectAlternativeName,
                  false,
                  new GeneralNames(names.toArray(GeneralName[]::new)))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(pair.getPublic()))
              .addExtension(
                  Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(cert));
      X509Certificate issued = sign(builder, key);
      Pem.ownerOnlyFolder(out);
      TlsFiles files = TlsFiles.in(out, member);
      if (!out.toAbsolutePath().normalize().equals(dir.toAbsolutePath().normalize())) {
        Path caCopy = Pem.stage(files.ca(), Pem.encode(cert));
        Pem.commit(caCopy, files.ca());
      }
      write(files, pair.getPrivate(), issued);
      return files;
    } catch (IOException | GeneralSecurityException e) {
      throw new JewelException(
          "cannot issue a certificate for " + member + " in " + out + ": " + e, e);
    }
  }

  /**
   * Every certificate in this CA's folder, the CA's first, then the members' by name; one line
   * naming the file if one cannot be read.
   */
  public List<CertificateInfo> list() {
    List<CertificateInfo> all = new ArrayList<>();
    all.add(info(CA, dir.resolve(TlsFiles.CA_CERT), cert));
    try (Stream<Path> files = Files.list(dir)) {
      files
          .filter(f -> f.getFileName().toString().endsWith(".crt"))
          .filter(f -> !f.getFileName().toString().equals(TlsFiles.CA_CERT))
          .map(f -> f.getFileName().toString())
          .map(f -> f.substring(0, f.length() - ".crt".length()))
          .sorted((a, b) -> compareNames(a, b))
          .forEach(
              name -> {
                Path file = dir.resolve(name + ".crt");
                all.add(info(name, file, Pem.readCertificate(file, "the certificate of " + name)));
              });
    } catch (IOException e) {
      throw new JewelException("cannot list " + dir + ": " + e.getMessage());
    }
    return all;
  }

  /** The members that have a certificate in this CA's folder, by name. */
  public List<String> members() {
    return list().stream().map(CertificateInfo::name).filter(n -> !n.equals(CA)).toList();
  }

  private static int compareNames(String a, String b) {
    try {
      return new PeerId(a).compareTo(new PeerId(b));
    } catch (IllegalArgumentException e) {
      return a.compareTo(b);
    }
  }

  static CertificateInfo info(String name, Path file, X509Certificate c) {
    return new CertificateInfo(
        name,
        file,
        c.getSubjectX500Principal().getName(),
        c.getIssuerX500Principal().getName(),
        c.getNotBefore().toInstant(),
        c.getNotAfter().toInstant());
  }

  /** A member's name: a node name ({@code seed}, {@code peer-3}) or {@code shell}, never "ca". */
  private static String memberName(String name) {
    String member;
    try {
      member = new PeerId(name).name();
    } catch (IllegalArgumentException e) {
      throw new JewelException(e.getMessage());
    }
    if (member.equals(CA)) {
      throw new JewelException(
          "'ca' names the certificate authority's own files: pick another name");
    }
    return member;
  }

  /** Key and certificate written beside each other, each moved into place whole. */
  private static void write(TlsFiles files, PrivateKey key, X509Certificate cert)
      throws IOException {
    Path keyTemp = Pem.stage(files.key(), Pem.encode(key));
    Path certTemp = Pem.stage(files.cert(), Pem.encode(cert));
    Pem.commit(keyTemp, files.key());
    Pem.commit(certTemp, files.cert());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048, RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make RSA keys", e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(1, randomBytes(16));
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
