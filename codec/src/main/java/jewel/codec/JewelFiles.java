package jewel.codec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import jewel.api.Digests;

/**
 * The stand-alone split/join tool logic (in the spirit of zfec), on local files.
 *
 * <h2>Jewel files ({@link #split} / {@link #join})</h2>
 *
 * {@code split} writes n files named {@code <basename>.<i>.jewel} into the output directory, where
 * {@code <basename>} is the input's file name and {@code <i>} is the jewel index, zero-padded to
 * the width of {@code n − 1} (so {@code photo.jpg.03.jewel} for n = 14). Each file is a 60-byte
 * header followed by the jewel's bytes as laid out by {@link SegmentLayout}. Header, big-endian:
 *
 * <pre>
 *  offset size field
 *       0    4 magic "JEWL"
 *       4    2 format version (1: Backblaze-compatible Reed-Solomon, GF(2^8)/0x11D)
 *       6    2 k
 *       8    2 n
 *      10    2 index of this jewel, 0 ≤ index &lt; n
 *      12    4 chunk size
 *      16    8 true length of the file
 *      24   32 SHA-256 of the whole file
 *      56    4 CRC-32 of bytes 0..55
 * </pre>
 *
 * Both directions stream one segment at a time, so memory is bounded by a segment ({@code k ×
 * chunkSize}) plus its n chunks: files larger than the heap work. The input is read once; the
 * headers are completed at the end. Output goes to temporary files ({@code .tmp} suffix) that are
 * renamed into place on success and deleted on failure. {@code split} replaces existing jewel files
 * of the same names; {@code join} refuses to overwrite an existing output file. {@code join} needs
 * nothing but any k of the files: it checks the set (same k, n, chunk size, length and hash; no
 * duplicate indexes; at least k), prefers data jewels (no decoding when jewels 0..k−1 are all
 * there) and verifies the SHA-256 of the result.
 *
 * <h2>Raw mode ({@link #splitRaw} / {@link #joinRaw})</h2>
 *
 * The whole file is one segment: shard size {@code s = ceil(length / k)}, data shard i is the
 * file's bytes {@code [i·s, (i+1)·s)} zero-padded, parity follows; files are {@code
 * DIR/<basename>.<i>} for i = 0..n−1 with no header, byte-identical to what Backblaze's {@code
 * encodeParity} gives for those shards. Joining needs k, n and the true length from the caller and
 * takes each file's index from its name's suffix. There is no hash, so corruption is not detected.
 * Raw mode holds one whole shard set (about {@code n × s} bytes) in memory, so it is for files well
 * below the heap size, and s must fit a Java array.
 *
 * <p>Errors: a refused input (bad or mixed set, corruption, too few files, existing output) throws
 * {@link JewelFileException} with a one-line message; impossible parameters (k &lt; 1, n &lt; k, n
 * &gt; 256, chunk size &lt; 1, unknown codec) throw {@link IllegalArgumentException}; a failing
 * disk throws other {@link IOException}s.
 */
public final class JewelFiles {

  private static final byte[] MAGIC = {'J', 'E', 'W', 'L'};
  public static final int FORMAT_VERSION = 1;
  public static final int HEADER_SIZE = 60;
  public static final String SUFFIX = ".jewel";
  public static final int DEFAULT_CHUNK_SIZE = 64 * 1024;

  private JewelFiles() {}

  /** A jewel file's header. */
  public record Header(
      int version, int k, int n, int index, int chunkSize, long length, String sha256) {

    /** The layout of the file these jewels encode. */
    public SegmentLayout layout() {
      return new SegmentLayout(k, n, chunkSize, length);
    }

    /** Whether two headers belong to the same split (everything but the index agrees). */
    public boolean sameSplitAs(Header o) {
      return version == o.version
          && k == o.k
          && n == o.n
          && chunkSize == o.chunkSize
          && length == o.length
          && sha256.equals(o.sha256);
    }

    String describe() {
      return "k="
          + k
          + ", n="
          + n
          + ", chunk "
          + chunkSize
          + ", length "
          + length
          + ", sha256 "
          + sha256.substring(0, 12)
          + "…";
    }
  }

