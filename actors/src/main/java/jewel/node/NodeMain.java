package jewel.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Cluster;

/**
 * Entry point of a node JVM (seed or peer), as the launcher starts it: every setting
 * comes from application.conf and {@code -Djewel.…} system properties. The JVM runs until
 * it is killed or told to leave; on leaving it exits.
 */
public final class NodeMain {
  private NodeMain() {}

  public static void main(String[] args) throws Exception {
    Config base = ConfigFactory.parseString("pekko.coordinated-shutdown.exit-jvm = on")
        .withFallback(ConfigFactory.load());
    NodeSettings settings = NodeSettings.from(base);
    Path ready = settings.nodeDir().resolve("ready");
    Files.createDirectories(settings.nodeDir());
    Files.deleteIfExists(ready);
    JewelNode node = JewelNode.start(settings, base);
    node.system().log().info("node {} started with roles {} at {}:{}, data channel at {}",
        settings.name(), settings.roles(), settings.host(), settings.port(), node.dataAddress());
    // The launcher waits for this file: the node is a member in status Up.
    Cluster.get(Adapter.toClassic(node.system())).registerOnMemberUp(() -> {
      try {
        Files.writeString(ready, Long.toString(ProcessHandle.current().pid()));
      } catch (IOException e) {
        node.system().log().error("cannot write {}: {}", ready, e.getMessage());
      }
    });
    Cluster.get(Adapter.toClassic(node.system())).registerOnMemberRemoved(() -> {
      try {
        Files.deleteIfExists(ready);
      } catch (IOException e) {
        // the launcher also checks the pid
      }
    });
  }
}
