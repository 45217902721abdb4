package jewel.schemes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import jewel.api.BlockLayout;
import jewel.api.FileEntry;
import jewel.api.PeerId;
import jewel.api.SchemeSpec;
import jewel.api.StoredBlock;
import jewel.placement.Durability;
import jewel.placement.Placement;
import jewel.placement.RoundRobinPlacement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parameters, placement, layouts and what each scheme's real placement survives. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchemeCatalogTest {
  Harness h;
  final Schemes schemes = new Schemes(SchemeDefaults.STANDARD);

  @BeforeAll
  void start() {
    h = new Harness();
  }

  @AfterAll
  void stop() {
    h.close();
  }

  String normalized(String spec) {
    return schemes.normalize(SchemeSpec.parse(spec)).toString();
  }

  @Test
  void defaultsAreFilledIn() {
    assertEquals("shard k=3", normalized("shard"));
    assertEquals("shardshard k=3 m=2", normalized("shardshard"));
    assertEquals("shardshard k=4 m=3", normalized("shardshard k=4 m=3"));
    assertEquals("parity k=3", normalized("parity"));
    assertEquals("reedsolomon chunk=1048576 codec=jewel k=3 n=5", normalized("reedsolomon"));
    assertEquals(
        "reedsolomon chunk=4096 codec=backblaze k=10 n=14",
        normalized("reedsolomon k=10 n=14 codec=backblaze chunk=4096"));
    // 256 jewels of 1 MiB would not fit the segment budget: the default chunk shrinks to fit
    assertEquals(
        "reedsolomon chunk=131072 codec=jewel k=200 n=256", normalized("reedsolomon k=200 n=256"));
    assertEquals(
        List.of("hosting", "naive", "shard", "shardshard", "parity", "reedsolomon"),
        schemes.all().stream().map(StorageScheme::id).toList());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "shard k=0 | shard needs 1 <= k <= 256, got k=0",
        "shard k=257 | shard needs 1 <= k <= 256, got k=257",
        "shard m=2 | scheme shard has no parameter m (it takes k, placement)",
        "shardshard m=0 | shardshard needs 1 <= m <= 255, got m=0",
        "shardshard k=-1 | shardshard needs 1 <= k <= 256, got k=-1",
        "parity k=0 | parity needs 1 <= k <= 255, got k=0",
        "parity k=256 | parity needs 1 <= k <= 255, got k=256",
        "parity n=4 | scheme parity has no parameter n (it takes k, placement)",
        "reedsolomon k=0 | reedsolomon needs k >= 1, got k=0",
        "reedsolomon k=4 n=3 | reedsolomon needs n >= k (n jewels, any k rebuild), got k=4 n=3",
        "reedsolomon k=3 n=257 | reedsolomon needs n <= 256, got n=257",
        "reedsolomon codec=zfec | unknown codec 'zfec': valid codecs are jewel, backblaze",
        "reedsolomon chunk=0 | reedsolomon needs chunk >= 1 byte, got chunk=0",
        "reedsolomon n=5 chunk=16777216 | reedsolomon k=3 n=5 with chunk=16777216 holds n × chunk = 83886080 bytes",
        "reedsolomon k=x | scheme parameter k=x is not a whole number",
        "reedsolomon m=2 | scheme reedsolomon has no parameter m (it takes availability, chunk, codec, k, max-overhead, n, placement)",
        "naive placement=nearest | placement must be roundrobin or rendezvous, not 'nearest'",
        "hosting n=2 | scheme hosting has no parameter n (it takes placement)",
      })
  void impossibleParametersAreOneClearLine(String spec, String expected) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> normalized(spec));
    assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }

  @Test
  void peersNeeded() {
    assertEquals(3, need("shard k=3"));
    assertEquals(3, need("shardshard k=3 m=2"));
    assertEquals(4, need("shardshard k=2 m=4"));
    assertEquals(4, need("parity k=3"));
    assertEquals(5, need("reedsolomon k=3 n=5"));
  }

  int need(String spec) {
    SchemeSpec s = schemes.normalize(SchemeSpec.parse(spec));
    return schemes.get(s.id()).peersNeeded(s);
  }

  @Test
  void shardShardStripesAsTheOriginalOnThreePeers() {
    List<PeerId> three = MemoryPeers.peers(3);
    // a name whose round-robin start is the first peer, as the original always started
    String name =
        IntStream.range(0, 1000)
            .mapToObj(i -> "file-" + i)
            .filter(n -> RoundRobinPlacement.start(n) % 3 == 0)
            .findFirst()
            .orElseThrow();
    List<List<PeerId>> expected = List.of(ids(1, 2), ids(2, 3), ids(3, 1));
    assertEquals(
        expected, ShardScheme.placement(SchemeSpec.parse("shardshard k=3 m=2"), three, name, 3, 2));
    FileEntry entry =
        h.store(new MemoryPeers(), three, name, "shardshard k=3 m=2", Harness.bytes(3000, 1));
    assertEquals(expected, entry.blocks().stream().map(StoredBlock::holders).toList());
    assertEquals(new BlockLayout("shards", 3, 3, 0, "none"), entry.layout());
  }

  @Test
  void rendezvousIsAPlacementBesideRoundRobin() {
    // Named only when it is not the default, so existing specs read as before.
    assertEquals("naive n=2", normalized("naive n=2 placement=roundrobin"));
    assertEquals("naive n=2 placement=rendezvous", normalized("naive n=2 placement=rendezvous"));
    assertEquals("hosting placement=rendezvous", normalized("hosting placement=rendezvous"));
    assertEquals(
        "reedsolomon chunk=1048576 codec=jewel k=3 n=5 placement=rendezvous",
        normalized("reedsolomon placement=rendezvous"));

    // Each shard's copies go to the highest-scoring peers for that position of that file.
    List<PeerId> five = MemoryPeers.peers(5);
    String name = "spread.bin";
    List<List<PeerId>> expected =
        Placement.rendezvous().place(name, Placement.positions(name, 3), 2, five);
    FileEntry entry =
        h.store(
            new MemoryPeers(),
            five,
            name,
            "shardshard k=3 m=2 placement=rendezvous",
            Harness.bytes(3000, 2));
    assertEquals(expected, entry.blocks().stream().map(StoredBlock::holders).toList());

    // A peer leaving moves only the positions it held.
    List<PeerId> four = five.stream().filter(p -> !p.equals(five.get(0))).toList();
    List<List<PeerId>> after =
        Placement.rendezvous().place(name, Placement.positions(name, 3), 2, four);
    for (int i = 0; i < 3; i++) {
      if (!expected.get(i).contains(five.get(0))) {
        assertEquals(expected.get(i), after.get(i), "position " + i);
      }
    }
  }

  static List<PeerId> ids(int... numbers) {
    return IntStream.of(numbers).mapToObj(i -> new PeerId("peer-" + i)).toList();
  }

  @Test
  void layoutsRecordWhatAReaderNeeds() {
    FileEntry rs =
        h.store(
            new MemoryPeers(),
            MemoryPeers.peers(5),
            "a",
            "reedsolomon k=3 n=5 codec=backblaze",
            new byte[10]);
    assertEquals(new BlockLayout("segments", 3, 5, Harness.CHUNK, "backblaze"), rs.layout());
    FileEntry parity =
        h.store(new MemoryPeers(), MemoryPeers.peers(5), "b", "parity k=4", new byte[10]);
    assertEquals(new BlockLayout("segments", 4, 5, Harness.CHUNK, "xor"), parity.layout());
    // shards keep their true lengths: 10 bytes in 4 shards are 3, 3, 3 and 1
    FileEntry shards =
        h.store(new MemoryPeers(), MemoryPeers.peers(5), "c", "shard k=4", new byte[10]);
    assertEquals(
        List.of(3L, 3L, 3L, 1L), shards.blocks().stream().map(StoredBlock::length).toList());
    // and an empty shard is a block too: the SHA-256 of nothing
    FileEntry tiny =
        h.store(new MemoryPeers(), MemoryPeers.peers(5), "d", "shard k=3", new byte[] {7});
    assertEquals(MemoryPeers.sha256(new byte[0]), tiny.blocks().get(2).id());
    assertEquals(0, tiny.blocks().get(2).length());
  }

  @ParameterizedTest
  @CsvSource({
    "naive n=3, 5, 3.0, 2, 1",
    "hosting, 5, 1.0, 0, 1",
    "shard k=3, 5, 1.0, 0, 3",
    "shardshard k=3 m=2, 3, 2.0, 1, 2",
    // on 5 peers the stripe [a,b],[b,c],[c,d] puts two pieces on b and c: still 1
    "shardshard k=3 m=2, 5, 2.0, 1, 2",
    "parity k=3, 5, 1.3333333333333333, 1, 3",
    "reedsolomon k=3 n=5, 5, 1.6666666666666667, 2, 3",
  })
  void durabilityOfTheRealPlacement(String spec, int peers, double d, int survives, int minUp) {
    FileEntry entry =
        h.store(
            new MemoryPeers(),
            MemoryPeers.peers(peers),
            "d.bin",
            spec,
            Harness.bytes(3 * Harness.CHUNK * 4, 3));
    Durability dur = Durability.of(entry);
    assertEquals(d, dur.redundancy(), 1e-9, "D");
    assertEquals(survives, dur.survives(), "survives");
    assertEquals(minUp, dur.minPeersUp(), "M");
  }

  @Test
  void theSchemesCommandHasSomethingToSayAboutEach() {
    for (StorageScheme s : schemes.all()) {
      for (String text :
          List.of(
              s.info().summary(),
              s.info().parameters(),
              s.info().redundancy(),
              s.info().survives())) {
        assertTrue(!text.isBlank() && text.lines().count() == 1, s.id() + ": '" + text + "'");
      }
    }
  }
}