  // ---------------------------------------------------------------- split / join

  /** {@link #split(Path, int, int, Path, int, String)} with 64 KiB chunks and the default codec. */
  public static List<Path> split(Path file, int k, int n, Path outDir) throws IOException {
    return split(file, k, n, outDir, DEFAULT_CHUNK_SIZE, Codecs.DEFAULT);
  }

  /**
   * Splits {@code file} into n jewel files in {@code outDir} (created if missing), any k of which
   * rebuild it.
   *
   * @return the jewel files, in index order
   */
  public static List<Path> split(
      Path file, int k, int n, Path outDir, int chunkSize, String codecName) throws IOException {
    checkKn(k, n);
    ErasureCodec codec = Codecs.reedSolomon(codecName, k, n - k);
    if (!Files.isRegularFile(file)) {
      throw new JewelFileException("cannot split " + file + ": not a regular file");
    }
    SegmentLayout layout = new SegmentLayout(k, n, chunkSize, Files.size(file));
    SegmentEncoder encoder = new SegmentEncoder(layout, codec);
    Files.createDirectories(outDir);
    String base = file.getFileName().toString();
    List<Path> targets = new ArrayList<>(n);
    List<Path> temps = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Path target = outDir.resolve(base + "." + padIndex(i, n) + SUFFIX);
      targets.add(target);
      temps.add(target.resolveSibling(target.getFileName() + ".tmp"));
    }
    FileChannel[] outs = new FileChannel[n];
    boolean done = false;
    try {
      for (int i = 0; i < n; i++) {
        outs[i] =
            FileChannel.open(
                temps.get(i),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        outs[i].position(HEADER_SIZE);
      }
      MessageDigest sha = Digests.sha256();
      byte[] segment =
          new byte[(int) Math.min(layout.segmentSize(), Math.max(layout.trueLength(), 0))];
      try (InputStream in = Files.newInputStream(file)) {
        for (long s = 0, count = layout.segmentCount(); s < count; s++) {
          int len = layout.segmentLength(s);
          if (in.readNBytes(segment, 0, len) != len) {
            throw new JewelFileException(file + " shrank while it was being split");
          }
          sha.update(segment, 0, len);
          byte[][] chunks = encoder.encode(segment, 0, len);
          for (int i = 0; i < n; i++) {
            writeFully(outs[i], ByteBuffer.wrap(chunks[i]));
          }
        }
        if (in.read() != -1) {
          throw new JewelFileException(file + " grew while it was being split");
        }
      }
      String hash = HexFormat.of().formatHex(sha.digest());
      for (int i = 0; i < n; i++) {
        Header h = new Header(FORMAT_VERSION, k, n, i, chunkSize, layout.trueLength(), hash);
        writeFully(outs[i], encodeHeader(h), 0);
        outs[i].close();
      }
      for (int i = 0; i < n; i++) {
        Files.move(
            temps.get(i),
            targets.get(i),
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      }
      done = true;
      return List.copyOf(targets);
    } finally {
      if (!done) {
        closeQuietly(outs);
        for (Path t : temps) {
          Files.deleteIfExists(t);
        }
      }
    }
  }

  /** Reads and checks a jewel file's header (magic, version, CRC, field ranges, file size). */
  public static Header readHeader(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return readHeader(file, ch);
    }
  }

