package jewel.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import jewel.api.JewelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterCaTest {
  @TempDir Path home;

  @Test
  void issuesMembersThatTheCaSignedAndKeepsEveryFileToItsOwner() throws Exception {
    Path dir = home.resolve("tls");
    ClusterCa ca = ClusterCa.openOrCreate(dir);
    TlsFiles seed = ca.ensure("seed");
    ClusterTls.check(seed, "seed", Clock.systemUTC());
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    for (Path f : List.of(seed.key(), seed.cert(), seed.ca(), dir.resolve("ca.key"))) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }
    // The same CA comes back from its folder, and ensure leaves an existing member alone.
    ClusterCa again = ClusterCa.openOrCreate(dir);
    assertEquals(ca.certificate(), again.certificate());
    String before = Files.readString(seed.cert());
    again.ensure("seed");
    assertEquals(before, Files.readString(seed.cert()));
    assertEquals(List.of("ca", "seed"), names(again));
  }

  @Test
  void aHandshakeSucceedsBetweenMembersAndFailsForAnotherClustersMember() throws Exception {
    ClusterCa ours = ClusterCa.openOrCreate(home.resolve("ours"));
    ClusterCa theirs = ClusterCa.openOrCreate(home.resolve("theirs"));
    ClusterTls server = tls(ours.issue("seed"));
    assertEquals("hello", handshake(server, tls(ours.issue("peer-1"))));
    JewelException foreign =
        assertThrows(JewelException.class, () -> handshake(server, tls(theirs.issue("peer-1"))));
    assertTrue(foreign.getMessage().startsWith("handshake failed"), foreign.getMessage());
  }

  @Test
  void aCertificateAnotherCaSignedIsRefusedAtOnce() {
    ClusterCa ours = ClusterCa.openOrCreate(home.resolve("ours"));
    TlsFiles foreign = ClusterCa.openOrCreate(home.resolve("theirs")).issue("peer-1");
    TlsFiles mixed = new TlsFiles(foreign.key(), foreign.cert(), ours.files("x").ca());
    JewelException e =
        assertThrows(
            JewelException.class, () -> ClusterTls.check(mixed, "peer-1", Clock.systemUTC()));
    assertTrue(e.getMessage().contains("is not signed by the cluster's CA"), e.getMessage());
  }

  @Test
  void anExpiredCertificateIsListedAsSuchAndRefused() {
    Clock twoYearsAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(730)), ZoneOffset.UTC);
    ClusterCa old = ClusterCa.openOrCreate(home.resolve("tls"), twoYearsAgo);
    TlsFiles files = old.issue("peer-1");
    Clock now = Clock.systemUTC();
    CertificateInfo info = old.list().get(1);
    assertEquals("peer-1", info.name());
    assertTrue(info.expired(now));
    assertTrue(info.daysLeft(now) < -300, "days left: " + info.daysLeft(now));
    JewelException e =
        assertThrows(JewelException.class, () -> ClusterTls.check(files, "peer-1", now));
    assertTrue(e.getMessage().contains(") expired on "), e.getMessage());
    assertTrue(e.getMessage().endsWith("(./jewel certs rotate peer-1 issues a new one)"));
  }

  @Test
  void aMissingOrBrokenKeyIsOneLine() throws IOException {
    TlsFiles files = ClusterCa.openOrCreate(home.resolve("tls")).issue("peer-2");
    Files.delete(files.key());
    JewelException missing =
        assertThrows(
            JewelException.class, () -> ClusterTls.check(files, "peer-2", Clock.systemUTC()));
    assertEquals(
        "cannot read the key of peer-2: "
            + files.key()
            + " does not exist (./jewel certs rotate peer-2 issues a new one)",
        missing.getMessage());
    Files.writeString(
        files.key(), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    JewelException broken =
        assertThrows(
            JewelException.class, () -> ClusterTls.check(files, "peer-2", Clock.systemUTC()));
    assertTrue(broken.getMessage().contains("is not an RSA private key"), broken.getMessage());
  }

  @Test
  void aKeyFromAnotherMemberDoesNotPassForThisOne() throws IOException {
    ClusterCa ca = ClusterCa.openOrCreate(home.resolve("tls"));
    TlsFiles one = ca.issue("peer-1");
    TlsFiles two = ca.issue("peer-2");
    TlsFiles swapped = new TlsFiles(two.key(), one.cert(), one.ca());
    JewelException e =
        assertThrows(
            JewelException.class, () -> ClusterTls.check(swapped, "peer-1", Clock.systemUTC()));
    assertTrue(e.getMessage().contains("does not belong to"), e.getMessage());
  }

  @Test
  void issuesWhatANewMachineNeedsWithoutTheCaKey() throws IOException {
    ClusterCa ca = ClusterCa.openOrCreate(home.resolve("tls"));
    Path out = home.resolve("for-peer-7");
    TlsFiles files = ca.issue("peer-7", out, List.of("10.0.0.7"));
    ClusterTls.check(files, "peer-7", Clock.systemUTC());
    try (var listing = Files.list(out)) {
      assertEquals(
          List.of("ca.crt", "peer-7.crt", "peer-7.key"),
          listing.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertThrows(JewelException.class, () -> ca.issue("ca"));
  }

  private static List<String> names(ClusterCa ca) {
    return ca.list().stream().map(CertificateInfo::name).toList();
  }

  private static ClusterTls tls(TlsFiles files) {
    return ClusterTls.load(files, "test", Duration.ofMinutes(5));
  }

  /** One line from a client to a server that requires client certificates, over loopback. */
  private static String handshake(ClusterTls server, ClusterTls client) throws Exception {
    try (SSLServerSocket listening =
        (SSLServerSocket) server.context().getServerSocketFactory().createServerSocket(0)) {
      listening.setNeedClientAuth(true);
      listening.setEnabledProtocols(new String[] {ClusterTls.PROTOCOL});
      CompletableFuture<String> received =
          CompletableFuture.supplyAsync(
              () -> {
                try (SSLSocket s = (SSLSocket) listening.accept();
                    InputStream in = s.getInputStream()) {
                  return new String(in.readNBytes(5), java.nio.charset.StandardCharsets.US_ASCII);
                } catch (IOException e) {
                  return "handshake failed: " + e.getMessage();
                }
              });
      try (SSLSocket s =
              (SSLSocket)
                  client
                      .context()
                      .getSocketFactory()
                      .createSocket("127.0.0.1", listening.getLocalPort());
          OutputStream out = s.getOutputStream()) {
        s.startHandshake();
        out.write("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        // the server's verdict below says why
      }
      String got = received.get(60, TimeUnit.SECONDS);
      if (got.startsWith("handshake failed")) {
        throw new JewelException(got);
      }
      return got;
    }
  }
}
