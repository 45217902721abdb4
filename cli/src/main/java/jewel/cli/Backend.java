package jewel.cli;

import java.nio.file.Path;
import jewel.api.JewelClient;
import jewel.cli.launch.Launcher;
import jewel.cli.launch.ProcessLauncher;

/**
 * Where the commands get their cluster from. The one-shot command line's backend is HTTP ({@link
 * #http()}); the shell's is a client member of the cluster (the actors module's {@code
 * jewel.node.ShellMain}); tests hand the commands fakes.
 */
public interface Backend {

  /**
   * A client of the cluster of {@code home}; throws {@link jewel.api.JewelException} with one line
   * when no node answers.
   *
   * @param api the base URL of a node's HTTP API that {@code --api} or {@code JEWEL_API} named, or
   *     null to find a node of {@code home}; a backend that does not speak HTTP ignores it
   */
  JewelClient connect(Path home, int seedPort, String api);

  /** Starts and stops the node JVMs of {@code home}; cheap, contacts nothing. */
  default Launcher launcher(Path home, int seedPort) {
    return new ProcessLauncher(home, seedPort);
  }

  /** Takes peers down and back for {@code experiment}: through each peer's own HTTP API. */
  default PeerIsolation isolation() {
    return PeerIsolation.http();
  }

  /** The one-shot command line's: HTTP requests to a running node, no JVM joins the cluster. */
  static Backend http() {
    return (home, seedPort, api) ->
        api != null ? HttpJewelClient.at(api) : HttpJewelClient.forHome(home);
  }
}
