package jewel.node.peer;

import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import jewel.api.BlockId;
import jewel.api.JewelException;
import jewel.api.PeerContents;
import jewel.api.PeerId;
import jewel.node.RegistryPages;
import jewel.node.pins.Failures;
import jewel.node.store.BlockStore;
import jewel.node.store.LocalFiles;
import jewel.node.store.RecentWrites;
import jewel.protocol.ByteSink;
import jewel.protocol.ByteSource;
import jewel.protocol.DataAddress;
import jewel.protocol.PeerCommand;
import jewel.protocol.PeerMessage;
import jewel.protocol.PeerReply;
import jewel.protocol.RegistryCommand;
import jewel.schemes.audit.MerkleTree;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.pattern.StatusReply;

/**
 * A peer: holds blocks in its {@link BlockStore} ({@code disk/blocks/}) and the user's files in
 * {@code disk/files/}. Block bytes reach it over its data channel (at {@code data}); this actor
 * answers the control messages around them. On start it registers with the Receptionist and tells
 * the registry which blocks it holds, so a peer revived on its old disk is counted again.
 *
 * <p>With pins enabled it keeps its share of the pinned blocks in a {@link ShareKeeper} child, and
 * it answers audits: chunk i of a block with its Merkle path ({@link ChunkProofs}).
 *
 * <p>A {@link Scrubber} child re-hashes its blocks in the background, and {@link
 * PeerCommand.VerifyBlocks} does so for the blocks it names, now; both quarantine a damaged block,
 * after which the peer reports its holdings again, so the registry stops counting this copy.
 *
 * <p>It receives {@link PeerMessage}s: the protocol's {@link PeerCommand}s, which is all the world
 * sees of it, and the two records below, which it sends itself.
 */
public final class Peer extends AbstractBehavior<PeerMessage> {

  /** An audit's reading finished (or failed). */
  private record Proved(PeerCommand.Audit audit, ChunkProofs.Read read, Throwable failure)
      implements PeerMessage.Internal {}

  /** The share keeper's news, through a message adapter. */
  private record ShareReported(ShareKeeper.ShareState state) implements PeerMessage.Internal {}

  /** The scrubber quarantined a block, through a message adapter. */
  private record Scrubbed(Scrubber.Quarantined quarantined) implements PeerMessage.Internal {}

  /** A {@code VerifyBlocks}' reading finished (or failed). */
  private record VerifiedHere(
      PeerCommand.VerifyBlocks command, PeerReply.Verified verified, Throwable failure)
      implements PeerMessage.Internal {}

  private final PeerId name;
  private final DataAddress data;
  private final BlockStore store;
  private final RecentWrites writes;
  private final LocalFiles files;
  private final ActorRef<RegistryCommand> registry;
  private final ActorRef<ShareKeeper.Command> keeper; // null: pins are not kept here
  private final ChunkProofs proofs;
  private boolean overQuota;

  /**
   * A peer that keeps no share of the pinned blocks (but answers audits), and knows of no writes
   * but those it makes itself.
   */
  public static Behavior<PeerCommand> create(
      PeerId name,
      DataAddress data,
      BlockStore store,
      LocalFiles files,
      ActorRef<RegistryCommand> registry) {
    return create(name, data, new RecentWrites(store), files, registry, null);
  }

  /**
   * A peer that keeps its share of the pinned blocks as {@code sharing} says (null: none), and does
   * not scrub.
   */
  public static Behavior<PeerCommand> create(
      PeerId name,
      DataAddress data,
      RecentWrites writes,
      LocalFiles files,
      ActorRef<RegistryCommand> registry,
      ShareKeeper.Setup sharing) {
    return create(name, data, writes, files, registry, sharing, null);
  }

  /**
   * A peer that keeps its share of the pinned blocks as {@code sharing} says and scrubs its blocks
   * as {@code scrubbing} says (null: none, and no scrubbing). Its blocks are {@code writes}'s
   * store; {@code writes} is also what its data channel writes through.
   */
  public static Behavior<PeerCommand> create(
      PeerId name,
      DataAddress data,
      RecentWrites writes,
      LocalFiles files,
      ActorRef<RegistryCommand> registry,
      ShareKeeper.Setup sharing,
      Scrubber.Setup scrubbing) {
    BlockStore store = writes.store();
    return Behaviors.<PeerMessage>setup(
            ctx -> {
              ctx.setLoggerName(Peer.class);
              ctx.getSystem()
                  .receptionist()
                  .tell(Receptionist.register(PeerCommand.SERVICE_KEY, ctx.getSelf().narrow()));
              reportHoldings(name, store, registry, ctx.getSystem());
              ctx.getLog()
                  .info(
                      "peer {} up: {} blocks, {} bytes, data channel at {}",
                      name,
                      store.count(),
                      store.bytes(),
                      data);
              ActorRef<ShareKeeper.Command> keeper =
                  sharing == null
                      ? null
                      : ctx.spawn(
                          ShareKeeper.create(
                              name,
                              store,
                              registry,
                              ctx.messageAdapter(ShareKeeper.ShareState.class, ShareReported::new),
                              sharing),
                          "share",
                          DispatcherSelector.blocking());
              if (scrubbing != null) {
                ctx.spawn(
                    Scrubber.create(
                        store,
                        ctx.messageAdapter(Scrubber.Quarantined.class, Scrubbed::new),
                        scrubbing),
                    "scrub",
                    Scrubber.dispatcher());
              }
              return new Peer(ctx, name, data, writes, files, registry, keeper);
            })
        .narrow();
  }

