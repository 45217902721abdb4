package jewel.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/** Configuration for tests: a node's, with every message put through serialization. */
public final class TestConfig {
  private TestConfig() {}

  /** One local ActorSystem (no cluster), as ActorTestKit tests of single behaviours want. */
  public static Config local() {
    return ConfigFactory.parseString(
            """
        pekko.actor.provider = local
        pekko.actor.serialize-messages = on
        jewel.tls.enabled = off
        pekko.loglevel = WARNING
        """)
        .withFallback(NodeSettings.load());
  }

  /**
   * A cluster node on a free port, for several ActorSystems in one JVM; without TLS, which
   * TlsMembershipTest covers (the nodes of one JVM share one home but not its certificates).
   */
  public static Config clusterNode() {
    return ConfigFactory.parseString(
            """
        pekko.actor.serialize-messages = on
        jewel.tls.enabled = off
        pekko.remote.artery.canonical.port = 0
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        pekko.loglevel = WARNING
        """)
        .withFallback(NodeSettings.load());
  }
}
