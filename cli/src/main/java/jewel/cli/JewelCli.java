package jewel.cli;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import jewel.api.JewelException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code jewel}: the one-shot command line and, through {@code shell}, the interactive shell. One
 * command tree serves both; {@link Session} says where output goes and holds the cluster client.
 * New commands ({@code split}, {@code simulate}, {@code pin ...}) are {@link JewelCommand}s listed
 * here.
 */
@Command(
    name = "jewel",
    description = "Jewel: store files across the peers of a Pekko cluster.",
    synopsisSubcommandLabel = "COMMAND",
    addMethodSubcommands = false,
    footer = {
      "",
      "Exit status: 0 done, 1 failed (one line on stderr says why), 2 bad usage.",
      "Start here: ./jewel start   (a seed and 5 peers, then the shell)",
    })
public final class JewelCli implements Callable<Integer> {
  /** The commands, in the order help lists them. */
  static final List<Class<? extends JewelCommand>> COMMANDS =
      List.of(
          LifecycleCommands.Start.class,
          LifecycleCommands.Up.class,
          LifecycleCommands.Down.class,
          LifecycleCommands.Add.class,
          LifecycleCommands.Kill.class,
          LifecycleCommands.Revive.class,
          CertCommands.Certs.class,
          PeerCommands.Peers.class,
          PeerCommands.Dir.class,
          FileCommands.Store.class,
          FileCommands.Get.class,
          FileCommands.Delete.class,
          FileCommands.Ls.class,
          FileCommands.Status.class,
          DurabilityCommands.Check.class,
          DurabilityCommands.Verify.class,
          DurabilityCommands.Repair.class,
          DurabilityCommands.Retune.class,
          SchemeCommands.SchemeList.class,
          SchemeCommands.SchemeDefault.class,
          PinCommands.Pins.class,
          PinCommands.Peer.class,
          PinCommands.Simulate.class,
          Experiment.class,
          TokenCommands.Tokens.class,
          S3KeyCommands.S3.class,
          CodecCommands.Split.class,
          CodecCommands.Join.class,
          LifecycleCommands.OpenShell.class,
          JewelCli.Help.class);

  @Option(
      names = "--home",
      paramLabel = "DIR",
      scope = ScopeType.INHERIT,
      description =
          "the cluster's folder: node folders, LevelDB, logs (env JEWEL_HOME, default ./live)")
  private String home;

  @Option(
      names = "--port",
      paramLabel = "P",
      scope = ScopeType.INHERIT,
      description = "the seed's port; peers take the next ones (env JEWEL_PORT, default 25520)")
  private Integer port;

