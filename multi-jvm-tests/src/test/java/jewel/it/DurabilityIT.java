package jewel.it;

import static jewel.it.JewelCluster.eventually;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jewel.api.FileEntry;
import jewel.api.FileHealth;
import jewel.api.FileName;
import jewel.api.PeerId;
import jewel.api.Progress;
import jewel.api.SchemeSpec;
import jewel.api.StoredBlock;
import jewel.cli.HttpJewelClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability on real JVMs, with short intervals: repair after a holder is gone past the grace,
 * scrub finding a flipped byte, garbage collection after a killed client and after a delete a peer
 * missed, stores racing deletes of the same content, and a peer revived while stores run. One
 * cluster for all of it.
 */
class DurabilityIT {
  @TempDir Path tmp;

  private static final Duration SETTLE = Duration.ofSeconds(90);

  @Test
  void filesKeepWhatTheirSchemesPromised() throws Exception {
    try (JewelCluster c =
        new JewelCluster(tmp.resolve("home"))
            .nodeOptions(
                "-Djewel.repair.grace=6s -Djewel.repair.interval=2s"
                    + " -Djewel.scrub.first-pass-after=2s -Djewel.scrub.interval=3s"
                    + " -Djewel.gc.interval=3s -Djewel.gc.grace=5s")) {
      c.cli("up", "6").ok();
      try (HttpJewelClient api = HttpJewelClient.forHome(c.home, c.adminToken())) {
        repairsAfterTheGraceAndSurvivesASecondLoss(c, api);
        scrubQuarantinesARottenJewelAndRepairRebuildsIt(c, api);
        aKilledClientLeavesNoBlocks(c, api);
        storesRacingDeletesOfTheSameContentKeepTheirBlocks(api);
        aPeerDownDuringADeleteDropsItsCopiesWhenBack(c, api);
        aPeerRevivedWhileStoresRunIsListedAsHolder(c, api);
      }
    }
  }

  private void repairsAfterTheGraceAndSurvivesASecondLoss(JewelCluster c, HttpJewelClient api)
      throws Exception {
    byte[] copy = FoundationIT.randomBytes(300_001, 11);
    byte[] rs = FoundationIT.randomBytes(1_000_003, 12);
    store(api, "copy.bin", copy, "naive n=2");
    store(api, "rs.bin", rs, "reedsolomon k=3 n=5 chunk=65536");

    // One holder of each (a peer holding both where there is one).
    Set<PeerId> copyHolders = holders(api, "copy.bin");
    Set<PeerId> rsHolders = holders(api, "rs.bin");
    PeerId first =
        copyHolders.stream()
            .filter(rsHolders::contains)
            .findFirst()
            .orElse(copyHolders.iterator().next());
    c.cli("kill", first.name()).ok();
    JewelCluster.Run degraded = c.cli("check");
    assertEquals(1, degraded.exit(), degraded::toString);
    assertTrue(degraded.out().contains("degraded"), degraded.out());

    // Past the grace, the registry node repairs both by itself.
    eventually(
        SETTLE,
        () -> {
          for (FileHealth h : api.check(null)) {
            assertEquals(FileHealth.State.HEALTHY, h.state(), h::toString);
          }
        });
    assertEquals(0, c.cli("check").exit());
    Set<PeerId> newCopyHolders = live(api, "copy.bin");
    assertEquals(2, newCopyHolders.size());
    assertFalse(newCopyHolders.contains(first));
    assertEquals(5, live(api, "rs.bin").size());
    assertTrue(
        c.cli("status", "copy.bin").ok().out().contains(String.join(" ", names(newCopyHolders))));

    // A second loss: both still read byte for byte.
    PeerId second = newCopyHolders.iterator().next();
    c.cli("kill", second.name()).ok();
    getsTheSameBytes(c, "copy.bin", copy);
    getsTheSameBytes(c, "rs.bin", rs);
    c.cli("revive", first.name()).ok();
    c.cli("revive", second.name()).ok();
  }

