package jewel.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.coordination.lease.LeaseException;
import org.apache.pekko.coordination.lease.LeaseSettings;
import org.apache.pekko.coordination.lease.javadsl.LeaseProvider;
import org.junit.jupiter.api.Test;

/** The lease's settings in reference.conf and the checks on them; no database server is needed. */
class PostgresLeaseConfigTest {
  private static final String SOME_URL = "jdbc:postgresql://127.0.0.1:5432/jewel?user=jewel";

  @Test
  void pekkoMakesAPostgresLeaseFromTheReferenceSettings() throws Exception {
    ActorSystem system =
        ActorSystem.create(
            "PostgresLeaseConfigTest",
            ConfigFactory.parseString("jewel.registry.journal-url = \"" + SOME_URL + "\"")
                .withFallback(ConfigFactory.load()));
    try {
      var lease =
          LeaseProvider.get(system).getLease("registry", "jewel.registry.lease", "127.0.0.1:25520");
      assertInstanceOf(PostgresLease.class, lease);
      var timeouts = lease.getSettings().timeoutSettings();
      assertEquals(Duration.ofSeconds(12), timeouts.getHeartbeatTimeout());
      assertEquals(Duration.ofSeconds(2), timeouts.getHeartbeatInterval());
      assertEquals(Duration.ofSeconds(3), timeouts.getOperationTimeout());
      assertEquals("127.0.0.1:25520", lease.getSettings().ownerName());
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void anEmptyUrlSaysWhichKeyToSet() {
    var empty =
        assertThrows(IllegalArgumentException.class, () -> new PostgresLease(settings(""), ""));
    assertTrue(
        empty.getMessage().startsWith("jewel.registry.journal-url is empty: "), empty.getMessage());
    var notPostgres =
        assertThrows(
            IllegalArgumentException.class,
            () -> new PostgresLease(settings(""), "jdbc:h2:mem:jewel"));
    assertEquals(
        "jewel.registry.journal-url = jdbc:h2:mem:jewel: not a PostgreSQL JDBC URL"
            + " (jdbc:postgresql://HOST:PORT/DB)",
        notPostgres.getMessage());
  }

  @Test
  void aHolderCutOffFromTheDatabaseMustHearOfItBeforeTheLeaseExpires() {
    var tooSlow =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new PostgresLease(
                    settings(
                        "heartbeat-timeout = 10s, heartbeat-interval = 4s,"
                            + " lease-operation-timeout = 2500ms"),
                    SOME_URL));
    assertEquals(
        "lease registry: heartbeat-interval (4000 ms) + twice lease-operation-timeout (3 s,"
            + " rounded up to seconds) must be less than heartbeat-timeout (10000 ms), or a holder"
            + " cut off from the database could still run after another node took the lease over",
        tooSlow.getMessage());
  }

  @Test
  void anUnreachableDatabaseFailsAnAcquireRatherThanDenyingIt() {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    var lease = new PostgresLease(settings(""), "jdbc:postgresql://127.0.0.1:1/jewel");
    var failure =
        assertThrows(
            ExecutionException.class,
            () -> lease.acquire().toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertInstanceOf(LeaseException.class, failure.getCause());
    assertTrue(
        failure
            .getCause()
            .getMessage()
            .startsWith("cannot acquire lease registry of 127.0.0.1:25520 in PostgreSQL: "),
        failure.getCause().getMessage());
    assertFalse(lease.checkLease());
  }

  private static LeaseSettings settings(String overrides) {
    Config config =
        ConfigFactory.parseString(overrides)
            .withFallback(ConfigFactory.load().getConfig("jewel.registry.lease"));
    return LeaseSettings.apply(config, "registry", "127.0.0.1:25520");
  }
}
