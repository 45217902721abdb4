package jewel.node;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import jewel.api.JewelException;
import jewel.node.gateway.ApiSettings;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of a node JVM (seed or peer), as the launcher starts it: every setting comes from
 * {@link NodeSettings#load()}, to which the launcher gives {@code -Djewel.…} system properties. The
 * JVM runs until it is killed or told to leave; on leaving it exits.
 *
 * <p>A node the registry downs while it is alive (its heartbeats were late for longer than the
 * registry waits: a starved machine, a long pause) does not exit: it starts its node again, as a
 * new incarnation at the same address, on the same disk, and rejoins. A peer then reports what it
 * holds, so its blocks count again; nothing is fetched twice.
 */
public final class NodeMain {
  private static final Logger log = LoggerFactory.getLogger(NodeMain.class);

  private NodeMain() {}

  public static void main(String[] args) throws Exception {
    Config base = NodeSettings.load();
    NodeSettings settings = NodeSettings.from(base);
    if (settings.roles().isEmpty()) {
      System.err.println(
          "jewel: node "
              + settings.name()
              + " has no roles: give it jewel.node.roles (registry, peer or client)");
      System.exit(2);
    }
    if (!settings.hasRole(NodeSettings.CLIENT)) {
      // Checked before anything starts, so that a bad API setting is one line, not a trace.
      try {
        ApiSettings.from(base).checkExposure();
      } catch (IllegalArgumentException e) {
        System.err.println(
            "jewel: node " + settings.name() + " cannot serve its API: " + e.getMessage());
        System.exit(2);
      }
    }
    Path ready = settings.nodeDir().resolve("ready");
    Files.createDirectories(settings.nodeDir());
    boolean restart = false;
    while (true) {
      Files.deleteIfExists(ready);
      JewelNode node = restart ? restart(settings, base) : first(settings, base);
      node.system()
          .log()
          .info(
              "node {} started with roles {} at {}:{}, data channel at {}",
              settings.name(),
              settings.roles(),
              settings.host(),
              settings.port(),
              node.dataAddress());
      signalUp(node, ready);
      node.system().getWhenTerminated().toCompletableFuture().get();
      Optional<CoordinatedShutdown.Reason> why =
          CoordinatedShutdown.get(Adapter.toClassic(node.system())).getShutdownReason();
      if (why.isEmpty() || !why.get().equals(CoordinatedShutdown.clusterDowningReason())) {
        System.exit(0); // left the cluster, or the JVM is exiting anyway
      }
      log.warn(
          "node {} was downed by the registry (unreachable for too long); starting again to rejoin",
          settings.name());
      restart = true;
    }
  }

  /**
   * Starts the node, or exits with one line if it cannot: its certificate expired, its key is
   * missing, another CA signed it (see jewel.tls).
   */
  private static JewelNode first(NodeSettings settings, Config base) throws Exception {
    try {
      return JewelNode.start(settings, base);
    } catch (JewelException e) {
      System.err.println("jewel: node " + settings.name() + " cannot start: " + e.getMessage());
      System.exit(1);
      throw e; // not reached
    }
  }

  /** Starts the node again, retrying a few times while the old incarnation's ports close. */
  private static JewelNode restart(NodeSettings settings, Config base) throws Exception {
    for (int attempt = 1; ; attempt++) {
      TimeUnit.SECONDS.sleep(attempt);
      try {
        return JewelNode.start(settings, base);
      } catch (Exception e) {
        if (attempt == 5) {
          throw e;
        }
        log.warn("could not start node {} again ({}); retrying", settings.name(), e.toString());
      }
    }
  }

  /** The launcher waits for the {@code ready} file: the node is a member in status Up. */
  private static void signalUp(JewelNode node, Path ready) {
    Cluster cluster = Cluster.get(Adapter.toClassic(node.system()));
    cluster.registerOnMemberUp(
        () -> {
          try {
            Files.writeString(ready, Long.toString(ProcessHandle.current().pid()));
          } catch (IOException e) {
            node.system().log().error("cannot write {}: {}", ready, e.getMessage());
          }
        });
    cluster.registerOnMemberRemoved(
        () -> {
          try {
            Files.deleteIfExists(ready);
          } catch (IOException e) {
            // the launcher also checks the pid
          }
        });
  }
}
