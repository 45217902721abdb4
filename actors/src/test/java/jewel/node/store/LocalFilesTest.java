package jewel.node.store;

import static jewel.node.store.TestBytes.await;
import static jewel.node.store.TestBytes.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Stream;
import jewel.api.FileName;
import jewel.api.PartFiles;
import jewel.api.PeerContents;
import jewel.protocol.data.ReadResult;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFilesTest {
  static ActorTestKit testKit;
  static Materializer mat;

  @TempDir Path dir;
  Path folder;
  MutableClock clock = new MutableClock();
  LocalFiles files;

  static final class MutableClock extends Clock {
    Instant now = Instant.parse("2025-01-01T00:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }
  }

  @BeforeAll
  static void startSystem() {
    testKit = TestBytes.testKit("LocalFilesTest");
    mat = Materializer.matFromSystem(testKit.system());
  }

  @AfterAll
  static void stopSystem() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void open() throws IOException {
    folder = dir.resolve("files");
    files = LocalFiles.inFolder(folder, Duration.ofMinutes(10), clock);
  }

  ByteString read(ReadResult r) {
    ByteString bytes =
        await(r.bytes().runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), mat));
    assertEquals(r.length(), bytes.size());
    return bytes;
  }

  long write(String token, Source<ByteString, ?> bytes) {
    return await(bytes.runWith(files.write(token), mat));
  }

  List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void namesThatWouldLeaveTheFolderAreRefused() throws IOException {
    Files.writeString(dir.resolve("secret"), "outside");
    for (String bad :
        List.of(
            "..",
            ".",
            "../x",
            "../secret",
            "../../etc/passwd",
            "a/../../secret",
            "a/./b",
            "a/..",
            "/etc/passwd",
            "a//b",
            "a/",
            "..\\x",
            "x\\y",
            "",
            ".hidden",
            "a/.hidden",
            ".a/b",
            "a\0b",
            "a/\nb",
            "tab\there",
            "x".repeat(256),
            "a/" + "x".repeat(256))) {
      StoreException e = assertThrows(StoreException.class, () -> files.offer(bad), bad);
      assertTrue(!e.getMessage().contains("\n"), e.getMessage());
      assertThrows(StoreException.class, () -> files.accept(bad, false), bad);
    }
    assertEquals(
        "bad file name '../x': no segment may be '.' or '..'",
        assertThrows(StoreException.class, () -> files.resolve("../x")).getMessage());
    assertEquals(List.of(), names(), "nothing made in the folder");
    assertEquals("outside", Files.readString(dir.resolve("secret")));
    assertEquals(folder.resolve("ok.txt"), files.resolve("ok.txt"));
    assertEquals(folder.resolve("a").resolve("b").resolve("c.txt"), files.resolve("a/b/c.txt"));
    assertThrows(StoreException.class, () -> LocalFiles.anywhere().offer("x"));
  }

  @Test
  void aNestedNameIsAFileInFoldersMadeAsNeeded() throws IOException {
    String token = files.accept("photos/2026/x.jpg", false);
    write(token, Source.single(ByteString.fromString("jpeg")));
    assertEquals("jpeg", Files.readString(folder.resolve("photos/2026/x.jpg")));
    assertEquals(
        ByteString.fromString("jpeg"),
        read(files.read(files.offer("photos/2026/x.jpg").token(), 0, -1)));
    assertThrows(FileAlreadyExistsException.class, () -> files.accept("photos/2026/x.jpg", false));
    Files.writeString(folder.resolve("top.txt"), "top");
    Files.createDirectories(folder.resolve(".cache/deep"));
    Files.writeString(folder.resolve(".cache/deep/hidden.txt"), "hidden");
    assertEquals(
        List.of(
            new PeerContents.LocalFile("photos/2026/x.jpg", 4),
            new PeerContents.LocalFile("top.txt", 3)),
        files.list());
    // a file where a folder of the name should be
    StoreException blocked =
        assertThrows(StoreException.class, () -> files.accept("top.txt/y", false));
    assertEquals(
        "cannot write 'top.txt/y': 'top.txt' is a file in disk/files/, not a folder",
        blocked.getMessage());
    assertThrows(IOException.class, () -> files.offer("photos/2026"));
    for (boolean replace : List.of(false, true)) {
      assertEquals(
          "'photos/2026' is a folder in disk/files/: no file can replace it, even with --force",
          assertThrows(StoreException.class, () -> files.accept("photos/2026", replace))
              .getMessage());
    }
  }

  @Test
  void anOfferedFileCanBeReadWholeOrInRanges() throws IOException {
    ByteString bytes = TestBytes.bytes(600_000, 1);
    Files.write(folder.resolve("data.bin"), bytes.toArray());
    LocalFiles.Offer offer = files.offer("data.bin");
    assertEquals(600_000, offer.size());
    assertEquals(bytes, read(files.read(offer.token(), 0, -1)));
    assertEquals(bytes.slice(100, 300_100), read(files.read(offer.token(), 100, 300_000)));
    assertThrows(StoreException.class, () -> files.read(offer.token(), 599_999, 2));
    assertThrows(StoreException.class, () -> files.read("made-up", 0, -1));
    assertThrows(NoSuchFileException.class, () -> files.offer("missing.bin"));
    Files.createDirectory(folder.resolve("sub"));
    assertThrows(IOException.class, () -> files.offer("sub"));
    // an offer token does not write
    assertThrows(StoreException.class, () -> files.write(offer.token()));
  }

  @Test
  void anAcceptedFileIsWrittenOnceAndAtomically() throws IOException {
    String token = files.accept("new.bin", false);
    ByteString bytes = TestBytes.bytes(700_000, 2);
    assertEquals(700_000, write(token, TestBytes.chunks(bytes, 65536)));
    assertEquals(bytes, ByteString.fromArray(Files.readAllBytes(folder.resolve("new.bin"))));
    assertEquals(List.of("new.bin"), names());
    // used up
    StoreException used = assertThrows(StoreException.class, () -> files.write(token));
    assertTrue(used.getMessage().contains("used"), used.getMessage());
    // a read token cannot be made from a write token
    assertThrows(StoreException.class, () -> files.read(token, 0, -1));
  }

  @Test
  void aFileAlreadyThereIsReplacedOnlyWhenTheAcceptSaysSo() throws IOException {
    Files.writeString(folder.resolve("mine.txt"), "mine");
    assertThrows(FileAlreadyExistsException.class, () -> files.accept("mine.txt", false));
    String token = files.accept("mine.txt", true);
    write(token, Source.single(ByteString.fromString("theirs")));
    assertEquals("theirs", Files.readString(folder.resolve("mine.txt")));
    assertEquals(List.of("mine.txt"), names());
  }

  @Test
  void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
    Files.write(folder.resolve("keep.txt"), "old content".getBytes(StandardCharsets.UTF_8));
    String token = files.accept("keep.txt", true);
    Throwable e =
        failure(
            TestBytes.chunks(TestBytes.bytes(300_000, 3), 10_000)
                .concat(Source.failed(new IllegalStateException("sender died")))
                .runWith(files.write(token), mat));
    assertEquals("sender died", e.getMessage());
    assertEquals("old content", Files.readString(folder.resolve("keep.txt")));
    assertEquals(List.of("keep.txt"), names());
    // a good write replaces it
    String again = files.accept("keep.txt", true);
    write(again, Source.single(ByteString.fromString("new content")));
    assertEquals("new content", Files.readString(folder.resolve("keep.txt")));
  }

  @Test
  void abandonedTokensExpire() throws IOException {
    Files.write(folder.resolve("a.txt"), "abc".getBytes(StandardCharsets.UTF_8));
    String accept = files.accept("b.txt", false);
    LocalFiles.Offer offer = files.offer("a.txt");
    assertEquals(2, files.liveTokens());
    clock.advance(Duration.ofMinutes(6));
    assertEquals(ByteString.fromString("abc"), read(files.read(offer.token(), 0, -1))); // renews
    clock.advance(Duration.ofMinutes(6));
    assertEquals(1, files.liveTokens());
    StoreException e = assertThrows(StoreException.class, () -> files.write(accept));
    assertTrue(e.getMessage().contains("expired"), e.getMessage());
    assertEquals(ByteString.fromString("bc"), read(files.read(offer.token(), 1, -1)));
    clock.advance(Duration.ofMinutes(11));
    assertThrows(StoreException.class, () -> files.read(offer.token(), 0, -1));
    assertEquals(0, files.liveTokens());
  }

  @Test
  void listShowsFilesButNotHiddenOnesOrWritesInProgress() throws Exception {
    Files.write(folder.resolve("b.txt"), new byte[5]);
    Files.write(folder.resolve("a.txt"), new byte[3]);
    Files.write(folder.resolve(".hidden"), new byte[1]);
    Files.createDirectory(folder.resolve("sub"));
    String token = files.accept("c.txt", false);
    org.apache.pekko.japi.Pair<
            org.apache.pekko.stream.UniqueKillSwitch, java.util.concurrent.CompletionStage<Long>>
        writing =
            Source.single(ByteString.fromString("x"))
                .concat(Source.never())
                .viaMat(
                    org.apache.pekko.stream.KillSwitches.single(),
                    org.apache.pekko.stream.javadsl.Keep.right())
                .toMat(files.write(token), org.apache.pekko.stream.javadsl.Keep.both())
                .run(mat);
    assertEquals(
        List.of(new PeerContents.LocalFile("a.txt", 3), new PeerContents.LocalFile("b.txt", 5)),
        files.list());
    // end the write, so that its temporary file is gone before the folder is cleaned up
    writing.first().abort(new IllegalStateException("test over"));
    writing
        .second()
        .toCompletableFuture()
        .handle((n, e) -> n)
        .get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertEquals(
        List.of("a.txt", "b.txt", "sub", ".hidden").stream().sorted().toList(),
        names().stream().sorted().toList());
  }

  @Test
  void temporaryFilesLeftByACrashAreDeletedOnOpen() throws IOException {
    Files.write(
        folder.resolve(".x.bin.1234.jewel-part"), new byte[10]); // as earlier versions named them
    Files.write(folder.resolve(PartFiles.name()), new byte[10]);
    Files.write(folder.resolve("x.bin"), new byte[10]);
    Files.write(folder.resolve(".mine.part"), new byte[10]);
    LocalFiles.inFolder(folder);
    assertEquals(List.of(".mine.part", "x.bin"), names());
  }

  @Test
  void filesWithTheLongestValidNamesAreWrittenAndRead() throws IOException {
    String segment =
        "é".repeat(100) + "x".repeat(51) + ".bin"; // 255 bytes, the file system's limit
    assertEquals(FileName.MAX_SEGMENT_BYTES, segment.getBytes(StandardCharsets.UTF_8).length);
    String folderName = segment.replace(".bin", ".dir");
    String deepest =
        String.join("/", folderName, folderName, folderName, folderName, "y".repeat(64));
    assertEquals(FileName.MAX_BYTES, deepest.getBytes(StandardCharsets.UTF_8).length);
    for (String longest : List.of(segment, deepest)) {
      String token = files.accept(longest, false);
      write(token, Source.single(ByteString.fromString("long")));
      assertEquals(
          ByteString.fromString("long"), read(files.read(files.offer(longest).token(), 0, -1)));
    }
    assertEquals(
        List.of(segment, deepest),
        files.list().stream().map(PeerContents.LocalFile::name).toList());

    StoreException tooLong =
        assertThrows(StoreException.class, () -> files.accept("é" + segment, false));
    assertTrue(tooLong.getMessage().endsWith("the limit is 255"), tooLong.getMessage());
  }

  @Test
  void temporaryFilesLeftByACrashInAFolderOfTheFolderAreDeletedOnOpen() throws IOException {
    Path nested = Files.createDirectories(folder.resolve("a/b"));
    Files.write(nested.resolve(PartFiles.name()), new byte[10]);
    Files.write(nested.resolve("x.bin"), new byte[10]);
    LocalFiles.inFolder(folder);
    try (Stream<Path> s = Files.list(nested)) {
      assertEquals(List.of("x.bin"), s.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void theCliOffersAndAcceptsAnyPath() throws IOException {
    LocalFiles cli = LocalFiles.anywhere();
    Path source = dir.resolve("somewhere.bin");
    Files.write(source, TestBytes.bytes(1000, 4).toArray());
    LocalFiles.Offer offer = cli.offerPath(source);
    assertEquals(1000, offer.size());
    assertEquals(TestBytes.bytes(1000, 4), read(cli.read(offer.token(), 0, -1)));
    Path target = dir.resolve("out.bin");
    String token = cli.acceptPath(target);
    await(Source.single(ByteString.fromString("hello")).runWith(cli.write(token), mat));
    assertEquals("hello", Files.readString(target));
    assertThrows(NoSuchFileException.class, () -> cli.acceptPath(dir.resolve("no/such/dir/x")));
    assertThrows(NoSuchFileException.class, () -> cli.offerPath(dir.resolve("absent")));
    assertEquals(List.of(), cli.list());
  }
}
