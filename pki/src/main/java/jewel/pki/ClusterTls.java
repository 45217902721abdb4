package jewel.pki;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import jewel.api.JewelException;

/**
 * TLS for one member of the cluster, from its {@link TlsFiles}: an {@link SSLContext} that presents
 * the member's certificate and trusts only the cluster's CA, and the server and client engines made
 * from it (TLSv1.3). Plain Java: the data channel serves and calls through it, and so can the HTTP
 * API or any client that holds a member's files.
 *
 * <p>The files are read again when the context is older than {@code reload}, so a certificate
 * rotated on disk ({@code certs rotate}) is presented on new connections without a restart, as
 * Pekko's rotating-keys engine does for the cluster's own connections. A reload that fails (files
 * caught half rotated, or broken) keeps the context it had and tries again on the next connection.
 *
 * <p>Engines do no host name check: membership is the CA's signature, and a member is reached by
 * the address the cluster gave for it, not by a name its certificate must carry.
 */
public final class ClusterTls {
  public static final String PROTOCOL = "TLSv1.3";

  private static final char[] NO_PASSWORD = new char[0];
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final TlsFiles files;
  private final String who;
  private final Duration reload;
  private final Clock clock;
  private volatile SSLContext context;
  private volatile Instant loadedAt;

  private ClusterTls(TlsFiles files, String who, Duration reload, Clock clock) {
    this.files = files;
    this.who = who;
    this.reload = reload;
    this.clock = clock;
    this.context = build(files, who, clock);
    this.loadedAt = clock.instant();
  }

  /**
   * TLS for member {@code who} from {@code files}, read again after {@code reload}. One line (a
   * {@link JewelException}) if a file is missing or unreadable, the certificate has expired, is not
   * the key's, or the CA did not sign it.
   */
  public static ClusterTls load(TlsFiles files, String who, Duration reload) {
    return load(files, who, reload, Clock.systemUTC());
  }

  public static ClusterTls load(TlsFiles files, String who, Duration reload, Clock clock) {
    Objects.requireNonNull(files, "files");
    return new ClusterTls(files, who, reload, clock);
  }

  public TlsFiles files() {
    return files;
  }

  /** The member's context, read again from its files if it is older than the reload interval. */
  public SSLContext context() {
    Instant now = clock.instant();
    if (Duration.between(loadedAt, now).compareTo(reload) >= 0) {
      try {
        context = build(files, who, clock);
      } catch (JewelException e) {
        // keep the context that worked: the next connection tries the files again
      }
      loadedAt = now;
    }
    return context;
  }

  /**
   * An engine for a server: TLSv1.3, and with {@code requireClientCertificate} only clients that
   * present a certificate the CA signed get through the handshake.
   */
  public SSLEngine serverEngine(boolean requireClientCertificate) {
    SSLEngine engine = context().createSSLEngine();
    engine.setUseClientMode(false);
    engine.setEnabledProtocols(new String[] {PROTOCOL});
    engine.setNeedClientAuth(requireClientCertificate);
    return engine;
  }

  /** An engine for a client of {@code host:port}: it presents the member's certificate. */
  public SSLEngine clientEngine(String host, int port) {
    SSLEngine engine = context().createSSLEngine(host, port);
    engine.setUseClientMode(true);
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setProtocols(new String[] {PROTOCOL});
    parameters.setEndpointIdentificationAlgorithm(null);
    engine.setSSLParameters(parameters);
    return engine;
  }

  /**
   * Checks {@code files} as {@link #load} does, without building a context: one line (a {@link
   * JewelException}) that names the file and what to do.
   */
  public static void check(TlsFiles files, String who, Clock clock) {
    var unused = verified(files, who, clock);
  }

  private static SSLContext build(TlsFiles files, String who, Clock clock) {
    Verified v = verified(files, who, clock);
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("member", v.key, NO_PASSWORD, new Certificate[] {v.cert, v.ca});
      KeyManagerFactory km = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      km.init(keys, NO_PASSWORD);
      SSLContext context = SSLContext.getInstance(PROTOCOL);
      context.init(km.getKeyManagers(), trusting(v.ca), null);
      return context;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new JewelException("cannot set up TLS for " + who + ": " + e.getMessage(), e);
    }
  }

  /**
   * A client's context that trusts the cluster's CA ({@code caFile}) and nothing else, and presents
   * no certificate: for the command line's HTTPS requests to a node's API, which authenticate with
   * a token instead.
   */
  public static SSLContext trustingOnly(Path caFile) {
    X509Certificate ca = Pem.readCertificate(caFile, "the cluster's CA certificate");
    try {
      SSLContext context = SSLContext.getInstance(PROTOCOL);
      context.init(null, trusting(ca), null);
      return context;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new JewelException(
          "cannot trust the cluster's CA " + caFile + ": " + e.getMessage(), e);
    }
  }

  private static TrustManager[] trusting(X509Certificate ca)
      throws GeneralSecurityException, java.io.IOException {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("cluster-ca", ca);
    TrustManagerFactory tm =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tm.init(trusted);
    return tm.getTrustManagers();
  }

  private record Verified(PrivateKey key, X509Certificate cert, X509Certificate ca) {}

  private static Verified verified(TlsFiles files, String who, Clock clock) {
    String fix = " (./jewel certs rotate " + who + " issues a new one)";
    X509Certificate ca;
    X509Certificate cert;
    PrivateKey key;
    try {
      key = Pem.readKey(files.key(), "the key of " + who);
      cert = Pem.readCertificate(files.cert(), "the certificate of " + who);
      ca = Pem.readCertificate(files.ca(), "the cluster's CA certificate");
    } catch (JewelException e) {
      throw new JewelException(e.getMessage() + fix);
    }
    Date now = Date.from(clock.instant());
    try {
      ca.checkValidity(now);
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      throw new JewelException(
          "the cluster's CA certificate "
              + files.ca()
              + " is valid only from "
              + DAY.format(ca.getNotBefore().toInstant())
              + " to "
              + DAY.format(ca.getNotAfter().toInstant()));
    }
    try {
      cert.checkValidity(now);
    } catch (CertificateExpiredException e) {
      throw new JewelException(
          "the certificate of "
              + who
              + " ("
              + files.cert()
              + ") expired on "
              + DAY.format(cert.getNotAfter().toInstant())
              + fix);
    } catch (CertificateNotYetValidException e) {
      throw new JewelException(
          "the certificate of "
              + who
              + " ("
              + files.cert()
              + ") is not valid before "
              + DAY.format(cert.getNotBefore().toInstant())
              + ": is this machine's clock right?");
    }
    try {
      cert.verify(ca.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new JewelException(
          "the certificate of "
              + who
              + " ("
              + files.cert()
              + ") is not signed by the cluster's CA ("
              + files.ca()
              + ", "
              + ca.getSubjectX500Principal().getName()
              + "): it was issued by "
              + cert.getIssuerX500Principal().getName());
    }
    if (!(key instanceof RSAKey k)
        || !(cert.getPublicKey() instanceof RSAKey c)
        || !k.getModulus().equals(c.getModulus())) {
      throw new JewelException(
          "the key of " + who + " (" + files.key() + ") does not belong to " + files.cert() + fix);
    }
    return new Verified(key, cert, ca);
  }
}
