package jewel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import jewel.api.JewelException;
import org.jline.reader.Candidate;
import org.jline.reader.impl.DefaultParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompleterTest {
  @TempDir Path dir;
  Fakes.Backend backend;
  Session session;
  ShellCompleter completer;

  @BeforeEach
  void setUp() throws IOException {
    backend = new Fakes.Backend();
    session = backend.session(dir, "", new StringWriter(), new StringWriter());
    session.locate(null, null, null, null);
    completer = new ShellCompleter(session);
    completer.commands(JewelCli.commandLine(session, true));
    Files.writeString(dir.resolve("photo.jpg"), "x");
    Files.createDirectory(dir.resolve("pictures"));
    Files.writeString(dir.resolve(".hidden"), "x");
    backend.client.add("a.txt", "a");
    backend.client.add("b.iso", "b");
  }

  @AfterEach
  void tearDown() {
    completer.close();
    session.close();
  }

  /** The values offered for the last word of {@code line} (a trailing space starts a new word). */
  List<String> complete(String line) {
    List<String> words = new ArrayList<>(Arrays.asList(line.split(" ", -1)));
    String last = words.get(words.size() - 1);
    return completer.choices(words, words.size() - 1, last).stream()
        .map(ShellCompleter.Choice::value)
        .filter(v -> v.startsWith(last))
        .collect(Collectors.toList());
  }

  @Test
  void commandNames() {
    assertEquals(
        List.of("store", "status", "start", "shell", "schemes", "scheme", "simulate", "split", "s3")
            .stream()
            .sorted()
            .toList(),
        complete("s").stream().sorted().toList());
    assertTrue(complete("").containsAll(List.of("ls", "get", "quit", "exit", "help")));
    assertTrue(complete("help ").contains("store"));
  }

  @Test
  void peerAndFileNamesOnlyOnceConnected() {
    assertTrue(complete("kill ").isEmpty(), "never connects just to complete");
    session.client();
    assertEquals(List.of("peer-1", "peer-2", "peer-3"), complete("kill peer"));
    assertEquals(List.of("peer-1", "peer-2", "peer-3", "seed"), complete("dir "));
    assertEquals(List.of("a.txt", "b.iso"), complete("get "));
    assertEquals(List.of("b.iso"), complete("status b"));
    assertEquals(List.of("peer-3"), complete("get a.txt --to peer-3"));
    assertEquals(List.of("peer-2"), complete("store notes.txt --from peer-2"));
  }

  @Test
  void nestedNamesCompleteWholeAndLsCompletesAPrefix() {
    backend.client.add("photos/2026/x.jpg", "x");
    session.client();
    assertEquals(List.of("photos/2026/x.jpg"), complete("get photos/"));
    assertEquals(List.of("photos/2026/x.jpg"), complete("ls ph"));
    assertEquals(List.of("a.txt"), complete("pin add a"));
  }

  @Test
  void aPeerSeenOnceStaysForRevive() {
    session.client();
    complete("kill ");
    backend.client.live.remove("peer-2");
    completer.invalidate();
    assertTrue(complete("revive ").contains("peer-2"));
  }

  @Test
  void schemeIdsOptionsAndLocalPaths() {
    assertEquals(List.of("hosting"), complete("store photo.jpg --scheme h"));
    assertTrue(
        complete("store photo.jpg --")
            .containsAll(List.of("--scheme", "--as", "--replace", "--from")));
    assertEquals(List.of("photo.jpg", "pictures/"), complete("store p"));
    assertEquals(List.of(".hidden"), complete("store ."));
    assertTrue(complete("get a.txt -o p").contains("photo.jpg"));
    assertTrue(complete("scheme ").containsAll(List.of("naive", "hosting")));
  }

  @Test
  void aFailingClientCompletesNothingAndBreaksNothing() {
    session.client();
    backend.client.failNext = new JewelException("the registry is unreachable");
    assertEquals(List.of(), complete("get "));
    assertEquals(List.of(), completer.choices(List.of("get", "x"), 7, "zzz"));
    // JLine's entry point swallows anything, and the next Tab after a command tries again.
    backend.client.failNext = new IllegalStateException("boom");
    completer.invalidate();
    List<Candidate> candidates = new ArrayList<>();
    completer.complete(null, new DefaultParser().parse("get ", 4), candidates);
    assertTrue(candidates.isEmpty());
    completer.invalidate();
    completer.complete(null, new DefaultParser().parse("get ", 4), candidates);
    assertEquals(List.of("a.txt", "b.iso"), candidates.stream().map(Candidate::value).toList());
  }
}
