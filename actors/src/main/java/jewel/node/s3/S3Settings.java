package jewel.node.s3;

import com.typesafe.config.Config;
import jewel.node.gateway.ApiSettings;

/**
 * How a node serves S3, from {@code jewel.s3}: where it listens ({@code port} 0 picks a free one),
 * the region clients sign for, the domain under which {@code BUCKET.DOMAIN} names a bucket
 * (virtual-host style; any other host is path style), and whether it serves HTTPS.
 */
public record S3Settings(
    boolean enabled, String host, int port, String region, String domain, boolean tls) {

  /** Reads {@code jewel.s3}, with one clear line for a bad value. */
  public static S3Settings from(Config config) {
    Config c = config.getConfig("jewel.s3");
    int port = c.getInt("port");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          "jewel.s3.port must be 0 (pick a free port) or a port up to 65535, not " + port);
    }
    String region = c.getString("region").trim();
    if (!region.matches("[a-z0-9-]{1,32}")) {
      throw new IllegalArgumentException(
          "jewel.s3.region must be a region name like us-east-1, not '" + region + "'");
    }
    String domain = c.getString("domain").trim().toLowerCase(java.util.Locale.ROOT);
    if (!domain.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
      throw new IllegalArgumentException(
          "jewel.s3.domain must be a host name like s3.localhost, not '" + domain + "'");
    }
    return new S3Settings(
        c.getBoolean("enabled"), c.getString("host"), port, region, domain, c.getBoolean("tls"));
  }

  /**
   * Refuses an address that other machines reach unless the listener serves HTTPS: a signature does
   * not hide the bytes, and a request seen on the wire can be sent again.
   */
  public void checkExposure() {
    if (!ApiSettings.loopback(host) && !tls) {
      throw new IllegalArgumentException(
          "jewel.s3.host = "
              + host
              + " is reachable from other machines: the S3 listener binds it only with"
              + " jewel.s3.tls = on, else bind 127.0.0.1");
    }
  }
}
