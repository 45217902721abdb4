package jewel.node.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import jewel.api.BlockId;
import jewel.api.PeerId;
import jewel.node.PeerDirectory.LivePeer;
import jewel.node.peer.Peer;
import jewel.node.store.BlockStore;
import jewel.node.store.LocalFiles;
import jewel.node.store.RecentWrites;
import jewel.protocol.DataAddress;
import jewel.protocol.DeleteGuard;
import jewel.protocol.PeerCommand;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryReply;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The collector against real peers (their stores on disk) and a registry that plays its part. */
class GarbageCollectorTest {
  private static final ActorTestKit kit = ActorTestKit.create(jewel.node.TestConfig.local());
  private static final Duration GRACE = Duration.ofHours(1);

  @TempDir Path dir;

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /**
   * A registry whose files reference {@code referenced}, with {@code events} events; it plans as
   * the real one does when no upload is open.
   */
  private static Behavior<RegistryCommand> registry(Set<BlockId> referenced, long events) {
    return Behaviors.receive(RegistryCommand.class)
        .onMessage(
            RegistryCommand.GetStats.class,
            c -> {
              c.replyTo().tell(new RegistryReply.Stats(events, 1, referenced.size(), 0));
              return Behaviors.same();
            })
        .onMessage(
            RegistryCommand.PlanDeletion.class,
            c -> {
              c.replyTo()
                  .tell(
                      new RegistryReply.DeletionPlan(
                          c.candidates().stream().filter(b -> !referenced.contains(b)).toList(),
                          new DeleteGuard(List.of(), 100, c.minAgeMillis())));
              return Behaviors.same();
            })
        .onMessage(RegistryCommand.class, c -> Behaviors.same()) // holdings reports
        .build();
  }

  private record APeer(BlockStore store, LivePeer live) {}

  private APeer peer(String name) throws Exception {
    BlockStore store = BlockStore.open(dir.resolve(name).resolve("blocks"));
    ActorRef<PeerCommand> ref =
        kit.spawn(
            Peer.create(
                new PeerId(name),
                new DataAddress("127.0.0.1", 4242),
                new RecentWrites(store),
                LocalFiles.inFolder(dir.resolve(name).resolve("files")),
                kit.spawn(registry(Set.of(), 1)),
                null));
    return new APeer(
        store,
        new LivePeer(new PeerId(name), ref, new DataAddress("127.0.0.1", 4242), 0, 0, false));
  }

  private static BlockId put(APeer peer, String content, Duration age) throws Exception {
    BlockId id =
        Source.single(ByteString.fromString(content))
            .runWith(peer.store().writer(), kit.system())
            .toCompletableFuture()
            .get();
    Path file = peer.store().root().resolve(id.prefix()).resolve(id.hex());
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
    return id;
  }

  private static ActorRef<GarbageCollector.Command> collector(
      ActorRef<RegistryCommand> registry, List<APeer> peers, AtomicLong deleted) {
    Map<PeerId, LivePeer> live = new TreeMap<>();
    peers.forEach(p -> live.put(p.live().name(), p.live()));
    return kit.spawn(
        GarbageCollector.create(
            new GarbageCollector.Settings(
                Duration.ofHours(1), GRACE, Duration.ofSeconds(1), Duration.ofSeconds(5)),
            registry,
            () -> CompletableFuture.completedFuture(live),
            deleted,
            false));
  }

  @Test
  void deletesUnreferencedBlocksOlderThanTheGraceFromEveryPeer() throws Exception {
    APeer one = peer("peer-1");
    APeer two = peer("peer-2");
    Duration old = GRACE.plusMinutes(5);
    BlockId referenced = put(one, "referenced", old);
    BlockId orphan = put(one, "orphan", old);
    put(two, "orphan", old);
    BlockId young = put(one, "a store that may still commit", Duration.ZERO);
    BlockId leftBehind = put(two, "left behind by a peer that was down", old);
    AtomicLong deleted = new AtomicLong();

    collector(kit.spawn(registry(Set.of(referenced), 5)), List.of(one, two), deleted)
        .tell(new GarbageCollector.Collect());

    TestProbe<Object> probe = kit.createTestProbe();
    probe.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          assertEquals(3, deleted.get());
          return null;
        });
    assertTrue(one.store().has(referenced));
    assertFalse(one.store().has(orphan));
    assertFalse(two.store().has(orphan));
    assertTrue(one.store().has(young));
    assertFalse(two.store().has(leftBehind));
  }

  @Test
  void sweepsPeersWithMoreThanOnePageOfBlocks() throws Exception {
    APeer one = peer("peer-1");
    int blocks = 1_203; // more than a page of ListContents
    for (int i = 0; i < blocks; i++) {
      put(one, "block " + i, GRACE.plusMinutes(1));
    }
    AtomicLong deleted = new AtomicLong();

    collector(kit.spawn(registry(Set.of(), 5)), List.of(one), deleted)
        .tell(new GarbageCollector.Collect());

    kit.createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(20),
            () -> {
              assertEquals(blocks, deleted.get());
              return null;
            });
    assertEquals(0, one.store().count());
  }

  @Test
  void aRegistryWithoutEventsDeletesNothing() throws Exception {
    APeer one = peer("peer-1");
    BlockId block = put(one, "a registry that lost its journal knows no file", GRACE.plusHours(1));
    TestProbe<RegistryCommand> registry = kit.createTestProbe();
    ActorRef<RegistryCommand> empty = kit.spawn(registry(Set.of(), 0));
    ActorRef<RegistryCommand> watched =
        kit.spawn(
            Behaviors.receive(RegistryCommand.class)
                .onMessage(
                    RegistryCommand.class,
                    c -> {
                      registry.getRef().tell(c);
                      empty.tell(c);
                      return Behaviors.same();
                    })
                .build());

    collector(watched, List.of(one), new AtomicLong()).tell(new GarbageCollector.Collect());

    registry.expectMessageClass(RegistryCommand.GetStats.class);
    registry.expectNoMessage(Duration.ofMillis(500));
    assertTrue(one.store().has(block));
  }
}
