package jewel.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP gateway on real JVMs: the one-shot CLI stores through one peer's API and reads through
 * another's, the shell stores and reads as its own gateway, and the seed (the registry node)
 * carries none of the bytes. A file larger than the nodes' heaps streams through; a range of a
 * Reed-Solomon file with two holders killed comes back exact; a PUT cut off halfway commits nothing
 * and frees the name. The API wants a token: without one or with garbage it answers 401, a
 * read-only token reads but cannot delete, and a revoked one stops working. One cluster serves
 * every check.
 */
class GatewayIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void bytesGoThroughTheNodeAskedAndNeverThroughTheSeed() throws Exception {
    try (JewelCluster c = new JewelCluster(tmp.resolve("home"))) {
      c.cli("up", "5").ok();
      String viaTwo = api(c, "peer-2");
      String viaFour = api(c, "peer-4");

      // Larger than a node's heap (-Xmx256m): it can only stream.
      Path big = tmp.resolve("big.bin");
      byte[] head = FoundationIT.randomBytes(1 << 20, 11);
      try (OutputStream out = Files.newOutputStream(big)) {
        for (int i = 0; i < 300; i++) {
          head[0] = (byte) i;
          out.write(head);
        }
      }
      c.cli("--api", viaTwo, "store", big.toString(), "--scheme", "naive", "n=2").ok();
      Path bigBack = tmp.resolve("big.back");
      c.cli("--api", viaFour, "get", "big.bin", "-o", bigBack.toString()).ok();
      assertEquals(
          -1L, Files.mismatch(big, bigBack), "300 MiB through peer-2 and back through peer-4");
      Files.delete(bigBack);

      byte[] rsBytes = FoundationIT.randomBytes(12_000_017, 12);
      Path rs = tmp.resolve("rs.bin");
      Files.write(rs, rsBytes);
      JsonNode stored =
          JSON.readTree(
              c.cli(
                      "--api",
                      viaTwo,
                      "store",
                      rs.toString(),
                      "--json",
                      "--scheme",
                      "reedsolomon",
                      "k=3",
                      "n=5",
                      "chunk=262144")
                  .ok()
                  .out());
      Path rsBack = tmp.resolve("rs.back");
      c.cli("--api", viaFour, "get", "rs.bin", "-o", rsBack.toString()).ok();
      assertArrayEquals(rsBytes, Files.readAllBytes(rsBack));

      // The shell is its own gateway: its bytes go from its JVM straight to the holders.
      Path note = tmp.resolve("note.txt");
      Files.writeString(note, "through the shell\n");
      Path noteBack = tmp.resolve("note.back");
      c.shell("store " + note + " --scheme naive n=3\nget note.txt -o " + noteBack + "\n").ok();
      assertEquals("through the shell\n", Files.readString(noteBack));

      // S3: the AWS CLI uploads 100 MiB through peer-1 (in parts: it splits above 8 MiB) as
      // Reed-Solomon k=3 n=5, so that every peer holds a jewel of every part.
      JsonNode key = JSON.readTree(c.cli("s3", "key", "create", "--json").ok().out());
      S3Client s3 = new S3Client(tmp, key.get("accessKey").asText(), key.get("secretKey").asText());
      String s3One = s3(c, "peer-1");
      Path hundred = tmp.resolve("hundred.bin");
      try (OutputStream out = Files.newOutputStream(hundred)) {
        for (int i = 0; i < 100; i++) {
          head[0] = (byte) i;
          head[1] = (byte) 0x53;
          out.write(head);
        }
      }
      s3.aws(s3One, "s3", "mb", "s3://scenario");
      s3.aws(
          s3One,
          "s3",
          "cp",
          hundred.toString(),
          "s3://scenario/videos/hundred.bin",
          "--metadata",
          "{\"jewel-scheme\":\"reedsolomon k=3 n=5\"}");
      assertTrue(
          s3.aws(s3One, "s3", "ls", "s3://scenario/videos/").contains("hundred.bin"),
          "the object is listed");
      JsonNode object =
          JSON.readTree(c.cli("status", "scenario/videos/hundred.bin", "--json").ok().out());
      Set<String> objectHolders = new LinkedHashSet<>();
      object
          .get("blocks")
          .forEach(b -> b.get("holders").forEach(h -> objectHolders.add(h.asText())));

      JsonNode seed = node(c, "seed");
      assertEquals(0, seed.get("bytesIn").asLong(), seed::toString);
      assertEquals(0, seed.get("bytesOut").asLong(), seed::toString);
      assertTrue(node(c, "peer-2").get("bytesIn").asLong() >= 300L << 20, "peer-2 took the store");
      assertTrue(node(c, "peer-4").get("bytesOut").asLong() >= 300L << 20, "peer-4 served the get");

      // Two holders of the Reed-Solomon file die; a range through a survivor still comes back
      // exact.
      Set<String> holders = new LinkedHashSet<>();
      stored.get("blocks").forEach(b -> b.get("holders").forEach(h -> holders.add(h.asText())));
      List<String> victims = new ArrayList<>(holders);
      victims.removeAll(List.of("peer-2", "peer-3"));
      for (String v : victims.subList(0, 2)) {
        c.cli("kill", v).ok();
      }
      Path part = tmp.resolve("part.bin");
      c.cli("--api", viaTwo, "get", "rs.bin", "--range", "5000000-6048575", "-o", part.toString())
          .ok();
      assertArrayEquals(
          Arrays.copyOfRange(rsBytes, 5_000_000, 6_048_576), Files.readAllBytes(part));

      // boto3 reads the 100 MiB object through peer-3 with two of its holders dead.
      assertTrue(objectHolders.containsAll(victims.subList(0, 2)), object::toString);
      Path hundredBack = tmp.resolve("hundred.back");
      s3.boto3Download(s3(c, "peer-3"), "scenario", "videos/hundred.bin", hundredBack);
      assertEquals(-1L, Files.mismatch(hundred, hundredBack), "100 MiB back through S3");
      Files.delete(hundredBack);

      // A PUT cut off halfway: nothing is committed, and the name is free again.
      URI three = URI.create(api(c, "peer-2"));
      try (Socket socket = new Socket(three.getHost(), three.getPort())) {
        OutputStream out = socket.getOutputStream();
        out.write(
            ("PUT /v1/files/cut.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 8388608\r\n"
                    + "Authorization: Bearer "
                    + c.adminToken()
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[2 << 20]);
        out.flush();
      }
      JewelCluster.eventually(
          Duration.ofSeconds(30),
          () -> {
            assertFalse(c.cli("ls").ok().out().contains("cut.bin"), "nothing committed");
            c.cli("--api", viaTwo, "store", note.toString(), "--as", "cut.bin").ok();
          });

      // The API wants a token: none or a garbage one gets 401, a read-only one reads but cannot
      // delete (403), and a revoked one is refused; each is one line from the command line.
      JewelCluster.Run garbage = c.cli("--api", viaTwo, "--token", "hunter2", "ls");
      assertEquals(1, garbage.exit(), garbage::toString);
      assertEquals(
          "jewel: not a Jewel token: one looks like jewel_t1_ followed by 64 hex digits",
          garbage.err());
      try (Socket socket = new Socket(three.getHost(), three.getPort())) {
        socket
            .getOutputStream()
            .write(
                "GET /v1/files HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
        String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(answer.startsWith("HTTP/1.1 401 "), answer);
      }
      String readOnly = c.cli("token", "create", "--read-only", "--label", "it").ok().out().strip();
      assertTrue(c.cli("--api", viaTwo, "--token", readOnly, "ls").ok().out().contains("rs.bin"));
      JewelCluster.Run refused = c.cli("--api", viaTwo, "--token", readOnly, "delete", "rs.bin");
      assertEquals(1, refused.exit(), refused::toString);
      assertTrue(
          refused
              .err()
              .matches(
                  "jewel: token t\\d+ is read-only: DELETE /v1/files/rs.bin needs an admin token"),
          refused::toString);
      String id = readOnly.substring("jewel_".length(), readOnly.lastIndexOf('_'));
      c.cli("token", "revoke", id).ok();
      JewelCluster.eventually(
          Duration.ofSeconds(30),
          () -> {
            JewelCluster.Run revoked = c.cli("--api", viaTwo, "--token", readOnly, "ls");
            assertEquals(1, revoked.exit(), revoked::toString);
            assertTrue(
                revoked.err().startsWith("jewel: token " + id + " was revoked at "),
                revoked::toString);
          });
      assertTrue(c.cli("ls").ok().out().contains("rs.bin"), "nothing stored was lost");
    }
  }

  /**
   * The node's API URL as {@code peers --json} says it (a loaded node may describe itself late).
   */
  private static String api(JewelCluster c, String node) throws Exception {
    String[] url = new String[1];
    JewelCluster.eventually(
        Duration.ofSeconds(30),
        () -> {
          JsonNode api = node(c, node).get("api");
          assertTrue(api != null && api.isTextual(), node + " has no API URL yet");
          url[0] = api.asText();
        });
    return url[0];
  }

  /** The node's S3 URL as {@code peers --json} says it. */
  private static String s3(JewelCluster c, String node) throws Exception {
    String[] url = new String[1];
    JewelCluster.eventually(
        Duration.ofSeconds(30),
        () -> {
          JsonNode s3 = node(c, node).get("s3");
          assertTrue(s3 != null && s3.isTextual(), node + " has no S3 URL yet");
          url[0] = s3.asText();
        });
    return url[0];
  }

  private static JsonNode node(JewelCluster c, String name) throws Exception {
    for (JsonNode n : JSON.readTree(c.cli("peers", "--json").ok().out()).get("peers")) {
      if (n.get("name").asText().equals(name)) {
        return n;
      }
    }
    throw new AssertionError("no node " + name + " in peers --json");
  }
}
