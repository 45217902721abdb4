package jewel.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import jewel.api.Digests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JewelFilesTest {

  @TempDir Path dir;

  private Path file(String name, int length, long seed) throws IOException {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    Path p = dir.resolve(name);
    Files.write(p, b);
    return p;
  }

  private static List<Path> pick(List<Path> all, int... indexes) {
    List<Path> out = new ArrayList<>();
    for (int i : indexes) {
      out.add(all.get(i));
    }
    return out;
  }

  @Test
  void splitAndJoinRoundTripFromAnyK() throws IOException {
    Random random = new Random(51);
    int[] lengths = {0, 1, 99, 4 * 100 - 1, 4 * 100, 4 * 100 + 1, 10_000};
    for (int length : lengths) {
      Path f = file("data-" + length + ".bin", length, length);
      Path out = dir.resolve("jewels-" + length);
      List<Path> jewels =
          JewelFiles.split(f, 4, 7, out, 100, random.nextBoolean() ? "jewel" : "backblaze");
      assertEquals(7, jewels.size());
      assertEquals("data-" + length + ".bin.0.jewel", jewels.get(0).getFileName().toString());
      SegmentLayout layout = new SegmentLayout(4, 7, 100, length);
      for (int i = 0; i < 7; i++) {
        assertEquals(JewelFiles.HEADER_SIZE + layout.jewelLength(), Files.size(jewels.get(i)));
        JewelFiles.Header h = JewelFiles.readHeader(jewels.get(i));
        assertEquals(i, h.index());
        assertEquals(length, h.length());
      }
      for (int[] subset : TestSupport.erasurePatterns(7, 4, 8, random)) {
        Path joined = dir.resolve("joined-" + length + "-" + Arrays.toString(subset));
        List<Path> chosen = new ArrayList<>(pick(jewels, subset));
        java.util.Collections.shuffle(chosen, random);
        JewelFiles.join(chosen, joined);
        assertArrayEquals(
            Files.readAllBytes(f), Files.readAllBytes(joined), "subset " + Arrays.toString(subset));
      }
      // more than k files are fine too
      Path all = dir.resolve("all-" + length);
      JewelFiles.join(jewels, all);
      assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(all));
    }
  }

  @Test
  void theHeaderIsAsDocumented() throws IOException {
    Path f = dir.resolve("hello.txt");
    Files.writeString(f, "hello, jewels");
    List<Path> jewels = JewelFiles.split(f, 2, 3, dir.resolve("out"), 64, "jewel");
    byte[] raw = Files.readAllBytes(jewels.get(2));
    assertEquals("JEWL", new String(raw, 0, 4, StandardCharsets.US_ASCII));
    JewelFiles.Header h = JewelFiles.readHeader(jewels.get(2));
    assertEquals(
        new JewelFiles.Header(
            1,
            2,
            3,
            2,
            64,
            13,
            HexFormat.of().formatHex(Digests.sha256().digest(Files.readAllBytes(f)))),
        h);
    assertEquals(JewelFiles.HEADER_SIZE + 7, raw.length);
  }

  @Test
  void indexesArePaddedForSorting() throws IOException {
    Path f = file("x", 50, 1);
    List<Path> jewels = JewelFiles.split(f, 10, 14, dir.resolve("o"), 8, "jewel");
    assertEquals("x.00.jewel", jewels.get(0).getFileName().toString());
    assertEquals("x.13.jewel", jewels.get(13).getFileName().toString());
  }

  @Test
  void refusals() throws IOException {
    Path f = file("a.bin", 5000, 1);
    Path g = file("b.bin", 5000, 2);
    List<Path> ja = JewelFiles.split(f, 3, 5, dir.resolve("a"), 256, "jewel");
    List<Path> jb = JewelFiles.split(g, 3, 5, dir.resolve("b"), 256, "jewel");

    JewelFileException mixed =
        assertThrows(
            JewelFileException.class,
            () -> JewelFiles.join(List.of(ja.get(0), ja.get(1), jb.get(2)), dir.resolve("m")));
    assertTrue(
        mixed.getMessage().startsWith("jewel files from different splits"), mixed.getMessage());

    JewelFileException dup =
        assertThrows(
            JewelFileException.class,
            () -> JewelFiles.join(List.of(ja.get(0), ja.get(1), ja.get(1)), dir.resolve("d")));
    assertTrue(dup.getMessage().startsWith("duplicate jewel index 1"), dup.getMessage());

    JewelFileException few =
        assertThrows(
            JewelFileException.class,
            () -> JewelFiles.join(List.of(ja.get(0), ja.get(4)), dir.resolve("f")));
    assertEquals("need any 3 of the 5 jewel files, got 2 (indexes [0, 4])", few.getMessage());

    assertThrows(JewelFileException.class, () -> JewelFiles.join(List.of(), dir.resolve("e")));

    JewelFileException notJewel =
        assertThrows(
            JewelFileException.class,
            () -> JewelFiles.join(List.of(f, ja.get(0), ja.get(1)), dir.resolve("n")));
    assertTrue(notJewel.getMessage().contains("not a jewel file"), notJewel.getMessage());

    Path existing = file("exists", 3, 3);
    JewelFileException exists =
        assertThrows(JewelFileException.class, () -> JewelFiles.join(ja, existing));
    assertTrue(exists.getMessage().startsWith("refusing to overwrite"), exists.getMessage());
    assertEquals(3, Files.size(existing));

    assertThrows(
        IllegalArgumentException.class,
        () -> JewelFiles.split(f, 3, 2, dir.resolve("z"), 256, "jewel"));
    assertThrows(
        IllegalArgumentException.class,
        () -> JewelFiles.split(f, 3, 5, dir.resolve("z"), 256, "zfec"));
    assertThrows(
        IllegalArgumentException.class,
        () -> JewelFiles.split(f, 3, 5, dir.resolve("z"), 0, "jewel"));
  }

  @Test
  void corruptedJewelBytesFailTheHashCheck() throws IOException {
    Path f = file("c.bin", 3000, 4);
    List<Path> jewels = JewelFiles.split(f, 3, 5, dir.resolve("c"), 256, "jewel");
    flipByte(jewels.get(1), JewelFiles.HEADER_SIZE + 500);
    Path out = dir.resolve("c.out");
    JewelFileException e =
        assertThrows(
            JewelFileException.class,
            () -> JewelFiles.join(List.of(jewels.get(0), jewels.get(1), jewels.get(2)), out));
    assertTrue(e.getMessage().startsWith("the rebuilt file's SHA-256 is "), e.getMessage());
    assertTrue(e.getMessage().contains("indexes [0, 1, 2]"), e.getMessage());
    assertFalse(Files.exists(out));
    assertFalse(Files.exists(dir.resolve("c.out.tmp")));
    // a set without the damaged jewel still works
    JewelFiles.join(List.of(jewels.get(0), jewels.get(2), jewels.get(4)), out);
    assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(out));
  }

  @Test
  void corruptedOrTruncatedHeadersAreNamed() throws IOException {
    Path f = file("h.bin", 3000, 5);
    List<Path> jewels = JewelFiles.split(f, 3, 5, dir.resolve("h"), 256, "jewel");
    flipByte(jewels.get(0), 7);
    JewelFileException crc =
        assertThrows(JewelFileException.class, () -> JewelFiles.readHeader(jewels.get(0)));
    assertTrue(crc.getMessage().contains("is corrupted (CRC mismatch)"), crc.getMessage());
    try (FileChannel ch = FileChannel.open(jewels.get(1), StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 1);
    }
    JewelFileException cut =
        assertThrows(JewelFileException.class, () -> JewelFiles.readHeader(jewels.get(1)));
    assertTrue(cut.getMessage().endsWith("(truncated)"), cut.getMessage());
  }

  @Test
  void rawSplitMatchesBackblazeAndJoinsFromAnyK() throws IOException {
    Random random = new Random(61);
    for (int length : new int[] {0, 1, 17, 1000, 4097}) {
      Path f = file("raw-" + length, length, length + 7);
      Path out = dir.resolve("raw-out-" + length);
      List<Path> shards = JewelFiles.splitRaw(f, 5, 8, out);
      assertEquals(8, shards.size());
      assertEquals("raw-" + length + ".7", shards.get(7).getFileName().toString());
      // what Backblaze gives for the same data shards
      int s = (length + 4) / 5;
      byte[] data = Files.readAllBytes(f);
      byte[][] expected = new byte[8][s];
      for (int i = 0; i < 5; i++) {
        int from = Math.min(length, i * s);
        System.arraycopy(data, from, expected[i], 0, Math.min(s, length - from));
      }
      if (s > 0) {
        com.backblaze.erasure.ReedSolomon.create(5, 3).encodeParity(expected, 0, s);
      }
      for (int i = 0; i < 8; i++) {
        assertArrayEquals(
            expected[i], Files.readAllBytes(shards.get(i)), "length " + length + " shard " + i);
      }
      for (int[] subset : TestSupport.erasurePatterns(8, 5, 6, random)) {
        Path joined = dir.resolve("raw-joined-" + length + "-" + Arrays.toString(subset));
        JewelFiles.joinRaw(5, 8, length, pick(shards, subset), joined);
        assertArrayEquals(data, Files.readAllBytes(joined));
      }
    }
  }

  @Test
  void rawRefusals() throws IOException {
    Path f = file("r", 100, 9);
    List<Path> shards = JewelFiles.splitRaw(f, 3, 5, dir.resolve("rdir"));
    JewelFileException few =
        assertThrows(
            JewelFileException.class,
            () -> JewelFiles.joinRaw(3, 5, 100, shards.subList(0, 2), dir.resolve("r1")));
    assertTrue(few.getMessage().startsWith("need any 3 of the 5 shard files"), few.getMessage());
    JewelFileException size =
        assertThrows(
            JewelFileException.class,
            () -> JewelFiles.joinRaw(3, 5, 110, shards, dir.resolve("r2")));
    assertTrue(size.getMessage().contains("have 37"), size.getMessage());
    Path odd = Files.copy(shards.get(0), dir.resolve("r.x"));
    JewelFileException name =
        assertThrows(
            JewelFileException.class,
            () ->
                JewelFiles.joinRaw(
                    3, 5, 100, List.of(odd, shards.get(1), shards.get(2)), dir.resolve("r3")));
    assertTrue(name.getMessage().startsWith("cannot tell the shard index"), name.getMessage());
    Path dupe = Files.copy(shards.get(1), dir.resolve("copy.1"));
    JewelFileException dup =
        assertThrows(
            JewelFileException.class,
            () ->
                JewelFiles.joinRaw(
                    3, 5, 100, List.of(shards.get(1), dupe, shards.get(2)), dir.resolve("r4")));
    assertTrue(dup.getMessage().startsWith("duplicate shard index 1"), dup.getMessage());
  }

  /**
   * Files larger than the heap: split and join a 48 MiB file in a child JVM limited to 16 MiB of
   * heap.
   */
  @Test
  void streamsInBoundedMemory() throws Exception {
    Path big = dir.resolve("big.bin");
    byte[] block = new byte[1 << 20];
    Random random = new Random(71);
    try (OutputStream o = Files.newOutputStream(big)) {
      for (int i = 0; i < 48; i++) {
        random.nextBytes(block);
        o.write(block);
      }
    }
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx16m",
            "--add-modules",
            "jdk.incubator.vector",
            "-cp",
            System.getProperty("java.class.path"),
            JewelFilesProbe.class.getName(),
            big.toString(),
            dir.resolve("big-jewels").toString(),
            dir.resolve("big.out").toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child did not finish");
    assertEquals(0, p.exitValue(), out);
    assertEquals(-1L, Files.mismatch(big, dir.resolve("big.out")));
  }

  private static void flipByte(Path p, long position) throws IOException {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
      ch.read(b, position);
      b.put(0, (byte) ~b.get(0));
      b.rewind();
      ch.write(b, position);
    }
  }
}
