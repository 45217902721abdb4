package jewel.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The erasure-coded schemes on real JVMs, with holders SIGKILLed one after another: what each file
 * survives, and the one line that names what is missing when it does not. Also a copy corrupted on
 * a holder's disk: the get notices, reads again without it, and returns the file; a Reed-Solomon
 * file retuned from n=5 to n=7 that reads back with 4 of its 7 holders killed. And a small {@code
 * experiment} on the same peers, which leaves no file of its own and no peer isolated.
 */
class SchemesIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  /** A stored file: its bytes and, per block index, its id and holders. */
  @SuppressWarnings("ArrayRecordComponent") // compared with assertArrayEquals, never with equals
  record Stored(String name, byte[] bytes, List<String> ids, List<List<String>> holders) {
    Set<String> allHolders() {
      Set<String> all = new LinkedHashSet<>();
      holders.forEach(all::addAll);
      return all;
    }
  }

  Stored store(JewelCluster c, String name, int size, long seed, String... scheme)
      throws Exception {
    byte[] bytes = FoundationIT.randomBytes(size, seed);
    Path file = tmp.resolve(name);
    Files.write(file, bytes);
    List<String> args = new ArrayList<>(List.of("store", file.toString(), "--json", "--scheme"));
    args.addAll(List.of(scheme));
    JsonNode stored = JSON.readTree(c.cli(args.toArray(String[]::new)).ok().out());
    List<String> ids = new ArrayList<>();
    List<List<String>> holders = new ArrayList<>();
    for (JsonNode b : stored.get("blocks")) {
      ids.add(b.get("id").asText());
      List<String> h = new ArrayList<>();
      b.get("holders").forEach(p -> h.add(p.asText()));
      holders.add(h);
    }
    return new Stored(name, bytes, ids, holders);
  }

  void getsTheSameBytes(JewelCluster c, Stored s, String as) throws Exception {
    Path back = tmp.resolve(as);
    c.cli("get", s.name(), "-o", back.toString()).ok();
    assertArrayEquals(s.bytes(), Files.readAllBytes(back), s.name());
  }

  JewelCluster.Run getFails(JewelCluster c, Stored s, String as) throws Exception {
    JewelCluster.Run r = c.cli("get", s.name(), "-o", tmp.resolve(as).toString());
    assertEquals(1, r.exit(), () -> "expected the get of " + s.name() + " to fail: " + r);
    assertEquals(1, r.err().lines().count(), () -> "one line: " + r.err());
    assertTrue(Files.notExists(tmp.resolve(as)), "a failed get leaves no file");
    return r;
  }

  @Test
  void eachSchemeSurvivesWhatItPromisesAndNamesWhatIsMissing() throws Exception {
    try (JewelCluster c = new JewelCluster(tmp.resolve("home"))) {
      c.cli("up", "5").ok();
      // Sizes that are not multiples of k or of the chunk: several segments, a short last one.
      Stored rs = store(c, "rs.bin", 1_000_003, 1, "reedsolomon", "k=3", "n=5", "chunk=65536");
      Stored parity = store(c, "parity.bin", 3 * 1024 * 1024 + 1_001, 2, "parity", "k=3");
      Stored shard = store(c, "shard.bin", 300_001, 3, "shard", "k=3");
      Stored copy = store(c, "copy.bin", 200_001, 4, "naive", "n=2");
      assertEquals(5, rs.allHolders().size(), "one jewel per peer");
      assertEquals(4, parity.allHolders().size());
      assertEquals(3, shard.allHolders().size());

      // An experiment on the same cluster: 2 schemes, 2 trials, tiny files; afterwards its files
      // are gone and no peer is left isolated.
      JsonNode experiment =
          JSON.readTree(
              c.cli(
                      "experiment",
                      "--schemes",
                      "naive n=2; reedsolomon k=2 n=3",
                      "--down",
                      "0.5",
                      "--trials",
                      "2",
                      "--files",
                      "1",
                      "--size",
                      "2KiB",
                      "--seed",
                      "9",
                      "--json",
                      "--chart",
                      tmp.resolve("experiment.png").toString())
                  .ok()
                  .out());
      assertEquals(2, experiment.get("results").size(), experiment::toString);
      for (JsonNode row : experiment.get("results")) {
        assertEquals(2, row.get("reads").asInt(), row::toString);
        assertTrue(row.get("low").asDouble() <= row.get("availability").asDouble(), row::toString);
      }
      assertTrue(Files.size(tmp.resolve("experiment.png")) > 0);
      assertEquals(
          4, JSON.readTree(c.cli("ls", "--json").ok().out()).get("files").size(), "only ours left");
      for (JsonNode node : JSON.readTree(c.cli("peers", "--json").ok().out()).get("peers")) {
        if (node.get("roles").toString().contains("peer")) {
          java.net.URLConnection asked =
              java.net
                  .URI
                  .create(node.get("api").asText() + "/v1/isolation")
                  .toURL()
                  .openConnection();
          asked.setRequestProperty("Authorization", "Bearer " + c.adminToken());
          String isolation =
              new String(
                  asked.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
          assertTrue(isolation.contains("\"isolated\":false"), isolation);
        }
      }

      // A copy corrupted on its first holder's disk: the get finds it out and reads the other.
      String bad = copy.holders().get(0).get(0);
      Path block =
          c.home
              .resolve(bad)
              .resolve("disk/blocks")
              .resolve(copy.ids().get(0).substring(0, 2))
              .resolve(copy.ids().get(0));
      block.toFile().setWritable(true);
      try (FileChannel ch = FileChannel.open(block, StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(new byte[] {(byte) ~copy.bytes()[1000]}), 1000);
      }
      getsTheSameBytes(c, copy, "copy.back");

      // Kill a peer that holds a shard of shard.bin and a block of parity.bin (4 + 3 of 5 peers:
      // there is always one). It also holds a jewel of rs.bin: 4 of 5 left.
      String first =
          shard.allHolders().stream()
              .filter(parity.allHolders()::contains)
              .findFirst()
              .orElseThrow();
      c.cli("kill", first).ok();
      getsTheSameBytes(c, parity, "parity.back");
      int lost = shard.holders().indexOf(List.of(first));
      String missing = getFails(c, shard, "shard.back").err();
      assertTrue(
          missing.contains(
              "cannot read 'shard.bin': it needs all 3 shards, 1 has no live holder; missing shard "
                  + lost
                  + " ("
                  + shard.ids().get(lost).substring(0, 12)
                  + "…) held by "
                  + first),
          missing);

      // A second holder of rs.bin: 3 of 5 jewels left, enough.
      String second =
          rs.allHolders().stream().filter(p -> !p.equals(first)).findFirst().orElseThrow();
      c.cli("kill", second).ok();
      getsTheSameBytes(c, rs, "rs.back");

      // Retune rs.bin from n=5 to n=7 onto two new peers: the three jewels left are read, only
      // jewels 5 and 6 are encoded, and none of the first five changes.
      c.cli("add", "2").ok();
      JsonNode retuned = JSON.readTree(c.cli("retune", "rs.bin", "--n", "7", "--json").ok().out());
      assertEquals(5, retuned.get("fromN").asInt(), retuned::toString);
      assertEquals(7, retuned.get("n").asInt(), retuned::toString);
      List<String> added = new ArrayList<>();
      List<String> addedIds = new ArrayList<>();
      for (JsonNode j : retuned.get("added")) {
        assertEquals(added.size() + 5, j.get("index").asInt(), retuned::toString);
        added.add(j.get("peer").asText());
        addedIds.add(j.get("block").asText());
      }
      assertEquals(2, Set.copyOf(added).size(), retuned::toString);
      assertTrue(added.stream().noneMatch(rs.allHolders()::contains), retuned::toString);
      JsonNode status = JSON.readTree(c.cli("status", "rs.bin", "--json").ok().out());
      List<String> idsNow = new ArrayList<>();
      status.get("blocks").forEach(b -> idsNow.add(b.get("id").asText()));
      List<String> expected = new ArrayList<>(rs.ids());
      expected.addAll(addedIds);
      assertEquals(expected, idsNow, "the first five jewels are the ones stored");

      // Two more of its first holders: 4 of its 7 holders killed (k=3), and it reads back exactly
      // from one old jewel and the two new ones.
      List<String> firstHolders = new ArrayList<>(rs.allHolders());
      firstHolders.removeAll(List.of(first, second));
      String third = firstHolders.get(0);
      String fourth = firstHolders.get(1);
      c.cli("kill", third).ok();
      c.cli("kill", fourth).ok();
      getsTheSameBytes(c, rs, "rs.retuned");

      // A new holder too: 2 of 7 left, and the error says which jewels are missing and where.
      c.cli("kill", added.get(0)).ok();
      String err = getFails(c, rs, "rs.again").err();
      assertTrue(err.contains("cannot read 'rs.bin': need 3 of 7 jewels, only 2"), err);
      for (String gone : List.of(first, second, third, fourth)) {
        int j = rs.holders().indexOf(List.of(gone));
        assertTrue(
            err.contains("jewel " + j + " (" + rs.ids().get(j).substring(0, 12) + "…) on " + gone),
            err);
      }
      assertTrue(
          err.contains("jewel 5 (" + addedIds.get(0).substring(0, 12) + "…) on " + added.get(0)),
          err);
    }
  }
}
