package jewel.benchmarks;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import jewel.codec.Codecs;
import jewel.codec.ErasureCodec;
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
 * Reed-Solomon k = 10, n = 14 over 1 MiB shards, one thread: the own codec ({@code jewel}) against
 * Backblaze's ({@code backblaze}). {@code encode} computes the 4 parity shards; {@code decode2}
 * rebuilds 2 missing data shards (0 and 5) from the 12 others. Input bytes per operation are k × 1
 * MiB = 10 MiB, so MB/s = ops/s × 10 × 1.048576. The own codec's kernel is the one {@code
 * -Djewel.codec.kernel} picks ({@code auto} by default); pass it with {@code -jvmArgsAppend}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx1g"})
@Threads(1)
public class ReedSolomonBenchmark {

  static final int K = 10;
  static final int N = 14;
  static final int SHARD = 1 << 20;

  @Param({"jewel", "backblaze"})
  public String codec;

  private ErasureCodec rs;
  private byte[][] shards;
  private boolean[] present;

  @Setup(Level.Trial)
  public void setUp() {
    rs = Codecs.reedSolomon(codec, K, N - K);
    // names the kernel in the run's log, so a forced -Djewel.codec.kernel can be checked there
    System.out.println("codec: " + rs);
    shards = new byte[N][SHARD];
    Random random = new Random(42);
    for (int i = 0; i < K; i++) {
      random.nextBytes(shards[i]);
    }
    rs.encodeParity(shards, 0, SHARD);
    present = new boolean[N];
    java.util.Arrays.fill(present, true);
    present[0] = false;
    present[5] = false;
  }

  @Benchmark
  public byte[][] encode() {
    rs.encodeParity(shards, 0, SHARD);
    return shards;
  }

  @Benchmark
  public byte[][] decode2() {
    rs.decodeMissing(shards, present, 0, SHARD);
    return shards;
  }
}
