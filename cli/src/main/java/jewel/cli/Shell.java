package jewel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jewel.api.JewelException;
import org.jline.reader.EOFError;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Parser;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine;

/**
 * The interactive shell: the same command tree as the CLI, run line by line with one connected
 * client. On a terminal it uses JLine (prompt, history in {@code HOME/.shell-history}, Tab
 * completion); otherwise it reads plain lines until EOF, so scripts and tests can drive it. A
 * failing command prints one line and the shell goes on.
 */
final class Shell {
  static final String PROMPT = "jewel> ";

  private Shell() {}

  /**
   * Runs until quit, exit or end of input. On a terminal it returns 0 (each failure was shown as it
   * happened); reading a script, 0 if every command succeeded, else 1.
   */
  static int run(Session session) {
    session.fix();
    session.inShell(true);
    try {
      return session.terminal() ? interactive(session) : plain(session);
    } catch (IOException e) {
      throw new JewelException("the shell cannot read its input: " + e.getMessage(), e);
    } finally {
      session.inShell(false);
    }
  }

  static int plain(Session session) throws IOException {
    CommandLine cl = JewelCli.commandLine(session, true);
    int failures = 0;
    String line;
    while (!session.quitRequested() && (line = session.in().readLine()) != null) {
      List<String> words;
      try {
        words = words(line);
      } catch (JewelException e) {
        session.err().println("jewel: " + e.getMessage());
        session.err().flush();
        failures++;
        continue;
      }
      if (!words.isEmpty() && execute(cl, session, words) != 0) {
        failures++;
      }
    }
    return failures == 0 ? 0 : 1;
  }

  static int interactive(Session session) throws IOException {
    Terminal terminal = TerminalBuilder.builder().system(true).name("jewel").build();
    PrintWriter savedOut = session.out();
    PrintWriter savedErr = session.err();
    // On a terminal errors go where the prompt goes, so they never land after the next prompt.
    session.redirect(terminal.writer(), terminal.writer());
    ShellCompleter completer = new ShellCompleter(session);
    try {
      CommandLine cl = JewelCli.commandLine(session, true);
      completer.commands(cl);
      LineReaderBuilder builder =
          LineReaderBuilder.builder()
              .terminal(terminal)
              .appName("jewel")
              .parser(parser())
              .completer(completer)
              .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true);
      Path history = session.home().resolve(".shell-history");
      try {
        Files.createDirectories(session.home());
        builder.variable(LineReader.HISTORY_FILE, history);
      } catch (IOException | RuntimeException e) {
        // No history this time; the shell works without it.
      }
      LineReader reader = builder.build();
      if (session.clusterRunsHere()) {
        // Joining takes a couple of seconds: do it while the person types.
        Thread connect =
            new Thread(
                () -> {
                  try {
                    session.client();
                  } catch (RuntimeException e) {
                    // The first command that needs the cluster reports it.
                  }
                },
                "jewel-shell-connect");
        connect.setDaemon(true);
        connect.start();
      }
      terminal
          .writer()
          .println(
              "Jewel shell for "
                  + session.home()
                  + " (port "
                  + session.port()
                  + "). help lists the commands, Tab completes, quit leaves.");
      terminal.flush();
      while (!session.quitRequested()) {
        String line;
        try {
          line = reader.readLine(PROMPT);
        } catch (UserInterruptException e) {
          continue;
        } catch (EndOfFileException e) {
          break;
        }
        List<String> words =
            nonEmpty(reader.getParsedLine() == null ? words(line) : reader.getParsedLine().words());
        if (!words.isEmpty()) {
          execute(cl, session, words);
        }
        completer.invalidate();
      }
      try {
        reader.getHistory().save();
      } catch (IOException | RuntimeException e) {
        // Losing history is not worth an error at exit.
      }
      return 0;
    } finally {
      completer.close();
      session.redirect(savedOut, savedErr);
      terminal.close();
    }
  }

  private static int execute(CommandLine cl, Session session, List<String> words) {
    int code;
    try {
      code = cl.execute(words.toArray(new String[0]));
    } catch (RuntimeException e) {
      session.err().println("jewel: " + JewelCli.describe(e));
      code = 1;
    }
    session.out().flush();
    session.err().flush();
    return code;
  }

  static Parser parser() {
    DefaultParser p = new DefaultParser();
    p.setEofOnUnclosedQuote(true);
    p.setEofOnEscapedNewLine(true);
    return p;
  }

  /**
   * The words of a line as the shell reads them: quotes and backslashes as in bash; {@code #}
   * starts a comment.
   */
  static List<String> words(String line) {
    String trimmed = line.strip();
    if (trimmed.isEmpty() || trimmed.startsWith("#")) {
      return List.of();
    }
    try {
      return nonEmpty(parser().parse(line, line.length(), Parser.ParseContext.ACCEPT_LINE).words());
    } catch (EOFError e) {
      throw new JewelException("unfinished line: " + e.getMessage() + " (close the quote)");
    }
  }

  private static List<String> nonEmpty(List<String> words) {
    List<String> result = new ArrayList<>();
    for (String w : words) {
      if (!w.isEmpty()) {
        result.add(w);
      }
    }
    if (!result.isEmpty() && result.get(0).startsWith("#")) {
      return List.of();
    }
    return result;
  }
}
