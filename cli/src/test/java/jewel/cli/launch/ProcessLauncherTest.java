package jewel.cli.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import jewel.api.JewelException;
import jewel.pki.ClusterCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the launcher refuses before it starts any JVM. */
class ProcessLauncherTest {
  @TempDir Path home;

  @Test
  void aTakenPortStopsUpBeforeAnythingStarts() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      int seedPort = taken.getLocalPort() - 2; // peer-2's port is taken
      JewelException e =
          assertThrows(JewelException.class, () -> new ProcessLauncher(home, seedPort).up(3));
      assertEquals(
          "port "
              + taken.getLocalPort()
              + " for peer-2 is in use by another program: stop it,"
              + " or run this cluster on other ports (--port)",
          e.getMessage());
      assertFalse(Files.exists(home.resolve("seed")), "no node was started");
    }
  }

  @Test
  void anExpiredCertificateStopsUpBeforeAnythingStarts() throws Exception {
    Clock longAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(400)), ZoneOffset.UTC);
    ClusterCa.openOrCreate(home.resolve("tls"), longAgo).issue("peer-1");
    int seedPort = freePort();
    JewelException e =
        assertThrows(JewelException.class, () -> new ProcessLauncher(home, seedPort).up(1));
    assertTrue(e.getMessage().startsWith("the certificate of peer-1 ("), e.getMessage());
    assertTrue(
        e.getMessage().contains("expired on")
            && e.getMessage().endsWith("(./jewel certs rotate peer-1 issues a new one)"),
        e.getMessage());
    assertFalse(Files.exists(home.resolve("seed").resolve("pid")), "no node was started");
    // up made what the seed and the shell need, with the home's CA
    assertTrue(Files.exists(home.resolve("tls").resolve("seed.crt")));
    assertTrue(Files.exists(home.resolve("tls").resolve("shell.key")));
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void aTakenApiPortStopsUpToo() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      int seedPort =
          taken.getLocalPort() - ProcessLauncher.API_PORT_OFFSET - 1; // peer-1's API port is taken
      JewelException e =
          assertThrows(JewelException.class, () -> new ProcessLauncher(home, seedPort).up(2));
      assertEquals(
          "port "
              + taken.getLocalPort()
              + " for peer-1's HTTP API is in use by another program: stop it,"
              + " or run this cluster on other ports (--port)",
          e.getMessage());
      assertFalse(Files.exists(home.resolve("seed")), "no node was started");
    }
  }

  @Test
  void aTakenS3PortStopsUpToo() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      int seedPort = taken.getLocalPort() - ProcessLauncher.S3_PORT_OFFSET - 2; // peer-2's S3 port
      JewelException e =
          assertThrows(JewelException.class, () -> new ProcessLauncher(home, seedPort).up(2));
      assertEquals(
          "port "
              + taken.getLocalPort()
              + " for peer-2's S3 listener is in use by another program: stop it,"
              + " or run this cluster on other ports (--port)",
          e.getMessage());
      assertFalse(Files.exists(home.resolve("seed")), "no node was started");
    }
  }

  @Test
  void severalRegistryNodesNeedASharedJournal() {
    JewelException e =
        assertThrows(JewelException.class, () -> new ProcessLauncher(home, 20000).up(3, 2, ""));
    assertTrue(
        e.getMessage().startsWith("2 registry nodes need a journal they share"), e::getMessage);
    assertFalse(Files.exists(home.resolve("seed")), "no node was started");
  }

  @Test
  void aHomeRemembersItsJournalOwnerOnly() throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:1/jewel?user=u&password=secret";
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      // Refused at the seed's taken port, after the journal was remembered.
      assertThrows(
          JewelException.class,
          () -> new ProcessLauncher(home, taken.getLocalPort()).up(1, 2, url));
    }
    Path remembered = home.resolve(ProcessLauncher.JOURNAL_FILE);
    assertEquals(url, Files.readString(remembered).trim());
    assertEquals(
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"),
        Files.getPosixFilePermissions(remembered));
  }

  @Test
  void aMissingNodeJarIsOneLine() {
    String before = System.getProperty(ProcessLauncher.NODE_JAR_PROPERTY);
    System.setProperty(ProcessLauncher.NODE_JAR_PROPERTY, home.resolve("nope.jar").toString());
    try {
      JewelException e = assertThrows(JewelException.class, ProcessLauncher::nodeJar);
      assertEquals(
          "the node jar "
              + home.resolve("nope.jar")
              + " (-Djewel.node.jar) does not exist:"
              + " build it with mvn -pl actors -am package",
          e.getMessage());
    } finally {
      if (before == null) {
        System.clearProperty(ProcessLauncher.NODE_JAR_PROPERTY);
      } else {
        System.setProperty(ProcessLauncher.NODE_JAR_PROPERTY, before);
      }
    }
  }
}
