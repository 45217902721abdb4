package jewel.persistence;

import static jewel.persistence.Fixtures.P1;
import static jewel.persistence.Fixtures.P2;
import static jewel.persistence.Fixtures.P3;
import static jewel.persistence.Fixtures.block;
import static jewel.persistence.Fixtures.name;
import static jewel.persistence.Fixtures.sharded;
import static jewel.persistence.Fixtures.whole;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import jewel.api.FileEntry;
import jewel.protocol.BlockHolder;
import jewel.protocol.PeerState;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryEvent;
import jewel.protocol.RegistryReply;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** What repair records: new copies of a file's blocks, and peers going up and down. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(TestKitJUnit5Extension.class)
class RegistryRepairTest {

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withCustomConfig(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()))
          .build();

  private static final AtomicInteger IDS = new AtomicInteger();

  private EventSourcedBehaviorTestKit<RegistryCommand, RegistryEvent, RegistryState> registry;

  @BeforeEach
  void freshRegistry() {
    registry =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            Registry.create(PersistenceId.ofUniqueId("registry-repair-" + IDS.incrementAndGet())),
            EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  private void commit(FileEntry entry) {
    long upload = Fixtures.staged(registry, entry);
    registry.<StatusReply<RegistryReply.Committed>>runCommand(
        r -> Fixtures.commit(entry, upload, false, r));
  }

  private StatusReply<Done> record(String file, FileEntry as, BlockHolder... copies) {
    return registry
        .<StatusReply<Done>>runCommand(
            r -> new RegistryCommand.RecordCopies(name(file), as.root(), List.of(copies), r))
        .reply();
  }

  @Test
  void newCopiesJoinTheBookAndSurviveARestart() {
    FileEntry a = sharded("a.bin", "ay", List.of(block("a0"), block("a1")), P1, P2);
    commit(a);

    var reply = record("a.bin", a, new BlockHolder(block("a0"), P3));

    assertTrue(reply.isSuccess(), reply::toString);
    assertEquals(
        List.of(P1, P3),
        registry.getState().entry(name("a.bin")).orElseThrow().blocks().get(0).holders());
    registry.restart();
    assertEquals(
        List.of(P1, P3),
        registry.getState().entry(name("a.bin")).orElseThrow().blocks().get(0).holders());
  }

  @Test
  void copiesOfAReplacedFileOrOfBlocksNotInItAreRefusedOrIgnored() {
    FileEntry a = whole("a.bin", "one", P1);
    commit(a);
    FileEntry other = whole("a.bin", "two", P1);

    assertTrue(record("a.bin", other, new BlockHolder(block("two"), P2)).isError());
    assertTrue(record("nope.bin", a, new BlockHolder(block("one"), P2)).isError());
    var result =
        registry.<StatusReply<Done>>runCommand(
            r ->
                new RegistryCommand.RecordCopies(
                    name("a.bin"),
                    a.root(),
                    List.of(
                        new BlockHolder(block("elsewhere"), P2), new BlockHolder(block("one"), P1)),
                    r));
    assertEquals(List.of(), result.events(), "nothing new: no event");
    assertTrue(result.reply().isSuccess());
    assertEquals(
        List.of(P1),
        registry.getState().entry(name("a.bin")).orElseThrow().blocks().get(0).holders());
  }

  @Test
  void peerStatesAreRecordedOnlyWhenTheyChange() {
    var first =
        registry.runCommand(new RegistryCommand.RecordPeerStates(List.of(P1), List.of(P2), 1000));
    assertEquals(
        List.of(new RegistryEvent.PeerStatesChanged(List.of(P1), List.of(P2), 1000)),
        first.events());
    var same =
        registry.runCommand(new RegistryCommand.RecordPeerStates(List.of(P1), List.of(P2), 2000));
    assertEquals(List.of(), same.events(), "still down since 1000");
    registry.runCommand(new RegistryCommand.RecordPeerStates(List.of(P1, P2), List.of(), 3000));
    registry.restart();
    var states =
        registry.<RegistryReply.PeerStates>runCommand(RegistryCommand.GetPeerStates::new).reply();
    assertEquals(
        Map.of("peer-1", new PeerState(true, 1000), "peer-2", new PeerState(true, 3000)),
        states.peers());
  }
}
