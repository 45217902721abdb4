package jewel.it;

import static jewel.it.JewelCluster.eventually;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.Progress;
import jewel.api.SchemeSpec;
import jewel.cli.HttpJewelClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry on PostgreSQL with two registry nodes: SIGKILL the one running the registry and the
 * other takes over; no committed file is lost, reads and new stores go on; the killed one rejoins
 * as standby, and the same again the other way round. Needs the PostgreSQL server {@code .ci/run}
 * starts ({@code JEWEL_TEST_POSTGRES}).
 */
class FailoverIT {
  @TempDir Path tmp;

  private static final Duration TAKEOVER = Duration.ofSeconds(30);

  /** A database of its own for this run, on the server {@code .ci/run} started. */
  static String freshDatabase() throws Exception {
    String server = System.getenv("JEWEL_TEST_POSTGRES");
    if (server == null || server.isBlank()) {
      throw new AssertionError(
          "no PostgreSQL: run the tests with .ci/run, which starts one (JEWEL_TEST_POSTGRES unset)");
    }
    String db = "jewel_it_" + Long.toString(System.nanoTime(), 36);
    try (Connection c = DriverManager.getConnection(server);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + db);
    }
    int query = server.indexOf('?');
    String base = query < 0 ? server : server.substring(0, query);
    String params = query < 0 ? "" : server.substring(query);
    return base.substring(0, base.lastIndexOf('/') + 1) + db + params;
  }

  @Test
  void anotherRegistryNodeTakesOverAndNoCommittedFileIsLost() throws Exception {
    String journal = freshDatabase();
    try (JewelCluster c =
        new JewelCluster(tmp.resolve("home")).nodeOptions("-Djewel.downing.unreachable-after=3s")) {
      c.cli("up", "3", "--registries", "2", "--journal", journal).ok();
      try (HttpJewelClient api = HttpJewelClient.forHome(c.home, c.adminToken())) {
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          contents.add(store(api, "f-" + i, i));
        }
        int next = 20;
        for (String victim : List.of("seed", "registry-2")) {
          Instant killed = Instant.now();
          c.cli("kill", victim).ok();
          int stored = next;
          eventually(
              TAKEOVER,
              () -> {
                List<FileEntry> files = api.ls();
                assertEquals(stored, files.size(), () -> "listed: " + files);
              });
          for (int i = 0; i < stored; i++) {
            Path back = tmp.resolve("back-" + victim + "-" + i);
            api.get(new FileName("f-" + i), back, null, Progress.NONE);
            assertArrayEquals(contents.get(i), Files.readAllBytes(back), "f-" + i);
          }
          contents.add(store(api, "f-" + next, next));
          next++;
          Duration took = Duration.between(killed, Instant.now());
          assertTrue(
              took.compareTo(TAKEOVER.plusSeconds(30)) < 0,
              () -> "after " + victim + " died, listing, reading and storing took " + took);
          c.cli("revive", victim).ok();
          String peers = c.cli("peers").ok().out();
          assertTrue(peers.contains(victim), peers);
        }
        assertEquals(next, api.ls().size());
      }
    }
  }

  private byte[] store(HttpJewelClient api, String name, long seed) throws Exception {
    byte[] bytes = FoundationIT.randomBytes(50_000 + (int) seed * 1_000, seed);
    Path file = tmp.resolve(name);
    Files.write(file, bytes);
    api.store(file, new FileName(name), SchemeSpec.parse("naive n=2"), false, null, Progress.NONE);
    return bytes;
  }
}
