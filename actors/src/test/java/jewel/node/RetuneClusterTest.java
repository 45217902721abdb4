package jewel.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import jewel.api.FileEntry;
import jewel.api.FileHealth;
import jewel.api.FileName;
import jewel.api.JewelClient;
import jewel.api.PeerId;
import jewel.api.Progress;
import jewel.api.RetuneReport;
import jewel.api.SchemeSpec;
import jewel.api.StoredBlock;
import jewel.protocol.RegistryCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retune on real nodes in this JVM: more jewels without rewriting any, fewer jewels whose dropped
 * copies leave their peers, and a file that then reads from its new jewels when the peers of its
 * first ones are gone.
 */
class RetuneClusterTest {
  @TempDir Path home;
  private InJvmCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void raiseLowerAndReadFromTheNewJewels() throws Exception {
    cluster = InJvmCluster.start(home, 5);
    JewelClient client = cluster.client().gateway();
    byte[] bytes = new byte[3_000_001];
    new Random(14).nextBytes(bytes);
    Path file = Files.write(home.resolve("in.bin"), bytes);
    FileName name = new FileName("rs.bin");
    FileEntry stored =
        client
            .store(file, name, SchemeSpec.parse("reedsolomon k=2 n=3"), false, null, Progress.NONE)
            .entry();

    long[] heard = {0};
    RetuneReport up = client.retune(name, 5, (done, total) -> heard[0] = done);

    assertEquals(3, up.fromN());
    assertEquals(List.of(3, 4), up.added().stream().map(c -> c.index()).toList());
    assertEquals(bytes.length, heard[0], "progress heard the whole file read");
    Set<PeerId> first = holders(stored);
    assertTrue(
        up.added().stream().noneMatch(c -> first.contains(c.peer())),
        "new jewels go to peers holding none: " + up.added());
    assertEquals(FileHealth.State.HEALTHY, up.after().state());
    assertEquals(3, up.after().promised());
    FileEntry raised = client.status(name).entry();
    assertEquals(5, raised.layout().n());
    assertEquals(stored.layout().chunkSize(), raised.layout().chunkSize());
    assertEquals("5", raised.scheme().params().get("n"));
    for (int i = 0; i < 3; i++) {
      assertEquals(
          stored.blocks().get(i).id(), raised.blocks().get(i).id(), "jewel " + i + " kept");
    }
    assertEquals(FileHealth.State.HEALTHY, client.check(name).get(0).state());

    // Down to 4: jewel 4 leaves the file. (Its copy leaves its peer at once only once the
    // registry has run for an upload lease; until then its guard spares every upload's blocks, and
    // the garbage collector's sweep takes the copy.)
    StoredBlock last = raised.blocks().get(4);
    RetuneReport down = client.retune(name, 4, Progress.NONE);
    assertEquals(List.of(last.id()), down.dropped());
    assertEquals(2, down.after().promised());
    FileEntry lowered = client.status(name).entry();
    assertEquals(4, lowered.layout().n());
    assertTrue(lowered.blocks().stream().noneMatch(b -> b.id().equals(last.id())));

    // The peers of jewels 0 and 1 (the data) go: jewels 2 and 3 (old and new parity) rebuild it.
    for (int i = 0; i < 2; i++) {
      String peer = stored.blocks().get(i).holders().get(0).name();
      cluster.peer(Integer.parseInt(peer.substring("peer-".length()))).stop(Duration.ofSeconds(5));
    }
    Path out = home.resolve("out.bin");
    cluster.awaitAssert(
        () -> {
          client.get(name, out, null, Progress.NONE);
          try {
            assertArrayEquals(bytes, Files.readAllBytes(out));
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  @Test
  void aFileBelowItsAvailabilityTargetGetsAnotherJewelByItself() throws Exception {
    cluster =
        InJvmCluster.start(
            home,
            4,
            ConfigFactory.parseString(
                "jewel.repair.interval = 1s\njewel.availability.prior-weight = 0s"));
    JewelClient client = cluster.client().gateway();
    byte[] bytes = new byte[200_001];
    new Random(15).nextBytes(bytes);
    Path file = Files.write(home.resolve("in.bin"), bytes);
    FileName name = new FileName("target.bin");
    // Every peer observed up all along (no prior): the cheapest pick reaches the target with few
    // jewels.
    FileEntry stored =
        client
            .store(
                file,
                name,
                SchemeSpec.parse("reedsolomon availability=0.99"),
                false,
                null,
                Progress.NONE)
            .entry();
    int n = stored.layout().n();
    assertTrue(n < 4, "room for another jewel: n=" + n);

    // Its holders were down for a while (as if a blip the registry node saw): their observed
    // availability drops below what the target needs, and the repairer adds a jewel.
    Set<PeerId> holders = holders(stored);
    List<PeerId> others =
        java.util.stream.IntStream.rangeClosed(1, 4)
            .mapToObj(i -> new PeerId("peer-" + i))
            .filter(p -> !holders.contains(p))
            .toList();
    cluster
        .seed()
        .registry()
        .tell(
            new RegistryCommand.RecordPeerStates(
                others, List.copyOf(holders), System.currentTimeMillis() - 1));
    Thread.sleep(2_000); // down 2 s of the ~10 s they have been observed: about 80% up
    cluster.awaitAssert(
        () -> assertTrue(client.status(name).entry().layout().n() > n, "n grew from " + n));
    FileEntry raised = client.status(name).entry();
    for (int i = 0; i < n; i++) {
      assertEquals(stored.blocks().get(i).id(), raised.blocks().get(i).id(), "jewel " + i);
    }
    assertEquals("0.99", raised.scheme().params().get("availability"));
    Path out = home.resolve("out.bin");
    client.get(name, out, null, Progress.NONE);
    assertArrayEquals(bytes, Files.readAllBytes(out));
  }

  private static Set<PeerId> holders(FileEntry entry) {
    return entry.blocks().stream().flatMap(b -> b.holders().stream()).collect(Collectors.toSet());
  }
}
