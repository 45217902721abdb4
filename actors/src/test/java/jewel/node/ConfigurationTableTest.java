package jewel.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jewel.node.pins.PinSettings;
import jewel.persistence.Registry;
import jewel.schemes.SchemeDefaults;
import org.junit.jupiter.api.Test;

/**
 * The configuration has one source: every module's reference.conf (this module's class path holds
 * them all), documented by the README's table, with node-pekko.conf for Pekko's keys.
 */
class ConfigurationTableTest {
  /** The README at the repository root; tests run in the module's folder. */
  private static final Path README = Path.of("..", "README.md");

  private static final String TABLE_HEADER = "| key | default | meaning |";
  private static final Pattern ROW =
      Pattern.compile("\\| `(jewel\\.[^`]+)` \\| `([^`]*)` \\| .+ \\|");

  @Test
  void readmeTableListsEveryKeyWithItsDefault() throws IOException {
    Map<String, String> documented = readmeTable();
    Map<String, String> defaults = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e :
        ConfigFactory.defaultReference().getConfig("jewel").entrySet()) {
      defaults.put("jewel." + e.getKey(), asWritten(e.getValue()));
    }
    List<String> problems = new ArrayList<>();
    defaults.forEach(
        (key, value) -> {
          if (!documented.containsKey(key)) {
            problems.add(key + " (default " + value + ") is missing from the table");
          } else if (!documented.get(key).equals(value)) {
            problems.add(
                key + ": the table says " + documented.get(key) + ", reference.conf " + value);
          }
        });
    documented.keySet().stream()
        .filter(k -> !defaults.containsKey(k))
        .forEach(k -> problems.add(k + " is in the table but in no reference.conf"));
    assertTrue(
        problems.isEmpty(),
        () -> "README.md's configuration table: " + String.join("; ", problems));
  }

  /** Every key the code reads has a default, and the defaults pass the code's own checks. */
  @Test
  void referenceDefaultsAloneMakeValidSettings() {
    Config reference = ConfigFactory.defaultReference();
    NodeSettings.from(reference);
    PinSettings.from(reference);
    jewel.node.peer.Scrubber.Settings.from(reference);
    Registry.Options.from(reference);
    for (String duration :
        List.of(
            "jewel.client.base-timeout",
            "jewel.client.per-mib-timeout",
            "jewel.client.join-timeout",
            "jewel.downing.unreachable-after")) {
      assertFalse(reference.getDuration(duration).isNegative(), duration);
    }
    reference.getString("jewel.coordinator.role");
    jewel.node.coordinator.Coordinator.idleTimeout(reference);
    jewel.node.gateway.ApiSettings api = jewel.node.gateway.ApiSettings.from(reference);
    api.checkExposure(); // the default binds, and needs tokens
    assertTrue(api.requireToken());
  }

  /** The command line checks scheme parameters before it asks a node, with the node's defaults. */
  @Test
  void commandLineSchemeDefaultsAreTheNodes() {
    assertEquals(
        SchemeDefaults.STANDARD, NodeSettings.schemeDefaults(ConfigFactory.defaultReference()));
  }

  /** node-pekko.conf holds Pekko's keys only, and they win over Pekko's own defaults. */
  @Test
  void nodePekkoSettingsOverridePekkosDefaults() {
    Config own = ConfigFactory.parseResources(NodeSettings.PEKKO_SETTINGS);
    assertEquals(Set.of("pekko"), own.root().keySet());
    Config node = NodeSettings.load();
    assertEquals("cluster", node.getString("pekko.actor.provider"));
    assertEquals(
        "jewel.node.RegistryDowning", node.getString("pekko.cluster.downing-provider-class"));
    assertEquals(
        "pekko.persistence.journal.leveldb", node.getString("pekko.persistence.journal.plugin"));
    assertFalse(node.getBoolean("pekko.persistence.journal.leveldb.native"));
    assertEquals(
        "pekko.persistence.snapshot-store.local",
        node.getString("pekko.persistence.snapshot-store.plugin"));
    assertEquals(60, node.getDuration("pekko.http.server.request-timeout").toSeconds());
  }

  /** The table under "## Configuration": key to default, as written between backticks. */
  private static Map<String, String> readmeTable() throws IOException {
    List<String> lines = Files.readAllLines(README);
    int at = lines.indexOf("## Configuration");
    assertTrue(at >= 0, "README.md has no '## Configuration' section");
    while (at < lines.size() && !lines.get(at).equals(TABLE_HEADER)) {
      at++;
    }
    assertTrue(
        at < lines.size(),
        () -> "README.md's configuration section has no table headed " + TABLE_HEADER);
    Map<String, String> table = new TreeMap<>();
    for (int i = at + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      Matcher m = ROW.matcher(lines.get(i));
      if (!m.matches()) {
        fail(
            "README.md line "
                + (i + 1)
                + " is not | `jewel.KEY` | `DEFAULT` | meaning |: "
                + lines.get(i));
      }
      if (table.put(m.group(1), m.group(2)) != null) {
        fail("README.md's configuration table lists " + m.group(1) + " twice");
      }
    }
    return table;
  }

  /** A default as the table writes it: strings bare (30s, naive n=2), the rest as JSON. */
  private static String asWritten(ConfigValue value) {
    return value.valueType() == ConfigValueType.STRING
        ? (String) value.unwrapped()
        : value.render(ConfigRenderOptions.concise());
  }
}
