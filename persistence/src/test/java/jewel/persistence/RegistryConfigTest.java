package jewel.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import jewel.protocol.SchemeSpec;
import org.junit.jupiter.api.Test;

/** The defaults in this module's reference.conf and the checks on them. */
class RegistryConfigTest {

  @Test
  void referenceDefaults() {
    Config config = ConfigFactory.load();
    assertEquals(
        new Registry.Options(SchemeSpec.parse("naive n=2"), 100, 2), Registry.Options.from(config));
    assertEquals("pekko.persistence.journal.leveldb", config.getString("pekko.persistence.journal.plugin"));
    assertEquals(false, config.getBoolean("pekko.persistence.journal.leveldb.native"));
    assertEquals(
        "pekko.persistence.snapshot-store.local", config.getString("pekko.persistence.snapshot-store.plugin"));
    assertEquals("target/registry/journal", config.getString("pekko.persistence.journal.leveldb.dir"));
    assertEquals("target/registry/snapshots", config.getString("pekko.persistence.snapshot-store.local.dir"));
  }

  @Test
  void badValuesSayWhatIsWrong() {
    var badScheme =
        assertThrows(
            IllegalArgumentException.class,
            () -> Registry.Options.from(with("jewel.registry.default-scheme = \"Naive\"")));
    assertTrue(badScheme.getMessage().startsWith("jewel.registry.default-scheme = \"Naive\": not a scheme id"),
        badScheme.getMessage());
    var badEvery =
        assertThrows(
            IllegalArgumentException.class,
            () -> Registry.Options.from(with("jewel.registry.snapshot-every = 0")));
    assertEquals("jewel.registry.snapshot-every must be at least 1, not 0", badEvery.getMessage());
  }

  private static Config with(String line) {
    return ConfigFactory.parseString(line).withFallback(ConfigFactory.load());
  }
}