  /**
   * Rebuilds the original file into {@code out} from any k jewel files of one split.
   *
   * @throws JewelFileException for a mixed set, duplicate indexes, too few files, a damaged file,
   *     an existing {@code out}, or a result whose SHA-256 differs
   */
  public static void join(List<Path> files, Path out) throws IOException {
    if (files.isEmpty()) {
      throw new JewelFileException("no jewel files given to join");
    }
    Header first = null;
    Path firstFile = null;
    TreeMap<Integer, Path> byIndex = new TreeMap<>();
    for (Path f : files) {
      Header h = readHeader(f);
      if (first == null) {
        first = h;
        firstFile = f;
      } else if (!h.sameSplitAs(first)) {
        throw new JewelFileException(
            "jewel files from different splits: "
                + firstFile
                + " has "
                + first.describe()
                + " but "
                + f
                + " has "
                + h.describe());
      }
      Path previous = byIndex.putIfAbsent(h.index(), f);
      if (previous != null) {
        throw new JewelFileException(
            "duplicate jewel index " + h.index() + ": " + previous + " and " + f);
      }
    }
    Header h = first;
    if (byIndex.size() < h.k()) {
      throw new JewelFileException(
          "need any "
              + h.k()
              + " of the "
              + h.n()
              + " jewel files, got "
              + byIndex.size()
              + " (indexes "
              + byIndex.keySet()
              + ")");
    }
    refuseExisting(out);
    SegmentLayout layout = h.layout();
    SegmentDecoder decoder = new SegmentDecoder(Codecs.reedSolomon(h.k(), h.n() - h.k()));
    List<Map.Entry<Integer, Path>> chosen = new ArrayList<>(byIndex.entrySet()).subList(0, h.k());
    Path temp = tempFor(out);
    FileChannel[] ins = new FileChannel[h.k()];
    boolean done = false;
    try (FileChannel o =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      for (int j = 0; j < ins.length; j++) {
        ins[j] = FileChannel.open(chosen.get(j).getValue(), StandardOpenOption.READ);
        ins[j].position(HEADER_SIZE);
      }
      MessageDigest sha = Digests.sha256();
      byte[][] chunks = new byte[h.n()][];
      for (long s = 0, count = layout.segmentCount(); s < count; s++) {
        int c = layout.chunkLength(s);
        for (int j = 0; j < ins.length; j++) {
          byte[] chunk = new byte[c];
          readFully(ins[j], chunk, chosen.get(j).getValue());
          chunks[chosen.get(j).getKey()] = chunk;
        }
        byte[] segment = decoder.decode(layout, s, chunks);
        sha.update(segment);
        writeFully(o, ByteBuffer.wrap(segment));
      }
      String hash = HexFormat.of().formatHex(sha.digest());
      if (!hash.equals(h.sha256())) {
        throw new JewelFileException(
            "the rebuilt file's SHA-256 is "
                + hash
                + " but the jewels record "
                + h.sha256()
                + ": one of the jewel files used (indexes "
                + chosen.stream().map(Map.Entry::getKey).toList()
                + ") is corrupted; try another set of "
                + h.k());
      }
      o.force(false);
      done = true;
    } finally {
      closeQuietly(ins);
      if (!done) {
        Files.deleteIfExists(temp);
      }
    }
    moveNew(temp, out);
  }

  // ---------------------------------------------------------------- raw mode

  /** {@link #splitRaw(Path, int, int, Path, String)} with the default codec. */
  public static List<Path> splitRaw(Path file, int k, int n, Path outDir) throws IOException {
    return splitRaw(file, k, n, outDir, Codecs.DEFAULT);
  }

