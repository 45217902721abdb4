package jewel.schemes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import jewel.api.BlockId;
import jewel.api.ByteRange;
import jewel.api.FileEntry;
import jewel.api.PeerId;
import jewel.api.StoredBlock;
import jewel.codec.SegmentLayout;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Range reads: exactly the range's bytes, moving only the blocks, shard parts and segments that
 * cover it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RangeReadTest {
  static final int C = Harness.CHUNK;
  static final List<PeerId> FIVE = MemoryPeers.peers(5);

  /** Many segments for the jewel schemes with small chunks, several for parity's 1 KiB ones. */
  static final int SIZE = 7 * 3 * C + 5;

  Harness h;

  @BeforeAll
  void start() {
    h = new Harness();
  }

  @AfterAll
  void stop() {
    h.close();
  }

  static List<String> specs() {
    return List.of(
        "hosting",
        "naive n=3",
        "shard k=3",
        "shardshard k=3 m=2",
        "parity k=3",
        "reedsolomon k=3 n=5 chunk=100",
        "reedsolomon k=3 n=5 chunk=100 codec=backblaze",
        "reedsolomon k=2 n=5 chunk=37");
  }

  /**
   * A download transport that counts the bytes its downloads deliver and records what each asked
   * for.
   */
  static final class CountingTransport implements BlockTransport {
    record Asked(BlockId block, long offset, long length) {}

    final BlockTransport inner;
    final AtomicLong moved = new AtomicLong();
    final List<Asked> asked = new CopyOnWriteArrayList<>();

    CountingTransport(BlockTransport inner) {
      this.inner = inner;
    }

    @Override
    public Sink<ByteString, CompletionStage<BlockId>> upload(PeerId peer, long length) {
      return inner.upload(peer, length);
    }

    @Override
    public Source<ByteString, NotUsed> download(
        PeerId peer, BlockId block, long offset, long length) {
      asked.add(new Asked(block, offset, length));
      return inner
          .download(peer, block, offset, length)
          .map(
              bytes -> {
                moved.addAndGet(bytes.size());
                return bytes;
              });
    }
  }

  static byte[] slice(byte[] bytes, ByteRange range) {
    return Arrays.copyOfRange(bytes, (int) range.start(), (int) range.end() + 1);
  }

  static boolean jewels(FileEntry entry) {
    return entry.layout().kind().equals("segments");
  }

  static SegmentLayout segments(FileEntry entry) {
    return new SegmentLayout(
        entry.layout().k(), entry.layout().n(), entry.layout().chunkSize(), entry.size());
  }

  /** Where, in every jewel, the chunks of the segments covering {@code range} lie: {start, end}. */
  static long[] coveringChunks(FileEntry entry, ByteRange range) {
    SegmentLayout layout = segments(entry);
    SegmentLayout.Span span = layout.segmentsCovering(range.start(), range.length());
    long last = span.end() - 1;
    return new long[] {
      layout.chunkOffset(span.first()), layout.chunkOffset(last) + layout.chunkLength(last)
    };
  }

  /**
   * Where blocks meet in the file: shard ends, or for jewels the first, middle and last segment
   * ends (all of them would be hundreds of reads); none for one whole block.
   */
  static Set<Long> boundaries(FileEntry entry) {
    Set<Long> out = new TreeSet<>();
    if (jewels(entry)) {
      SegmentLayout layout = segments(entry);
      long count = layout.segmentCount();
      for (long s : new long[] {1, 2, count / 2, count - 2, count - 1}) {
        if (s >= 1 && s < count) {
          out.add(layout.segmentOffset(s));
        }
      }
    } else {
      long at = 0;
      for (StoredBlock b :
          entry.blocks().stream().sorted(Comparator.comparingInt(StoredBlock::index)).toList()) {
        at += b.length();
        if (at > 0 && at < entry.size()) {
          out.add(at);
        }
      }
    }
    return out;
  }

  /**
   * First byte, last byte, single bytes, the whole file, around every boundary, and random ranges.
   */
  static List<ByteRange> rangesFor(FileEntry entry, Random random) {
    long size = entry.size();
    List<ByteRange> ranges =
        new ArrayList<>(
            List.of(
                new ByteRange(0, 0),
                new ByteRange(size - 1, size - 1),
                new ByteRange(size / 2, size / 2),
                new ByteRange(0, size - 1),
                new ByteRange(1, size - 2)));
    for (long b : boundaries(entry)) {
      ranges.add(new ByteRange(b - 1, b));
      ranges.add(new ByteRange(b, b));
      ranges.add(new ByteRange(b - 1, b - 1));
      ranges.add(new ByteRange(Math.max(0, b - 7), Math.min(size - 1, b + 3 * C)));
    }
    for (int i = 0; i < 12; i++) {
      long start = (long) (random.nextDouble() * size);
      long length = 1 + (long) (random.nextDouble() * (i % 2 == 0 ? 300 : size - start));
      ranges.add(new ByteRange(start, Math.min(size - 1, start + length - 1)));
    }
    return ranges;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void everyRangeReadsTheSameSliceOfTheOriginalAndMovesOnlyWhatCoversIt(String spec) {
    MemoryPeers peers = new MemoryPeers();
    byte[] bytes = Harness.bytes(SIZE, spec.hashCode());
    FileEntry entry = h.store(peers, FIVE, "r.bin", spec, bytes);
    for (ByteRange range : rangesFor(entry, new Random(spec.hashCode()))) {
      CountingTransport counting = new CountingTransport(peers);
      assertArrayEquals(
          slice(bytes, range),
          h.read(entry, Set.copyOf(FIVE), counting, range),
          spec + ", " + range);
      if (jewels(entry)) {
        long[] chunks = coveringChunks(entry, range);
        for (CountingTransport.Asked a : counting.asked) {
          assertTrue(
              a.offset() >= chunks[0] && a.offset() + a.length() <= chunks[1],
              spec
                  + ", "
                  + range
                  + ": asked "
                  + a
                  + " outside the covering chunks "
                  + Arrays.toString(chunks));
        }
        assertTrue(
            counting.moved.get()
                <= (entry.layout().k() + JewelScheme.HEDGE) * (chunks[1] - chunks[0]),
            spec + ", " + range + ": moved " + counting.moved.get());
      } else {
        assertEquals(range.length(), counting.moved.get(), spec + ", " + range + ": bytes moved");
      }
    }
  }

  @Test
  void emptyFilesReadWithoutARangeAndRefuseOne() {
    for (String spec : specs()) {
      MemoryPeers peers = new MemoryPeers();
      FileEntry entry = h.store(peers, FIVE, "empty", spec, new byte[0]);
      assertEquals(0, h.read(entry, Set.copyOf(FIVE), peers, null).length, spec);
      // an empty file has no byte 0: ByteRange.within gives null, and a range is refused
      assertNull(new ByteRange(0, 10).within(0));
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> h.read(entry, Set.copyOf(FIVE), peers, new ByteRange(0, 0)));
      assertEquals(
          "range 0-0 lies outside 'empty' of 0 bytes: clamp it to the file first (ByteRange.within)",
          e.getMessage(),
          spec);
    }
  }

  @Test
  void aOneByteFileReadsAsAWholeRange() {
    for (String spec : specs()) {
      MemoryPeers peers = new MemoryPeers();
      byte[] bytes = {42};
      FileEntry entry = h.store(peers, FIVE, "one", spec, bytes);
      assertArrayEquals(bytes, h.read(entry, Set.copyOf(FIVE), peers, new ByteRange(0, 0)), spec);
    }
  }

  @Test
  void aOneByteRangeInTheMiddleMovesTheByteOrTheChunksOfItsSegment() {
    for (String spec : specs()) {
      MemoryPeers peers = new MemoryPeers();
      byte[] bytes = Harness.bytes(SIZE, 3);
      FileEntry entry = h.store(peers, FIVE, "m.bin", spec, bytes);
      ByteRange middle = new ByteRange(SIZE / 2, SIZE / 2);
      CountingTransport counting = new CountingTransport(peers);
      assertArrayEquals(
          slice(bytes, middle), h.read(entry, Set.copyOf(FIVE), counting, middle), spec);
      if (!jewels(entry)) {
        assertEquals(1, counting.moved.get(), spec);
        continue;
      }
      int k = entry.layout().k();
      long chunk = entry.layout().chunkSize();
      assertTrue(segments(entry).segmentCount() >= 8, spec + ": many segments");
      // the first (here the only) segment is asked of k jewels plus the hedge
      assertTrue(
          counting.moved.get() <= (k + JewelScheme.HEDGE) * chunk,
          spec + ": moved " + counting.moved.get());

      // with only k jewels live there is no hedge: exactly k chunks
      Set<PeerId> up = Set.copyOf(DegradedReadTest.holders(entry).subList(0, k));
      CountingTransport kOnly = new CountingTransport(SchemeRoundTripTest.onlyUp(peers, up));
      assertArrayEquals(slice(bytes, middle), h.read(entry, up, kOnly, middle), spec);
      assertEquals(k * chunk, kOnly.moved.get(), spec + ": " + kOnly.asked);
    }
  }

  @Test
  void reedSolomonRangesSurviveAnyNMinusKLosses() {
    MemoryPeers peers = new MemoryPeers();
    byte[] bytes = Harness.bytes(SIZE, 4);
    FileEntry entry = h.store(peers, FIVE, "rs.bin", "reedsolomon k=3 n=5 chunk=100", bytes);
    List<PeerId> holders = DegradedReadTest.holders(entry);
    List<ByteRange> ranges =
        List.of(
            new ByteRange(0, 0),
            new ByteRange(SIZE - 1, SIZE - 1),
            new ByteRange(299, 300),
            new ByteRange(1234, 5678),
            new ByteRange(0, SIZE - 1),
            new ByteRange(17, SIZE - 2));
    for (int a = 0; a < holders.size(); a++) {
      for (int b = a + 1; b < holders.size(); b++) {
        Set<PeerId> up = DegradedReadTest.without(FIVE, List.of(holders.get(a), holders.get(b)));
        MemoryPeers reachable = SchemeRoundTripTest.onlyUp(peers, up);
        for (ByteRange range : ranges) {
          assertArrayEquals(
              slice(bytes, range), h.read(entry, up, reachable, range), range + " from " + up);
        }
      }
    }
  }

  @Test
  void aHolderThatBreaksInsideTheRangeIsReplacedFromWhereItStopped() {
    for (String spec :
        List.of("reedsolomon k=3 n=5 chunk=100", "parity k=3", "shardshard k=3 m=2", "naive n=2")) {
      MemoryPeers peers = new MemoryPeers();
      byte[] bytes = Harness.bytes(SIZE, 5);
      FileEntry entry = h.store(peers, FIVE, "b.bin", spec, bytes);
      ByteRange range = new ByteRange(1000, 3 * 3 * C + 10);
      for (PeerId p : DegradedReadTest.holders(entry)) {
        peers.breakAfter.clear();
        peers.breakAfter.put(p, (long) (C + C / 2)); // inside the range's part of every block
        assertArrayEquals(
            slice(bytes, range),
            h.read(entry, Set.copyOf(FIVE), peers, range),
            spec + ", " + p + " breaking");
      }
    }
  }

  @Test
  void aRangeNeedsOnlyTheShardsItOverlapsAndNamesTheMissingOne() {
    MemoryPeers peers = new MemoryPeers();
    byte[] bytes = Harness.bytes(SIZE, 6);
    FileEntry entry = h.store(peers, FIVE, "s.bin", "shard k=3", bytes);
    StoredBlock last = entry.blocks().get(2);
    PeerId holder = last.holders().get(0);
    Set<PeerId> up = DegradedReadTest.without(FIVE, List.of(holder));
    MemoryPeers reachable = SchemeRoundTripTest.onlyUp(peers, up);
    long shard = entry.blocks().get(0).length();

    ByteRange firstTwo = new ByteRange(5, 2 * shard - 1);
    assertArrayEquals(slice(bytes, firstTwo), h.read(entry, up, reachable, firstTwo));
    ByteRange acrossTheLast = new ByteRange(2 * shard - 1, 2 * shard);
    MissingBlocksException e =
        assertThrows(
            MissingBlocksException.class, () -> h.read(entry, up, reachable, acrossTheLast));
    assertEquals(
        "cannot read bytes "
            + acrossTheLast
            + " of 's.bin': it needs 2 of the 3 shards, 1 has no live holder;"
            + " missing shard 2 ("
            + last.id().shortHex()
            + "…) held by "
            + holder,
        e.getMessage());
  }

  @Test
  void missingJewelsAndCopiesAreNamedWithTheRange() {
    MemoryPeers peers = new MemoryPeers();
    byte[] bytes = Harness.bytes(SIZE, 7);
    FileEntry entry = h.store(peers, FIVE, "rs.bin", "reedsolomon k=3 n=5 chunk=100", bytes);
    List<PeerId> holders = DegradedReadTest.holders(entry);
    Set<PeerId> up = DegradedReadTest.without(FIVE, holders.subList(0, 3));
    ByteRange range = new ByteRange(100, 200);
    MissingBlocksException gone =
        assertThrows(
            MissingBlocksException.class,
            () -> h.read(entry, up, SchemeRoundTripTest.onlyUp(peers, up), range));
    assertTrue(
        gone.getMessage()
            .startsWith(
                "cannot read bytes 100-200 of 'rs.bin': need 3 of 5 jewels, only 2 are on"
                    + " live peers; missing jewel 0"),
        gone.getMessage());

    for (PeerId p : holders.subList(0, 3)) {
      peers.breakAfter.put(p, 150L); // inside segment 1's chunk
    }
    MissingBlocksException broke =
        assertThrows(
            MissingBlocksException.class,
            () -> h.read(entry, Set.copyOf(FIVE), peers, new ByteRange(0, 3000)));
    assertTrue(
        broke
            .getMessage()
            .startsWith(
                "cannot read bytes 0-3000 of 'rs.bin': need 3 of 5 jewels, only 2 could"
                    + " be read; missing jewel"),
        broke.getMessage());

    MemoryPeers hosted = new MemoryPeers();
    FileEntry single = h.store(hosted, FIVE, "h.bin", "hosting", bytes);
    Set<PeerId> none = DegradedReadTest.without(FIVE, single.blocks().get(0).holders());
    MissingBlocksException down =
        assertThrows(
            MissingBlocksException.class, () -> h.read(single, none, hosted, new ByteRange(0, 9)));
    assertTrue(
        down.getMessage().startsWith("no live peer holds bytes 0-9 of 'h.bin': block"),
        down.getMessage());
  }

  @Test
  void aRangeCoveringTheFileReadsEveryBlockWholeAndSoStillVerified() {
    for (String spec : List.of("reedsolomon k=3 n=5 chunk=100", "shard k=3")) {
      MemoryPeers peers = new MemoryPeers();
      byte[] bytes = Harness.bytes(SIZE, 8);
      FileEntry entry = h.store(peers, FIVE, "v.bin", spec, bytes);
      StoredBlock victim = entry.blocks().get(0);
      PeerId bad = victim.holders().get(0);
      peers.corrupt(bad, victim.id(), (int) victim.length() / 2);
      // k up, so that the corrupt jewel must be read
      Set<PeerId> up = Set.copyOf(DegradedReadTest.holders(entry).subList(0, entry.layout().k()));
      MemoryPeers reachable = SchemeRoundTripTest.onlyUp(peers, up);

      CorruptBlockException e =
          assertThrows(
              CorruptBlockException.class,
              () -> h.read(entry, up, reachable, new ByteRange(0, SIZE - 1)));
      assertEquals(victim.id(), e.block(), spec);
      assertEquals(bad, e.peer(), spec);
      // a part of a block has no hash to check: its corrupt byte goes through, as documented
      ByteRange part =
          new ByteRange(
              0,
              jewels(entry)
                  ? segments(entry).segmentOffset(segments(entry).segmentCount() - 1) - 1
                  : victim.length() - 2);
      assertFalse(Arrays.equals(slice(bytes, part), h.read(entry, up, reachable, part)), spec);
    }
  }
}
