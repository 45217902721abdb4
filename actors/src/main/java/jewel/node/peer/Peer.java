package jewel.node.peer;

import java.util.ArrayList;
import java.util.List;
import jewel.node.store.BlockStore;
import jewel.node.store.LocalFiles;
import jewel.protocol.BlockId;
import jewel.protocol.ByteSink;
import jewel.protocol.ByteSource;
import jewel.protocol.DataAddress;
import jewel.protocol.PeerCommand;
import jewel.protocol.PeerId;
import jewel.protocol.PeerReply;
import jewel.protocol.RegistryCommand;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * A peer: holds blocks in its {@link BlockStore} ({@code disk/blocks/}) and the user's
 * files in {@code disk/files/}. Block bytes reach it over its data channel (at
 * {@code data}); this actor answers the control messages around them. On start it
 * registers with the Receptionist and tells the registry which blocks it holds, so a
 * peer revived on its old disk is counted again.
 */
public final class Peer {
  private Peer() {}

  public static Behavior<PeerCommand> create(
      PeerId name, DataAddress data, BlockStore store, LocalFiles files, ActorRef<RegistryCommand> registry) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(PeerCommand.SERVICE_KEY, ctx.getSelf()));
      reportHoldings(name, store, registry);
      ctx.getLog().info("peer {} up: {} blocks, {} bytes, data channel at {}", name, store.count(), store.bytes(), data);
      return behaviour(ctx, name, data, store, files, registry);
    });
  }

  private static Behavior<PeerCommand> behaviour(
      ActorContext<PeerCommand> ctx, PeerId name, DataAddress data, BlockStore store, LocalFiles files,
      ActorRef<RegistryCommand> registry) {
    return Behaviors.receive(PeerCommand.class)
        .onMessage(PeerCommand.Describe.class, c -> {
          c.replyTo().tell(new PeerReply.Description(name, data, store.count(), store.bytes()));
          return Behaviors.same();
        })
        .onMessage(PeerCommand.ListContents.class, c -> {
          c.replyTo().tell(new PeerReply.Contents(name, files.list(), store.list()));
          return Behaviors.same();
        })
        .onMessage(PeerCommand.DeleteBlocks.class, c -> {
          int deleted = 0;
          for (BlockId id : c.blocks()) {
            if (store.delete(id)) {
              deleted++;
            }
          }
          if (deleted > 0) {
            ctx.getLog().info("deleted {} blocks no file references", deleted);
            reportHoldings(name, store, registry);
          }
          c.replyTo().tell(new PeerReply.BlocksDeleted(name, deleted));
          return Behaviors.same();
        })
        .onMessage(PeerCommand.OfferFile.class, c -> {
          try {
            LocalFiles.Offer offer = files.offer(c.fileName());
            c.replyTo().tell(new PeerReply.FileOffered(new ByteSource(data, offer.token(), offer.size())));
          } catch (Exception e) {
            c.replyTo().tell(new PeerReply.PeerRefused(name, e.getMessage()));
          }
          return Behaviors.same();
        })
        .onMessage(PeerCommand.AcceptFile.class, c -> {
          try {
            String token = files.accept(c.fileName());
            c.replyTo().tell(new PeerReply.FileAccepted(new ByteSink(data, token)));
          } catch (Exception e) {
            c.replyTo().tell(new PeerReply.PeerRefused(name, e.getMessage()));
          }
          return Behaviors.same();
        })
        .build();
  }

  private static void reportHoldings(PeerId name, BlockStore store, ActorRef<RegistryCommand> registry) {
    List<BlockId> held = new ArrayList<>();
    store.list().forEach(b -> held.add(b.id()));
    registry.tell(new RegistryCommand.ReportHoldings(name, held));
  }
}
