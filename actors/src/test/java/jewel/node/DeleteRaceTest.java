package jewel.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import jewel.api.FileName;
import jewel.api.JewelClient;
import jewel.api.Progress;
import jewel.api.SchemeSpec;
import jewel.node.client.ClusterClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deleting a file while another file of the same content is being stored: the delete's orphans are
 * the very blocks the store writes, and the store must still be readable after it committed.
 */
class DeleteRaceTest {
  @TempDir Path home;
  private InJvmCluster cluster;
  private final ExecutorService threads = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() {
    threads.shutdownNow();
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aStoreRacingTheDeleteOfTheSameContentIsAlwaysReadable() throws Exception {
    cluster = InJvmCluster.start(home, 2);
    JewelClient client = ClusterClient.over(cluster.client());
    SchemeSpec naive = SchemeSpec.parse("naive n=2");
    Random random = new Random(11);
    for (int round = 0; round < 20; round++) {
      byte[] bytes = new byte[32 * 1024 + round];
      random.nextBytes(bytes);
      Path file = Files.write(home.resolve("content-" + round), bytes);
      FileName a = new FileName("a-" + round);
      FileName c = new FileName("c-" + round);
      client.store(file, a, naive, false, null, Progress.NONE);

      // The store starts first (it has more to do before its first byte), the delete a little
      // later each round, so that some rounds delete while the store is writing.
      long delay = (round % 5) * 20L;
      CompletableFuture<Void> store =
          CompletableFuture.runAsync(
              () -> client.store(file, c, naive, false, null, Progress.NONE), threads);
      CompletableFuture<Void> delete =
          CompletableFuture.runAsync(
              () -> {
                sleep(delay);
                client.delete(a);
              },
              threads);
      CompletableFuture.allOf(delete, store).get();

      Path out = home.resolve("out-" + round);
      client.get(c, out, null, Progress.NONE);
      assertArrayEquals(bytes, Files.readAllBytes(out), "round " + round);
      client.delete(c);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
