package jewel.cli;

import java.util.List;
import jewel.api.JewelException;
import jewel.api.PeerId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Commands that start and stop node JVMs on this machine: they use the {@code Launcher} only. */
final class LifecycleCommands {
  private LifecycleCommands() {}

  static void reportStarted(Session s, List<String> started) {
    if (started.isEmpty()) {
      s.out()
          .println(
              "the cluster at "
                  + s.home()
                  + " (port "
                  + s.port()
                  + ") is already up: nothing to start (try: peers)");
    } else {
      s.out()
          .println(
              "started "
                  + String.join(", ", started)
                  + " at "
                  + s.home()
                  + " (port "
                  + s.port()
                  + "); all are Up");
    }
  }

  @Command(
      name = "start",
      description = "up N (default 5), then open the shell; the cluster keeps running after it")
  static final class Start extends JewelCommand {
    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "N",
        defaultValue = "5",
        description = "peers (default 5)")
    private int count;

    @Override
    protected int execute() {
      Session s = session();
      if (s.inShell()) {
        throw new JewelException("already in the shell (use up N to start nodes)");
      }
      int n = Inputs.nodes(count, "N");
      reportStarted(s, launcher().up(n));
      s.out().flush();
      int code = Shell.run(s);
      s.out().println("The cluster keeps running: ./jewel down stops it.");
      return code;
    }
  }

  @Command(
      name = "up",
      description =
          "start a seed and N peers (default 5) in the background; returns when all are Up")
  static final class Up extends JewelCommand {
    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "N",
        defaultValue = "5",
        description = "peers (default 5)")
    private int count;

    @Option(
        names = "--registries",
        paramLabel = "R",
        defaultValue = "1",
        description =
            "registry nodes: seed, registry-2, … (default 1; more need a --journal they share)")
    private int registries;

    @Option(
        names = "--journal",
        paramLabel = "URL",
        defaultValue = "${env:JEWEL_JOURNAL}",
        description =
            "the registry's journal: a PostgreSQL JDBC URL like"
                + " jdbc:postgresql://127.0.0.1:5432/jewel?user=jewel (env JEWEL_JOURNAL;"
                + " default: LevelDB on the seed, or the journal this home used before)")
    private String journal;

    @Override
    protected void run() {
      int n = Inputs.nodes(count, "N");
      if (registries < 1 || registries > 9) {
        throw usage("--registries must be 1 to 9, not " + registries);
      }
      if (journal != null && !journal.isBlank() && !journal.startsWith("jdbc:postgresql://")) {
        throw usage(
            "--journal must be a PostgreSQL JDBC URL like"
                + " jdbc:postgresql://127.0.0.1:5432/jewel?user=jewel");
      }
      reportStarted(session(), launcher().up(n, registries, journal == null ? "" : journal));
    }
  }

  @Command(name = "down", description = "stop every node of this home")
  static final class Down extends JewelCommand {
    @Override
    protected void run() {
      Session s = session();
      s.disconnect();
      List<String> stopped = launcher().down();
      if (stopped.isEmpty()) {
        out().println("nothing was running at " + s.home());
      } else {
        out().println("stopped " + String.join(", ", stopped) + " at " + s.home());
      }
    }
  }

  @Command(
      name = "add",
      description = "start N more peers (default 1) that join the running cluster")
  static final class Add extends JewelCommand {
    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "N",
        defaultValue = "1",
        description = "peers (default 1)")
    private int count;

    @Override
    protected void run() {
      int n = Inputs.nodes(count, "N");
      List<String> added = launcher().add(n);
      out().println("added " + (added.isEmpty() ? "no peer" : String.join(", ", added)));
    }
  }

  @Command(name = "kill", description = "SIGKILL a peer's JVM, to simulate a failure")
  static final class Kill extends JewelCommand {
    @Parameters(index = "0", paramLabel = "PEER", description = "a node name, like peer-2 or seed")
    private String peer;

    @Override
    protected void run() {
      PeerId p = Inputs.peer(peer);
      launcher().kill(p);
      out().println("killed " + p + " (SIGKILL); revive " + p + " starts it again");
    }
  }

  @Command(name = "revive", description = "start a killed peer again, on the same disk")
  static final class Revive extends JewelCommand {
    @Parameters(index = "0", paramLabel = "PEER", description = "a node name, like peer-2 or seed")
    private String peer;

    @Override
    protected void run() {
      PeerId p = Inputs.peer(peer);
      launcher().revive(p);
      out().println("revived " + p);
    }
  }

  @Command(
      name = "shell",
      description = "the interactive shell: these commands, with history and Tab completion")
  static final class OpenShell extends JewelCommand {
    @Override
    protected int execute() {
      Session s = session();
      if (s.inShell()) {
        throw new JewelException("already in the shell");
      }
      int code = Shell.run(s);
      if (s.connectedClient() != null || s.clusterRunsHere()) {
        s.out().println("The cluster keeps running: ./jewel down stops it.");
      }
      return code;
    }
  }

  @Command(
      name = "quit",
      aliases = "exit",
      description = "leave the shell (the cluster keeps running)")
  static final class Quit extends JewelCommand {
    @Override
    protected void run() {
      session().requestQuit();
    }
  }
}
