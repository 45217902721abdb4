package jewel.node;

import jewel.protocol.NodeCommand;
import jewel.protocol.data.Traffic;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * Answers what this node is: its name, API URL and the bytes it moved ({@code peers} shows them).
 */
public final class NodeInfo {
  private NodeInfo() {}

  public static Behavior<NodeCommand> create(
      String name, String address, String api, Traffic traffic) {
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
                                name, address, api, traffic.received(), traffic.sent()));
                    return Behaviors.same();
                  })
              .build();
        });
  }
}
