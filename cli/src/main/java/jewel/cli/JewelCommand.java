package jewel.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import jewel.api.JewelClient;
import jewel.cli.launch.Launcher;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every command, at any depth of the tree ({@code pin add} works the same as {@code ls}):
 * it finds the {@link Session} through the root command, and a command that never calls {@link
 * #client()} never contacts the cluster.
 *
 * <p>No command is a method: picocli, told so here for every subclass, skips looking for them,
 * which a one-shot command otherwise spends a part of its start-up on.
 */
@CommandLine.Command(addMethodSubcommands = false)
public abstract class JewelCommand implements Callable<Integer> {
  @Spec protected CommandSpec spec;

  @Override
  public final Integer call() throws Exception {
    JewelCli root = root();
    root.session()
        .locate(root.homeOption(), root.portOption(), root.apiOption(), root.tokenOption());
    int code = execute();
    out().flush();
    return code;
  }

  /** Runs the command; the default runs {@link #run()} and returns 0. */
  protected int execute() throws Exception {
    run();
    return 0;
  }

  protected void run() throws Exception {}

  protected JewelCli root() {
    return (JewelCli) spec.root().userObject();
  }

  protected Session session() {
    return root().session();
  }

  protected PrintWriter out() {
    return session().out();
  }

  /** The cluster, connecting on first use. */
  protected JewelClient client() {
    return session().client();
  }

  protected Launcher launcher() {
    return session().launcher();
  }

  /** A usage error: picocli's message and usage, exit status 2. */
  protected CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
