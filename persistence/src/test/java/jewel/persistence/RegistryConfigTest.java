package jewel.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import jewel.api.SchemeSpec;
import org.junit.jupiter.api.Test;

/** The defaults in this module's reference.conf and the checks on them. */
class RegistryConfigTest {

  @Test
  void referenceDefaults() {
    Config config = ConfigFactory.load();
    assertEquals(
        new Registry.Options(
            SchemeSpec.parse("naive n=2"),
            10000,
            2,
            0.5,
            2,
            java.time.Duration.ofMinutes(2),
            java.time.Duration.ofDays(7),
            1000,
            0.9,
            java.time.Duration.ofDays(1)),
        Registry.Options.from(config));
  }

  @Test
  void badValuesSayWhatIsWrong() {
    var badScheme =
        assertThrows(
            IllegalArgumentException.class,
            () -> Registry.Options.from(with("jewel.registry.default-scheme = \"Naive\"")));
    assertTrue(
        badScheme
            .getMessage()
            .startsWith("jewel.registry.default-scheme = \"Naive\": not a scheme id"),
        badScheme.getMessage());
    var badEvery =
        assertThrows(
            IllegalArgumentException.class,
            () -> Registry.Options.from(with("jewel.registry.snapshot-every = 0")));
    assertEquals("jewel.registry.snapshot-every must be at least 1, not 0", badEvery.getMessage());

    for (String bad : new String[] {"0", "1.5", "-0.1", "\"150%\""}) {
      var badFraction =
          assertThrows(
              IllegalArgumentException.class,
              () -> Registry.Options.from(with("jewel.pins.default-fraction = " + bad)));
      assertTrue(
          badFraction
              .getMessage()
              .startsWith(
                  "jewel.pins.default-fraction must be in (0, 1], like 0.1 or \"10%\", not "),
          badFraction.getMessage());
    }
    assertEquals(
        "jewel.pins.default-fraction must be in (0, 1], like 0.1 or \"10%\", not \"half\"",
        assertThrows(
                IllegalArgumentException.class,
                () -> Registry.Options.from(with("jewel.pins.default-fraction = half")))
            .getMessage());
    assertEquals(
        "jewel.pins.min-holders must be at least 1, not 0",
        assertThrows(
                IllegalArgumentException.class,
                () -> Registry.Options.from(with("jewel.pins.min-holders = 0")))
            .getMessage());
    assertEquals(
        "jewel.availability.window must be a positive duration, like 7d, not PT0S",
        assertThrows(
                IllegalArgumentException.class,
                () -> Registry.Options.from(with("jewel.availability.window = 0s")))
            .getMessage());
    assertEquals(
        "jewel.availability.max-changes must be at least 2, not 1",
        assertThrows(
                IllegalArgumentException.class,
                () -> Registry.Options.from(with("jewel.availability.max-changes = 1")))
            .getMessage());
  }

  @Test
  void pinSettingsFromConfig() {
    Registry.Options options =
        Registry.Options.from(with("jewel.pins { default-fraction = \"10%\", min-holders = 3 }"));
    assertEquals(0.1, options.defaultFraction(), 1e-12);
    assertEquals(3, options.minHolders());
    assertEquals(
        1.0, Registry.Options.from(with("jewel.pins.default-fraction = 1")).defaultFraction());
    assertEquals(
        0.25,
        Registry.Options.from(with("jewel.pins.default-fraction = \"0.25\"")).defaultFraction());
  }

  private static Config with(String line) {
    return ConfigFactory.parseString(line).withFallback(ConfigFactory.load());
  }
}
