package jewel.cli;

import static jewel.cli.JewelCliTest.failsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import jewel.api.JewelException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code s3 key create}, {@code s3 key ls} and {@code s3 key revoke}, against the fake client. */
class S3KeyCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FIRST = "JWLAAAAAAAAAAAAAAAAA";
  private static final String SECOND = "JWLAAAAAAAAAAAAAAAAB";

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
  void createPrintsTheKeyAsEnvironmentLinesAndWhatItIsOnStderr() {
    Fakes.Result made =
        run("s3", "key", "create", "--read-only", "--expires", "30d", "--label", "backups");
    assertEquals(0, made.code(), made::toString);
    assertEquals(
        "AWS_ACCESS_KEY_ID=" + FIRST + "\nAWS_SECRET_ACCESS_KEY=" + "s".repeat(39) + "1\n",
        made.out());
    assertEquals(
        "S3 key "
            + FIRST
            + " (read-only, expires 2100-01-31T00:00:00Z): the secret is shown only this once;"
            + " give both to the S3 client (aws configure, or export these two lines)\n",
        made.err());
    assertEquals("createS3Key true 2592000 backups", backend.client.calls.get(0));
  }

  @Test
  void createWithJsonGivesAccessKeyAndSecretKey() throws Exception {
    Fakes.Result made = run("s3", "key", "create", "--json");
    assertEquals(0, made.code(), made::toString);
    JsonNode doc = JSON.readTree(made.out());
    assertEquals(FIRST, doc.get("accessKey").asText());
    assertEquals("s".repeat(39) + "1", doc.get("secretKey").asText());
    assertEquals("read-write", doc.get("kind").asText());
    assertTrue(doc.get("expires").isNull());
    assertEquals("", made.err());
  }

  @Test
  void lsListsEveryKeyButNeverASecret() throws Exception {
    run("s3", "key", "create", "--label", "restic");
    run("s3", "key", "create", "--read-only", "--expires", "12h");
    assertEquals(0, run("s3", "key", "revoke", FIRST).code());
    Fakes.Result ls = run("s3", "key", "ls");
    assertEquals(0, ls.code(), ls::toString);
    assertEquals(
        """
        ACCESS KEY            KIND        LABEL   CREATED               EXPIRES               REVOKED
        JWLAAAAAAAAAAAAAAAAA  read-write  restic  2100-01-01T00:00:00Z  never                 2100-01-01T00:00:01Z
        JWLAAAAAAAAAAAAAAAAB  read-only   -       2100-01-01T00:00:00Z  2100-01-01T12:00:00Z  -
        """,
        ls.out());
    assertFalse(ls.out().contains("sssss"));
    Fakes.Result json = run("s3", "key", "ls", "--json");
    assertFalse(json.out().contains("sssss"));
    JsonNode doc = JSON.readTree(json.out());
    assertEquals(2, doc.get("keys").size());
    assertEquals(FIRST, doc.get("keys").get(0).get("accessKey").asText());
    assertEquals("2100-01-01T00:00:01Z", doc.get("keys").get(0).get("revoked").asText());
    assertEquals("read-only", doc.get("keys").get(1).get("kind").asText());
    assertFalse(doc.get("keys").get(1).has("secretKey"));
  }

  @Test
  void lsWithoutKeysSaysHowToMakeOne() {
    assertEquals(
        "no S3 access keys (make one with: s3 key create)\n", run("s3", "key", "ls").out());
  }

  @Test
  void revokeSaysHowSoonNodesRefuseIt() {
    run("s3", "key", "create");
    run("s3", "key", "create");
    Fakes.Result revoked = run("s3", "key", "revoke", SECOND);
    assertEquals(0, revoked.code(), revoked::toString);
    assertEquals(
        "revoked S3 key "
            + SECOND
            + " (read-write); every node refuses it within jewel.api.token-cache (5 s by default)\n",
        revoked.out());
    assertEquals(List.of(FIRST, SECOND), List.copyOf(backend.client.s3Keys.keySet()));
    assertEquals(null, backend.client.s3Keys.get(FIRST).revokedAtMillis());
  }

  @Test
  void badInputAndRefusalsAreOneLine() {
    failsWith(
        run("s3", "key", "create", "--expires", "1y"),
        "--expires must be a duration like 30d, 12h or 90m (units s, m, h, d, w), not '1y'");
    assertTrue(backend.client.calls.isEmpty());
    failsWith(
        run("s3", "key", "revoke", "JWLNOPE"), "unknown S3 access key 'JWLNOPE' (try: s3 key ls)");
    run("s3", "key", "create");
    run("s3", "key", "revoke", FIRST);
    failsWith(
        run("s3", "key", "revoke", FIRST),
        "S3 access key " + FIRST + " was revoked already, at 2100-01-01T00:00:01Z");
    backend.client.failNext =
        new JewelException(
            "token t2 is read-only: POST /v1/s3/keys needs an admin token",
            JewelException.Kind.FORBIDDEN);
    failsWith(
        run("s3", "key", "create"), "token t2 is read-only: POST /v1/s3/keys needs an admin token");
    Fakes.Result missing = run("s3", "key", "revoke");
    assertTrue(missing.code() != 0 && missing.err().contains("KEY"), missing::toString);
  }
}
