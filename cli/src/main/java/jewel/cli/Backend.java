package jewel.node.cli;

import java.nio.file.Path;
import jewel.node.client.ClusterClient;
import jewel.api.JewelClient;
import jewel.node.client.Launcher;
import jewel.node.client.ProcessLauncher;
import org.slf4j.LoggerFactory;

/**
 * Where the commands get their cluster from. The production backend joins the real
 * cluster and starts real JVMs; tests hand the commands fakes instead.
 */
public interface Backend {

  /**
   * Joins the cluster of {@code home} as a client. Takes a couple of seconds; throws
   * {@link jewel.api.JewelException} with one line when no cluster is running.
   */
  JewelClient connect(Path home, int seedPort);

  /** Starts and stops the node JVMs of {@code home}; cheap, contacts nothing. */
  Launcher launcher(Path home, int seedPort);

  /** The real thing: {@link ClusterClient} and {@link ProcessLauncher}. */
  static Backend production() {
    return new Backend() {
      @Override
      public JewelClient connect(Path home, int seedPort) {
        // The client node's logs go to HOME/client.log (logback-cli.xml), never to the
        // person's terminal; logging starts here, on one thread, before Pekko's threads log.
        if (System.getProperty("jewel.log.file") == null) {
          System.setProperty("jewel.log.file", home.resolve("client.log").toString());
        }
        LoggerFactory.getILoggerFactory();
        return ClusterClient.connect(home, seedPort);
      }

      @Override
      public Launcher launcher(Path home, int seedPort) {
        return new ProcessLauncher(home, seedPort);
      }
    };
  }
}
