package jewel.node.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code jewel.s3}: its defaults, a bad value in one line, and the rule for exposed addresses. */
class S3SettingsTest {

  private static Config with(Map<String, Object> values) {
    return ConfigFactory.parseMap(values).withFallback(ConfigFactory.defaultReference());
  }

  @Test
  void theDefaultsServeS3OnLoopbackForUsEast1() {
    S3Settings s3 = S3Settings.from(ConfigFactory.defaultReference());
    assertEquals(new S3Settings(true, "127.0.0.1", 0, "us-east-1", "s3.localhost", false), s3);
    s3.checkExposure();
  }

  @Test
  void badValuesAreOneLine() {
    assertEquals(
        "jewel.s3.port must be 0 (pick a free port) or a port up to 65535, not 70000",
        assertThrows(
                IllegalArgumentException.class,
                () -> S3Settings.from(with(Map.of("jewel.s3.port", 70000))))
            .getMessage());
    assertEquals(
        "jewel.s3.region must be a region name like us-east-1, not 'US East'",
        assertThrows(
                IllegalArgumentException.class,
                () -> S3Settings.from(with(Map.of("jewel.s3.region", "US East"))))
            .getMessage());
    assertEquals(
        "jewel.s3.domain must be a host name like s3.localhost, not 'http://x/'",
        assertThrows(
                IllegalArgumentException.class,
                () -> S3Settings.from(with(Map.of("jewel.s3.domain", "http://x/"))))
            .getMessage());
  }

  @Test
  void anAddressOtherMachinesReachNeedsHttps() {
    new S3Settings(true, "0.0.0.0", 0, "us-east-1", "s3.localhost", true).checkExposure();
    new S3Settings(true, "localhost", 0, "us-east-1", "s3.localhost", false).checkExposure();
    assertEquals(
        "jewel.s3.host = 0.0.0.0 is reachable from other machines: the S3 listener binds it only"
            + " with jewel.s3.tls = on, else bind 127.0.0.1",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    new S3Settings(true, "0.0.0.0", 0, "us-east-1", "s3.localhost", false)
                        .checkExposure())
            .getMessage());
  }
}
