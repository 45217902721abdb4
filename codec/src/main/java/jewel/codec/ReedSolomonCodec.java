package jewel.codec;

import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Jewel's own Reed-Solomon codec (the default, named {@code jewel} in {@link Codecs}):
 * byte-identical to Backblaze's JavaReedSolomon ({@code ReedSolomon.create(k, m)}) but much faster
 * where the Vector API is available.
 *
 * <p>Math: GF(2^8), polynomial 0x11D; the (k + m) × k Vandermonde matrix V[r][c] = r^c times the
 * inverse of its top k × k block gives a systematic encoding matrix G whose last m rows are the
 * parity rows. Decoding inverts the rows of G of the first k present shards.
 *
 * <p>Kernel: a vector kernel (split-nibble shuffles, see {@code NibbleCoder}) when the JVM was
 * started with {@code --add-modules jdk.incubator.vector}, else the scalar kernel. The vector width
 * is the widest whose byte shuffle is one instruction on this CPU: 512 bits with AVX-512 VBMI,
 * otherwise 128 (AVX2 shuffles bytes only within 128-bit halves). The choice is made once per JVM;
 * {@code -Djewel.codec.kernel=scalar|128|256|512} forces one (see {@code GfKernels}), and {@link
 * #scalar} / {@link #vector} pick one explicitly.
 *
 * <p>Decoding: for every pattern of present shards the codec computes, once, one matrix that maps
 * the k chosen survivors straight to every missing shard (data rows of the inverse; parity rows are
 * G's parity rows times the inverse), so one pass over the survivors rebuilds everything. These
 * plans are cached per pattern (at most {@value #MAX_PLANS}; the cache is cleared when full). When
 * only parity is missing the plan is just those rows of G: a partial re-encode, no inversion.
 *
 * <p>Shards that must be written (parity on encode, missing shards on decode) may be {@code null};
 * they are then allocated with {@code offset + length} bytes and stored into the array. Instances
 * are immutable apart from the plan cache and are safe to share between threads.
 */
public final class ReedSolomonCodec implements ErasureCodec {

  static final int MAX_PLANS = 1024;

  private final int k;
  private final int m;
  private final GfKernel kernel;

  /** G, (k + m) × k. */
  private final byte[][] matrix;

  private final GfKernel.MatrixCoder parityCoder;
  private final ConcurrentHashMap<BitSet, Plan> plans = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, GfKernel.MatrixCoder> rowCoders =
      new ConcurrentHashMap<>();

  /**
   * A codec on the kernel chosen for this JVM.
   *
   * @throws IllegalStateException if {@code -Djewel.codec.kernel} names a kernel that cannot run
   *     here
   */
  public ReedSolomonCodec(int dataShards, int parityShards) {
    this(dataShards, parityShards, GfKernels.preferred());
  }

  ReedSolomonCodec(int dataShards, int parityShards, GfKernel kernel) {
    CodecChecks.checkShape(dataShards, parityShards);
    this.k = dataShards;
    this.m = parityShards;
    this.kernel = kernel;
    this.matrix = GaloisField.encodingMatrix(k, m);
    this.parityCoder =
        kernel.prepare(GaloisField.flatten(Arrays.copyOfRange(matrix, k, k + m), k), m, k);
  }

  /** A codec on the portable scalar kernel. */
  public static ReedSolomonCodec scalar(int dataShards, int parityShards) {
    return new ReedSolomonCodec(dataShards, parityShards, GfKernels.scalar());
  }

  /**
   * A codec on the Vector API kernel of the width chosen for this CPU (whatever the system property
   * says).
   *
   * @throws UnsupportedOperationException if this JVM cannot run it (see {@link #vectorAvailable})
   */
  public static ReedSolomonCodec vector(int dataShards, int parityShards) {
    return new ReedSolomonCodec(dataShards, parityShards, GfKernels.vector());
  }

  /** Whether a Vector API kernel can run on this JVM. */
  public static boolean vectorAvailable() {
    return GfKernels.vectorAvailable();
  }

  /**
   * The kernel this codec runs on: {@code scalar}, {@code vector-128}, {@code vector-256} or {@code
   * vector-512}.
   */
  public String kernel() {
    return kernel.name();
  }

  @Override
  public int dataShards() {
    return k;
  }

  @Override
  public int parityShards() {
    return m;
  }

  @Override
  public void encodeParity(byte[][] shards, int offset, int length) {
    CodecChecks.checkEncode(shards, k, m, offset, length);
    if (m == 0 || length == 0) {
      return;
    }
    parityCoder.code(
        Arrays.copyOf(shards, k), Arrays.copyOfRange(shards, k, k + m), offset, length);
  }

  /** Only rows {@code from..k+m} of G: a coder per first row, made when first asked for. */
  @Override
  public void encodeParityFrom(byte[][] shards, int from, int offset, int length) {
    if (from < k || from > k + m) {
      throw new IllegalArgumentException(
          "the first parity shard to encode must be in " + k + ".." + (k + m) + ", got " + from);
    }
    if (from == k) {
      encodeParity(shards, offset, length);
      return;
    }
    CodecChecks.checkShardArray(shards, k + m);
    CodecChecks.checkRange(offset, length);
    for (int i = 0; i < k; i++) {
      CodecChecks.checkReadable(shards, i, offset, length);
    }
    for (int i = from; i < k + m; i++) {
      CodecChecks.ensureWritable(shards, i, offset, length);
    }
    if (from == k + m || length == 0) {
      return;
    }
    GfKernel.MatrixCoder coder =
        rowCoders.computeIfAbsent(
            from,
            f ->
                kernel.prepare(
                    GaloisField.flatten(Arrays.copyOfRange(matrix, f, k + m), k), k + m - f, k));
    coder.code(Arrays.copyOf(shards, k), Arrays.copyOfRange(shards, from, k + m), offset, length);
  }

  @Override
  public void decodeMissing(byte[][] shards, boolean[] present, int offset, int length) {
    decode(shards, present, offset, length, false);
  }

  @Override
  public void decodeMissingData(byte[][] shards, boolean[] present, int offset, int length) {
    decode(shards, present, offset, length, true);
  }

  private void decode(
      byte[][] shards, boolean[] present, int offset, int length, boolean dataOnly) {
    int total = k + m;
    CodecChecks.checkShardArray(shards, total);
    CodecChecks.checkPresentArray(present, total);
    CodecChecks.checkRange(offset, length);
    int count = CodecChecks.countPresent(present);
    if (count < k) {
      throw CodecChecks.tooFew(k, total, count);
    }
    if (count == total) {
      return;
    }
    BitSet key = new BitSet(total);
    for (int i = 0; i < total; i++) {
      if (present[i]) {
        CodecChecks.checkReadable(shards, i, offset, length);
        key.set(i);
      }
    }
    Plan plan = plans.get(key);
    if (plan == null) {
      if (plans.size() >= MAX_PLANS) {
        plans.clear();
      }
      plan = plans.computeIfAbsent(key, this::plan);
    }
    int[] targets = dataOnly ? plan.missingData : plan.missing;
    GfKernel.MatrixCoder coder = dataOnly ? plan.dataCoder : plan.coder;
    if (targets.length == 0) {
      return;
    }
    for (int t : targets) {
      CodecChecks.ensureWritable(shards, t, offset, length);
    }
    if (length == 0) {
      return;
    }
    byte[][] inputs = new byte[k][];
    for (int i = 0; i < k; i++) {
      inputs[i] = shards[plan.survivors[i]];
    }
    byte[][] outputs = new byte[targets.length][];
    for (int i = 0; i < targets.length; i++) {
      outputs[i] = shards[targets[i]];
    }
    coder.code(inputs, outputs, offset, length);
  }

  /** Number of cached decode plans (for tests). */
  int cachedPlans() {
    return plans.size();
  }

  private Plan plan(BitSet present) {
    int total = k + m;
    int[] survivors = new int[k];
    for (int i = 0, s = present.nextSetBit(0); i < k; i++, s = present.nextSetBit(s + 1)) {
      survivors[i] = s;
    }
    int[] missing = new int[total - present.cardinality()];
    int missingData = 0;
    for (int i = 0, s = present.nextClearBit(0);
        i < missing.length;
        i++, s = present.nextClearBit(s + 1)) {
      missing[i] = s;
      if (s < k) {
        missingData++;
      }
    }
    // The decode matrix maps the survivors back to the data shards: the inverse of their rows of G.
    // When the survivors are exactly the data shards (only parity is missing) it is the identity.
    byte[][] decode;
    if (survivors[k - 1] == k - 1) {
      decode = null;
    } else {
      byte[][] sub = new byte[k][];
      for (int i = 0; i < k; i++) {
        sub[i] = matrix[survivors[i]];
      }
      decode = GaloisField.invert(sub);
    }
    byte[][] rows = new byte[missing.length][];
    for (int i = 0; i < missing.length; i++) {
      int target = missing[i];
      if (target < k) {
        rows[i] = decode[target]; // decode is non-null: a data shard is missing
      } else if (decode == null) {
        rows[i] = matrix[target];
      } else {
        rows[i] = GaloisField.multiply(new byte[][] {matrix[target]}, decode)[0];
      }
    }
    // Missing shards are listed in index order, so the missing data shards come first.
    GfKernel.MatrixCoder all = kernel.prepare(GaloisField.flatten(rows, k), rows.length, k);
    GfKernel.MatrixCoder data =
        missingData == missing.length
            ? all
            : kernel.prepare(
                GaloisField.flatten(Arrays.copyOf(rows, missingData), k), missingData, k);
    return new Plan(survivors, missing, Arrays.copyOf(missing, missingData), all, data);
  }

  private static final class Plan {
    final int[] survivors;
    final int[] missing;
    final int[] missingData;
    final GfKernel.MatrixCoder coder;
    final GfKernel.MatrixCoder dataCoder;

    Plan(
        int[] survivors,
        int[] missing,
        int[] missingData,
        GfKernel.MatrixCoder coder,
        GfKernel.MatrixCoder dataCoder) {
      this.survivors = survivors;
      this.missing = missing;
      this.missingData = missingData;
      this.coder = coder;
      this.dataCoder = dataCoder;
    }
  }

  @Override
  public String toString() {
    return "ReedSolomonCodec[k=" + k + ", m=" + m + ", kernel=" + kernel.name() + "]";
  }
}
