package jewel.cli;

import java.nio.file.Path;
import jewel.api.JewelClient;
import jewel.cli.launch.AdminToken;
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
   * @param token the API token that {@code --token} or {@code JEWEL_TOKEN} gave, or null: the
   *     home's admin token, if it has one; a backend that does not speak HTTP ignores it
   */
  JewelClient connect(Path home, int seedPort, String api, String token);

  /** Starts and stops the node JVMs of {@code home}; cheap, contacts nothing. */
  default Launcher launcher(Path home, int seedPort) {
    return new ProcessLauncher(home, seedPort);
  }

  /**
   * Takes peers down and back for {@code experiment}: through each peer's own HTTP API, with the
   * token as {@link #connect} takes it.
   */
  default PeerIsolation isolation(Path home, String token) {
    return PeerIsolation.http(bearer(home, token), home);
  }

  /** The one-shot command line's: HTTP requests to a running node, no JVM joins the cluster. */
  static Backend http() {
    return (home, seedPort, api, token) -> {
      String bearer = bearer(home, token);
      return api != null
          ? HttpJewelClient.at(api, bearer).trustingClusterOf(home)
          : HttpJewelClient.forHome(home, bearer);
    };
  }

  /** The token an HTTP request sends: {@code token} if given, else the home's admin token. */
  private static String bearer(Path home, String token) {
    return token != null ? token : AdminToken.read(home).orElse(null);
  }
}
