package jewel.cli.launch;

import java.util.List;
import jewel.api.PeerId;

/**
 * Starts and stops the node JVMs of one home folder on this machine. Each node runs in its own JVM
 * in the background, with its folder, pid file and log under the home.
 */
public interface Launcher {

  /** Starts a seed (if none runs) and peers up to {@code peers}, and returns when all are Up. */
  default List<String> up(int peers) {
    return up(peers, 1, "");
  }

  /**
   * Starts the registry nodes ({@code seed}, {@code registry-2} … up to {@code registries}) that
   * are not running, and peers up to {@code peers}, and returns when all are Up. {@code journal}:
   * the registry's journal, empty for LevelDB on the seed (then {@code registries} must be 1), or a
   * PostgreSQL JDBC URL every registry node shares; a home remembers it for later starts.
   */
  List<String> up(int peers, int registries, String journal);

  /** Stops every node of this home; returns the names stopped. */
  List<String> down();

  /** Starts {@code count} more peers that join the running cluster; returns their names. */
  List<String> add(int count);

  /** SIGKILLs that node's JVM, to simulate a crash. */
  void kill(PeerId node);

  /** Starts that node again on the same folder and port. */
  void revive(PeerId node);

  /** Whether this home's seed JVM is running. */
  boolean running();
}
