package jewel.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The foundation's promises on real JVMs: copies survive a killed holder, the registry survives a
 * killed seed, a frozen peer that was downed rejoins, and the downing policy keeps survivors
 * serving.
 */
class FoundationIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void aCopySurvivesAKilledHolderTheIndexAKilledSeedAndAFrozenHolderRejoins() throws Exception {
    try (JewelCluster c = new JewelCluster(tmp.resolve("home"))) {
      c.cli("up", "3").ok();
      Path file = tmp.resolve("photo.jpg");
      byte[] bytes = randomBytes(3_000_001, 1);
      Files.write(file, bytes);

      JsonNode stored =
          JSON.readTree(
              c.cli("store", file.toString(), "--scheme", "naive", "n=2", "--json").ok().out());
      List<String> holders = texts(stored.get("blocks").get(0).get("holders"));
      assertEquals(2, holders.size(), "naive n=2 makes two copies: " + stored);

      c.cli("kill", holders.get(0)).ok();
      assertFalse(c.alive(holders.get(0)));
      Path back = tmp.resolve("back.jpg");
      c.cli("get", "photo.jpg", "-o", back.toString()).ok();
      assertArrayEquals(bytes, Files.readAllBytes(back));

      c.cli("kill", "seed").ok();
      JewelCluster.Run noSeed = c.cli("ls");
      assertEquals(1, noSeed.exit(), "with the seed down, ls fails clearly: " + noSeed);
      c.cli("revive", "seed").ok();
      JewelCluster.eventually(
          Duration.ofSeconds(60),
          () -> {
            JsonNode files = JSON.readTree(c.cli("ls", "--json").ok().out());
            assertEquals(
                "photo.jpg", files.get("files").get(0).get("name").asText(), files.toString());
          });
      Path again = tmp.resolve("again.jpg");
      JewelCluster.eventually(
          Duration.ofSeconds(60), () -> c.cli("get", "photo.jpg", "-o", again.toString()).ok());
      assertArrayEquals(bytes, Files.readAllBytes(again));

      // The surviving holder freezes past the downing delay (a long pause, a starved machine):
      // the registry downs it. When it wakes it learns so, starts its node again in the same
      // JVM and rejoins; its copy, the only one left, serves again.
      String frozen = holders.get(1);
      long pid = c.pid(frozen);
      c.signal(frozen, "STOP");
      JewelCluster.eventually(
          Duration.ofSeconds(60),
          () ->
              assertEquals(
                  "down", statusOf(JSON.readTree(c.cli("peers", "--json").ok().out()), frozen)));
      c.signal(frozen, "CONT");
      JewelCluster.eventually(
          Duration.ofSeconds(90),
          () ->
              assertEquals(
                  "up", statusOf(JSON.readTree(c.cli("peers", "--json").ok().out()), frozen)));
      assertEquals(pid, c.pid(frozen), "the same JVM rejoined");
      Path rejoined = tmp.resolve("rejoined.jpg");
      JewelCluster.eventually(
          Duration.ofSeconds(30), () -> c.cli("get", "photo.jpg", "-o", rejoined.toString()).ok());
      assertArrayEquals(bytes, Files.readAllBytes(rejoined));
    }
  }

  @Test
  void survivorsKeepServingWhenMostPeersDieAndPeersOutliveTheSeed() throws Exception {
    try (JewelCluster c = new JewelCluster(tmp.resolve("home"))) {
      c.cli("up", "5").ok();
      Path file = tmp.resolve("everywhere.bin");
      byte[] bytes = randomBytes(200_000, 2);
      Files.write(file, bytes);
      c.cli("store", file.toString(), "--scheme", "naive", "n=5").ok();

      for (String p : List.of("peer-1", "peer-2", "peer-3", "peer-4")) {
        c.cli("kill", p).ok();
      }
      // well past the downing delay: the survivor must not have downed itself
      Thread.sleep(12_000);
      assertTrue(c.alive("peer-5"));
      Path back = tmp.resolve("back.bin");
      JewelCluster.eventually(
          Duration.ofSeconds(30), () -> c.cli("get", "everywhere.bin", "-o", back.toString()).ok());
      assertArrayEquals(bytes, Files.readAllBytes(back));
      JsonNode peers = JSON.readTree(c.cli("peers", "--json").ok().out());
      assertEquals("up", statusOf(peers, "peer-5"));
      assertEquals("down", statusOf(peers, "peer-1"));

      c.cli("kill", "seed").ok();
      Thread.sleep(12_000);
      assertTrue(c.alive("peer-5"), "a crashed seed must not take the peers down");
      c.cli("revive", "seed").ok();
      Path again = tmp.resolve("again.bin");
      JewelCluster.eventually(
          Duration.ofSeconds(60),
          () -> c.cli("get", "everywhere.bin", "-o", again.toString()).ok());
      assertArrayEquals(bytes, Files.readAllBytes(again));
    }
  }

  private static String statusOf(JsonNode peers, String name) {
    for (JsonNode p : peers.get("peers")) {
      if (p.get("name").asText().equals(name)) {
        return p.get("status").asText();
      }
    }
    return "absent";
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** Writes {@code size} pseudo-random bytes to {@code file}, 1 MiB at a time. */
  static void writeRandom(Path file, long size, long seed) throws java.io.IOException {
    java.util.Random r = new java.util.Random(seed);
    byte[] buffer = new byte[1 << 20];
    try (var out = Files.newOutputStream(file)) {
      for (long left = size; left > 0; left -= buffer.length) {
        r.nextBytes(buffer);
        out.write(buffer, 0, (int) Math.min(buffer.length, left));
      }
    }
  }

  static byte[] randomBytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }
}
