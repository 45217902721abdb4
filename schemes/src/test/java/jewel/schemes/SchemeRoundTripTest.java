package jewel.schemes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import jewel.api.FileEntry;
import jewel.api.PeerId;
import jewel.api.StoredBlock;
import jewel.codec.SegmentLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Store → read through every scheme, for sizes around every boundary the layouts have. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchemeRoundTripTest {
  static final int C = Harness.CHUNK;
  Harness h;

  @BeforeAll
  void start() {
    h = new Harness();
  }

  @AfterAll
  void stop() {
    h.close();
  }

  static Stream<Arguments> schemesAndSizes() {
    List<Arguments> out = new ArrayList<>();
    List<String> specs =
        List.of(
            "hosting",
            "naive n=3",
            "shard k=3",
            "shardshard k=3 m=2",
            "parity k=3",
            "reedsolomon k=3 n=5 chunk=1024",
            "reedsolomon k=3 n=5 chunk=1024 codec=backblaze",
            "reedsolomon k=1 n=1 chunk=1024",
            "reedsolomon k=4 n=4 chunk=1024",
            "parity k=1");
    int k = 3;
    int[] sizes = {
      0, 1, 2, 3, 4, C - 1, C, C + 1, k * C - 1, k * C, k * C + 1, 5 * k * C + 7, 7 * k * C
    };
    for (String spec : specs) {
      for (int size : sizes) {
        out.add(Arguments.of(spec, size));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}, {1} bytes")
  @MethodSource("schemesAndSizes")
  void storedBytesReadBackIdentical(String spec, int size) {
    MemoryPeers peers = new MemoryPeers();
    List<PeerId> live = MemoryPeers.peers(5);
    byte[] bytes = Harness.bytes(size, size * 31L + spec.length());
    FileEntry entry = h.store(peers, live, "f" + size, spec, bytes);
    assertEquals(MemoryPeers.sha256(bytes), entry.root());
    assertArrayEquals(bytes, h.read(entry, Set.copyOf(live), peers), spec + ", " + size + " bytes");
    // every block is on its holders, under the id the coordinator computed
    for (StoredBlock b : entry.blocks()) {
      for (PeerId p : b.holders()) {
        assertTrue(peers.disks.get(p).containsKey(b.id()), b + " missing on " + p);
      }
    }
  }

  @Test
  void trailingZerosSurviveShards() {
    // The original project stripped trailing zeros to find a shard's end; the true length is kept.
    byte[] bytes = new byte[3 * C + 5];
    bytes[0] = 1;
    for (String spec :
        List.of(
            "shard k=3", "shardshard k=3 m=2", "parity k=3", "reedsolomon k=3 n=5 chunk=1024")) {
      MemoryPeers peers = new MemoryPeers();
      FileEntry entry = h.store(peers, MemoryPeers.peers(5), "zeros", spec, bytes);
      assertArrayEquals(bytes, h.read(entry, Set.copyOf(MemoryPeers.peers(5)), peers), spec);
    }
  }

  @Test
  void anyKJewelsRebuildTheFileForRandomKAndN() {
    Random r = new Random(7);
    for (int round = 0; round < 24; round++) {
      int n = 1 + r.nextInt(7);
      int k = 1 + r.nextInt(n);
      int chunk = 1 + r.nextInt(300);
      int size = r.nextInt(6) == 0 ? r.nextInt(3) : r.nextInt(k * chunk * 4 + 10);
      String spec =
          "reedsolomon k="
              + k
              + " n="
              + n
              + " chunk="
              + chunk
              + (r.nextBoolean() ? " codec=backblaze" : "");
      MemoryPeers peers = new MemoryPeers();
      List<PeerId> all = MemoryPeers.peers(n);
      byte[] bytes = Harness.bytes(size, round);
      FileEntry entry = h.store(peers, all, "r" + round, spec, bytes);
      SegmentLayout layout = new SegmentLayout(k, n, chunk, size);
      for (StoredBlock b : entry.blocks()) {
        assertEquals(
            layout.jewelLength(), b.length(), spec + ": every jewel has the layout's length");
      }
      for (int sample = 0; sample < 6; sample++) {
        List<PeerId> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, r);
        Set<PeerId> up = new HashSet<>(shuffled.subList(0, k));
        MemoryPeers reachable = onlyUp(peers, up);
        assertArrayEquals(
            bytes, h.read(entry, up, reachable), spec + ", " + size + " bytes, from " + up);
      }
    }
  }

  @Test
  void parityRebuildsFromAnyKOfItsShards() {
    for (int size : new int[] {1, 2, 3 * C - 1, 4 * 3 * C + 2}) {
      MemoryPeers peers = new MemoryPeers();
      List<PeerId> all = MemoryPeers.peers(4);
      byte[] bytes = Harness.bytes(size, size);
      FileEntry entry = h.store(peers, all, "p", "parity k=3", bytes);
      for (PeerId gone : all) {
        Set<PeerId> up = new HashSet<>(all);
        up.remove(gone);
        assertArrayEquals(
            bytes, h.read(entry, up, onlyUp(peers, up)), size + " bytes without " + gone);
      }
    }
  }

  /** The same disks, with every peer not in {@code up} down. */
  static MemoryPeers onlyUp(MemoryPeers peers, Set<PeerId> up) {
    MemoryPeers view = new MemoryPeers();
    view.disks.putAll(peers.disks);
    for (PeerId p : peers.disks.keySet()) {
      if (!up.contains(p)) {
        view.down.add(p);
      }
    }
    return view;
  }
}
