package jewel.node;

import jewel.protocol.NodeCommand;
import jewel.protocol.data.Traffic;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * Answers what this node is: its name, API and S3 URLs and the bytes it moved ({@code peers} shows
 * them).
 */
public final class NodeInfo {
  private NodeInfo() {}

  public static Behavior<NodeCommand> create(
      String name, String address, String api, String s3, Traffic traffic) {
    return Behaviors.setup(
        ctx -> {
          ctx.getSystem()
              .receptionist()
              .tell(Receptionist.register(NodeCommand.SERVICE_KEY, ctx.getSelf()));
          return Behaviors.receive(NodeCommand.class)
              .onMessage(
                  NodeCommand.Describe.class,
                  d -> {
                    d.replyTo()
                        .tell(
                            new NodeCommand.Description(
                                name, address, api, s3, traffic.received(), traffic.sent()));
                    return Behaviors.same();
                  })
              .build();
        });
  }
}
