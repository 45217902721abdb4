package jewel.schemes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import jewel.api.BlockLayout;
import jewel.api.FileEntry;
import jewel.api.JewelException;
import jewel.api.PeerId;
import jewel.api.StoredBlock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Retune at the scheme: the jewels past n of a Reed-Solomon file are encoded from any k it has, are
 * the jewels a store with the larger n makes, and read back with the old ones, or without them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetuneTest {
  static final int C = Harness.CHUNK;
  static final List<PeerId> NINE = MemoryPeers.peers(9);
  Harness h;

  @BeforeAll
  void start() {
    h = new Harness();
  }

  @AfterAll
  void stop() {
    h.close();
  }

  @Test
  void newJewelsAreThoseOfAStoreWithTheLargerNAndReadWithoutTheOldParity() {
    MemoryPeers peers = new MemoryPeers();
    byte[] bytes = Harness.bytes(10 * 3 * C + 7, 14); // ten segments and a short, padded one
    FileEntry entry = h.store(peers, NINE.subList(0, 5), "rs.bin", "reedsolomon k=3 n=5", bytes);
    // Any k of the jewels it has are read: only jewels 1, 2 and 4 are up.
    Set<PeerId> up = new HashSet<>(NINE);
    up.remove(holderOf(entry, 0));
    up.remove(holderOf(entry, 3));
    AtomicLong read = new AtomicLong();

    List<StoredBlock> added =
        extend(
            entry,
            peers,
            up,
            7,
            Map.of(5, List.of(NINE.get(5)), 6, List.of(NINE.get(6))),
            (done, total) -> read.set(done));

    assertEquals(List.of(5, 6), added.stream().map(StoredBlock::index).toList());
    assertEquals(List.of(NINE.get(5)), added.get(0).holders());
    assertEquals(bytes.length, read.get(), "progress heard the whole file read");
    // The same file stored with n=7 (and the same chunk) from the start: the same seven jewels.
    FileEntry fromStart =
        h.store(
            new MemoryPeers(),
            NINE.subList(0, 7),
            "rs.bin",
            "reedsolomon k=3 n=7 chunk=" + entry.layout().chunkSize(),
            bytes);
    FileEntry retuned = retuned(entry, 7, added);
    assertEquals(ids(fromStart), ids(retuned));
    assertEquals(fromStart.blocks().get(5).length(), added.get(0).length());

    // Both of the original parity jewels and one data jewel gone: jewels 0, 1, 5 and 6 remain.
    Set<PeerId> after = new HashSet<>(NINE);
    after.remove(holderOf(entry, 2));
    after.remove(holderOf(entry, 3));
    after.remove(holderOf(entry, 4));
    after.remove(holderOf(entry, 1));
    assertArrayEquals(bytes, h.read(retuned, after, SchemeRoundTripTest.onlyUp(peers, after)));
  }

  @Test
  void repairKnowsTheNewN() {
    MemoryPeers peers = new MemoryPeers();
    byte[] bytes = Harness.bytes(5 * 3 * C + 2, 17);
    FileEntry entry = h.store(peers, NINE.subList(0, 5), "rs.bin", "reedsolomon k=3 n=5", bytes);
    Set<PeerId> all = new HashSet<>(NINE);
    List<StoredBlock> added =
        extend(entry, peers, all, 6, Map.of(5, List.of(NINE.get(5))), (done, total) -> {});
    FileEntry retuned = retuned(entry, 6, added);
    // The new jewel's peer is lost: repair re-encodes it, with its id, from any k others.
    Set<PeerId> up = new HashSet<>(all);
    up.remove(NINE.get(5));
    MemoryPeers view = SchemeRoundTripTest.onlyUp(peers, up);
    List<jewel.api.RepairReport.NewCopy> made =
        Harness.await(
            h.schemes
                .get("reedsolomon")
                .repair(
                    new RepairJob(
                        retuned, up, Map.of(5, List.of(NINE.get(8))), view, h.materializer)));
    assertEquals(added.get(0).id(), made.get(0).block());
    assertArrayEquals(
        peers.disks.get(NINE.get(5)).get(added.get(0).id()),
        view.disks.get(NINE.get(8)).get(added.get(0).id()));
  }

  @Test
  void aLoweredNReadsFromTheJewelsItKeeps() {
    MemoryPeers peers = new MemoryPeers();
    byte[] bytes = Harness.bytes(4 * 3 * C + 1, 15);
    FileEntry entry = h.store(peers, NINE.subList(0, 6), "rs.bin", "reedsolomon k=3 n=6", bytes);
    FileEntry lowered = retuned(entry, 4, List.of());
    Set<PeerId> up = new HashSet<>(NINE);
    up.remove(holderOf(entry, 1));
    assertArrayEquals(bytes, h.read(lowered, up, SchemeRoundTripTest.onlyUp(peers, up)));
  }

  @Test
  void otherSchemesRefuseInOneLine() {
    MemoryPeers peers = new MemoryPeers();
    FileEntry entry =
        h.store(peers, NINE.subList(0, 4), "p.bin", "parity k=3", Harness.bytes(5 * C, 16));
    JewelException e =
        assertThrows(
            JewelException.class,
            () ->
                extend(
                    entry,
                    peers,
                    new HashSet<>(NINE),
                    5,
                    Map.of(4, List.of(NINE.get(5))),
                    (done, total) -> {}));
    assertTrue(
        e.getMessage().startsWith("cannot retune 'p.bin': it is stored with parity k=3"),
        e.getMessage());
  }

  private List<StoredBlock> extend(
      FileEntry entry,
      MemoryPeers peers,
      Set<PeerId> up,
      int n,
      Map<Integer, List<PeerId>> targets,
      jewel.api.Progress progress) {
    MemoryPeers view = SchemeRoundTripTest.onlyUp(peers, up);
    try {
      return Harness.await(
          h.schemes
              .get(entry.scheme().id())
              .extend(new RepairJob(entry, up, targets, view, h.materializer), n, progress));
    } finally {
      view.disks.forEach(peers.disks::putIfAbsent);
    }
  }

  /** The entry as the registry records a retune to {@code n}. */
  static FileEntry retuned(FileEntry entry, int n, List<StoredBlock> added) {
    List<StoredBlock> blocks = new ArrayList<>();
    entry.blocks().stream().filter(b -> b.index() < n).forEach(blocks::add);
    blocks.addAll(added);
    BlockLayout l = entry.layout();
    return new FileEntry(
        entry.name(),
        entry.size(),
        entry.root(),
        entry.scheme().with("n", Integer.toString(n)),
        new BlockLayout(l.kind(), l.k(), n, l.chunkSize(), l.codec()),
        blocks,
        entry.storedAtMillis());
  }

  private static List<jewel.api.BlockId> ids(FileEntry entry) {
    return entry.blocks().stream().map(StoredBlock::id).toList();
  }

  private static PeerId holderOf(FileEntry entry, int index) {
    return entry.blocks().get(index).holders().get(0);
  }
}
