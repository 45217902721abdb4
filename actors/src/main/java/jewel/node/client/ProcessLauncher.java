package jewel.node.client;

import java.nio.file.Path;
import java.util.List;

/**
 * Kept only so that {@link ClusterClient} (being rewritten elsewhere) compiles unchanged: the
 * launcher moved to {@link jewel.cli.launch.ProcessLauncher} in the cli module. Delete this
 * once ClusterClient imports that one.
 */
@Deprecated
final class ProcessLauncher {
  private final jewel.cli.launch.ProcessLauncher launcher;

  ProcessLauncher(Path home, int seedPort) {
    this.launcher = new jewel.cli.launch.ProcessLauncher(home, seedPort);
  }

  List<String> knownNodes() {
    return launcher.knownNodes();
  }
}
