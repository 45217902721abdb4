package jewel.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import jewel.api.BlockId;
import jewel.api.BlockLayout;
import jewel.api.Digests;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.PeerId;
import jewel.api.SchemeSpec;
import jewel.api.StoredBlock;
import jewel.persistence.RegistryState;
import jewel.persistence.RegistryState.BlockTree;
import jewel.persistence.RegistryState.IndexEntry;
import jewel.persistence.RegistryState.TreeBlock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one registry event costs as the registry grows: {@code files} files stored with {@code
 * hosting} (one block each), each block held by {@code holders} of {@value #PEERS} peers ({@code
 * holders} = 10 at 100,000 files is a million holdings). {@code committed} applies the commit of
 * one more such file; {@code holdingsReported} applies one part of a holdings report as peers send
 * them (the first {@value #REPORT_PART} blocks of one peer, in id order, one of them gone). Both
 * start from the same state every time (states are immutable), so each operation is one event.
 *
 * <p>The state is built through the record's constructor, not by applying events, so that setting
 * up a large registry costs the same whatever an event costs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
@Threads(1)
public class RegistryStateBenchmark {

  static final int PEERS = 20;
  static final int REPORT_PART = 1000;

  @Param({"1000", "10000", "100000"})
  public int files;

  @Param({"1", "10"})
  public int holders;

  private RegistryState state;
  private FileEntry newFile;
  private PeerId reporter;
  private BlockId upTo;
  private List<BlockId> report;

  @Setup(Level.Trial)
  public void setUp() {
    Map<String, IndexEntry> index = new HashMap<>();
    Map<String, BlockTree> trees = new HashMap<>();
    Map<String, List<String>> catalog = new HashMap<>();
    Map<String, List<PeerId>> book = new HashMap<>();
    Map<String, Map<String, Long>> heldAsOf = new HashMap<>();
    SchemeSpec hosting = SchemeSpec.parse("hosting");
    reporter = peer(0);
    TreeSet<BlockId> reporterHolds = new TreeSet<>();
    for (int i = 0; i < files; i++) {
      String name = "file-" + i;
      BlockId block = block(name);
      String tree = block.hex() + ":bench";
      index.put(name, new IndexEntry(100, block, hosting, 1_700_000_000_000L, tree, null));
      trees.put(
          tree,
          new BlockTree(
              block, BlockLayout.whole(), List.of(new TreeBlock(0, block, 100)), List.of(name)));
      catalog.put(block.hex(), List.of(tree));
      List<PeerId> on = new ArrayList<>();
      Map<String, Long> asOf = new HashMap<>();
      for (int h = 0; h < holders; h++) {
        PeerId p = peer((i + h) % PEERS);
        on.add(p);
        asOf.put(p.name(), (long) i + 1);
        if (p.equals(reporter)) {
          reporterHolds.add(block);
        }
      }
      on.sort(null);
      book.put(block.hex(), List.copyOf(on));
      heldAsOf.put(block.hex(), asOf);
    }
    state =
        new RegistryState(
            index, trees, catalog, book, null, Map.of(), Map.of(), null, Map.of(), Map.of(),
            Map.of(), heldAsOf, Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), null);
    BlockId fresh = block("a new file");
    newFile =
        new FileEntry(
            new FileName("a new file"),
            100,
            fresh,
            hosting,
            BlockLayout.whole(),
            List.of(new StoredBlock(0, fresh, 100, List.of(peer(1)))),
            1_700_000_000_000L);
    List<BlockId> part =
        new ArrayList<>(reporterHolds).subList(0, Math.min(REPORT_PART, reporterHolds.size()));
    upTo = part.size() < reporterHolds.size() ? part.get(part.size() - 1) : null;
    report = List.copyOf(part.subList(1, part.size())); // the first block of the part is gone
  }

  @Benchmark
  public RegistryState committed() {
    return state.committed(newFile, files + 1L);
  }

  @Benchmark
  public RegistryState holdingsReported() {
    return state.holdingsReported(reporter, null, upTo, report, files + 1L);
  }

  private static PeerId peer(int i) {
    return new PeerId("peer-" + i);
  }

  private static BlockId block(String content) {
    return BlockId.of(Digests.sha256().digest(content.getBytes(StandardCharsets.UTF_8)));
  }
}
