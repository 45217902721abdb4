package jewel.node;

import java.nio.file.Path;
import jewel.cli.Backend;
import jewel.cli.JewelCli;
import jewel.cli.launch.ProcessLauncher;
import jewel.node.client.ClusterClient;
import org.slf4j.LoggerFactory;

/**
 * The interactive shell ({@code ./jewel shell}, {@code ./jewel start}): the command line's command
 * tree, run by a client member of the cluster that does the scheme work itself, in this JVM. It
 * joins the cluster once and stays; the one-shot command line ({@code jewel.cli.JewelCli}) sends
 * HTTP requests instead.
 */
public final class ShellMain {
  private ShellMain() {}

  public static void main(String[] args) {
    // stdout and stderr are for people: this JVM logs to a file (HOME/client.log once known).
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-cli.xml");
    }
    // The nodes that up, add and revive start run from the jar this shell runs from.
    if (System.getProperty(ProcessLauncher.NODE_JAR_PROPERTY) == null) {
      System.setProperty(ProcessLauncher.NODE_JAR_PROPERTY, System.getProperty("java.class.path"));
    }
    JewelCli.main(cluster(), args.length == 0 ? new String[] {"shell"} : args);
  }

  /** Commands that need the cluster join it as a client member, through {@link ClusterClient}. */
  static Backend cluster() {
    return (Path home, int seedPort, String api, String token) -> {
      if (System.getProperty("jewel.log.file") == null) {
        System.setProperty("jewel.log.file", home.resolve("client.log").toString());
      }
      // Logging starts here, on one thread, before Pekko's threads log.
      LoggerFactory.getILoggerFactory();
      return ClusterClient.connect(home, seedPort);
    };
  }
}