  @Option(
      names = "--api",
      paramLabel = "URL",
      scope = ScopeType.INHERIT,
      description =
          "a node's HTTP API, like http://127.0.0.1:26521 (env JEWEL_API; default: a running node of --home)")
  private String api;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      scope = ScopeType.INHERIT,
      description =
          "the API token to send (env JEWEL_TOKEN; default: the home's admin-token, which up writes)")
  private String token;

  @SuppressWarnings("UnusedVariable") // picocli sets it and prints the help itself
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      scope = ScopeType.INHERIT,
      description = "show this help")
  private boolean help;

  @Spec private CommandSpec spec;

  private final Session session;

  public JewelCli(Session session) {
    this.session = session;
  }

  Session session() {
    return session;
  }

  String homeOption() {
    return home;
  }

  Integer portOption() {
    return port;
  }

  String apiOption() {
    return api;
  }

  String tokenOption() {
    return token;
  }

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing command (try: jewel help)");
  }

  public static void main(String[] args) {
    main(Backend.http(), args);
  }

  /** Runs one command line on the process's terminal or pipes with {@code backend}, and exits. */
  public static void main(Backend backend, String[] args) {
    // A console on JDK 17 to 21 means a terminal on both ends; newer JDKs return one for pipes
    // too, where a progress line would only add noise to a file (Jewel is built for JDK 17).
    @SuppressWarnings("SystemConsoleNull")
    boolean terminal = System.console() != null;
    PrintWriter out =
        new PrintWriter(
            new OutputStreamWriter(
                new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8),
            true);
    PrintWriter err =
        new PrintWriter(
            new OutputStreamWriter(
                new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8),
            true);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    Session session = new Session(backend, System.getenv(), Path.of(""), in, out, err, terminal);
    // Ctrl-C or a kill: still close the client (the shell leaves the cluster cleanly).
    Runtime.getRuntime().addShutdownHook(new Thread(session::close, "jewel-cli-shutdown"));
    int code = run(session, args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs one command line and closes the session (the shell's client leaves the cluster). */
  public static int run(Session session, String... args) {
    try {
      return commandLine(session, false, commandWord(args)).execute(args);
    } finally {
      session.close();
    }
  }

  /** The command tree writing to the session; the shell's adds {@code quit}/{@code exit}. */
  static CommandLine commandLine(Session session, boolean shell) {
    return commandLine(session, shell, null);
  }

  /**
   * The tree with only the command named {@code only} when that is one (picocli builds a command's
   * model by reflection, a good part of a one-shot JVM's start), else with all.
   */
  static CommandLine commandLine(Session session, boolean shell, String only) {
    CommandLine cl = new CommandLine(new JewelCli(session));
    boolean known =
        only != null
            && !only.equals("help")
            && COMMANDS.stream().anyMatch(c -> c.getAnnotation(Command.class).name().equals(only));
    for (Class<? extends JewelCommand> c : COMMANDS) {
      if (!known || c.getAnnotation(Command.class).name().equals(only)) {
        cl.addSubcommand(c);
      }
    }
    if (shell) {
      cl.addSubcommand("quit", new LifecycleCommands.Quit());
    }
    cl.setOut(session.out());
    cl.setErr(session.err());
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          session.out().flush();
          session.err().println("jewel: " + describe(ex));
          if (!(ex instanceof JewelException)
              && !(ex instanceof IllegalArgumentException)
              && System.getenv("JEWEL_DEBUG") != null) {
            ex.printStackTrace(session.err());
          }
          session.err().flush();
          return 1;
        });
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          PrintWriter err = session.err();
          CommandLine where = ex.getCommandLine();
          String message = ex.getMessage();
          if (ex instanceof CommandLine.UnmatchedArgumentException u
              && where.getCommandSpec() == cl.getCommandSpec()
              && !u.getUnmatched().isEmpty()
              && !u.getUnmatched().get(0).startsWith("-")) {
            message = "unknown command '" + u.getUnmatched().get(0) + "' (try: help)";
          }
          session.out().flush();
          err.println("jewel: " + oneLine(message));
          boolean atRoot = where.getCommandSpec() == cl.getCommandSpec();
          if (shell) {
            if (!atRoot) {
              err.println(
                  "usage: "
                      + where.getHelp().synopsis(0).stripTrailing()
                      + "   (try: help "
                      + where.getCommandName()
                      + ")");
            }
          } else if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
            where.usage(err);
          }
          err.flush();
          return where.getCommandSpec().exitCodeOnInvalidInput();
        });
    return cl;
  }

  /** The first word of {@code args} that is not a global option or its value, or null. */
  static String commandWord(String... args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--home") || a.equals("--port") || a.equals("--api") || a.equals("--token")) {
        i++;
      } else if (a.startsWith("-")) {
        if (!(a.startsWith("--home=")
            || a.startsWith("--port=")
            || a.startsWith("--api=")
            || a.startsWith("--token="))) {
          return null;
        }
      } else {
        return a;
      }
    }
    return null;
  }

  /**
   * One line for a failure: a {@link JewelException}'s message as is, a local file that could not
   * be read or written by its path and the system's reason, anything else named.
   */
  static String describe(Throwable ex) {
    if (ex instanceof JewelException || ex instanceof IllegalArgumentException) {
      return oneLine(ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage());
    }
    Throwable io = ex instanceof UncheckedIOException u ? u.getCause() : ex;
    if (io instanceof NoSuchFileException f) {
      return oneLine("no such file or folder: " + f.getFile());
    }
    if (io instanceof AccessDeniedException f) {
      return oneLine("permission denied: " + f.getFile());
    }
    if (io instanceof FileSystemException f) {
      return oneLine(
          "cannot use " + f.getFile() + (f.getReason() == null ? "" : ": " + f.getReason()));
    }
    String what = ex.getClass().getName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage());
    return oneLine("internal error: " + what + " (set JEWEL_DEBUG=1 for the stack trace)");
  }

  static String oneLine(String text) {
    return Format.safe(text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", " "));
  }

  @Command(name = "help", description = "show the commands, or one command's options")
  static final class Help extends JewelCommand {
    @CommandLine.Parameters(arity = "0..1", paramLabel = "COMMAND", description = "a command")
    private String command;

    @Override
    protected void run() {
      CommandLine root = spec.root().commandLine();
      if (command == null) {
        root.usage(out());
        if (session().inShell()) {
          out()
              .println(
                  "In the shell: quit or exit (or Ctrl-D) leaves; Tab completes commands, peers and files.");
        }
        return;
      }
      CommandLine sub = root.getSubcommands().get(command);
      if (sub == null) {
        throw new JewelException("unknown command '" + command + "' (try: help)");
      }
      sub.usage(out());
    }
  }
}