  private Peer(
      ActorContext<PeerMessage> ctx,
      PeerId name,
      DataAddress data,
      RecentWrites writes,
      LocalFiles files,
      ActorRef<RegistryCommand> registry,
      ActorRef<ShareKeeper.Command> keeper) {
    super(ctx);
    this.name = name;
    this.data = data;
    this.store = writes.store();
    this.writes = writes;
    this.files = files;
    this.registry = registry;
    this.keeper = keeper;
    this.proofs = new ChunkProofs(store, ctx.getSystem());
  }

  @Override
  public Receive<PeerMessage> createReceive() {
    return newReceiveBuilder()
        .onMessage(
            PeerCommand.Describe.class,
            c -> {
              c.replyTo()
                  .tell(
                      new PeerReply.Description(
                          name, data, store.count(), store.bytes(), overQuota));
              return this;
            })
        .onMessage(PeerCommand.ListContents.class, this::onListContents)
        .onMessage(PeerCommand.DeleteBlocks.class, this::onDeleteBlocks)
        .onMessage(
            PeerCommand.OfferFile.class,
            c -> {
              try {
                LocalFiles.Offer offer = files.offer(c.fileName());
                c.replyTo()
                    .tell(
                        StatusReply.success(
                            new PeerReply.FileOffered(
                                new ByteSource(data, offer.token(), offer.size()))));
              } catch (Exception e) {
                c.replyTo().tell(StatusReply.error(Failures.oneLine(e)));
              }
              return this;
            })
        .onMessage(PeerCommand.AcceptFile.class, this::onAcceptFile)
        .onMessage(PeerCommand.Audit.class, this::onAudit)
        .onMessage(Proved.class, this::onProved)
        .onMessage(
            PeerCommand.Rescan.class,
            c -> {
              if (keeper != null) {
                keeper.tell(new ShareKeeper.Rescan());
              }
              return this;
            })
        .onMessage(PeerCommand.VerifyBlocks.class, this::onVerifyBlocks)
        .onMessage(VerifiedHere.class, this::onVerified)
        .onMessage(
            Scrubbed.class,
            s -> {
              reportHoldings(name, store, registry, getContext().getSystem());
              return this;
            })
        .onMessage(
            ShareReported.class,
            s -> {
              overQuota = s.state().overQuota();
              return this;
            })
        .build();
  }

  /** Blocks a page of {@code ListContents} carries at most: about 100 KiB. */
  static final int CONTENTS_PAGE = 1000;

  private Behavior<PeerMessage> onListContents(PeerCommand.ListContents c) {
    List<PeerContents.HeldBlock> after =
        store.list().stream()
            .filter(b -> c.after() == null || b.id().compareTo(c.after()) > 0)
            .toList();
    List<PeerContents.HeldBlock> page = after.subList(0, Math.min(CONTENTS_PAGE, after.size()));
    BlockId next = page.size() < after.size() ? page.get(page.size() - 1).id() : null;
    c.replyTo()
        .tell(
            new PeerReply.Contents(
                name, c.after() == null ? files.list() : List.of(), List.copyOf(page), next));
    return this;
  }

  private Behavior<PeerMessage> onDeleteBlocks(PeerCommand.DeleteBlocks c) {
    RecentWrites.Deleted outcome = writes.delete(c.blocks(), c.guard());
    if (outcome.spared() > 0) {
      getContext()
          .getLog()
          .info(
              "kept {} unreferenced blocks: a store in progress wrote them, or they are younger"
                  + " than {} ms",
              outcome.spared(),
              c.guard().minAgeMillis());
    }
    if (outcome.deleted() > 0) {
      getContext().getLog().info("deleted {} blocks no file references", outcome.deleted());
      reportHoldings(name, store, registry, getContext().getSystem());
    }
    c.replyTo().tell(new PeerReply.BlocksDeleted(name, outcome.deleted()));
    return this;
  }

