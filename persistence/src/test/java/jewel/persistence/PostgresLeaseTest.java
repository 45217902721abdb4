package jewel.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.coordination.lease.javadsl.Lease;
import org.apache.pekko.coordination.lease.javadsl.LeaseProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The registry's lease against a real PostgreSQL server: the one {@code .ci/run} starts, named by
 * {@code JEWEL_TEST_POSTGRES}. Leases come from Pekko's {@code LeaseProvider} and the module's
 * reference.conf, as the singleton gets them, with short timeouts.
 */
class PostgresLeaseTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(3);
  private static final Duration INTERVAL = Duration.ofMillis(200);
  private static final long WAIT_SECONDS = 10;

  private static String url;
  private static final List<ActorSystem> systems = new ArrayList<>();

  @BeforeAll
  static void findPostgres() {
    url = System.getenv("JEWEL_TEST_POSTGRES");
    if (url == null || url.isBlank()) {
      fail(
          "no PostgreSQL: run the tests with .ci/run, which starts one (JEWEL_TEST_POSTGRES"
              + " unset)");
    }
  }

  @AfterAll
  static void stopSystems() throws Exception {
    for (ActorSystem system : systems) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
  }

  @Test
  void oneOwnerAtATimeAndTheNextAfterARelease() throws Exception {
    String name = uniqueName();
    Lease first = lease(newSystem(), name, "first");
    Lease second = lease(newSystem(), name, "second");
    assertFalse(first.checkLease(), "nothing acquired yet");

    assertTrue(await(first.acquire()));
    assertTrue(first.checkLease());
    assertFalse(await(second.acquire()));
    assertFalse(second.checkLease());
    assertTrue(await(first.acquire()), "acquiring a lease one holds again succeeds");

    assertTrue(await(first.release()));
    assertFalse(first.checkLease());
    assertFalse(await(first.release()), "releasing a lease one does not hold");
    assertTrue(await(second.acquire()));
    assertTrue(second.checkLease());
    assertFalse(await(first.acquire()));
    assertTrue(await(second.release()));
  }

  @Test
  void ownersRacingForAFreeLeaseOneWins() throws Exception {
    String name = uniqueName();
    ActorSystem system = newSystem();
    List<CompletableFuture<Boolean>> attempts = new ArrayList<>();
    for (String owner : List.of("a", "b", "c", "d")) {
      attempts.add(lease(system, name, owner).acquire().toCompletableFuture());
    }
    long winners = 0;
    for (CompletableFuture<Boolean> attempt : attempts) {
      winners += await(attempt) ? 1 : 0;
    }
    assertEquals(1, winners);
  }

  @Test
  void renewalsKeepTheLeasePastItsTimeout() throws Exception {
    String name = uniqueName();
    Lease holder = lease(newSystem(), name, "holder");
    Lease other = lease(newSystem(), name, "other");
    assertTrue(await(holder.acquire()));
    Thread.sleep(TIMEOUT.plusSeconds(1).toMillis());
    assertTrue(holder.checkLease());
    assertFalse(await(other.acquire()));
    assertTrue(await(holder.release()));
  }

  @Test
  void anotherOwnerTakesTheLeaseOnceTheHolderStopsRenewing() throws Exception {
    String name = uniqueName();
    ActorSystem crashing = newSystem();
    Lease holder = lease(crashing, name, "crashed");
    Lease next = lease(newSystem(), name, "next");
    assertTrue(await(holder.acquire()));
    long stoppedAt = System.nanoTime();
    // A terminated system stops renewing and leaves the row, as a crashed node does.
    crashing.terminate();
    crashing.getWhenTerminated().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);

    assertFalse(await(next.acquire()));
    while (!await(next.acquire())) {
      assertTrue(
          System.nanoTime() - stoppedAt < TIMEOUT.plusSeconds(WAIT_SECONDS).toNanos(),
          "the lease never expired");
      Thread.sleep(INTERVAL.toMillis());
    }
    Duration waited = Duration.ofNanos(System.nanoTime() - stoppedAt);
    assertTrue(
        waited.compareTo(TIMEOUT.minus(INTERVAL)) >= 0,
        () -> "taken over after " + waited.toMillis() + " ms, before the lease could expire");
    assertTrue(next.checkLease());
    assertTrue(await(next.release()));
  }

  @Test
  void theHolderHearsWhenTheRowIsTakenFromIt() throws Exception {
    String name = uniqueName();
    Lease holder = lease(newSystem(), name, "holder");
    CompletableFuture<Optional<Throwable>> lost = new CompletableFuture<>();
    assertTrue(await(holder.acquire(lost::complete)));
    assertFalse(lost.isDone());

    try (Connection connection = DriverManager.getConnection(url);
        PreparedStatement steal =
            connection.prepareStatement("UPDATE jewel_lease SET owner = 'thief' WHERE name = ?")) {
      steal.setString(1, name);
      assertEquals(1, steal.executeUpdate());
    }

    Optional<Throwable> reason = lost.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertTrue(reason.isPresent());
    assertInstanceOf(org.apache.pekko.coordination.lease.LeaseException.class, reason.get());
    assertTrue(
        reason.get().getMessage().contains("no longer held by holder"), reason.get().getMessage());
    assertFalse(holder.checkLease());
    assertFalse(await(holder.release()), "the row is the thief's now");
    assertEquals("thief", ownerOf(name));
  }

  @Test
  void theHolderHearsWhenARenewalFails() throws Exception {
    String name = uniqueName();
    Lease holder = lease(newSystem(), name, "holder");
    CompletableFuture<Optional<Throwable>> lost = new CompletableFuture<>();
    assertTrue(await(holder.acquire(lost::complete)));

    // The database drops the holder's connection, as it would after a restart.
    try (Connection connection = DriverManager.getConnection(url);
        PreparedStatement drop =
            connection.prepareStatement(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE application_name = 'jewel lease'")) {
      drop.executeQuery().close();
    }

    Optional<Throwable> reason = lost.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertTrue(reason.isPresent());
    assertTrue(
        reason.get().getMessage().startsWith("cannot renew lease " + name + " of holder"),
        reason.get().getMessage());
    assertFalse(holder.checkLease());
    assertTrue(await(holder.acquire()), "a new connection takes its own row back");
    assertTrue(await(holder.release()));
  }

  private static String ownerOf(String name) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url);
        PreparedStatement owner =
            connection.prepareStatement("SELECT owner FROM jewel_lease WHERE name = ?")) {
      owner.setString(1, name);
      try (var rows = owner.executeQuery()) {
        assertTrue(rows.next(), "no row for " + name);
        return rows.getString(1);
      }
    }
  }

  private static ActorSystem newSystem() {
    Config config =
        ConfigFactory.parseString(
                "jewel.registry.journal-url = \""
                    + url
                    + "\"\n"
                    + "jewel.registry.lease {\n"
                    + "  heartbeat-timeout = "
                    + TIMEOUT.toMillis()
                    + "ms\n"
                    + "  heartbeat-interval = "
                    + INTERVAL.toMillis()
                    + "ms\n"
                    + "  lease-operation-timeout = 1s\n"
                    + "}")
            .withFallback(ConfigFactory.load());
    ActorSystem system = ActorSystem.create("PostgresLeaseTest", config);
    systems.add(system);
    return system;
  }

  private static Lease lease(ActorSystem system, String name, String owner) {
    return LeaseProvider.get(system).getLease(name, "jewel.registry.lease", owner);
  }

  private static String uniqueName() {
    return "test-" + UUID.randomUUID();
  }

  private static boolean await(java.util.concurrent.CompletionStage<Boolean> answer)
      throws Exception {
    return answer.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
  }
}
