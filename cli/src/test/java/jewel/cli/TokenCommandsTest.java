package jewel.cli;

import static jewel.cli.JewelCliTest.failsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jewel.api.ApiToken;
import jewel.api.JewelException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code token create}, {@code token ls} and {@code token revoke}, and the token a session sends.
 */
class TokenCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  Fakes.Backend backend;

  @BeforeEach
  void setUp() {
    backend = new Fakes.Backend();
  }

  Fakes.Result run(String... args) {
    return backend.run(dir, args);
  }

  @Test
  void createPrintsTheTokenAloneOnStdoutAndWhatItIsOnStderr() {
    Fakes.Result made =
        run("token", "create", "--read-only", "--expires", "30d", "--label", "grafana");
    assertEquals(0, made.code(), made::toString);
    String token = made.out().strip();
    assertEquals("t1", ApiToken.parse(token).id(), made.out());
    assertEquals(
        "token t1 (read-only, expires 2100-01-31T00:00:00Z): shown only this once; send it as"
            + " --token, JEWEL_TOKEN or Authorization: Bearer\n",
        made.err());
    assertEquals("createToken true 2592000 grafana", backend.client.calls.get(0));
  }

  @Test
  void createWithJsonGivesTheTokenAndWhatItIs() throws Exception {
    Fakes.Result made = run("token", "create", "--json");
    assertEquals(0, made.code(), made::toString);
    JsonNode doc = JSON.readTree(made.out());
    assertEquals("t1", doc.get("id").asText());
    assertEquals("admin", doc.get("kind").asText());
    assertTrue(doc.get("expires").isNull());
    assertEquals("t1", ApiToken.parse(doc.get("token").asText()).id());
  }

  @Test
  void lsListsEveryTokenButNeverASecret() throws Exception {
    String secret = run("token", "create", "--label", "ci").out().strip();
    run("token", "create", "--read-only", "--expires", "12h");
    assertEquals(0, run("token", "revoke", "t1").code());
    Fakes.Result ls = run("token", "ls");
    assertEquals(0, ls.code(), ls::toString);
    assertEquals(
        """
        ID  KIND       LABEL  CREATED               EXPIRES               REVOKED
        t1  admin      ci     2100-01-01T00:00:00Z  never                 2100-01-01T00:00:01Z
        t2  read-only  -      2100-01-01T00:00:00Z  2100-01-01T12:00:00Z  -
        """,
        ls.out());
    assertTrue(!ls.out().contains(secret.substring(10)));
    JsonNode doc = JSON.readTree(run("token", "ls", "--json").out());
    assertEquals(2, doc.get("tokens").size());
    assertEquals("2100-01-01T00:00:01Z", doc.get("tokens").get(0).get("revoked").asText());
    assertEquals("read-only", doc.get("tokens").get(1).get("kind").asText());
  }

  @Test
  void revokeSaysHowSoonNodesRefuseIt() {
    run("token", "create");
    Fakes.Result revoked = run("token", "revoke", "t1");
    assertEquals(0, revoked.code(), revoked::toString);
    assertEquals(
        "revoked token t1 (admin); every node refuses it within jewel.api.token-cache"
            + " (5 s by default)\n",
        revoked.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0d", "30", "d", "-1h", "1y", "ten days", "9999999999s"})
  void aBadDurationIsRefusedBeforeTheClusterIsAsked(String bad) {
    failsWith(
        run("token", "create", "--expires", bad),
        "--expires must be a duration like 30d, 12h or 90m (units s, m, h, d, w), not '"
            + bad
            + "'");
    assertTrue(backend.client.tokens.isEmpty());
    assertTrue(backend.client.calls.isEmpty());
  }

  @Test
  void unknownAndRevokedTokensAreOneLine() {
    failsWith(run("token", "revoke", "t9"), "unknown token id 't9' (try: token ls)");
    run("token", "create");
    run("token", "revoke", "t1");
    failsWith(
        run("token", "revoke", "t1"), "token t1 was revoked already, at 2100-01-01T00:00:01Z");
  }

  @Test
  void theNodesRefusalsOfATokenArePrintedAsTheyCome() {
    // What a node answers for each bad token (see HttpApiTest), as the command line shows it.
    for (String line :
        List.of(
            "no token: this API needs the header Authorization: Bearer TOKEN"
                + " (the command line sends --token, JEWEL_TOKEN or HOME/admin-token)",
            "not a Jewel token: one looks like jewel_t1_ followed by 64 hex digits",
            "unknown token: no token t7 with that secret (token ls lists the tokens;"
                + " token create makes one)",
            "token t2 expired at 2027-01-01T00:00:00Z: ask for a new one (token create)",
            "token t3 was revoked at 2027-01-02T00:00:00Z: ask for a new one (token create)",
            "token t4 is read-only: DELETE /v1/files/a.iso needs an admin token")) {
      backend.client.failNext = new JewelException(line, JewelException.Kind.UNAUTHORIZED);
      Fakes.Result r = run("ls");
      assertEquals(1, r.code(), r::toString);
      assertEquals("jewel: " + line + "\n", r.err());
    }
  }

  @Test
  void theTokenComesFromTheOptionElseTheEnvironmentElseTheHome() {
    run("ls");
    assertEquals(null, backend.lastToken, "none given: the HTTP backend reads HOME/admin-token");
    backend.env = Map.of("JEWEL_TOKEN", "jewel_t2_" + "c".repeat(64));
    run("ls");
    assertEquals("jewel_t2_" + "c".repeat(64), backend.lastToken);
    run("--token", "jewel_t5_" + "d".repeat(64), "ls");
    assertEquals("jewel_t5_" + "d".repeat(64), backend.lastToken);
  }
}
