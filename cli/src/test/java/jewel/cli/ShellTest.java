package jewel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shell read from a pipe: what scripts and people with {@code echo ls | ./jewel shell} get. */
class ShellTest {
  @TempDir Path dir;
  Fakes.Backend backend;

  @BeforeEach
  void setUp() throws IOException {
    backend = new Fakes.Backend();
    Files.writeString(dir.resolve("a.txt"), "alpha");
  }

  Fakes.Result shell(String input) {
    return backend.runWithInput(dir, input, "shell");
  }

  @Test
  void runsEveryLineAndGoesOnAfterAnError() {
    Fakes.Result r = shell("ls\nget nope.jpg\nstore a.txt\n\n   # a comment\nls\n");
    assertEquals(1, r.code(), r::toString);
    assertEquals(List.of("jewel: unknown file 'nope.jpg' (try: ls)"), r.errLines(), r::toString);
    assertTrue(r.out().contains("no files stored"), r::toString);
    assertTrue(r.out().contains("stored a.txt"), r::toString);
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("a.txt ")), r::toString);
    assertEquals(1, backend.connects, "one client for the whole shell");
    assertEquals(
        List.of("ls", "get nope.jpg", "store a.txt as a.txt", "ls", "close"), backend.client.calls);
  }

  @Test
  void exitsZeroWhenEverythingWorked() {
    Fakes.Result r = shell("store a.txt\nls\n");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.err().isEmpty(), r::toString);
  }

  @Test
  void quitAndExitStopReading() {
    Fakes.Result r = shell("ls\nquit\nstore a.txt\n");
    assertEquals(0, r.code(), r::toString);
    assertTrue(backend.client.files.isEmpty());
    shell("exit\nstore a.txt\n");
    assertTrue(backend.client.files.isEmpty());
  }

  @Test
  void usageErrorsAreShortAndTheShellGoesOn() {
    Fakes.Result r = shell("frobnicate\nget\nls --bogus\nstore a.txt\n");
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().contains("jewel: unknown command 'frobnicate' (try: help)"), r::toString);
    assertTrue(r.err().contains("Missing required parameter: 'NAME'"), r::toString);
    assertTrue(r.err().contains("Unknown option: '--bogus'"), r::toString);
    assertTrue(r.err().lines().count() <= 8, r::toString);
    assertEquals(1, backend.client.files.size());
  }

  @Test
  void quotesWorkAsInBash() throws IOException {
    Files.writeString(dir.resolve("my file.txt"), "spaces");
    Fakes.Result r = shell("store \"my file.txt\" --as 'with space'\nls\n");
    assertEquals(0, r.code(), r::toString);
    assertTrue(backend.client.files.containsKey("with space"), r::toString);
    Fakes.Result bad = shell("store \"unclosed\n");
    assertEquals(1, bad.code(), bad::toString);
    assertTrue(bad.err().contains("unfinished line"), bad::toString);
  }

  @Test
  void homeAndPortAreFixedWhenTheShellStarts() {
    Fakes.Result r = shell("ls --home /elsewhere\nls\n");
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().contains("--home and --port are set when the shell starts"), r::toString);
    assertEquals(dir.resolve("live"), backend.lastHome);
  }

  @Test
  void theShellCannotNest() {
    Fakes.Result r = shell("shell\nstart\nls\n");
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().contains("already in the shell"), r::toString);
    assertEquals(2, r.errLines().size(), r::toString);
  }

  @Test
  void downLeavesTheClusterFirstAndTheNextCommandReconnects() {
    Fakes.Result r = shell("ls\ndown\nls\n");
    assertEquals(0, r.code(), r::toString);
    assertEquals(List.of("ls", "close", "ls", "close"), backend.client.calls);
    assertEquals(2, backend.connects);
  }

  @Test
  void noClusterYetThenUp() {
    backend.running = false;
    Fakes.Result r = shell("ls\nup 2\n");
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().contains("start one with ./jewel up"), r::toString);
    assertEquals(List.of("up 2"), backend.launcher.calls);
  }

  @Test
  void helpInTheShellMentionsQuit() {
    Fakes.Result r = shell("help\n");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("quit"), r::toString);
    assertTrue(r.out().contains("store"), r::toString);
  }

  @Test
  void theShellSaysTheClusterKeepsRunning() {
    Fakes.Result r = shell("ls\n");
    assertTrue(r.out().strip().endsWith("./jewel down stops it."), r::toString);
  }
}
