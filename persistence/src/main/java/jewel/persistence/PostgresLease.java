package jewel.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.coordination.lease.LeaseException;
import org.apache.pekko.coordination.lease.LeaseSettings;
import org.apache.pekko.coordination.lease.javadsl.Lease;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Pekko coordination lease kept as a row of the table {@code jewel_lease} in the registry's
 * PostgreSQL database, so that the registry's Cluster Singleton runs on one node at most even when
 * the cluster splits: the singleton starts only once its node holds the lease, and the database
 * lets one owner hold it at a time.
 *
 * <p>Every expiry is computed by the database's clock ({@code now()}), so the nodes' clocks never
 * need to agree. The holder renews the row every {@code heartbeat-interval} to {@code now() +
 * heartbeat-timeout}; a crashed or cut-off holder stops renewing, and another owner may take the
 * row once it has expired. A holder that fails to renew, or finds the row no longer its own, is
 * told at once through the lease-lost callback, and the settings make sure that happens before the
 * row can expire.
 *
 * <p>Pekko's {@code LeaseProvider} builds it from the configuration at the lease's path ({@code
 * jewel.registry.lease}); the database is {@code jewel.registry.journal-url}. Database calls run on
 * one thread of the lease's own, never on an actor's.
 */
public final class PostgresLease extends Lease {
  private static final Logger log = LoggerFactory.getLogger(PostgresLease.class);

  /** The key of the registry's database, shared with its JDBC journal. */
  static final String URL_KEY = "jewel.registry.journal-url";

  private static final String CREATE_TABLE =
      "CREATE TABLE IF NOT EXISTS jewel_lease"
          + " (name text PRIMARY KEY, owner text NOT NULL, expires_at timestamptz NOT NULL)";

  /** One statement, so two owners racing for a free or expired row cannot both win it. */
  private static final String ACQUIRE =
      "INSERT INTO jewel_lease AS held (name, owner, expires_at)"
          + " VALUES (?, ?, now() + ? * interval '1 millisecond')"
          + " ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at ="
          + " excluded.expires_at WHERE held.owner = excluded.owner OR held.expires_at < now()";

  private static final String RENEW =
      "UPDATE jewel_lease SET expires_at = now() + ? * interval '1 millisecond'"
          + " WHERE name = ? AND owner = ?";

  private static final String RELEASE = "DELETE FROM jewel_lease WHERE name = ? AND owner = ?";

  /** PostgreSQL's SQL states of a table created by someone else at the same moment. */
  private static final String UNIQUE_VIOLATION = "23505";

  private static final String DUPLICATE_TABLE = "42P07";

  private final LeaseSettings settings;
  private final String url;
  private final Properties connectionProperties;
  private final long timeoutMillis;
  private final long intervalMillis;
  private final ScheduledExecutorService databaseThread;

  /**
   * Until when (by {@link System#nanoTime()}) this owner certainly holds the lease: the time it
   * sent its last successful renewal plus {@code heartbeat-timeout}, since the database set the
   * row's expiry that much after receiving it. Null while not held.
   */
  private volatile HeldUntil heldUntil;

  // Touched only on the database thread.
  private Connection connection;
  private ScheduledFuture<?> heartbeat;
  private Consumer<Optional<Throwable>> onLost;

  private record HeldUntil(long nanos) {}

  /** A database call run on the database thread. */
  private interface DatabaseCall<T> {
    T run() throws SQLException;
  }

  /** The constructor Pekko's {@code LeaseProvider} calls. */
  public PostgresLease(LeaseSettings settings, ExtendedActorSystem system) {
    this(settings, system.settings().config().getString(URL_KEY));
    // A terminated system stops renewing but leaves the row: a crash does too, and the singleton
    // releases the lease itself when it hands over.
    system.registerOnTermination((Runnable) this::stop);
  }

