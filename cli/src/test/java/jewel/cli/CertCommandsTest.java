package jewel.cli;

import static jewel.cli.JewelCliTest.failsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import jewel.pki.ClusterCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code certs}: the home's certificates, read and written without a cluster. */
class CertCommandsTest {
  @TempDir Path dir;
  final Fakes.Backend backend = new Fakes.Backend();

  Fakes.Result run(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--home";
    all[1] = dir.resolve("live").toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return backend.run(dir, all);
  }

  Path tls() {
    return dir.resolve("live").resolve("tls");
  }

  @Test
  void aHomeWithoutACertificateAuthorityIsOneLine() {
    failsWith(run("certs"), "no certificate authority in " + tls());
    assertEquals(0, backend.connects);
  }

  @Test
  void listsEveryCertificateAndCallsAnExpiredOneSo() {
    Clock longAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(400)), ZoneOffset.UTC);
    ClusterCa old = ClusterCa.openOrCreate(tls(), longAgo);
    old.issue("seed");
    old.issue("peer-10");
    ClusterCa.openOrCreate(tls()).issue("peer-2");
    Fakes.Result r = run("certs");
    assertEquals(0, r.code(), r::toString);
    List<String> lines = r.out().lines().toList();
    assertTrue(lines.get(0).startsWith("NAME"), r::toString);
    assertTrue(lines.get(1).startsWith("ca "), r::toString);
    assertTrue(lines.get(2).startsWith("peer-2 "), r::toString);
    assertTrue(
        lines.get(3).startsWith("peer-10 ") && lines.get(3).contains("expired"), r::toString);
    assertTrue(lines.get(4).startsWith("seed ") && lines.get(4).contains("expired"), r::toString);
    assertTrue(lines.get(2).contains(" 364 ") || lines.get(2).contains(" 365 "), r::toString);
  }

  @Test
  void rotateIssuesANewCertificateAndSaysNoRestartIsNeeded() throws IOException {
    ClusterCa ca = ClusterCa.openOrCreate(tls());
    ca.issue("peer-1");
    String before = Files.readString(ca.files("peer-1").cert());
    Fakes.Result r = run("certs", "rotate", "peer-1");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("no restart needed"), r::toString);
    assertNotEquals(before, Files.readString(ca.files("peer-1").cert()));
    failsWith(run("certs", "rotate", "peer-9"), "no certificate of 'peer-9'");
    assertEquals(2, run("certs", "rotate").code());
    assertEquals(2, run("certs", "rotate", "peer-1", "--all").code());
  }

  @Test
  void issueWritesWhatANewMachineNeedsAndNeverTheCaKey() throws IOException {
    Path out = dir.resolve("for-machine-b");
    Fakes.Result r = run("certs", "issue", "peer-7", "--out", out.toString(), "--host", "10.0.0.2");
    assertEquals(0, r.code(), r::toString);
    try (var files = Files.list(out)) {
      assertEquals(
          List.of("ca.crt", "peer-7.crt", "peer-7.key"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
    failsWith(run("certs", "issue", "peer-7", "--out", tls().toString()), "the CA's own folder");
    failsWith(run("certs", "issue", "ca", "--out", out.toString()), "'ca' names");
  }
}
