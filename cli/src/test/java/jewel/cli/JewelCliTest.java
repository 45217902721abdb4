package jewel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import jewel.api.JewelException;
import jewel.api.Progress;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class JewelCliTest {
  @TempDir Path dir;
  Fakes.Backend backend;
  Path photo;

  @BeforeEach
  void setUp() throws IOException {
    backend = new Fakes.Backend();
    photo =
        Files.write(
            dir.resolve("photo.jpg"), "not really a photo".getBytes(StandardCharsets.UTF_8));
  }

  Fakes.Result run(String... args) {
    return backend.run(dir, args);
  }

  /** Exit 1, exactly one line on stderr starting with "jewel: " and containing {@code expected}. */
  static void failsWith(Fakes.Result r, String expected) {
    assertEquals(1, r.code(), r::toString);
    assertEquals(1, r.errLines().size(), r::toString);
    assertTrue(r.errLines().get(0).startsWith("jewel: "), r::toString);
    assertTrue(r.err().contains(expected), () -> "expected '" + expected + "' in\n" + r);
  }

  static Stream<Arguments> badNames() {
    return Stream.of(
        Arguments.of("/a", "none of which may be empty"),
        Arguments.of("a/", "none of which may be empty"),
        Arguments.of("a//b", "none of which may be empty"),
        Arguments.of("a\\b", "'\\'"),
        Arguments.of("..", "'..'"),
        Arguments.of("photos/../x", "'..'"),
        Arguments.of("./x", "'.' or '..'"),
        Arguments.of("bad\u0001name", "control character"),
        Arguments.of("tab\tname", "control character"),
        Arguments.of("é".repeat(128), "256 bytes long, the limit is 255"),
        Arguments.of("a".repeat(256), "256 bytes long"),
        Arguments.of(
            String.join(
                "/",
                "a".repeat(255),
                "b".repeat(255),
                "c".repeat(255),
                "d".repeat(255),
                "e".repeat(70)),
            "1094 bytes long, the limit is 1088"));
  }

  @ParameterizedTest
  @MethodSource("badNames")
  void badNamesAreRefusedBeforeContactingTheCluster(String name, String expected) {
    failsWith(run("store", photo.toString(), "--as", name), expected);
    failsWith(run("get", name), expected);
    failsWith(run("delete", name), expected);
    failsWith(run("status", name), expected);
    assertEquals(0, backend.connects);
  }

  @Test
  void aNameOf255BytesIsFine() {
    Fakes.Result r = run("store", photo.toString(), "--as", "a".repeat(255));
    assertEquals(0, r.code(), r::toString);
  }

  @Test
  void aBadNameTakenFromThePathSuggestsAs() throws IOException {
    Path odd = Files.write(dir.resolve("odd\u0007name"), new byte[] {1});
    failsWith(run("store", odd.toString()), "--as NAME");
    Path withBackslash = Files.write(dir.resolve("a\\b"), new byte[] {1});
    failsWith(run("store", withBackslash.toString()), "--as NAME");
    assertEquals(0, run("store", odd.toString(), "--as", "odd-name").code());
  }

  @Test
  void aControlCharacterNeverReachesTheTerminal() {
    Fakes.Result r = run("store", photo.toString(), "--as", "a\\\u001b[31mred");
    failsWith(r, "must not contain '\\'");
    assertFalse(r.err().contains("\u001b"), r::toString);
  }

  @Test
  void aNestedNameIsStoredListedByPrefixAndGotUnderItsLastSegment() throws IOException {
    Path deep = Files.createDirectories(dir.resolve("sub/dir"));
    Files.writeString(deep.resolve("x.jpg"), "nested");
    assertTrue(ok("store", "sub/dir/x.jpg").contains("stored x.jpg"), "PATH's file name");
    assertTrue(
        ok("store", "sub/dir/x.jpg", "--as", "photos/2026/x.jpg")
            .contains("stored photos/2026/x.jpg"));
    ok("store", photo.toString(), "--as", "photos/2025/y.jpg");
    ok("store", photo.toString(), "--as", "photography.txt");

    String photos = ok("ls", "photos/");
    assertTrue(
        photos.contains("photos/2026/x.jpg") && photos.contains("photos/2025/y.jpg"), photos);
    assertFalse(photos.contains("photography") || photos.contains("\nx.jpg"), photos);
    assertTrue(photos.contains("2 files"), photos);
    assertTrue(backend.client.calls.contains("ls photos/"), backend.client.calls::toString);
    assertTrue(ok("ls", "photos/2026").contains("1 file,"));
    assertTrue(ok("ls", "videos/").contains("no stored file's name starts with videos/"));
    assertTrue(ok("ls").contains("4 files"));

    Files.delete(deep.resolve("x.jpg"));
    Fakes.Result got = run("get", "photos/2026/x.jpg");
    assertEquals(0, got.code(), got::toString);
    assertTrue(got.out().contains("got photos/2026/x.jpg -> ./x.jpg"), got::toString);
    assertEquals("nested", Files.readString(dir.resolve("x.jpg")));
    assertFalse(Files.exists(dir.resolve("photos")));
    failsWith(run("get", "photos/2026/x.jpg"), "./x.jpg already exists");
    assertEquals(0, run("get", "photos/2026/x.jpg", "-o", deep.toString()).code());
    assertEquals("nested", Files.readString(deep.resolve("x.jpg")));

    assertEquals(0, run("status", "photos/2026/x.jpg").code());
    assertTrue(ok("delete", "photos/2026/x.jpg").contains("deleted photos/2026/x.jpg"));
  }

  @Test
  void aMissingLocalPath() {
    failsWith(run("store", "nope.jpg"), "no such file: nope.jpg");
    assertEquals(0, backend.connects);
  }

  @Test
  void aFolderIsNotAFile() {
    failsWith(run("store", dir.toString()), "is a folder");
    assertEquals(0, backend.connects);
  }

  @Test
  void anUnknownSchemeIsRefusedLocally() {
    failsWith(run("store", photo.toString(), "--scheme", "bogus"), "unknown scheme 'bogus'");
    failsWith(run("store", photo.toString(), "--scheme", "Bad!"), "not a scheme id");
    assertEquals(0, backend.connects);
  }

  @Test
  void impossibleSchemeParametersAreRefusedLocally() {
    failsWith(run("store", photo.toString(), "--scheme", "naive", "n=0"), "n=0");
    failsWith(run("store", photo.toString(), "--scheme", "naive", "n=256"), "n=256");
    failsWith(run("store", photo.toString(), "--scheme", "naive", "n=two"), "not a whole number");
    failsWith(run("store", photo.toString(), "--scheme", "naive", "n"), "key=value");
    failsWith(run("store", photo.toString(), "--scheme", "hosting", "n=2"), "no parameter n");
    assertEquals(0, backend.connects);
  }

  @Test
  void whatOnlyTheClusterKnowsComesBackAsOneLine() {
    // n above the number of live peers: only the cluster can tell.
    failsWith(
        run("store", photo.toString(), "--scheme", "naive", "n=9"),
        "needs 9 live peers, only 3 are up");
    assertTrue(backend.client.files.isEmpty());
  }

  @Test
  void parametersWithoutSchemeApplyToTheDefault() {
    assertEquals(0, run("store", photo.toString(), "n=3").code());
    assertEquals("naive n=3", backend.client.lastScheme.toString());
    failsWith(run("store", photo.toString(), "--as", "other", "n=0"), "n=0");
  }

  @Test
  void storeWithoutSchemeLeavesTheChoiceToTheCluster() {
    Fakes.Result r = run("store", photo.toString());
    assertEquals(0, r.code(), r::toString);
    assertEquals(null, backend.client.lastScheme);
    assertTrue(r.out().contains("stored photo.jpg"), r::toString);
    assertTrue(
        r.out().contains(Fakes.sha256("not really a photo".getBytes(StandardCharsets.UTF_8)).hex()),
        r::toString);
    assertTrue(r.out().matches("(?s).*\\n  D +2 .*"), r::toString);
    assertTrue(r.out().matches("(?s).*\\n  M +1 .*survives 1 peer failure\\).*"), r::toString);
    assertTrue(r.err().isEmpty());
  }

  @Test
  void anExistingNameNeedsReplace() {
    assertEquals(0, run("store", photo.toString()).code());
    failsWith(run("store", photo.toString()), "already exists (use --replace");
    Fakes.Result r = run("store", photo.toString(), "--replace");
    assertEquals(0, r.code(), r::toString);
  }

  @Test
  void anEmptyFileIsStoredLikeAnyOther() throws IOException {
    Path empty = Files.createFile(dir.resolve("empty"));
    Fakes.Result r = run("store", empty.toString(), "--scheme", "naive", "n=3");
    assertEquals(0, r.code(), r::toString);
    assertTrue(backend.client.calls.contains("store empty as empty"));
    assertEquals(0, backend.client.files.get("empty").size());
    assertTrue(r.out().contains("0 B"), r::toString);
    Fakes.Result got = run("get", "empty", "-o", dir.resolve("back").toString());
    assertEquals(0, got.code(), got::toString);
    assertEquals(0, Files.size(dir.resolve("back")));
  }

  @Test
  void storeFromAPeer() {
    Fakes.Result r = run("store", "notes.txt", "--from", "peer-2", "--as", "n.txt");
    assertEquals(0, r.code(), r::toString);
    assertTrue(backend.client.calls.contains("storeFrom peer-2 notes.txt as n.txt"));
    assertEquals(0, run("store", "docs/2026/notes.txt", "--from", "peer-2").code());
    assertTrue(
        backend.client.calls.contains(
            "storeFrom peer-2 docs/2026/notes.txt as docs/2026/notes.txt"),
        backend.client.calls::toString);
    failsWith(
        run("store", "../etc/passwd", "--from", "peer-2"), "not a file of peer-2's disk/files/");
    failsWith(run("store", "notes.txt", "--from", "peer-9"), "unknown or dead peer 'peer-9'");
    failsWith(run("store", "notes.txt", "--from", "Peer 2"), "not a peer name");
  }

  @Test
  void relativePathsResolveAgainstTheCurrentFolder() {
    Fakes.Result r = run("store", "photo.jpg", "--as", "p");
    assertEquals(0, r.code(), r::toString);
  }

  @Test
  void getWritesIntoTheCurrentFolderAndRefusesToOverwrite() throws IOException {
    run("store", photo.toString(), "--as", "copy.jpg");
    Fakes.Result r = run("get", "copy.jpg");
    assertEquals(0, r.code(), r::toString);
    assertEquals("not really a photo", Files.readString(dir.resolve("copy.jpg")));
    assertTrue(r.out().contains("SHA-256 verified"), r::toString);

    failsWith(run("get", "copy.jpg"), "./copy.jpg already exists: use --force");
    Files.writeString(dir.resolve("copy.jpg"), "mine");
    assertEquals(0, run("get", "copy.jpg", "--force").code());
    assertEquals("not really a photo", Files.readString(dir.resolve("copy.jpg")));

    Path sub = Files.createDirectory(dir.resolve("sub"));
    assertEquals(0, run("get", "copy.jpg", "-o", sub.toString()).code());
    assertTrue(Files.exists(sub.resolve("copy.jpg")));
    failsWith(run("get", "copy.jpg", "-o", dir.resolve("no/such/x").toString()), "no such folder");
    try (Stream<Path> left = Files.list(dir)) {
      assertTrue(left.noneMatch(p -> p.getFileName().toString().endsWith(".part")));
    }
  }

  @Test
  void aFailedGetLeavesNothingBehindAndKeepsTheOldFile() throws IOException {
    run("store", photo.toString(), "--as", "x");
    Path target = Files.writeString(dir.resolve("x"), "precious");
    backend.client.failNext =
        new JewelException("block 3a7b is corrupt on peer-2 and no other holder is live");
    failsWith(run("get", "x", "--force"), "corrupt");
    assertEquals("precious", Files.readString(target));
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(
          List.of("photo.jpg", "x"), left.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void getToAPeer() {
    run("store", photo.toString());
    Fakes.Result r = run("get", "photo.jpg", "--to", "peer-3");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("peer-3's disk/files/"), r::toString);
    assertEquals(2, run("get", "photo.jpg", "--to", "peer-3", "-o", "x").code());
  }

  @Test
  void quietStoresAndGetsPrintNothingButErrors() throws IOException {
    backend.terminal = true;
    Path big = dir.resolve("big.bin");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(ProgressLine.THRESHOLD + 1);
    }
    assertTrue(run("store", big.toString()).out().startsWith("stored big.bin"));
    assertNotSame(
        Progress.NONE, backend.client.lastProgress, "a long store on a terminal draws a line");

    assertEquals(
        new Fakes.Result(0, "", ""), run("store", big.toString(), "--as", "q.bin", "--quiet"));
    assertSame(Progress.NONE, backend.client.lastProgress);
    assertEquals(
        new Fakes.Result(0, "", ""), run("store", "notes.txt", "--from", "peer-2", "--quiet"));
    assertEquals(
        new Fakes.Result(0, "", ""),
        run("get", "q.bin", "-o", dir.resolve("back.bin").toString(), "--quiet"));
    assertSame(Progress.NONE, backend.client.lastProgress);
    assertEquals(Files.size(big), Files.size(dir.resolve("back.bin")));
    assertEquals(
        new Fakes.Result(0, "", ""),
        run("get", "q.bin", "--range", "0-9", "-o", "part.bin", "--quiet"));
    assertEquals(new Fakes.Result(0, "", ""), run("get", "q.bin", "--to", "peer-3", "--quiet"));

    failsWith(
        run("store", big.toString(), "--as", "q.bin", "--quiet"), "already exists (use --replace");
    failsWith(
        run("get", "q.bin", "-o", dir.resolve("back.bin").toString(), "--quiet"),
        "already exists: use --force");
    assertEquals(2, run("store", big.toString(), "--quiet", "--json").code());
  }

  @Test
  void getToAPeerKeepsItsFileUnlessForced() {
    run("store", photo.toString());
    assertEquals(0, run("get", "photo.jpg", "--to", "peer-3").code());
    failsWith(
        run("get", "photo.jpg", "--to", "peer-3"),
        "peer-3 already has 'photo.jpg' in its disk/files/: use --force");
    Fakes.Result forced = run("get", "photo.jpg", "--to", "peer-3", "--force");
    assertEquals(0, forced.code(), forced::toString);
    assertTrue(
        backend.client.calls.contains("getTo photo.jpg peer-3 force"),
        backend.client.calls::toString);
  }

  @Test
  void aLocalFileThatCannotBeUsedIsOneLineWithItsPath() {
    assertEquals(
        "permission denied: /x/out.bin",
        JewelCli.describe(
            new java.io.UncheckedIOException(
                new java.nio.file.AccessDeniedException("/x/out.bin"))));
    assertEquals(
        "no such file or folder: /x",
        JewelCli.describe(new java.nio.file.NoSuchFileException("/x")));
    assertEquals(
        "cannot use /x/" + "n".repeat(10) + ": File name too long",
        JewelCli.describe(
            new java.nio.file.FileSystemException(
                "/x/" + "n".repeat(10), null, "File name too long")));
    assertTrue(JewelCli.describe(new IllegalStateException("bug")).startsWith("internal error: "));
  }

  @Test
  void anUnknownFile() {
    failsWith(run("get", "x.jpg"), "unknown file 'x.jpg' (try: ls)");
    failsWith(run("delete", "x.jpg"), "unknown file 'x.jpg' (try: ls)");
    failsWith(run("status", "x.jpg"), "unknown file 'x.jpg' (try: ls)");
    assertFalse(Files.exists(dir.resolve("x.jpg")));
  }

  @Test
  void anUnknownOrBadPeer() {
    failsWith(run("kill", "peer-9"), "unknown peer 'peer-9'");
    failsWith(run("revive", "peer-9"), "unknown peer 'peer-9'");
    failsWith(run("dir", "peer-9"), "unknown or dead peer 'peer-9'");
    failsWith(run("kill", "Peer_9!"), "not a peer name");
    failsWith(run("scheme", "peer-9", "hosting"), "unknown peer 'peer-9' (try: peers)");
  }

  @Test
  void noClusterRunningSaysHowToStartOne() {
    backend.running = false;
    Fakes.Result r = run("ls");
    failsWith(
        r,
        "no cluster is running at "
            + dir.resolve("live")
            + " (port 25520): start one with ./jewel up");
    assertTrue(r.out().isEmpty());
  }

  @Test
  void nodeCountsMustBePositive() {
    failsWith(run("up", "0"), "N must be between 1 and 100, got 0");
    failsWith(run("add", "0"), "N must be between 1 and 100");
    failsWith(run("start", "0"), "N must be between 1 and 100");
    failsWith(run("up", "1000"), "got 1000");
    assertTrue(backend.launcher.calls.isEmpty());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "up abc",
        "frobnicate",
        "get",
        "store",
        "kill",
        "ls --bogus",
        "peers extra",
        "--port x ls",
        "dir"
      })
  void usageErrorsExit2(String line) {
    Fakes.Result r = run(line.split(" "));
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().startsWith("jewel: "), r::toString);
    assertTrue(r.err().contains("Usage:") || r.err().contains("Did you mean"), r::toString);
    assertTrue(r.out().isEmpty(), r::toString);
    assertEquals(0, backend.connects);
  }

  @Test
  void noCommandAtAllIsAUsageError() {
    Fakes.Result r = run();
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains("missing command"), r::toString);
  }

  @Test
  void anUnknownCommandIsNamed() {
    Fakes.Result r = run("frobnicate");
    assertTrue(r.err().startsWith("jewel: unknown command 'frobnicate' (try: help)"), r::toString);
  }

  @Test
  void launcherCommandsNeverConnect() {
    assertEquals(0, run("up").code());
    assertEquals(0, run("up", "3").code());
    assertEquals(0, run("add", "2").code());
    assertEquals(0, run("kill", "peer-2").code());
    assertEquals(0, run("revive", "peer-2").code());
    Fakes.Result down = run("down");
    assertEquals(0, down.code());
    assertEquals(
        List.of("up 5", "up 3", "add 2", "kill peer-2", "revive peer-2", "down"),
        backend.launcher.calls);
    assertEquals(0, backend.connects);
    assertTrue(down.out().contains("stopped peer-1, seed"), down::toString);
  }

  @Test
  void homeAndPortComeFromOptionsThenEnvironmentThenDefaults() {
    run("up");
    assertEquals(dir.resolve("live"), backend.lastHome);
    assertEquals(25520, backend.lastPort);
    backend.env = Map.of("JEWEL_HOME", "/tmp/elsewhere", "JEWEL_PORT", "26000");
    run("ls");
    assertEquals(Path.of("/tmp/elsewhere"), backend.lastHome);
    assertEquals(26000, backend.lastPort);
    run("ls", "--home", "h2", "--port", "27000");
    assertEquals(dir.resolve("h2"), backend.lastHome);
    assertEquals(27000, backend.lastPort);
    run("--home", "h3", "up");
    assertEquals(dir.resolve("h3"), backend.lastHome);
    failsWith(run("ls", "--port", "70000"), "port 70000 is out of range");
    backend.env = Map.of("JEWEL_PORT", "lots");
    failsWith(run("ls"), "JEWEL_PORT='lots' is not a port number");
  }

  @Test
  void theOneShotCliClosesItsClient() {
    run("ls");
    assertTrue(backend.client.closed);
    assertEquals(1, backend.connects);
  }

  @Test
  void jsonIsOneDocumentWithExactBytes() throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    run("store", photo.toString(), "--scheme", "naive", "n=3");

    JsonNode peers = mapper.readTree(ok("peers", "--json"));
    assertEquals("seed", peers.get("peers").get(0).get("name").asText());
    assertEquals(1536 * 1024, peers.get("peers").get(1).get("bytes").asLong());
    assertTrue(peers.get("peers").get(0).get("blocks").isNull());

    JsonNode ls = mapper.readTree(ok("ls", "--json"));
    JsonNode file = ls.get("files").get(0);
    assertEquals("photo.jpg", file.get("name").asText());
    assertEquals(18, file.get("size").asLong());
    assertEquals("naive n=3", file.get("scheme").asText());
    assertEquals(3.0, file.get("d").asDouble(), 1e-9);
    assertEquals(1, file.get("m").asInt());
    assertEquals(2, file.get("survives").asInt());
    assertEquals(64, file.get("root").asText().length());

    JsonNode status = mapper.readTree(ok("status", "photo.jpg", "--json"));
    assertTrue(status.get("readable").asBoolean());
    assertEquals(3, status.get("blocks").get(0).get("holders").size());
    assertEquals(18, status.get("blocks").get(0).get("size").asLong());

    JsonNode contents = mapper.readTree(ok("dir", "peer-1", "--json"));
    assertEquals(3_000_000L, contents.get("blocks").get(0).get("size").asLong());
    assertEquals("notes.txt", contents.get("files").get(0).get("name").asText());

    JsonNode stored = mapper.readTree(ok("store", photo.toString(), "--as", "two", "--json"));
    assertEquals("two", stored.get("name").asText());
    assertEquals(1, stored.get("m").asInt());
  }

  private String ok(String... args) {
    Fakes.Result r = run(args);
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.err().isEmpty(), r::toString);
    return r.out();
  }

  @Test
  void humanTablesAreAligned() {
    run("store", photo.toString());
    String peers = ok("peers");
    List<String> lines = peers.lines().toList();
    assertTrue(lines.get(0).startsWith("NAME"), peers);
    int status = lines.get(0).indexOf("STATUS");
    for (String l : lines.subList(1, lines.size())) {
      assertEquals("up", l.substring(status, status + 2), peers);
    }
    assertTrue(peers.contains("1.5 MiB"), peers);

    String ls = ok("ls");
    assertTrue(ls.lines().anyMatch(l -> l.matches("photo\\.jpg +18 B +naive n=2 +2 +1 +1")), ls);
    String status1 = ok("status", "photo.jpg");
    assertTrue(status1.contains("readable now: yes"), status1);
    assertTrue(status1.contains("peer-1 peer-2"), status1);
  }

  @Test
  void deleteAndLs() {
    assertTrue(ok("ls").contains("no files stored"));
    run("store", photo.toString());
    assertTrue(ok("delete", "photo.jpg").contains("deleted photo.jpg"));
    assertTrue(backend.client.files.isEmpty());
  }

  @Test
  void schemesNeedNoCluster() {
    String out = ok("schemes");
    assertTrue(out.contains("hosting") && out.contains("naive"), out);
    assertEquals(0, backend.connects);
  }

  @Test
  void showAndSetDefaultSchemes() {
    assertTrue(ok("scheme").contains("cluster: naive n=2"));
    assertTrue(
        ok("scheme", "naive", "n=3").contains("the cluster's default scheme is now naive n=3"));
    assertTrue(
        ok("scheme", "peer-2", "hosting").contains("peer-2's default scheme is now hosting"));
    assertTrue(ok("scheme", "peer-2").contains("peer-2: hosting (its own)"));
    assertTrue(ok("scheme", "peer-1").contains("peer-1: naive n=3 (the cluster's default)"));
    failsWith(run("scheme", "naive", "n=0"), "n=0");
    failsWith(run("scheme", "peer-2", "bogus"), "unknown scheme 'bogus'");
    failsWith(run("scheme", "Bogus!"), "neither a scheme");
    failsWith(run("scheme", "bogus"), "neither a scheme");
  }

  @Test
  void helpListsEveryCommand() {
    String out = ok("help");
    for (String c :
        List.of(
            "start", "up", "down", "add", "kill", "revive", "peers", "dir", "store", "get",
            "delete", "ls", "status", "schemes", "scheme", "shell", "help")) {
      assertTrue(
          out.contains("\n  " + c + " ") || out.contains("\n  " + c + "\n"),
          () -> c + " missing from\n" + out);
    }
    assertTrue(ok("help", "store").contains("--replace"));
    assertTrue(ok("store", "--help").contains("--scheme"));
    failsWith(run("help", "nope"), "unknown command 'nope'");
  }

  @Test
  void anUnexpectedFailureIsStillOneLine() {
    backend.client.failNext = new IllegalStateException("boom\nsecond line");
    Fakes.Result r = run("ls");
    failsWith(r, "internal error: java.lang.IllegalStateException: boom second line");
  }

  @Test
  void startBringsTheClusterUpThenRunsTheShell() {
    Fakes.Result r = backend.runWithInput(dir, "peers\nquit\n", "start", "3");
    assertEquals(0, r.code(), r::toString);
    assertEquals(List.of("up 3"), backend.launcher.calls);
    assertTrue(r.out().contains("peer-1"), r::toString);
    assertTrue(
        r.out().strip().endsWith("The cluster keeps running: ./jewel down stops it."), r::toString);
  }

  @Test
  void upRefusesAJournalThatIsNotAPostgresUrlAndABadRegistryCount() {
    Fakes.Result r = run("up", "3", "--journal", "mysql://x");
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains("--journal must be a PostgreSQL JDBC URL"), r::toString);
    assertEquals(2, run("up", "3", "--registries", "0").code());
  }
}
