package jewel.persistence;

import static jewel.persistence.Fixtures.P1;
import static jewel.persistence.Fixtures.P2;
import static jewel.persistence.Fixtures.P3;
import static jewel.persistence.Fixtures.block;
import static jewel.persistence.Fixtures.name;
import static jewel.persistence.Fixtures.sharded;
import static jewel.persistence.Fixtures.whole;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import jewel.protocol.FileEntry;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryEvent;
import jewel.protocol.RegistryReply;
import jewel.protocol.SchemeSpec;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every registry command, event and reply, and a state with something in each map, goes
 * through Jackson CBOR (the binding of the protocol's marker) and comes back equal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(TestKitJUnit5Extension.class)
class RegistrySerializationTest {

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(ConfigFactory.load()).build();

  private void roundTrip(Object message) {
    var serializer = SerializationExtension.get(Adapter.toClassic(testKit.system())).findSerializerFor(message);
    assertEquals("JacksonCborSerializer", serializer.getClass().getSimpleName(), () -> "for " + message);
    new SerializationTestKit(testKit.system()).verifySerialization(message, true);
  }

  private static RegistryState busyState() {
    FileEntry a = sharded("a", "a", List.of(block("a0"), block("shared")), P1, P2);
    FileEntry b = whole("b", "b", P3, P1);
    FileEntry c = sharded("c", "c", List.of(block("shared"), block("c1")), P3);
    return RegistryState.empty()
        .committed(a)
        .committed(b)
        .committed(c)
        .holdingsReported(P2, List.of(block("c1"), block("b")))
        .defaultSchemeSet(null, SchemeSpec.parse("reedsolomon k=4 n=6"))
        .defaultSchemeSet(P1, SchemeSpec.of("hosting"));
  }

  @Test
  void commandsEventsRepliesAndStateRoundTrip() {
    ActorRef<RegistryReply> replyTo = testKit.<RegistryReply>createTestProbe().ref();
    FileEntry entry = sharded("f.bin", "f", List.of(block("f0"), block("f1"), block("f2")), P1, P2);
    SchemeSpec scheme = SchemeSpec.parse("shardshard k=3 m=2");

    List<Object> messages =
        List.of(
            new RegistryCommand.Commit(entry, true, replyTo),
            new RegistryCommand.Lookup(name("f.bin"), replyTo),
            new RegistryCommand.ListFiles(replyTo),
            new RegistryCommand.Delete(name("f.bin"), replyTo),
            new RegistryCommand.ReportHoldings(P1, List.of(block("f0"), block("f1"))),
            new RegistryCommand.SetDefaultScheme(null, scheme, replyTo),
            new RegistryCommand.SetDefaultScheme(P2, scheme, replyTo),
            new RegistryCommand.GetSettings(replyTo),
            new RegistryEvent.FileCommitted(entry),
            new RegistryEvent.FileDeleted(name("f.bin")),
            new RegistryEvent.HoldingsReported(P3, List.of(block("f2"))),
            new RegistryEvent.DefaultSchemeSet(null, scheme),
            new RegistryEvent.DefaultSchemeSet(P1, scheme),
            new RegistryReply.Committed(entry, List.of(block("old"))),
            new RegistryReply.Rejected("file 'f.bin' exists: use --replace to overwrite it"),
            new RegistryReply.Found(entry),
            new RegistryReply.NotFound(name("g")),
            new RegistryReply.Listing(List.of(entry, whole("g", "g", P2))),
            new RegistryReply.Deleted(entry, List.of(block("f0"))),
            new RegistryReply.Settings(scheme, Map.of("peer-1", SchemeSpec.of("hosting"))),
            RegistryState.empty(),
            busyState());
    messages.forEach(this::roundTrip);
  }
}
