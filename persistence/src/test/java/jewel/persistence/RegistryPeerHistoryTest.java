package jewel.persistence;

import static jewel.persistence.Fixtures.P1;
import static jewel.persistence.Fixtures.P2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import jewel.protocol.PeerHistory;
import jewel.protocol.PeerState;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryEvent;
import jewel.protocol.RegistryReply;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Each peer's ups and downs over the availability window, bounded, and what they add up to. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(TestKitJUnit5Extension.class)
class RegistryPeerHistoryTest {

  /**
   * A window of 100 s and at most 4 changes per peer, so that the bounds show in a few events; a
   * prior of 0.5 that weighs 20 s.
   */
  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withCustomConfig(
              ConfigFactory.parseString(
                      "jewel.availability { window = 100s, max-changes = 4, prior = 0.5,"
                          + " prior-weight = 20s }")
                  .withFallback(EventSourcedBehaviorTestKit.config())
                  .withFallback(ConfigFactory.load()))
          .build();

  private static final AtomicInteger IDS = new AtomicInteger();

  private EventSourcedBehaviorTestKit<RegistryCommand, RegistryEvent, RegistryState> registry;

  @BeforeEach
  void freshRegistry() {
    registry =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            Registry.create(PersistenceId.ofUniqueId("registry-history-" + IDS.incrementAndGet())),
            EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  private void record(List<jewel.api.PeerId> up, long atSeconds) {
    registry.runCommand(new RegistryCommand.RecordPeerStates(up, List.of(), atSeconds * 1000));
  }

  private RegistryReply.PeerStates states() {
    return registry
        .<RegistryReply.PeerStates>runCommand(RegistryCommand.GetPeerStates::new)
        .reply();
  }

  @Test
  void aPeerMissingFromTheLiveOnesWentDown() {
    record(List.of(P1, P2), 0);
    var next =
        registry.runCommand(new RegistryCommand.RecordPeerStates(List.of(P1), List.of(), 10_000));
    assertEquals(
        List.of(new RegistryEvent.PeerStatesChanged(List.of(), List.of(P2), 10_000)),
        next.events());
    assertEquals(new PeerState(false, 10_000), states().peers().get("peer-2"));
  }

  @Test
  void aLateAnswerDoesNotRewriteALaterState() {
    record(List.of(P1), 0);
    record(List.of(), 20); // down at 20 s
    var late =
        registry.runCommand(new RegistryCommand.RecordPeerStates(List.of(P1), List.of(), 10_000));
    assertEquals(List.of(), late.events(), "a check from 10 s answers after the one from 20 s");
    assertEquals(new PeerState(false, 20_000), states().peers().get("peer-1"));
  }

  @Test
  void availabilityIsTheShareOfTheObservedTimeUp() {
    record(List.of(P1, P2), 0);
    record(List.of(P1), 10); // peer-2 down at 10 s
    record(List.of(P1, P2), 30); // and up again at 30 s
    registry.restart(); // the history is rebuilt from the events
    var states = states();
    assertEquals(100_000, states.windowMillis());
    // At 40 s: observed since first seen (40 s), peer-2 up for 20 s of them; with the prior's
    // 10 s up of 20 s: (40 + 10) / 60 and (20 + 10) / 60.
    assertEquals(Map.of("peer-1", 50.0 / 60, "peer-2", 30.0 / 60), states.availability(40_000));
    // At 130 s the window is [30 s, 130 s]: peer-2 was up all of it, (100 + 10) / 120.
    assertEquals(110.0 / 120, states.availability(130_000).get("peer-2"), 1e-12);
    // At 0 s nothing was observed yet: the prior alone, as for a peer never seen.
    assertEquals(Map.of("peer-1", 0.5, "peer-2", 0.5), states.availability(0));
    assertEquals(0.5, states.unobserved());
    // Without a prior weight: the observed share alone, and nothing where nothing was observed.
    var raw =
        new RegistryReply.PeerStates(
            states.peers(), states.histories(), states.windowMillis(), 0.5, 0);
    assertEquals(Map.of("peer-1", 1.0, "peer-2", 0.5), raw.availability(40_000));
    assertTrue(raw.availability(0).isEmpty());
    assertEquals(1.0, raw.unobserved());
  }

  @Test
  void changesOlderThanTheWindowAreDroppedButTheStateAtItsStartIsKept() {
    record(List.of(P1), 0);
    record(List.of(), 10); // down at 10 s
    record(List.of(P1), 20); // up at 20 s
    record(List.of(), 150); // down at 150 s: the window is [50 s, 150 s]
    PeerHistory h = registry.getState().peerHistories().get("peer-1");
    // Up at 20 s says what the state was at 50 s; the two before it are gone.
    assertEquals(
        new PeerHistory(0, List.of(new PeerState(true, 20_000), new PeerState(false, 150_000))), h);
    // At 160 s, window [60 s, 160 s]: up 90 s of 100.
    assertEquals(0.9, h.availability(160_000, 100_000), 1e-12);
  }

  @Test
  void aFlappingPeerKeepsAtMostMaxChanges() {
    for (int s = 0; s < 20; s++) {
      record(s % 2 == 0 ? List.of(P1) : List.of(), s);
    }
    PeerHistory h = registry.getState().peerHistories().get("peer-1");
    assertEquals(4, h.changes().size());
    // The four kept are those at 16..19 s: the history is known from 16 s on.
    assertEquals(16_000, h.fromMillis());
    assertEquals(new PeerState(false, 19_000), h.changes().get(3));
    // At 20 s: up during [16, 17) and [18, 19), 2 s of 4.
    assertEquals(0.5, h.availability(20_000, 100_000), 1e-12);
  }
}
