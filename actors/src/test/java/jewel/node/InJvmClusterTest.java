package jewel.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.JewelClient;
import jewel.api.JewelException;
import jewel.api.PeerId;
import jewel.api.PeerSettings;
import jewel.api.Pin;
import jewel.api.Progress;
import jewel.api.SchemeSpec;
import jewel.api.StoreResult;
import jewel.node.client.ClusterClient;
import jewel.node.store.BlockStore;
import jewel.placement.FormulaPlacement;
import jewel.placement.Placement;
import jewel.protocol.RegistryCommand;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seed, two peers and a client as four ActorSystems in this JVM: a store and a get end to end.
 */
class InJvmClusterTest {
  @TempDir Path home;
  private InJvmCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** A seed, peer-1, peer-2 and a client, all Up; returns the client's node. */
  private JewelNode seedTwoPeersAndAClient() throws Exception {
    // The observed share alone, no prior: the availability test sets the histories it needs.
    cluster =
        InJvmCluster.start(
            home,
            2,
            com.typesafe.config.ConfigFactory.parseString("jewel.availability.prior-weight = 0s"));
    return cluster.client();
  }

  @Test
  void storesAndGetsAFileAcrossThreeNodes() throws Exception {
    JewelNode clientNode = seedTwoPeersAndAClient();

    JewelClient client = ClusterClient.over(clientNode);
    byte[] bytes = new byte[1_234_567];
    new Random(7).nextBytes(bytes);
    Path file = Files.write(home.resolve("in.bin"), bytes);

    StoreResult stored =
        client.store(
            file,
            new FileName("in.bin"),
            SchemeSpec.parse("naive n=2"),
            false,
            null,
            Progress.NONE);
    assertEquals(2.0, stored.redundancy());
    assertEquals(1, stored.survives());
    assertEquals(
        List.of("peer-1", "peer-2"),
        stored.entry().blocks().get(0).holders().stream().map(PeerId::name).sorted().toList());

    Path out = home.resolve("out.bin");
    FileEntry got = client.get(new FileName("in.bin"), out, null, Progress.NONE);
    assertEquals(stored.entry().root(), got.root());
    assertArrayEquals(bytes, Files.readAllBytes(out));

    JewelException exists =
        assertThrows(
            JewelException.class,
            () ->
                client.store(
                    file,
                    new FileName("in.bin"),
                    SchemeSpec.parse("hosting"),
                    false,
                    null,
                    Progress.NONE));
    assertTrue(exists.getMessage().contains("--replace"), exists.getMessage());

    JewelException tooMany =
        assertThrows(
            JewelException.class,
            () ->
                client.store(
                    file,
                    new FileName("other.bin"),
                    SchemeSpec.parse("naive n=3"),
                    false,
                    null,
                    Progress.NONE));
    assertTrue(tooMany.getMessage().contains("needs 3 live peers, only 2"), tooMany.getMessage());

    Files.write(home.resolve("empty"), new byte[0]);
    client.store(
        home.resolve("empty"),
        new FileName("empty"),
        SchemeSpec.parse("hosting"),
        false,
        null,
        Progress.NONE);
    client.get(new FileName("empty"), home.resolve("empty.out"), null, Progress.NONE);
    assertEquals(0, Files.size(home.resolve("empty.out")));

    client.delete(new FileName("in.bin"));
    assertEquals(List.of("empty"), client.ls().stream().map(e -> e.name().value()).toList());
    JewelException unknown =
        assertThrows(
            JewelException.class,
            () -> client.get(new FileName("in.bin"), out, null, Progress.NONE));
    assertTrue(unknown.getMessage().startsWith("unknown file 'in.bin'"), unknown.getMessage());
  }

