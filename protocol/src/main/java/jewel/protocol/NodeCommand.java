package jewel.protocol;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/** What every node (seed and peers alike) answers about itself, whatever its roles. */
public sealed interface NodeCommand extends JewelSerializable {

  /** Every node's {@code NodeInfo} registers under this key with the Receptionist. */
  ServiceKey<NodeCommand> SERVICE_KEY = ServiceKey.create(NodeCommand.class, "jewel-node");

  record Describe(ActorRef<Description> replyTo) implements NodeCommand {}

  /**
   * @param name the node's stable name ({@code seed}, {@code peer-2})
   * @param address its cluster address, {@code host:port}
   * @param api the base URL of its HTTP API, or null if it serves none
   * @param s3 the base URL of its S3 listener, or null if it serves none
   * @param bytesReceived bytes of files and blocks it received since it started
   * @param bytesSent bytes of files and blocks it sent since it started
   */
  record Description(
      String name, String address, String api, String s3, long bytesReceived, long bytesSent)
      implements JewelSerializable {}
}