  PostgresLease(LeaseSettings settings, String url) {
    this.settings = settings;
    this.url = checkedUrl(url);
    Duration timeout = settings.timeoutSettings().getHeartbeatTimeout();
    Duration interval = settings.timeoutSettings().getHeartbeatInterval();
    // The driver's timeouts are whole seconds.
    long operationSeconds =
        Math.max(1, (settings.timeoutSettings().getOperationTimeout().toMillis() + 999) / 1000);
    // A renewal that fails may take a reconnection and a statement, each up to the operation
    // timeout, before the holder hears of it; only then does the singleton stop.
    Duration worstRenewal = interval.plusSeconds(2 * operationSeconds);
    if (worstRenewal.compareTo(timeout) >= 0) {
      throw new IllegalArgumentException(
          "lease "
              + settings.leaseName()
              + ": heartbeat-interval ("
              + interval.toMillis()
              + " ms) + twice lease-operation-timeout ("
              + operationSeconds
              + " s, rounded up to seconds) must be less than heartbeat-timeout ("
              + timeout.toMillis()
              + " ms), or a holder cut off from the database could still run after another"
              + " node took the lease over");
    }
    this.timeoutMillis = timeout.toMillis();
    this.intervalMillis = interval.toMillis();
    this.connectionProperties = new Properties();
    connectionProperties.setProperty("connectTimeout", Long.toString(operationSeconds));
    connectionProperties.setProperty("loginTimeout", Long.toString(operationSeconds));
    connectionProperties.setProperty("socketTimeout", Long.toString(operationSeconds));
    connectionProperties.setProperty("ApplicationName", "jewel lease");
    this.databaseThread =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "jewel-lease-" + settings.leaseName());
              thread.setDaemon(true);
              return thread;
            });
  }

  private static String checkedUrl(String url) {
    if (url.isBlank()) {
      throw new IllegalArgumentException(
          URL_KEY
              + " is empty: the registry's lease needs its PostgreSQL database, like"
              + " jdbc:postgresql://HOST:5432/jewel?user=USER&password=PASSWORD");
    }
    if (!new Driver().acceptsURL(url)) {
      throw new IllegalArgumentException(
          URL_KEY + " = " + url + ": not a PostgreSQL JDBC URL (jdbc:postgresql://HOST:PORT/DB)");
    }
    return url;
  }

  @Override
  public LeaseSettings getSettings() {
    return settings;
  }

  @Override
  public CompletionStage<Boolean> acquire() {
    return acquire(reason -> {});
  }

  @Override
  public CompletionStage<Boolean> acquire(Consumer<Optional<Throwable>> leaseLostCallback) {
    return onDatabaseThread(
        "acquire",
        () -> {
          long sentAt = System.nanoTime();
          boolean acquired;
          try (PreparedStatement acquire = connection().prepareStatement(ACQUIRE)) {
            acquire.setString(1, settings.leaseName());
            acquire.setString(2, settings.ownerName());
            acquire.setLong(3, timeoutMillis);
            acquired = acquire.executeUpdate() == 1;
          }
          if (!acquired) {
            stopHolding();
            return false;
          }
          heldUntil = new HeldUntil(sentAt + TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
          onLost = leaseLostCallback;
          if (heartbeat == null) {
            // Its first run comes after this call has completed the caller's future, as Pekko
            // requires of a lease-lost callback.
            heartbeat =
                databaseThread.scheduleWithFixedDelay(
                    this::renew, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
          }
          return true;
        });
  }

  @Override
  public CompletionStage<Boolean> release() {
    return onDatabaseThread(
        "release",
        () -> {
          // Stop renewing first: if the delete fails, the row still expires.
          stopHolding();
          try (PreparedStatement release = connection().prepareStatement(RELEASE)) {
            release.setString(1, settings.leaseName());
            release.setString(2, settings.ownerName());
            return release.executeUpdate() == 1;
          }
        });
  }

  @Override
  public boolean checkLease() {
    HeldUntil until = heldUntil;
    return until != null && System.nanoTime() - until.nanos() < 0;
  }

  private void renew() {
    long sentAt = System.nanoTime();
    Throwable reason;
    try (PreparedStatement renew = connection().prepareStatement(RENEW)) {
      renew.setLong(1, timeoutMillis);
      renew.setString(2, settings.leaseName());
      renew.setString(3, settings.ownerName());
      if (renew.executeUpdate() == 1) {
        heldUntil = new HeldUntil(sentAt + TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
        return;
      }
      reason =
          new LeaseException(
              "lease "
                  + settings.leaseName()
                  + " is no longer held by "
                  + settings.ownerName()
                  + ": another owner took it over");
    } catch (SQLException e) {
      dropConnection();
      reason = leaseException("renew", e);
    }
    Consumer<Optional<Throwable>> callback = onLost;
    stopHolding();
    log.warn("{}", reason.getMessage());
    callback.accept(Optional.of(reason));
  }

  private void stopHolding() {
    heldUntil = null;
    onLost = null;
    if (heartbeat != null) {
      heartbeat.cancel(false);
      heartbeat = null;
    }
  }

  private <T> CompletionStage<T> onDatabaseThread(String operation, DatabaseCall<T> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      databaseThread.execute(
          () -> {
            try {
              result.complete(call.run());
            } catch (SQLException e) {
              dropConnection();
              result.completeExceptionally(leaseException(operation, e));
            } catch (RuntimeException e) {
              result.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(
          new LeaseException(
              "cannot " + operation + " lease " + settings.leaseName() + ": its system stopped"));
    }
    return result;
  }

  private LeaseException leaseException(String operation, SQLException e) {
    LeaseException failure =
        new LeaseException(
            "cannot "
                + operation
                + " lease "
                + settings.leaseName()
                + " of "
                + settings.ownerName()
                + " in PostgreSQL: "
                + e.getMessage());
    failure.initCause(e);
    return failure;
  }

  private Connection connection() throws SQLException {
    if (connection == null) {
      Connection opened = new Driver().connect(url, connectionProperties);
      try (Statement create = opened.createStatement()) {
        create.execute(CREATE_TABLE);
      } catch (SQLException e) {
        // IF NOT EXISTS still fails when another connection creates the table at that moment.
        if (!UNIQUE_VIOLATION.equals(e.getSQLState()) && !DUPLICATE_TABLE.equals(e.getSQLState())) {
          opened.close();
          throw e;
        }
      }
      connection = opened;
    }
    return connection;
  }

  private void dropConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        log.debug("closing a failed connection of lease {}", settings.leaseName(), e);
      }
      connection = null;
    }
  }

  /** Stops renewing, closes the connection and ends the database thread. */
  private void stop() {
    try {
      databaseThread.execute(
          () -> {
            stopHolding();
            dropConnection();
          });
    } catch (RejectedExecutionException alreadyStopped) {
      return;
    }
    databaseThread.shutdown();
  }
}