  private Behavior<PeerMessage> onAcceptFile(PeerCommand.AcceptFile c) {
    PeerReply.AcceptReply reply;
    try {
      reply =
          new PeerReply.FileAccepted(new ByteSink(data, files.accept(c.fileName(), c.replace())));
    } catch (FileAlreadyExistsException e) {
      reply =
          new PeerReply.AcceptRefused(
              name
                  + " already has '"
                  + c.fileName()
                  + "' in its disk/files/"
                  + ": use --force to replace it",
              JewelException.Kind.CONFLICT);
    } catch (Exception e) {
      reply = new PeerReply.AcceptRefused(Failures.oneLine(e), JewelException.Kind.BAD_INPUT);
    }
    c.replyTo().tell(reply);
    return this;
  }

  // ---------------------------------------------------------------- verifying

  private Behavior<PeerMessage> onVerifyBlocks(PeerCommand.VerifyBlocks c) {
    if (c.blocks().size() > PeerCommand.VerifyBlocks.MAX_BLOCKS) {
      c.replyTo()
          .tell(
              StatusReply.error(
                  "asked to verify "
                      + c.blocks().size()
                      + " blocks in one message; send at most "
                      + PeerCommand.VerifyBlocks.MAX_BLOCKS
                      + " a message"));
      return this;
    }
    Executor blocking =
        getContext().getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    getContext()
        .pipeToSelf(
            CompletableFuture.supplyAsync(() -> verify(c.blocks()), blocking),
            (verified, failure) -> new VerifiedHere(c, verified, failure));
    return this;
  }

  /** Reads each block again and quarantines the damaged ones: blocking file I/O. */
  private PeerReply.Verified verify(List<BlockId> blocks) {
    List<BlockId> intact = new ArrayList<>();
    List<BlockId> missing = new ArrayList<>();
    List<BlockId> corrupt = new ArrayList<>();
    for (BlockId id : blocks) {
      if (Scrubber.quarantineIfDamaged(store, id)) {
        corrupt.add(id);
      } else {
        (store.has(id) ? intact : missing).add(id);
      }
    }
    return new PeerReply.Verified(name, intact, missing, corrupt);
  }

  private Behavior<PeerMessage> onVerified(VerifiedHere v) {
    if (v.failure() != null) {
      v.command().replyTo().tell(StatusReply.error(Failures.oneLine(v.failure())));
      return this;
    }
    if (!v.verified().corrupt().isEmpty()) {
      getContext()
          .getLog()
          .error(
              "quarantined {} corrupt blocks a verify found: {}",
              v.verified().corrupt().size(),
              v.verified().corrupt());
      reportHoldings(name, store, registry, getContext().getSystem());
    }
    v.command().replyTo().tell(StatusReply.success(v.verified()));
    return this;
  }

  // ---------------------------------------------------------------- audits

  private Behavior<PeerMessage> onAudit(PeerCommand.Audit c) {
    OptionalLong size = store.size(c.block());
    if (size.isEmpty()) {
      c.replyTo().tell(StatusReply.error("peer " + name + " does not hold block " + c.block()));
      return this;
    }
    int chunks = MerkleTree.chunks(size.getAsLong());
    if (c.chunk() < 0 || c.chunk() >= chunks) {
      c.replyTo()
          .tell(
              StatusReply.error(
                  "block "
                      + c.block().shortHex()
                      + " has "
                      + chunks
                      + " chunks: there is no chunk "
                      + c.chunk()));
      return this;
    }
    getContext()
        .pipeToSelf(
            proofs.read(c.block(), size.getAsLong(), c.chunk()),
            (read, failure) -> new Proved(c, read, failure));
    return this;
  }

  private Behavior<PeerMessage> onProved(Proved p) {
    PeerCommand.Audit c = p.audit();
    if (p.failure() == null) {
      proofs.remember(c.block(), p.read().leaves());
      c.replyTo()
          .tell(
              StatusReply.success(
                  new PeerReply.AuditProof(
                      name,
                      c.block(),
                      c.chunk(),
                      p.read().chunk(),
                      MerkleTree.path(p.read().leaves(), c.chunk()))));
      return this;
    }
    String why = Failures.oneLine(p.failure());
    c.replyTo().tell(StatusReply.error(why));
    // Still there but unreadable or wrong: damaged on disk. The audit fails either way;
    // fetching a good copy over it is what an honest peer can still do.
    if (store.has(c.block())) {
      getContext().getLog().error("audit of block {} failed here: {}", c.block().shortHex(), why);
      if (keeper != null) {
        keeper.tell(new ShareKeeper.Repair(c.block()));
      }
    }
    return this;
  }

  /**
   * Reports what the store holds once the registry handed out a mark (see {@link RegistryPages}).
   */
  private static void reportHoldings(
      PeerId name, BlockStore store, ActorRef<RegistryCommand> registry, ActorSystem<?> system) {
    RegistryPages.reportHoldings(
        registry,
        name,
        () -> store.list().stream().map(PeerContents.HeldBlock::id).toList(),
        system.settings().config().getDuration("jewel.client.base-timeout"),
        system);
  }
}
