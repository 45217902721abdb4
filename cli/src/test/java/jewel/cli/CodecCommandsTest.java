package jewel.cli;

import static jewel.cli.JewelCliTest.failsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** split and join: local files only, never a cluster. */
class CodecCommandsTest {
  @TempDir Path dir;
  Fakes.Backend backend;
  Path photo;
  byte[] bytes;

  @BeforeEach
  void setUp() throws IOException {
    backend = new Fakes.Backend();
    bytes = new byte[200_003];
    new Random(5).nextBytes(bytes);
    photo = Files.write(dir.resolve("photo.jpg"), bytes);
  }

  @AfterEach
  void neverAnyCluster() {
    assertEquals(0, backend.connects, "split and join never contact a cluster");
  }

  Fakes.Result run(String... args) {
    return backend.run(dir, args);
  }

  static Fakes.Result ok(Fakes.Result r) {
    assertEquals(0, r.code(), r::toString);
    assertEquals("", r.err(), r::toString);
    return r;
  }

  static void usageError(Fakes.Result r, String expected) {
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains(expected), () -> "expected '" + expected + "' in\n" + r);
  }

  String jewel(int i) {
    return "out/photo.jpg." + i + ".jewel";
  }

  @Test
  void anyKOfTheJewelFilesRebuildTheFile() throws IOException {
    Fakes.Result split =
        ok(run("split", "photo.jpg", "--k", "3", "--n", "5", "-o", "out", "--chunk", "4096"));
    assertTrue(
        split.out().startsWith("split photo.jpg (195.3 KiB) into 5 jewel files, any 3 rebuild it:"),
        split::toString);
    for (int i = 0; i < 5; i++) {
      assertTrue(Files.exists(dir.resolve(jewel(i))), jewel(i));
    }
    int[][] sets = {{0, 1, 2}, {2, 3, 4}, {0, 3, 4}, {1, 4, 2}, {0, 1, 2, 3, 4}};
    for (int[] set : sets) {
      List<String> args = new ArrayList<>(List.of("join"));
      for (int i : set) {
        args.add(jewel(i));
      }
      String out = "back-" + set[0] + set[1] + set.length + ".jpg";
      args.addAll(List.of("-o", out));
      Fakes.Result join = ok(run(args.toArray(String[]::new)));
      assertTrue(
          join.out().contains("-> " + out + " (195.3 KiB, SHA-256 verified)"), join::toString);
      assertArrayEquals(bytes, Files.readAllBytes(dir.resolve(out)));
    }
  }

  @Test
  void rawShardsRoundTripFromAnyK() throws IOException {
    Fakes.Result split =
        ok(
            run(
                "split",
                "photo.jpg",
                "--k",
                "4",
                "--n",
                "6",
                "--raw",
                "-o",
                "raw",
                "--codec",
                "backblaze"));
    assertTrue(split.out().contains("(join --raw --k 4 --n 6 --length 200003)"), split::toString);
    for (int i = 0; i < 6; i++) {
      assertEquals(
          50_001,
          Files.size(dir.resolve("raw/photo.jpg." + i)),
          "ceil(200003 / 4) bytes each, no header");
    }
    ok(
        run(
            "join",
            "--raw",
            "--k",
            "4",
            "--n",
            "6",
            "--length",
            "200003",
            "raw/photo.jpg.5",
            "raw/photo.jpg.1",
            "raw/photo.jpg.4",
            "raw/photo.jpg.2",
            "-o",
            "back.jpg"));
    assertArrayEquals(bytes, Files.readAllBytes(dir.resolve("back.jpg")));
  }

  @Test
  void anEmptyFileSplitsAndJoins() throws IOException {
    Files.write(dir.resolve("empty"), new byte[0]);
    ok(run("split", "empty", "--k", "2", "--n", "3", "-o", "e"));
    ok(run("join", "e/empty.1.jewel", "e/empty.2.jewel", "-o", "empty.back"));
    assertEquals(0, Files.size(dir.resolve("empty.back")));
  }

  @Test
  void tooFewJewelsAreRefused() {
    ok(run("split", "photo.jpg", "--k", "3", "--n", "5", "-o", "out"));
    failsWith(
        run("join", jewel(0), jewel(4), "-o", "back.jpg"),
        "need any 3 of the 5 jewel files, got 2");
    assertFalse(Files.exists(dir.resolve("back.jpg")));
  }

  @Test
  void aMixedSetIsRefused() throws IOException {
    ok(run("split", "photo.jpg", "--k", "3", "--n", "5", "-o", "out"));
    Files.write(dir.resolve("other.jpg"), new byte[] {1, 2, 3});
    ok(run("split", "other.jpg", "--k", "3", "--n", "5", "-o", "other"));
    failsWith(
        run("join", jewel(0), jewel(1), "other/other.jpg.2.jewel", "-o", "back.jpg"),
        "jewel files from different splits");
    failsWith(
        run("join", jewel(0), jewel(1), jewel(1), "-o", "back.jpg"), "duplicate jewel index 1");
  }

  @Test
  void aCorruptedJewelFailsTheHashCheckAndLeavesNoOutput() throws IOException {
    ok(run("split", "photo.jpg", "--k", "3", "--n", "5", "-o", "out"));
    Path j1 = dir.resolve(jewel(1));
    byte[] b = Files.readAllBytes(j1);
    b[100] ^= 1; // in the payload, past the 60-byte header
    Files.write(j1, b);
    failsWith(run("join", jewel(0), jewel(1), jewel(2), "-o", "back.jpg"), "SHA-256");
    assertFalse(Files.exists(dir.resolve("back.jpg")));
    // another set without it is fine
    ok(run("join", jewel(0), jewel(2), jewel(3), "-o", "back.jpg"));
    assertArrayEquals(bytes, Files.readAllBytes(dir.resolve("back.jpg")));
    // a damaged header says so
    b[5] ^= 1;
    Files.write(j1, b);
    failsWith(run("join", jewel(0), jewel(1), jewel(2), "-o", "again.jpg"), "header");
  }

  @Test
  void notAJewelFile() {
    failsWith(run("join", "photo.jpg", "-o", "x"), "is not a jewel file");
  }

  @Test
  void impossibleParametersAreOneLine() {
    failsWith(run("split", "photo.jpg", "--k", "0", "--n", "5"), "k must be at least 1, got 0");
    failsWith(run("split", "photo.jpg", "--k", "4", "--n", "3"), "n must be at least k = 4, got 3");
    failsWith(
        run("split", "photo.jpg", "--k", "3", "--n", "300"), "n must be at most 256, got 300");
    failsWith(
        run("split", "photo.jpg", "--k", "3", "--n", "5", "--codec", "zfec"),
        "unknown codec 'zfec'");
    failsWith(
        run("split", "photo.jpg", "--k", "3", "--n", "5", "--chunk", "0"),
        "chunk size must be at least 1 byte");
    failsWith(run("split", "nope.jpg", "--k", "3", "--n", "5"), "no such file: nope.jpg");
    failsWith(run("split", ".", "--k", "3", "--n", "5"), "is a folder");
    failsWith(
        run("join", "--raw", "--k", "3", "--n", "5", "--length", "-1", "photo.jpg", "-o", "x"),
        "length must not be negative");
    assertFalse(Files.exists(dir.resolve("photo.jpg.0.jewel")));
  }

  @Test
  void joinNeverOverwrites() {
    ok(run("split", "photo.jpg", "--k", "1", "--n", "2", "-o", "out"));
    failsWith(run("join", jewel(0), "-o", "photo.jpg"), "photo.jpg already exists");
  }

  @Test
  void rawJoinChecksWhatItCan() {
    ok(run("split", "photo.jpg", "--k", "3", "--n", "5", "--raw", "-o", "raw"));
    failsWith(
        run(
            "join",
            "--raw",
            "--k",
            "3",
            "--n",
            "5",
            "--length",
            "200000",
            "raw/photo.jpg.0",
            "raw/photo.jpg.1",
            "raw/photo.jpg.2",
            "-o",
            "x"),
        "but the shards of a 200000-byte file split 3 ways have 66667");
    failsWith(
        run(
            "join",
            "--raw",
            "--k",
            "3",
            "--n",
            "5",
            "--length",
            "200003",
            "raw/photo.jpg.0",
            "raw/photo.jpg.1",
            "-o",
            "x"),
        "need any 3 of the 5 shard files, got 2");
    failsWith(
        run("join", "--raw", "--k", "3", "--n", "5", "--length", "200003", "photo.jpg", "-o", "x"),
        "cannot tell the shard index");
  }

  @Test
  void usageErrors() {
    usageError(run("split", "photo.jpg", "--k", "3"), "--n");
    usageError(
        run("split", "photo.jpg", "--k", "3", "--n", "5", "--raw", "--chunk", "10"),
        "--chunk does not apply to --raw");
    usageError(
        run("join", "--raw", "--k", "3", "--n", "5", "photo.jpg", "-o", "x"),
        "join --raw needs --k, --n and --length");
    usageError(
        run("join", "--k", "3", "photo.jpg", "-o", "x"), "--k, --n and --length are for --raw");
    usageError(run("join", "photo.jpg"), "-o");
  }
}
