package jewel.codec;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jewel.api.Digests;

/** Shared helpers: the compatibility vectors, their data generator, random shards. */
final class TestSupport {

  /**
   * Backblaze compatibility vectors, a test resource of this module (see rs-vectors.md beside it).
   */
  static final String VECTORS = "/rs-vectors.jsonl";

  private TestSupport() {}

  /** One line of rs-vectors.jsonl. */
  @SuppressWarnings("ArrayRecordComponent") // read-only test data, compared element by element
  record Vector(int k, int m, int size, long seed, byte[][] shards) {
    @Override
    public String toString() {
      return "k=" + k + " m=" + m + " size=" + size + " seed=" + seed;
    }
  }

  private static final Pattern INT_FIELD =
      Pattern.compile("\"(dataShards|parityShards|shardSize|seed)\"\\s*:\\s*(\\d+)");
  private static final Pattern SHARDS = Pattern.compile("\"shards\"\\s*:\\s*\\[([^\\]]*)\\]");

  private static List<String> vectorLines() throws IOException {
    try (var in = TestSupport.class.getResourceAsStream(VECTORS)) {
      if (in == null) {
        return fail("test resource " + VECTORS + " is missing from the class path");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
          .lines()
          .toList();
    }
  }

  static List<Vector> vectors() throws IOException {
    List<Vector> out = new ArrayList<>();
    for (String line : vectorLines()) {
      if (line.isBlank()) {
        continue;
      }
      long k = -1, m = -1, size = -1, seed = -1;
      Matcher f = INT_FIELD.matcher(line);
      while (f.find()) {
        long v = Long.parseLong(f.group(2));
        switch (f.group(1)) {
          case "dataShards" -> k = v;
          case "parityShards" -> m = v;
          case "shardSize" -> size = v;
          default -> seed = v;
        }
      }
      Matcher s = SHARDS.matcher(line);
      if (k < 0 || m < 0 || size < 0 || seed < 0 || !s.find()) {
        fail("unreadable vector line: " + line.substring(0, Math.min(80, line.length())));
      }
      List<byte[]> shards = new ArrayList<>();
      for (String hex : s.group(1).split(",", -1)) {
        shards.add(HexFormat.of().parseHex(hex.trim().replace("\"", "")));
      }
      out.add(new Vector((int) k, (int) m, (int) size, seed, shards.toArray(new byte[0][])));
    }
    return out;
  }

  /** The README's generator: SHA-256(seed ‖ j) for j = 0, 1, …, both unsigned 64-bit big-endian. */
  static byte[] stream(long seed, int length) {
    MessageDigest sha = Digests.sha256();
    byte[] out = new byte[length];
    ByteBuffer msg = ByteBuffer.allocate(16);
    for (long j = 0, at = 0; at < length; j++, at += 32) {
      msg.clear();
      msg.putLong(seed).putLong(j);
      byte[] d = sha.digest(msg.array());
      System.arraycopy(d, 0, out, (int) at, (int) Math.min(32, length - at));
    }
    return out;
  }

  static byte[][] randomShards(Random r, int count, int size) {
    byte[][] s = new byte[count][size];
    for (byte[] b : s) {
      r.nextBytes(b);
    }
    return s;
  }

  static byte[][] deepCopy(byte[][] shards) {
    byte[][] c = new byte[shards.length][];
    for (int i = 0; i < shards.length; i++) {
      c[i] = shards[i] == null ? null : shards[i].clone();
    }
    return c;
  }

  /**
   * All m-subsets of {0..n-1} if there are at most {@code limit}, else {@code limit} random
   * distinct ones.
   */
  static List<int[]> erasurePatterns(int n, int m, int limit, Random random) {
    List<int[]> all = new ArrayList<>();
    if (binomialAtMost(n, m, limit)) {
      int[] c = new int[m];
      for (int i = 0; i < m; i++) {
        c[i] = i;
      }
      while (true) {
        all.add(c.clone());
        int i = m - 1;
        while (i >= 0 && c[i] == n - m + i) {
          i--;
        }
        if (i < 0) {
          return all;
        }
        c[i]++;
        for (int j = i + 1; j < m; j++) {
          c[j] = c[j - 1] + 1;
        }
      }
    }
    java.util.Set<java.util.BitSet> seen = new java.util.HashSet<>();
    while (all.size() < limit) {
      java.util.BitSet b = new java.util.BitSet(n);
      while (b.cardinality() < m) {
        b.set(random.nextInt(n));
      }
      if (seen.add(b)) {
        all.add(b.stream().toArray());
      }
    }
    return all;
  }

  private static boolean binomialAtMost(int n, int m, int limit) {
    long c = 1;
    for (int i = 0; i < m; i++) {
      c = c * (n - i) / (i + 1);
      if (c > limit) {
        return false;
      }
    }
    return true;
  }

  /**
   * The codecs every compatibility check runs: own scalar, own vector kernel of every width this
   * JVM has vectors for (none without the module), Backblaze.
   */
  static List<ErasureCodec> allCodecs(int k, int m) {
    List<ErasureCodec> list = new ArrayList<>();
    list.add(ReedSolomonCodec.scalar(k, m));
    if (ReedSolomonCodec.vectorAvailable()) {
      for (int bits : GfKernels.vectorWidths()) {
        list.add(new ReedSolomonCodec(k, m, GfKernels.vector(bits)));
      }
    }
    list.add(new BackblazeCodec(k, m));
    return list;
  }
}
