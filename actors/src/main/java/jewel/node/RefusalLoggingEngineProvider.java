package jewel.node;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.remote.artery.tcp.SSLEngineProvider;
import org.apache.pekko.remote.artery.tcp.ssl.RotatingKeysSSLEngineProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * Artery's TLS: Pekko's {@link RotatingKeysSSLEngineProvider} (configured under {@code
 * pekko.remote.artery.ssl.rotating-keys-engine}), with one WARN line for each inbound cluster
 * connection whose handshake fails, which Artery itself drops without a word: a JVM whose
 * certificate another CA signed, or that does not trust this cluster's CA, or a handshake cut
 * short.
 *
 * <p>The line cannot name the remote address: Artery makes every inbound engine with {@code
 * createServerSSLEngine(bindHost, bindPort)}, its own address, before the connection's remote
 * address is handed to anything this class sees.
 */
public final class RefusalLoggingEngineProvider implements SSLEngineProvider {
  private static final Logger log = LoggerFactory.getLogger(RefusalLoggingEngineProvider.class);

  private final RotatingKeysSSLEngineProvider rotating;

  /** Pekko makes the provider named by {@code ssl-engine-provider} with its ActorSystem. */
  public RefusalLoggingEngineProvider(ActorSystem system) {
    this.rotating = new RotatingKeysSSLEngineProvider(system);
  }

  @Override
  public SSLEngine createServerSSLEngine(String hostname, int port) {
    return new LoggingEngine(
        rotating.createServerSSLEngine(hostname, port),
        why ->
            log.warn(
                "cluster port {}: refused an inbound connection, its TLS handshake failed: {}",
                port,
                why));
  }

  @Override
  public SSLEngine createClientSSLEngine(String hostname, int port) {
    return rotating.createClientSSLEngine(hostname, port);
  }

  @Override
  public Option<Throwable> verifyClientSession(String hostname, SSLSession session) {
    return rotating.verifyClientSession(hostname, session);
  }

  @Override
  public Option<Throwable> verifyServerSession(String hostname, SSLSession session) {
    return rotating.verifyServerSession(hostname, session);
  }

  /**
   * An engine that reports the first failure before its handshake finished (after that, a closed
   * connection is a member leaving, not a refusal) and otherwise does what {@code engine} does.
   */
  private static final class LoggingEngine extends SSLEngine {
    private final SSLEngine engine;
    private final Consumer<String> refused;
    private final AtomicBoolean settled = new AtomicBoolean();

    LoggingEngine(SSLEngine engine, Consumer<String> refused) {
      this.engine = engine;
      this.refused = refused;
    }

    private SSLEngineResult watched(SSLEngineResult result) {
      if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) {
        settled.set(true);
      }
      return result;
    }

    private SSLException reported(SSLException e) {
      if (settled.compareAndSet(false, true)) {
        refused.accept(
            e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip());
      }
      return e;
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst)
        throws SSLException {
      try {
        return watched(engine.wrap(srcs, offset, length, dst));
      } catch (SSLException e) {
        throw reported(e);
      }
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length)
        throws SSLException {
      try {
        return watched(engine.unwrap(src, dsts, offset, length));
      } catch (SSLException e) {
        throw reported(e);
      }
    }

    @Override
    public void closeInbound() throws SSLException {
      try {
        engine.closeInbound();
      } catch (SSLException e) {
        throw reported(e);
      }
    }

    @Override
    public Runnable getDelegatedTask() {
      return engine.getDelegatedTask();
    }

    @Override
    public boolean isInboundDone() {
      return engine.isInboundDone();
    }

    @Override
    public void closeOutbound() {
      engine.closeOutbound();
    }

    @Override
    public boolean isOutboundDone() {
      return engine.isOutboundDone();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return engine.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
      return engine.getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
      engine.setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
      return engine.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
      return engine.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
      engine.setEnabledProtocols(protocols);
    }

    @Override
    public SSLSession getSession() {
      return engine.getSession();
    }

    @Override
    public SSLSession getHandshakeSession() {
      return engine.getHandshakeSession();
    }

    @Override
    public void beginHandshake() throws SSLException {
      try {
        engine.beginHandshake();
      } catch (SSLException e) {
        throw reported(e);
      }
    }

    @Override
    public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
      return engine.getHandshakeStatus();
    }

    @Override
    public void setUseClientMode(boolean mode) {
      engine.setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
      return engine.getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
      engine.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
      return engine.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
      engine.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
      return engine.getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
      engine.setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
      return engine.getEnableSessionCreation();
    }

    @Override
    public SSLParameters getSSLParameters() {
      return engine.getSSLParameters();
    }

    @Override
    public void setSSLParameters(SSLParameters params) {
      engine.setSSLParameters(params);
    }

    @Override
    public String getApplicationProtocol() {
      return engine.getApplicationProtocol();
    }

    @Override
    public String getHandshakeApplicationProtocol() {
      return engine.getHandshakeApplicationProtocol();
    }

    @Override
    public void setHandshakeApplicationProtocolSelector(
        BiFunction<SSLEngine, java.util.List<String>, String> selector) {
      engine.setHandshakeApplicationProtocolSelector(selector);
    }

    @Override
    public BiFunction<SSLEngine, java.util.List<String>, String>
        getHandshakeApplicationProtocolSelector() {
      return engine.getHandshakeApplicationProtocolSelector();
    }

    @Override
    public String getPeerHost() {
      return engine.getPeerHost();
    }

    @Override
    public int getPeerPort() {
      return engine.getPeerPort();
    }
  }
}
