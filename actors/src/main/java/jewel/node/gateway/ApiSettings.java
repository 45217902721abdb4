package jewel.node.gateway;

import com.typesafe.config.Config;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How a node serves its HTTP API, from {@code jewel.api}: where, whether every request needs a
 * bearer token, the hash of the admin token {@code ./jewel up} made, how long a gateway trusts what
 * it learnt of a token from the registry, and whether it serves HTTPS.
 *
 * @param adminTokenHash the hex SHA-256 of the admin token's secret, or null: no admin token (then
 *     only tokens of the registry work, which the shell, a cluster member, can make)
 */
public record ApiSettings(
    String host,
    int port,
    boolean requireToken,
    String adminTokenHash,
    Duration tokenCache,
    boolean tls) {

  /** Reads {@code jewel.api}, with one clear line for a bad value or an unreadable hash file. */
  public static ApiSettings from(Config config) {
    Config c = config.getConfig("jewel.api");
    String file = c.getString("admin-token-hash-file").trim();
    Duration cache = c.getDuration("token-cache");
    if (cache.isNegative()) {
      throw new IllegalArgumentException(
          "jewel.api.token-cache must be 0 or a positive duration, like 5s, not " + cache);
    }
    return new ApiSettings(
        c.getString("host"),
        c.getInt("port"),
        c.getBoolean("require-token"),
        file.isEmpty() ? null : adminTokenHash(Path.of(file)),
        cache,
        c.getBoolean("tls"));
  }

  /** The one line of a hash file: 64 lowercase hex digits, as {@code ./jewel up} writes it. */
  static String adminTokenHash(Path file) {
    String hash;
    try {
      hash = Files.readString(file).trim();
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(
          "jewel.api.admin-token-hash-file "
              + file
              + " does not exist: ./jewel up writes HOME/admin-token.sha256",
          e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read jewel.api.admin-token-hash-file " + file + ": " + e.getMessage(), e);
    }
    if (!hash.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException(
          "jewel.api.admin-token-hash-file "
              + file
              + " does not hold a SHA-256 (64 hex digits): ./jewel up writes it beside the admin token");
    }
    return hash;
  }

  /**
   * Refuses an address that other machines reach unless every request needs a token and the API
   * serves HTTPS: a token sent in clear text over a network is a token given away.
   */
  public void checkExposure() {
    if (loopback(host)) {
      return;
    }
    if (!requireToken || !tls) {
      throw new IllegalArgumentException(
          "jewel.api.host = "
              + host
              + " is reachable from other machines: the API binds it only with"
              + " jewel.api.require-token = on and jewel.api.tls = on (now "
              + (requireToken ? "on" : "off")
              + " and "
              + (tls ? "on" : "off")
              + "), else bind 127.0.0.1");
    }
  }

  /** Whether {@code host} names this machine only (127.0.0.0/8, ::1, localhost). */
  public static boolean loopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false; // not resolvable here: certainly not known to be loopback
    }
  }
}