  @Test
  void readsAskGreylistedPeersLastAndFindPinnedBlocksWhereTheFormulaSays() throws Exception {
    JewelNode clientNode = seedTwoPeersAndAClient();
    JewelClient client = ClusterClient.over(clientNode);
    byte[] bytes = new byte[300_000];
    new Random(8).nextBytes(bytes);
    Path file = Files.write(home.resolve("pinned.bin"), bytes);
    FileName name = new FileName("pinned.bin");
    PeerId one = new PeerId("peer-1");
    PeerId two = new PeerId("peer-2");

    // Fraction 1: the formula gives the block to both peers. The writer's one copy goes to the
    // better-scoring of them (it hashed the file first); the other fetches it.
    StoreResult stored =
        client.store(
            file, name, SchemeSpec.parse("hosting"), false, Pin.fraction(1.0), Progress.NONE);
    List<PeerId> best =
        new FormulaPlacement(BlockStore.idOf(file), 1.0, p -> PeerSettings.DEFAULT)
            .place("any", Placement.positions("any", 1), 1, List.of(one, two))
            .get(0);
    assertEquals(best, stored.entry().blocks().get(0).holders());
    String block = client.status(name).blocks().get(0).id();
    awaitAssert(
        () ->
            assertEquals(
                List.of("peer-1", "peer-2"), client.status(name).blocks().get(0).holders()));

    // The book forgets both copies: a read still finds them where the formula says.
    ActorRef<RegistryCommand> registry = clientNode.registry();
    // Listed as of now: the registry takes a mark beyond its last event as its last event.
    registry.tell(new RegistryCommand.ReportHoldings(one, null, null, List.of(), Long.MAX_VALUE));
    registry.tell(new RegistryCommand.ReportHoldings(two, null, null, List.of(), Long.MAX_VALUE));
    awaitAssert(() -> assertEquals(List.of(), client.status(name).blocks().get(0).holders()));
    Path out = home.resolve("out.bin");
    client.get(name, out, null, Progress.NONE);
    assertArrayEquals(bytes, Files.readAllBytes(out));

    // Greylisted peers are asked last, but asked: with both greylisted, the block is still read.
    client.updatePeer(one, p -> p.withGreylisted(true));
    client.updatePeer(two, p -> p.withGreylisted(true));
    client.get(name, home.resolve("greylisted.bin"), null, Progress.NONE);
    assertArrayEquals(bytes, Files.readAllBytes(home.resolve("greylisted.bin")));
    // With peer-2 back, the read goes to it rather than to the greylisted peer-1.
    client.updatePeer(two, p -> p.withGreylisted(false));
    long oneSent = bytesSent(client, one);
    long twoSent = bytesSent(client, two);
    client.get(name, home.resolve("again.bin"), null, Progress.NONE);
    assertArrayEquals(bytes, Files.readAllBytes(home.resolve("again.bin")));
    awaitAssert(
        () ->
            assertTrue(bytesSent(client, two) >= twoSent + bytes.length, "peer-2 served the read"));
    assertEquals(
        oneSent,
        bytesSent(client, one),
        "the greylisted peer-1 was not asked (block " + block + ")");
  }

  private static long bytesSent(JewelClient client, PeerId peer) {
    return client.peers().stream()
        .filter(n -> n.name().equals(peer.name()))
        .findFirst()
        .orElseThrow()
        .bytesOut();
  }

  @Test
  void aStoreWithAnAvailabilityTargetPicksKAndNFromTheObservedAvailability() throws Exception {
    JewelNode clientNode = seedTwoPeersAndAClient();
    JewelClient client = ClusterClient.over(clientNode);
    ActorRef<RegistryCommand> registry = clientNode.registry();
    PeerId one = new PeerId("peer-1"), two = new PeerId("peer-2");
    // peer-1 up all along; peer-2 up for 10 s, down for 80 s, up again for the last 10 s.
    long now = System.currentTimeMillis();
    registry.tell(
        new RegistryCommand.RecordPeerStates(List.of(one, two), List.of(), now - 100_000));
    registry.tell(new RegistryCommand.RecordPeerStates(List.of(one), List.of(), now - 90_000));
    registry.tell(new RegistryCommand.RecordPeerStates(List.of(one, two), List.of(), now - 10_000));
    awaitAssert(
        () -> {
          var peers = client.peers();
          assertEquals(
              0.2,
              peers.stream()
                  .filter(p -> p.name().equals("peer-2"))
                  .findFirst()
                  .orElseThrow()
                  .availability(),
              0.05);
        });
    Path file = Files.write(home.resolve("target.bin"), new byte[100_000]);
    FileName name = new FileName("target.bin");

    // 0.5: one jewel on peer-1 (D = 1, availability 1) if round robin gives this file's first
    // position to peer-1; otherwise any 1 of 2 (D = 2): peer-2 alone, or both jewels, are 0.2.
    StoreResult stored =
        client.store(
            file,
            name,
            SchemeSpec.parse("reedsolomon availability=0.5"),
            false,
            null,
            Progress.NONE);
    boolean firstIsOne =
        Placement.roundRobin()
            .place(name.value(), Placement.positions(name.value(), 1), 1, List.of(one, two))
            .get(0)
            .get(0)
            .equals(one);
    SchemeSpec scheme = stored.entry().scheme();
    assertEquals(1, scheme.intParam("k", 0), scheme.toString());
    assertEquals(firstIsOne ? 1 : 2, scheme.intParam("n", 0), scheme.toString());
    assertEquals("0.5", scheme.params().get("availability"), "the target is recorded");
    assertEquals(1.0, stored.availability(), 1e-9);
    assertEquals(
        "0.5", client.ls().get(0).scheme().params().get("availability"), "ls shows the target");

    JewelException outOfReach =
        assertThrows(
            JewelException.class,
            () ->
                client.store(
                    file,
                    new FileName("other.bin"),
                    SchemeSpec.parse("reedsolomon availability=0.999 max-overhead=1"),
                    false,
                    null,
                    Progress.NONE));
    assertTrue(
        outOfReach
            .getMessage()
            .startsWith(
                "availability 0.999 is out of reach on 2 live peers with D <= 1: the most is"),
        outOfReach.getMessage());
    assertEquals(JewelException.Kind.UNAVAILABLE, outOfReach.kind());
    assertEquals(1, client.ls().size(), "nothing stored");
  }

  private void awaitAssert(Runnable check) {
    cluster.awaitAssert(check);
  }
}
