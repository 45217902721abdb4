package jewel.node;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import jewel.node.coordinator.Coordinator;
import jewel.node.coordinator.FileOperations;
import jewel.node.peer.Peer;
import jewel.node.peer.ShareKeeper;
import jewel.node.pins.LivePeers;
import jewel.node.pins.PinScanner;
import jewel.node.pins.PinSettings;
import jewel.node.store.BlockStore;
import jewel.node.store.LocalFiles;
import jewel.node.store.NodeDataHandler;
import jewel.persistence.Registry;
import jewel.protocol.CoordinatorCommand;
import jewel.protocol.DataAddress;
import jewel.api.FileName;
import jewel.protocol.PeerCommand;
import jewel.protocol.RegistryCommand;
import jewel.protocol.data.DataChannel;
import jewel.protocol.data.DataClient;
import jewel.schemes.Schemes;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * One Jewel node in this JVM: the ActorSystem, its data channel, and what its roles run.
 * Every node gets a proxy to the registry singleton and to the coordinators' shards; a
 * {@code registry} node hosts the registry, a {@code peer} node a Peer with its disk, and
 * a {@code client} node (the shell) only offers and accepts local files on its data channel.
 */
public final class JewelNode implements AutoCloseable {
  private final NodeSettings settings;
  private final ActorSystem<Void> system;
  private final DataChannel dataChannel;
  private final LocalFiles localFiles;
  private final ActorRef<RegistryCommand> registry;
  private final Schemes schemes;

  private JewelNode(NodeSettings settings, ActorSystem<Void> system, DataChannel dataChannel, LocalFiles localFiles,
      ActorRef<RegistryCommand> registry, Schemes schemes) {
    this.settings = settings;
    this.system = system;
    this.dataChannel = dataChannel;
    this.localFiles = localFiles;
    this.registry = registry;
    this.schemes = schemes;
  }

  /** Starts a node of these settings on top of {@code base} (application.conf and overrides). */
  public static JewelNode start(NodeSettings settings, Config base) throws Exception {
    Config config = settings.pekkoConfig(base);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), NodeSettings.SYSTEM_NAME, config);
    try {
      Schemes schemes = new Schemes(NodeSettings.schemeDefaults(config));
      Path disk = settings.nodeDir().resolve("disk");
      BlockStore store = settings.hasRole(NodeSettings.PEER) ? BlockStore.open(disk.resolve("blocks")) : null;
      LocalFiles files = settings.hasRole(NodeSettings.PEER)
          ? LocalFiles.inFolder(disk.resolve("files"))
          : LocalFiles.anywhere();
      DataChannel channel = DataChannel.bind(system, settings.host(), settings.dataPort(), new NodeDataHandler(store, files))
          .toCompletableFuture().get(10, TimeUnit.SECONDS);

      ActorRef<RegistryCommand> registry = ClusterSingleton.get(system).init(
          SingletonActor.of(Registry.create(Registry.PERSISTENCE_ID), "registry")
              .withSettings(ClusterSingletonSettings.create(system).withRole(NodeSettings.REGISTRY)));

      Duration askTimeout = config.getDuration("jewel.client.base-timeout");
      DataClient dataClient = new DataClient(system);
      FileOperations operations = new FileOperations(system, registry, schemes, dataClient, askTimeout);
      ClusterSharding.get(system).init(
          Entity.of(Coordinator.TYPE_KEY, ctx -> Coordinator.create(operations))
              .withRole(config.getString("jewel.coordinator.role")));

      // Fractional pins: every peer keeps its own share; the registry node scans and audits.
      PinSettings pins = PinSettings.from(config);
      LivePeers livePeers = LivePeers.inCluster(system);
      if (settings.hasRole(NodeSettings.PEER)) {
        DataAddress data = channel.address();
        system.systemActorOf(
            Peer.create(settings.name(), data, store, files, registry, new ShareKeeper.Setup(pins, livePeers, dataClient)),
            "peer", org.apache.pekko.actor.typed.Props.empty());
      }
      if (settings.hasRole(NodeSettings.REGISTRY)) {
        system.systemActorOf(PinScanner.create(pins, registry, livePeers, true), "pin-scanner",
            org.apache.pekko.actor.typed.Props.empty());
      }
      return new JewelNode(settings, system, channel, files, registry, schemes);
    } catch (Exception e) {
      system.terminate();
      throw e;
    }
  }

  public NodeSettings settings() {
    return settings;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public DataAddress dataAddress() {
    return dataChannel.address();
  }

  public LocalFiles localFiles() {
    return localFiles;
  }

  public ActorRef<RegistryCommand> registry() {
    return registry;
  }

  public Schemes schemes() {
    return schemes;
  }

  public EntityRef<CoordinatorCommand> coordinator(FileName name) {
    return ClusterSharding.get(system).entityRefFor(Coordinator.TYPE_KEY, name.value());
  }

  /** Leaves the cluster and stops, waiting at most {@code timeout}. */
  public void stop(Duration timeout) {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // leaving is best effort: the registry node downs a member that vanished anyway
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(10));
  }

}