  private void scrubQuarantinesARottenJewelAndRepairRebuildsIt(JewelCluster c, HttpJewelClient api)
      throws Exception {
    FileEntry rs = entry(api, "rs.bin");
    StoredBlock jewel = rs.blocks().get(1);
    PeerId holder = jewel.holders().get(0);
    Path block = blockFile(c, holder, jewel.id().hex());
    eventually(SETTLE, () -> assertTrue(Files.exists(block), block.toString()));
    try (FileChannel ch =
        FileChannel.open(block, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      ch.read(one, 1234);
      one.flip();
      one.put(0, (byte) ~one.get(0));
      ch.write(one, 1234);
    }
    Path quarantined =
        c.home.resolve(holder.name()).resolve("disk/quarantine").resolve(jewel.id().hex());
    eventually(SETTLE, () -> assertTrue(Files.exists(quarantined), "quarantined: " + quarantined));
    eventually(
        SETTLE,
        () -> {
          FileHealth h = api.check(new FileName("rs.bin")).get(0);
          assertEquals(FileHealth.State.HEALTHY, h.state(), h::toString);
        });
    JewelCluster.Run verify = c.cli("verify", "--all");
    assertEquals(0, verify.exit(), verify::toString);
    assertTrue(verify.out().contains("0 bad"), verify.out());
  }

  private void aKilledClientLeavesNoBlocks(JewelCluster c, HttpJewelClient api) throws Exception {
    Path big = tmp.resolve("big.bin");
    FoundationIT.writeRandom(big, 200L << 20, 13);
    Process store =
        c.startCli("store", big.toString(), "--scheme", "reedsolomon", "k=3", "n=5", "--quiet");
    // Kill it once blocks are being written (a temporary block file on some peer).
    eventually(
        Duration.ofSeconds(60), () -> assertTrue(writesUnderWay(c), "no block write started yet"));
    store.destroyForcibly();
    assertTrue(store.waitFor(10, TimeUnit.SECONDS));
    assertTrue(
        api.ls().stream().noneMatch(e -> e.name().value().equals("big.bin")),
        "the store was cut off before it committed");
    eventually(SETTLE, () -> assertEquals(Set.of(), unreferencedBlocks(c, api)));
  }

  private void storesRacingDeletesOfTheSameContentKeepTheirBlocks(HttpJewelClient api)
      throws Exception {
    byte[] content = FoundationIT.randomBytes(100_000, 14);
    Path file = tmp.resolve("same.bin");
    Files.write(file, content);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 50; round++) {
        FileName a = new FileName("a-" + round);
        FileName cName = new FileName("c-" + round);
        api.store(file, a, SchemeSpec.parse("naive n=2"), false, null, Progress.NONE);
        CompletableFuture<?> delete = CompletableFuture.runAsync(() -> api.delete(a), pool);
        CompletableFuture<?> store =
            CompletableFuture.runAsync(
                () ->
                    api.store(
                        file, cName, SchemeSpec.parse("naive n=2"), false, null, Progress.NONE),
                pool);
        CompletableFuture.allOf(delete, store).get(60, TimeUnit.SECONDS);
        Path back = tmp.resolve("back-" + round);
        api.get(cName, back, null, Progress.NONE);
        assertArrayEquals(content, Files.readAllBytes(back), "round " + round);
        Files.delete(back);
        api.delete(cName);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private void aPeerDownDuringADeleteDropsItsCopiesWhenBack(JewelCluster c, HttpJewelClient api)
      throws Exception {
    byte[] bytes = FoundationIT.randomBytes(200_000, 15);
    FileEntry d = store(api, "d.bin", bytes, "naive n=4");
    PeerId away = d.blocks().get(0).holders().get(0);
    Path copy = blockFile(c, away, d.root().hex());
    assertTrue(Files.exists(copy));
    c.cli("kill", away.name()).ok();
    c.cli("delete", "d.bin").ok();
    assertTrue(Files.exists(copy), "the peer was down: its copy is still there");
    c.cli("revive", away.name()).ok();
    eventually(SETTLE, () -> assertFalse(Files.exists(copy), "gone after it came back"));
  }

  private void aPeerRevivedWhileStoresRunIsListedAsHolder(JewelCluster c, HttpJewelClient api)
      throws Exception {
    PeerId back = new PeerId("peer-3");
    c.cli("kill", back.name()).ok();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      CompletableFuture<?> stores =
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < 12; i++) {
                  byte[] bytes = FoundationIT.randomBytes(150_000, 100 + i);
                  Path f = tmp.resolve("r-" + i);
                  try {
                    Files.write(f, bytes);
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                  api.store(
                      f,
                      new FileName("r-" + i),
                      SchemeSpec.parse("naive n=3"),
                      false,
                      null,
                      Progress.NONE);
                }
              },
              pool);
      c.cli("revive", back.name()).ok();
      stores.get(120, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    eventually(
        SETTLE,
        () -> {
          Set<String> onDisk = blocksOn(c, back);
          for (FileEntry e : api.ls()) {
            for (StoredBlock b : e.blocks()) {
              if (onDisk.contains(b.id().hex())) {
                assertTrue(
                    b.holders().contains(back),
                    back + " holds " + b.id().shortHex() + " of " + e.name() + ": " + b.holders());
              }
            }
          }
        });
  }

  // ---------------------------------------------------------------- helpers

  private static FileEntry store(HttpJewelClient api, String name, byte[] bytes, String scheme)
      throws IOException {
    Path f = Files.createTempFile("durability", ".bin");
    try {
      Files.write(f, bytes);
      return api.store(f, new FileName(name), SchemeSpec.parse(scheme), false, null, Progress.NONE)
          .entry();
    } finally {
      Files.delete(f);
    }
  }

  private static FileEntry entry(HttpJewelClient api, String name) {
    return api.ls().stream().filter(e -> e.name().value().equals(name)).findFirst().orElseThrow();
  }

  private static Set<PeerId> holders(HttpJewelClient api, String name) {
    Set<PeerId> all = new java.util.TreeSet<>();
    entry(api, name).blocks().forEach(b -> all.addAll(b.holders()));
    return all;
  }

  /** The holders that are up, over every block of the file. */
  private static Set<PeerId> live(HttpJewelClient api, String name) {
    Set<PeerId> all = new java.util.TreeSet<>();
    api.check(new FileName(name)).get(0).blocks().forEach(b -> all.addAll(b.live()));
    return all;
  }

  private static List<String> names(Set<PeerId> peers) {
    return peers.stream().map(PeerId::name).sorted().toList();
  }

  private void getsTheSameBytes(JewelCluster c, String name, byte[] expected) throws Exception {
    Path back = tmp.resolve(name + ".back");
    Files.deleteIfExists(back);
    c.cli("get", name, "-o", back.toString()).ok();
    assertArrayEquals(expected, Files.readAllBytes(back), name);
  }

  private static Path blockFile(JewelCluster c, PeerId peer, String hex) {
    return c.home
        .resolve(peer.name())
        .resolve("disk/blocks")
        .resolve(hex.substring(0, 2))
        .resolve(hex);
  }

  /** The block files in {@code peer}'s store, by hex. */
  private static Set<String> blocksOn(JewelCluster c, PeerId peer) throws IOException {
    Path blocks = c.home.resolve(peer.name()).resolve("disk/blocks");
    Set<String> ids = new HashSet<>();
    if (!Files.isDirectory(blocks)) {
      return ids;
    }
    try (Stream<Path> files = Files.walk(blocks, 2)) {
      files
          .filter(Files::isRegularFile)
          .map(p -> p.getFileName().toString())
          .filter(n -> n.matches("[0-9a-f]{64}"))
          .forEach(ids::add);
    }
    return ids;
  }

  private static List<PeerId> peers(JewelCluster c) throws IOException {
    List<PeerId> peers = new ArrayList<>();
    try (Stream<Path> nodes = Files.list(c.home)) {
      nodes
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("peer-"))
          .sorted()
          .forEach(n -> peers.add(new PeerId(n)));
    }
    return peers;
  }

  /** Whether some peer is writing a block now (a temporary file in its store). */
  private static boolean writesUnderWay(JewelCluster c) throws IOException {
    for (PeerId p : peers(c)) {
      Path temp = c.home.resolve(p.name()).resolve("disk/blocks/tmp");
      if (Files.isDirectory(temp)) {
        try (Stream<Path> files = Files.list(temp)) {
          if (files.findAny().isPresent()) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Block files on any peer that no stored file references. */
  private static Set<String> unreferencedBlocks(JewelCluster c, HttpJewelClient api)
      throws IOException {
    Set<String> referenced = new HashSet<>();
    api.ls().forEach(e -> e.blocks().forEach(b -> referenced.add(b.id().hex())));
    Set<String> stray = new HashSet<>();
    for (PeerId p : peers(c)) {
      for (String hex : blocksOn(c, p)) {
        if (!referenced.contains(hex)) {
          stray.add(p.name() + ":" + hex.substring(0, 12));
        }
      }
    }
    return stray;
  }
}
