package jewel.persistence;

import static jewel.persistence.Fixtures.P1;
import static jewel.persistence.Fixtures.P2;
import static jewel.persistence.Fixtures.P3;
import static jewel.persistence.Fixtures.block;
import static jewel.persistence.Fixtures.merkleRoot;
import static jewel.persistence.Fixtures.name;
import static jewel.persistence.Fixtures.rooted;
import static jewel.persistence.Fixtures.sharded;
import static jewel.persistence.Fixtures.whole;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jewel.api.FileEntry;
import jewel.api.PeerSettings;
import jewel.api.Pin;
import jewel.api.PinView;
import jewel.api.SchemeSpec;
import jewel.protocol.BlockCursor;
import jewel.protocol.PinnedBlock;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryEvent;
import jewel.protocol.RegistryReply;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every registry command, event and reply, and a state with something in each map, goes through
 * Jackson CBOR (the binding of the protocol's marker) and comes back equal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(TestKitJUnit5Extension.class)
class RegistrySerializationTest {

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(ConfigFactory.load()).build();

  private void roundTrip(Object message) {
    var serializer =
        SerializationExtension.get(Adapter.toClassic(testKit.system())).findSerializerFor(message);
    assertEquals(
        "JacksonCborSerializer", serializer.getClass().getSimpleName(), () -> "for " + message);
    new SerializationTestKit(testKit.system()).verifySerialization(message, true);
  }

  private static RegistryState busyState() {
    FileEntry a = sharded("a", "a", List.of(block("a0"), block("shared")), P1, P2);
    FileEntry b = whole("b", "b", P3, P1);
    FileEntry c = rooted(sharded("c", "c", List.of(block("shared"), block("c1")), P3));
    return RegistryState.empty()
        .committed(a, 1)
        .committed(b, 2)
        .committed(c, 3)
        .holdingsReported(P2, null, null, List.of(block("c1"), block("b")), 3)
        .defaultSchemeSet(null, SchemeSpec.parse("reedsolomon k=4 n=6"))
        .defaultSchemeSet(P1, SchemeSpec.of("hosting"))
        .pinSet(name("a"), Pin.fraction(0.25))
        .pinSet(name("b"), Pin.followDefault())
        .pinSet(name("c"), Pin.sizeLimit(1L << 30))
        .defaultPinSet(0.1)
        .saltBumped(block("shared"), 3)
        .peerSettingsSet(P1, PeerSettings.DEFAULT.withModifier(Double.POSITIVE_INFINITY))
        .peerSettingsSet(P2, new PeerSettings(0.5, true, 1L << 40, true));
  }

  /**
   * A snapshot and an event written before fractional pins (without the state's pin fields and
   * without Merkle roots) still read, as a state without pins and blocks without roots.
   */
  @Test
  void snapshotsAndEventsFromBeforePinsStillRead() throws Exception {
    var system = Adapter.toClassic(testKit.system());
    var serialization = SerializationExtension.get(system);
    var mapper =
        JacksonObjectMapperProvider.get(system).getOrCreate("jackson-cbor", Optional.empty());

    RegistryState now = busyState();
    ObjectNode old = mapper.valueToTree(now);
    for (String field :
        List.of("pins", "defaultFraction", "salts", "merkleRoots", "peerSettings", "peerStates")) {
      assertTrue(old.has(field), field);
      old.remove(field);
    }
    var serializer = serialization.findSerializerFor(now);
    Object back =
        serialization
            .deserialize(
                mapper.writeValueAsBytes(old),
                serializer.identifier(),
                RegistryState.class.getName())
            .get();
    RegistryState expected =
        new RegistryState(
            now.index(),
            now.trees(),
            now.catalog(),
            now.book(),
            now.clusterDefault(),
            now.peerDefaults(),
            Map.of(),
            null,
            Map.of(),
            Map.of(),
            Map.of(),
            now.heldAsOf(),
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of(),
            null);
    assertEquals(expected, back);

    FileEntry entry = rooted(sharded("f", "f", List.of(block("f0")), P1));
    ObjectNode event = mapper.valueToTree(new RegistryEvent.FileCommitted(entry));
    ((ObjectNode) event.get("entry").get("blocks").get(0)).remove("merkleRoot");
    Object eventBack =
        serialization
            .deserialize(
                mapper.writeValueAsBytes(event),
                serializer.identifier(),
                RegistryEvent.FileCommitted.class.getName())
            .get();
    assertEquals(
        new RegistryEvent.FileCommitted(sharded("f", "f", List.of(block("f0")), P1)), eventBack);
  }

  /**
   * A snapshot and an event written before S3 objects (no buckets, no uploads, no object
   * attributes) still read, as a state without buckets and files without attributes.
   */
  @Test
  void snapshotsAndEventsFromBeforeObjectsStillRead() throws Exception {
    var system = Adapter.toClassic(testKit.system());
    var serialization = SerializationExtension.get(system);
    var mapper =
        JacksonObjectMapperProvider.get(system).getOrCreate("jackson-cbor", Optional.empty());

    RegistryState now = busyState();
    ObjectNode old = mapper.valueToTree(now);
    assertTrue(old.has("buckets") && old.has("multiparts"));
    old.remove(List.of("buckets", "multiparts"));
    old.get("index").forEach(e -> ((ObjectNode) e).remove("object"));
    var serializer = serialization.findSerializerFor(now);
    Object back =
        serialization
            .deserialize(
                mapper.writeValueAsBytes(old),
                serializer.identifier(),
                RegistryState.class.getName())
            .get();
    assertEquals(now, back);

    FileEntry entry = rooted(sharded("f", "f", List.of(block("f0")), P1));
    ObjectNode event = mapper.valueToTree(new RegistryEvent.FileCommitted(entry));
    ((ObjectNode) event.get("entry")).remove("object");
    Object eventBack =
        serialization
            .deserialize(
                mapper.writeValueAsBytes(event),
                serializer.identifier(),
                RegistryEvent.FileCommitted.class.getName())
            .get();
    assertEquals(new RegistryEvent.FileCommitted(entry), eventBack);
  }

  /**
   * A snapshot written before holdings marks (no {@code heldAsOf}) reads with its holders known as
   * of 0, and a holdings event without a mark reads with none (as of itself, on replay).
   */
  @Test
  void snapshotsAndEventsFromBeforeMarksStillRead() throws Exception {
    var system = Adapter.toClassic(testKit.system());
    var serialization = SerializationExtension.get(system);
    var mapper =
        JacksonObjectMapperProvider.get(system).getOrCreate("jackson-cbor", Optional.empty());

    RegistryState now = busyState();
    ObjectNode old = mapper.valueToTree(now);
    assertTrue(old.has("heldAsOf"));
    old.remove("heldAsOf");
    var serializer = serialization.findSerializerFor(now);
    RegistryState back =
        (RegistryState)
            serialization
                .deserialize(
                    mapper.writeValueAsBytes(old),
                    serializer.identifier(),
                    RegistryState.class.getName())
                .get();
    assertEquals(now.book(), back.book());
    assertEquals(Map.of(), back.heldAsOf());
    assertEquals(0, back.heldAsOf(block("b"), P2));

    ObjectNode event =
        mapper.valueToTree(
            new RegistryEvent.HoldingsReported(P3, List.of(block("f2")), null, null, 7L));
    event.remove("asOf");
    Object eventBack =
        serialization
            .deserialize(
                mapper.writeValueAsBytes(event),
                serializer.identifier(),
                RegistryEvent.HoldingsReported.class.getName())
            .get();
    assertEquals(
        new RegistryEvent.HoldingsReported(P3, List.of(block("f2")), null, null, null), eventBack);
  }

  @Test
  void theBusyStateHasSomethingEverywhere() {
    RegistryState state = busyState();
    assertEquals(3, state.pins().size());
    assertEquals(0.1, state.defaultFraction());
    assertEquals(1, state.salts().size());
    assertEquals(2, state.merkleRoots().size());
    assertEquals(2, state.peerSettings().size());
    assertEquals(3, state.heldAsOf(block("b"), P2));
  }

  /** A reply-to of whatever type the command takes: only its path is serialized. */
  private <T> ActorRef<T> replyTo() {
    return testKit.<T>createTestProbe().ref();
  }

  @Test
  void commandsEventsRepliesAndStateRoundTrip() {
    FileEntry entry = sharded("f.bin", "f", List.of(block("f0"), block("f1"), block("f2")), P1, P2);
    SchemeSpec scheme = SchemeSpec.parse("shardshard k=3 m=2");
    FileEntry withRoots = rooted(entry);
    Pin fraction = Pin.fraction(0.1);
    Pin sizeLimit = Pin.sizeLimit(1L << 30);
    Pin followDefault = Pin.followDefault();
    PeerSettings infinite = PeerSettings.DEFAULT.withModifier(Double.POSITIVE_INFINITY);
    PeerSettings odd = new PeerSettings(2.5, true, 123_456_789L, true);
    PinnedBlock pinned =
        new PinnedBlock(
            name("f.bin"),
            block("f0"),
            100,
            2,
            0.25,
            List.of(P1, P3),
            merkleRoot(block("f0")),
            false);
    PinnedBlock noRoot =
        new PinnedBlock(name("f.bin"), block("f1"), 101, 0, 1.0, List.of(), null, false);
    var views =
        List.of(
            new PinView(name("a"), fraction, 0.1, 300),
            new PinView(name("b"), sizeLimit, 1.0, 1000),
            new PinView(name("c"), followDefault, 0.5, 0));

    List<Object> messages =
        List.of(
            new RegistryCommand.Commit(entry, 7L, 1, true, replyTo()),
            new RegistryCommand.StageBlocks(7L, entry.blocks(), replyTo()),
            new RegistryCommand.Lookup(name("f.bin"), replyTo()),
            new RegistryCommand.LookupBlocks(name("f.bin"), new BlockCursor("ab:cd", 3), replyTo()),
            new RegistryCommand.ListFiles(null, null, replyTo()),
            new RegistryCommand.Delete(name("f.bin"), replyTo()),
            new RegistryCommand.StartHoldingsReport(replyTo()),
            new RegistryCommand.ReportHoldings(
                P1, null, null, List.of(block("f0"), block("f1")), 12),
            new RegistryCommand.SetDefaultScheme(null, scheme, replyTo()),
            new RegistryCommand.SetDefaultScheme(P2, scheme, replyTo()),
            new RegistryCommand.GetSettings(replyTo()),
            new RegistryCommand.Commit(withRoots, 8L, 2, false, replyTo()),
            new RegistryCommand.SetPin(name("f.bin"), fraction, replyTo()),
            new RegistryCommand.SetPin(name("f.bin"), sizeLimit, replyTo()),
            new RegistryCommand.SetPin(name("f.bin"), followDefault, replyTo()),
            new RegistryCommand.SetPin(name("f.bin"), null, replyTo()),
            new RegistryCommand.SetDefaultPin(0.25, replyTo()),
            new RegistryCommand.ListPins(null, replyTo()),
            new RegistryCommand.SetPeerSettings(P1, infinite, replyTo()),
            new RegistryCommand.SetPeerSettings(P2, odd, replyTo()),
            new RegistryCommand.GetPeerSettings(replyTo()),
            new RegistryCommand.GetPinPlan(null, null, replyTo()),
            new RegistryCommand.BumpSalt(block("f0"), 4, "1 live holder, fewer than 2"),
            new RegistryEvent.FileCommitted(entry),
            new RegistryEvent.FileDeleted(name("f.bin")),
            new RegistryEvent.HoldingsReported(P3, List.of(block("f2")), block("f1"), null, 12L),
            new RegistryEvent.HoldingsReported(P3, List.of(block("f2")), null, null, null),
            new RegistryEvent.DefaultSchemeSet(null, scheme),
            new RegistryEvent.DefaultSchemeSet(P1, scheme),
            new RegistryEvent.FileCommitted(withRoots),
            new RegistryEvent.PinSet(name("f.bin"), fraction),
            new RegistryEvent.PinSet(name("f.bin"), sizeLimit),
            new RegistryEvent.PinSet(name("f.bin"), followDefault),
            new RegistryEvent.PinSet(name("f.bin"), null),
            new RegistryEvent.DefaultPinSet(0.75),
            new RegistryEvent.PeerSettingsSet(P1, infinite),
            new RegistryEvent.PeerSettingsSet(P2, PeerSettings.DEFAULT),
            new RegistryEvent.SaltBumped(block("f0"), 5, "1 live holder, fewer than 2"),
            new RegistryEvent.SaltBumped(block("f1"), 1, null),
            new RegistryReply.HoldingsMark(12),
            new RegistryReply.Committed(List.of(block("old"))),
            new RegistryReply.LookedUp(name("f.bin"), entry, null),
            new RegistryReply.LookedUp(name("f.bin"), entry, new BlockCursor("ab:cd", 3)),
            new RegistryReply.LookedUp(name("g"), null, null),
            new RegistryReply.BlockPage(entry.blocks(), new BlockCursor("ab:cd", 6)),
            new RegistryReply.BlockPage(withRoots.blocks(), null),
            new RegistryReply.Listing(List.of(entry, whole("g", "g", P2)), name("h"), null),
            new RegistryReply.Listing(List.of(entry), name("h"), new BlockCursor("ab:cd", 3)),
            new RegistryReply.Deleted(entry, List.of(block("f0"))),
            new RegistryReply.Settings(scheme, Map.of("peer-1", SchemeSpec.of("hosting"))),
            new RegistryReply.LookedUp(name("f.bin"), withRoots, null),
            new RegistryReply.Listing(List.of(withRoots), null, null),
            new RegistryReply.Pins(views, 0.5, name("z")),
            new RegistryReply.Pins(List.of(), 0.1, null),
            new RegistryReply.PeerTable(Map.of("peer-1", infinite, "peer-2", odd)),
            new RegistryReply.PeerTable(Map.of()),
            new RegistryReply.PinPlan(
                List.of(pinned, noRoot), Map.of("peer-1", infinite), 2, block("f9")),
            new RegistryReply.PinPlan(List.of(), Map.of(), 3, null),
            RegistryState.empty(),
            busyState());
    messages.forEach(this::roundTrip);
  }
}
