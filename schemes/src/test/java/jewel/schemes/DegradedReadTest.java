package jewel.schemes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jewel.api.FileEntry;
import jewel.api.PeerId;
import jewel.api.StoredBlock;
import jewel.schemes.VerifyingTransport.BlockCopy;
import jewel.schemes.stream.Sha256Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Reads with holders down, failing part way, stalled or serving corrupt bytes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DegradedReadTest {
  static final int C = Harness.CHUNK;
  static final List<PeerId> FIVE = MemoryPeers.peers(5);
  Harness h;

  @BeforeAll
  void start() {
    h = new Harness();
  }

  @AfterAll
  void stop() {
    h.close();
  }

  /** The distinct peers holding the blocks of {@code entry}, in block order. */
  static List<PeerId> holders(FileEntry entry) {
    return entry.blocks().stream().flatMap(b -> b.holders().stream()).distinct().toList();
  }

  static Set<PeerId> without(List<PeerId> all, List<PeerId> gone) {
    Set<PeerId> up = new HashSet<>(all);
    gone.forEach(up::remove);
    return up;
  }

  byte[] readWithout(FileEntry entry, MemoryPeers peers, List<PeerId> gone) {
    Set<PeerId> up = without(FIVE, gone);
    return h.read(entry, up, SchemeRoundTripTest.onlyUp(peers, up));
  }

  @Test
  void reedSolomonSurvivesNMinusKLossesAndNamesTheMissingJewelsAfterOneMore() {
    MemoryPeers peers = new MemoryPeers();
    byte[] bytes = Harness.bytes(10 * C + 3, 1);
    FileEntry entry = h.store(peers, FIVE, "rs.bin", "reedsolomon k=3 n=5", bytes);
    List<PeerId> holders = holders(entry);
    assertEquals(5, holders.size(), "one jewel per peer");
    assertArrayEquals(bytes, readWithout(entry, peers, holders.subList(0, 2)));
    assertArrayEquals(bytes, readWithout(entry, peers, holders.subList(3, 5)));

    MissingBlocksException e =
        assertThrows(
            MissingBlocksException.class, () -> readWithout(entry, peers, holders.subList(0, 3)));
    StoredBlock j0 = entry.blocks().get(0);
    assertTrue(
        e.getMessage()
            .startsWith(
                "cannot read 'rs.bin': need 3 of 5 jewels, only 2 are on live peers; missing jewel 0 ("
                    + j0.id().shortHex()
                    + "…) on "
                    + j0.holders().get(0)),
        e.getMessage());
    for (int i = 0; i < 3; i++) {
      StoredBlock b = entry.blocks().get(i);
      assertTrue(
          e.getMessage()
              .contains("jewel " + i + " (" + b.id().shortHex() + "…) on " + b.holders().get(0)),
          e.getMessage());
    }
    assertFalse(e.getMessage().contains("jewel 3"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }

  @Test
  void paritySurvivesOneLossOfAnyShard() {
    MemoryPeers peers = new MemoryPeers();
    byte[] bytes = Harness.bytes(7 * C, 2);
    FileEntry entry = h.store(peers, FIVE, "p.bin", "parity k=3", bytes);
    List<PeerId> holders = holders(entry);
    assertEquals(4, holders.size());
    for (PeerId gone : holders) {
      assertArrayEquals(bytes, readWithout(entry, peers, List.of(gone)));
    }
    MissingBlocksException e =
        assertThrows(
            MissingBlocksException.class, () -> readWithout(entry, peers, holders.subList(1, 3)));
    assertTrue(
        e.getMessage().contains("need 3 of 4 shards, only 2 are on live peers; missing shard 1"),
        e.getMessage());
  }

  @Test
  void shardNeedsEveryShardAndNamesTheOneMissing() {
    MemoryPeers peers = new MemoryPeers();
    byte[] bytes = Harness.bytes(5 * C, 3);
    FileEntry entry = h.store(peers, FIVE, "s.bin", "shard k=3", bytes);
    StoredBlock second = entry.blocks().get(2);
    PeerId holder = second.holders().get(0);
    MissingBlocksException e =
        assertThrows(
            MissingBlocksException.class, () -> readWithout(entry, peers, List.of(holder)));
    assertEquals(
        "cannot read 's.bin': it needs all 3 shards, 1 has no live holder; missing shard 2 ("
            + second.id().shortHex()
            + "…) held by "
            + holder,
        e.getMessage());
  }

  @Test
  void shardShardOnThreePeersSurvivesOneLoss() {
    MemoryPeers peers = new MemoryPeers();
    List<PeerId> three = MemoryPeers.peers(3);
    byte[] bytes = Harness.bytes(4 * C + 1, 4);
    FileEntry entry = h.store(peers, three, "ss.bin", "shardshard k=3 m=2", bytes);
    for (PeerId gone : three) {
      Set<PeerId> up = without(three, List.of(gone));
      assertArrayEquals(bytes, h.read(entry, up, SchemeRoundTripTest.onlyUp(peers, up)));
    }
    Set<PeerId> one = Set.of(three.get(0));
    MissingBlocksException e =
        assertThrows(
            MissingBlocksException.class,
            () -> h.read(entry, one, SchemeRoundTripTest.onlyUp(peers, one)));
    assertTrue(
        e.getMessage()
            .matches(".*missing shard \\d \\(\\w{12}…\\) held by peer-\\d and peer-\\d.*"),
        e.getMessage());
  }

  @Test
  void aHolderThatBreaksPartWayIsReplaced() {
    for (String spec :
        List.of("reedsolomon k=3 n=5", "parity k=3", "shardshard k=3 m=2", "naive n=2")) {
      MemoryPeers peers = new MemoryPeers();
      byte[] bytes = Harness.bytes(9 * C + 11, 5);
      FileEntry entry = h.store(peers, FIVE, "b.bin", spec, bytes);
      for (PeerId p : holders(entry)) {
        peers.breakAfter.clear();
        peers.breakAfter.put(p, (long) (C + C / 2));
        assertArrayEquals(
            bytes, h.read(entry, Set.copyOf(FIVE), peers), spec + " with " + p + " breaking");
      }
    }
  }

  @Test
  void tooManyBreakingHoldersFailWithTheReasons() {
    MemoryPeers peers = new MemoryPeers();
    byte[] bytes = Harness.bytes(9 * C, 6);
    FileEntry entry = h.store(peers, FIVE, "b.bin", "reedsolomon k=3 n=5", bytes);
    List<PeerId> holders = holders(entry);
    for (PeerId p : holders.subList(0, 3)) {
      peers.breakAfter.put(p, (long) (2 * C + 5));
    }
    MissingBlocksException e =
        assertThrows(MissingBlocksException.class, () -> h.read(entry, Set.copyOf(FIVE), peers));
    assertTrue(
        e.getMessage()
            .startsWith(
                "cannot read 'b.bin': need 3 of 5 jewels, only 2 could be read; missing jewel"),
        e.getMessage());
    assertTrue(e.getMessage().contains("broke"), e.getMessage());
  }

  @Test
  void aStalledHolderIsHedgedAround() {
    MemoryPeers peers = new MemoryPeers();
    byte[] bytes = Harness.bytes(6 * C, 7);
    FileEntry entry = h.store(peers, FIVE, "h.bin", "reedsolomon k=3 n=5", bytes);
    // jewel 0 is among the first k + 1 asked: it never answers, the hedge takes its place
    peers.stalled.add(entry.blocks().get(0).holders().get(0));
    assertArrayEquals(bytes, h.read(entry, Set.copyOf(FIVE), peers));
    assertEquals(4, peers.downloads.size(), "k + 1 jewels asked: " + peers.downloads);
  }

  @Test
  void onlyKJewelsAreReadPastTheFirstSegment() {
    MemoryPeers peers = new MemoryPeers();
    byte[] bytes = Harness.bytes(20 * C, 8);
    FileEntry entry = h.store(peers, FIVE, "k.bin", "reedsolomon k=3 n=5", bytes);
    assertArrayEquals(bytes, h.read(entry, Set.copyOf(FIVE), peers));
    assertEquals(4, peers.downloads.size(), peers.downloads.toString());
  }

  @Test
  void aCorruptJewelIsDetectedNamedAndSkippedOnTheRetry() {
    for (String spec :
        List.of(
            "reedsolomon k=3 n=5", "parity k=3", "shardshard k=3 m=2", "shard k=3", "naive n=2")) {
      MemoryPeers peers = new MemoryPeers();
      byte[] bytes = Harness.bytes(9 * C + 1, 9);
      FileEntry entry = h.store(peers, FIVE, "c.bin", spec, bytes);
      StoredBlock victim = entry.blocks().get(0);
      PeerId bad = victim.holders().get(0);
      peers.corrupt(bad, victim.id(), (int) victim.length() / 2);

      // For jewels, leave exactly k up so that the corrupt one must be read (otherwise the
      // hedge may win and the corruption go unnoticed, which is fine but not this test).
      Set<PeerId> up =
          entry.layout().kind().equals("segments")
              ? Set.copyOf(holders(entry).subList(0, entry.layout().k()))
              : Set.copyOf(FIVE);
      Set<BlockCopy> found = ConcurrentHashMap.newKeySet();
      VerifyingTransport first =
          new VerifyingTransport(
              entry,
              SchemeRoundTripTest.onlyUp(peers, up),
              Set.of(),
              e -> found.add(new BlockCopy(e.block(), e.peer())));
      RuntimeException e = assertThrows(RuntimeException.class, () -> h.read(entry, up, first));
      assertEquals(Set.of(new BlockCopy(victim.id(), bad)), found, spec + ": " + e.getMessage());
      if (spec.startsWith("naive")) {
        // whole copies fail over to the next holder, and then fail on the file's own hash
        assertTrue(e instanceof Sha256Stage.CorruptBytesException, spec + ": " + e);
      } else {
        assertTrue(e instanceof CorruptBlockException, spec + ": " + e);
        assertEquals(
            "block "
                + victim.id().shortHex()
                + "… from "
                + bad
                + " is corrupted (its bytes hash to ",
            e.getMessage().substring(0, e.getMessage().indexOf("to ") + 3));
      }

      VerifyingTransport retry = new VerifyingTransport(entry, peers, found, x -> {});
      if (spec.equals("shard k=3")) {
        // its only copy is bad: the retry says so
        MissingBlocksException m =
            assertThrows(
                MissingBlocksException.class, () -> h.read(entry, Set.copyOf(FIVE), retry));
        assertTrue(
            m.getMessage()
                .contains(
                    "missing shard 0 ("
                        + victim.id().shortHex()
                        + "…) held by "
                        + bad
                        + " (corrupted)"),
            m.getMessage());
      } else {
        assertArrayEquals(bytes, h.read(entry, Set.copyOf(FIVE), retry), spec);
      }
    }
  }

  @Test
  void aPeerThatFailsAfterServingEveryByteIsJudgedByTheBytes() {
    MemoryPeers peers = new MemoryPeers();
    byte[] bytes = Harness.bytes(4 * C, 10);
    FileEntry entry = h.store(peers, FIVE, "t.bin", "reedsolomon k=3 n=5", bytes);
    StoredBlock j1 = entry.blocks().get(1);
    PeerId p = j1.holders().get(0);
    Set<PeerId> up = Set.copyOf(holders(entry).subList(0, 3)); // k up: jewel 1 must be read
    MemoryPeers reachable = SchemeRoundTripTest.onlyUp(peers, up);
    // right bytes, then a failure: the bytes win
    reachable.failAtEnd.add(p);
    assertArrayEquals(bytes, h.read(entry, up, reachable));
    // wrong bytes, then the peer's own complaint: a corrupt block, named
    peers.corrupt(p, j1.id(), 3);
    CorruptBlockException e =
        assertThrows(CorruptBlockException.class, () -> h.read(entry, up, reachable));
    assertEquals(j1.id(), e.block());
    assertEquals(p, e.peer());
  }

  @Test
  void emptyFilesNeedNoLivePeer() {
    for (String spec : List.of("shard k=3", "reedsolomon k=3 n=5", "parity k=2")) {
      MemoryPeers peers = new MemoryPeers();
      FileEntry entry = h.store(peers, FIVE, "empty", spec, new byte[0]);
      assertEquals(
          0, h.read(entry, Set.of(), SchemeRoundTripTest.onlyUp(peers, Set.of())).length, spec);
    }
  }

  @Test
  void aStoreWithAHolderDownFailsNamingIt() {
    for (String spec : List.of("reedsolomon k=3 n=5", "shardshard k=3 m=2")) {
      MemoryPeers peers = new MemoryPeers();
      peers.down.add(new PeerId("peer-4"));
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> h.store(peers, FIVE, "x.bin", spec, Harness.bytes(5 * C, 11)));
      assertTrue(
          e.getMessage().startsWith("store failed, nothing was committed (peer-4 ("),
          e.getMessage());
      assertTrue(e.getMessage().contains("peer at peer-4 is not reachable"), e.getMessage());
      assertEquals(1, e.getMessage().lines().count());
    }
  }
}
