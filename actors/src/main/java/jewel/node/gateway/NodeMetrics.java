package jewel.node.gateway;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import jewel.protocol.data.Traffic;

/**
 * One node's metrics, served at {@code GET /metrics} in the Prometheus text format: bytes moved per
 * direction, store and get durations, open transfers, JVM memory, and what the node's roles add
 * (blocks and bytes held by a peer; events and greylisted peers on the registry node).
 */
public final class NodeMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger openTransfers = new AtomicInteger();
  private final Timer storeOk;
  private final Timer storeFailed;
  private final Timer getOk;
  private final Timer getFailed;

  public NodeMetrics(String node, Traffic traffic) {
    registry.config().commonTags("node", node);
    FunctionCounter.builder("jewel_bytes_received", traffic, Traffic::received)
        .baseUnit("bytes")
        .description("bytes of files and blocks this node received (HTTP bodies and data channel)")
        .register(registry);
    FunctionCounter.builder("jewel_bytes_sent", traffic, Traffic::sent)
        .baseUnit("bytes")
        .description("bytes of files and blocks this node sent (HTTP bodies and data channel)")
        .register(registry);
    Gauge.builder("jewel_open_transfers", openTransfers, AtomicInteger::get)
        .description("stores and gets this node is serving now")
        .register(registry);
    storeOk = timer("jewel_store", "ok");
    storeFailed = timer("jewel_store", "failed");
    getOk = timer("jewel_get", "ok");
    getFailed = timer("jewel_get", "failed");
    new JvmMemoryMetrics().bindTo(registry);
  }

  private Timer timer(String name, String outcome) {
    return Timer.builder(name)
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .description("how long a " + name.substring(6) + " served by this node took")
        .register(registry);
  }

  /** Adds a gauge read at each scrape (blocks held, registry events, …). */
  public void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
  }

  /**
   * Adds a counter read at each scrape ({@code _total} is appended to its name, as Prometheus
   * counters have it).
   */
  public void counter(String name, String description, AtomicLong count) {
    FunctionCounter.builder(name, count, AtomicLong::get)
        .description(description)
        .register(registry);
  }

  Timer.Sample startTransfer() {
    openTransfers.incrementAndGet();
    return Timer.start(registry);
  }

  void endStore(Timer.Sample sample, boolean ok) {
    openTransfers.decrementAndGet();
    sample.stop(ok ? storeOk : storeFailed);
  }

  void endGet(Timer.Sample sample, boolean ok) {
    openTransfers.decrementAndGet();
    sample.stop(ok ? getOk : getFailed);
  }

  /** Everything, in the Prometheus text format. */
  public String scrape() {
    return registry.scrape();
  }
}
