package jewel.cli.launch;

import java.util.List;
import jewel.api.PeerId;

/**
 * Starts and stops the node JVMs of one home folder on this machine. Each node runs in its own JVM
 * in the background, with its folder, pid file and log under the home.
 */
public interface Launcher {

  /** Starts a seed (if none runs) and peers up to {@code peers}, and returns when all are Up. */
  List<String> up(int peers);

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