  /**
   * Raw split: the file is one segment; writes {@code outDir/<basename>.<i>} for i = 0..n−1 (data
   * shards, then parity), no headers. Holds all n shards in memory.
   *
   * @return the shard files, in index order
   */
  public static List<Path> splitRaw(Path file, int k, int n, Path outDir, String codecName)
      throws IOException {
    checkKn(k, n);
    ErasureCodec codec = Codecs.reedSolomon(codecName, k, n - k);
    if (!Files.isRegularFile(file)) {
      throw new JewelFileException("cannot split " + file + ": not a regular file");
    }
    long length = Files.size(file);
    int s = rawShardSize(length, k);
    byte[][] shards = new byte[n][s];
    try (InputStream in = Files.newInputStream(file)) {
      long left = length;
      for (int i = 0; i < k && left > 0; i++) {
        int want = (int) Math.min(s, left);
        if (in.readNBytes(shards[i], 0, want) != want) {
          throw new JewelFileException(file + " shrank while it was being split");
        }
        left -= want;
      }
      if (in.read() != -1) {
        throw new JewelFileException(file + " grew while it was being split");
      }
    }
    codec.encodeParity(shards, 0, s);
    Files.createDirectories(outDir);
    String base = file.getFileName().toString();
    List<Path> written = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Path target = outDir.resolve(base + "." + i);
      Path temp = target.resolveSibling(target.getFileName() + ".tmp");
      Files.write(temp, shards[i]);
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      written.add(target);
    }
    return List.copyOf(written);
  }

  /**
   * Raw join: rebuilds a file of {@code length} bytes from any k of the n raw shard files; each
   * file's index is the number after the last '.' of its name. Holds k shards in memory.
   */
  public static void joinRaw(int k, int n, long length, List<Path> files, Path out)
      throws IOException {
    checkKn(k, n);
    if (length < 0) {
      throw new IllegalArgumentException("length must not be negative, got " + length);
    }
    int s = rawShardSize(length, k);
    TreeMap<Integer, Path> byIndex = new TreeMap<>();
    for (Path f : files) {
      int index = rawIndex(f, n);
      Path previous = byIndex.putIfAbsent(index, f);
      if (previous != null) {
        throw new JewelFileException(
            "duplicate shard index " + index + ": " + previous + " and " + f);
      }
      long size = Files.size(f);
      if (size != s) {
        throw new JewelFileException(
            f
                + " has "
                + size
                + " bytes, but the shards of a "
                + length
                + "-byte file split "
                + k
                + " ways have "
                + s);
      }
    }
    if (byIndex.size() < k) {
      throw new JewelFileException(
          "need any "
              + k
              + " of the "
              + n
              + " shard files, got "
              + byIndex.size()
              + " (indexes "
              + byIndex.keySet()
              + ")");
    }
    refuseExisting(out);
    byte[][] shards = new byte[n][];
    boolean[] present = new boolean[n];
    int taken = 0;
    for (Map.Entry<Integer, Path> e : byIndex.entrySet()) {
      if (taken++ == k) {
        break;
      }
      shards[e.getKey()] = Files.readAllBytes(e.getValue());
      present[e.getKey()] = true;
    }
    for (int i = 0; i < n; i++) {
      if (shards[i] == null) {
        shards[i] = new byte[s];
      }
    }
    Codecs.reedSolomon(k, n - k).decodeMissingData(shards, present, 0, s);
    Path temp = tempFor(out);
    boolean done = false;
    try (FileChannel o =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      long left = length;
      for (int i = 0; i < k && left > 0; i++) {
        int len = (int) Math.min(s, left);
        writeFully(o, ByteBuffer.wrap(shards[i], 0, len));
        left -= len;
      }
      o.force(false);
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(temp);
      }
    }
    moveNew(temp, out);
  }

  // ---------------------------------------------------------------- helpers

  private static void checkKn(int k, int n) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    if (n < k) {
      throw new IllegalArgumentException("n must be at least k = " + k + ", got " + n);
    }
    if (n > 256) {
      throw new IllegalArgumentException("n must be at most 256, got " + n);
    }
  }

  private static int rawShardSize(long length, int k) {
    long s = SegmentLayout.ceilDiv(length, k);
    if (s > SegmentLayout.MAX_SEGMENT_BYTES) {
      throw new IllegalArgumentException(
          "raw shards of " + s + " bytes do not fit a Java array; use jewel files");
    }
    return (int) s;
  }

  private static int rawIndex(Path f, int n) throws JewelFileException {
    String name = f.getFileName().toString();
    int dot = name.lastIndexOf('.');
    try {
      int index = Integer.parseInt(name.substring(dot + 1));
      if (dot >= 0 && index >= 0 && index < n) {
        return index;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new JewelFileException(
        "cannot tell the shard index of " + f + ": the name must end in .<i> with 0 ≤ i < " + n);
  }

  static String padIndex(int i, int n) {
    int width = String.valueOf(n - 1).length();
    String s = String.valueOf(i);
    return "0".repeat(width - s.length()) + s;
  }

  static ByteBuffer encodeHeader(Header h) {
    ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.BIG_ENDIAN);
    b.put(MAGIC);
    b.putShort((short) h.version());
    b.putShort((short) h.k());
    b.putShort((short) h.n());
    b.putShort((short) h.index());
    b.putInt(h.chunkSize());
    b.putLong(h.length());
    b.put(HexFormat.of().parseHex(h.sha256()));
    CRC32 crc = new CRC32();
    crc.update(b.array(), 0, HEADER_SIZE - 4);
    b.putInt((int) crc.getValue());
    return b.flip();
  }

  private static Header readHeader(Path file, FileChannel ch) throws IOException {
    long size = ch.size();
    if (size < HEADER_SIZE) {
      throw new JewelFileException(
          file + " is not a jewel file: only " + size + " bytes, shorter than the header");
    }
    ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE);
    while (b.hasRemaining()) {
      if (ch.read(b, b.position()) < 0) {
        throw new JewelFileException(file + " is truncated");
      }
    }
    b.flip();
    byte[] magic = new byte[4];
    b.get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new JewelFileException(file + " is not a jewel file (no JEWL magic)");
    }
    CRC32 crc = new CRC32();
    crc.update(b.array(), 0, HEADER_SIZE - 4);
    if (b.getInt(HEADER_SIZE - 4) != (int) crc.getValue()) {
      throw new JewelFileException("the header of " + file + " is corrupted (CRC mismatch)");
    }
    int version = b.getShort() & 0xFFFF;
    if (version != FORMAT_VERSION) {
      throw new JewelFileException(
          file
              + " has jewel format version "
              + version
              + "; this build reads version "
              + FORMAT_VERSION);
    }
    int k = b.getShort() & 0xFFFF;
    int n = b.getShort() & 0xFFFF;
    int index = b.getShort() & 0xFFFF;
    int chunk = b.getInt();
    long length = b.getLong();
    byte[] sha = new byte[32];
    b.get(sha);
    if (k < 1
        || n < k
        || n > 256
        || index >= n
        || chunk < 1
        || length < 0
        || (long) k * chunk > SegmentLayout.MAX_SEGMENT_BYTES) {
      throw new JewelFileException(
          "the header of "
              + file
              + " has impossible values: k="
              + k
              + ", n="
              + n
              + ", index "
              + index
              + ", chunk "
              + chunk
              + ", length "
              + length);
    }
    Header h = new Header(version, k, n, index, chunk, length, HexFormat.of().formatHex(sha));
    long expected = HEADER_SIZE + h.layout().jewelLength();
    if (size != expected) {
      throw new JewelFileException(
          file
              + " has "
              + size
              + " bytes but should have "
              + expected
              + (size < expected ? " (truncated)" : " (trailing bytes)"));
    }
    return h;
  }

  private static void refuseExisting(Path out) throws JewelFileException {
    if (Files.exists(out)) {
      throw new JewelFileException("refusing to overwrite " + out + ": it already exists");
    }
  }

  private static Path tempFor(Path out) {
    Path abs = out.toAbsolutePath();
    return abs.resolveSibling(abs.getFileName() + ".tmp");
  }

  private static void moveNew(Path temp, Path out) throws IOException {
    try {
      Files.move(temp, out, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
    while (b.hasRemaining()) {
      position += ch.write(b, position);
    }
  }

  private static void readFully(FileChannel ch, byte[] into, Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(into);
    while (b.hasRemaining()) {
      if (ch.read(b) < 0) {
        throw new JewelFileException(file + " is truncated");
      }
    }
  }

  private static void closeQuietly(FileChannel[] channels) {
    for (FileChannel c : channels) {
      if (c != null) {
        try {
          c.close();
        } catch (IOException ignored) {
          // already failing
        }
      }
    }
  }
}
