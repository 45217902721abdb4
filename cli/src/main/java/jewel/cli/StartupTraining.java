package jewel.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Run once at build time under {@code -XX:ArchiveClassesAtExit} (the {@code jewel} script does): a
 * few commands against a canned node, so that the archive holds the classes a one-shot command
 * really loads (picocli's model, the HTTP client, Jackson's readers), and a one-shot JVM starts
 * faster. Not a command; nothing here is used at run time.
 */
final class StartupTraining {
  private StartupTraining() {}

  private static final String FILE =
      "{\"name\":\"a.bin\",\"size\":10,\"root\":\""
          + "ab".repeat(32)
          + "\","
          + "\"scheme\":\"naive n=2\",\"layout\":{\"kind\":\"whole\",\"k\":1,\"n\":1,\"chunkSize\":0,\"codec\":null},"
          + "\"blocks\":[{\"index\":0,\"id\":\""
          + "ab".repeat(32)
          + "\",\"length\":10,\"holders\":[\"peer-1\"],"
          + "\"merkleRoot\":null}],\"storedAtMillis\":1}";

  private static final Map<String, String> ANSWERS =
      Map.of(
          "/v1/files", "{\"files\":[" + FILE + "],\"next\":null}",
          "/v1/peers",
              "{\"nodes\":[{\"name\":\"peer-1\",\"address\":\"127.0.0.1:25521\",\"roles\":[\"peer\"],"
                  + "\"status\":\"up\",\"blocks\":1,\"bytes\":10,\"greylisted\":false,\"overQuota\":false,"
                  + "\"api\":null,\"bytesIn\":0,\"bytesOut\":0}]}",
          "/v1/pins", "{\"pins\":[],\"defaultFraction\":0.5}");

  public static void main(String[] args) throws IOException {
    HttpServer node = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    node.createContext(
        "/",
        ex -> {
          try (ex) {
            String answer =
                ANSWERS.getOrDefault(
                    ex.getRequestURI().getPath(), "{\"error\":\"unknown file 'x' (try: ls)\"}");
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(
                ANSWERS.containsKey(ex.getRequestURI().getPath()) ? 200 : 404, body.length);
            ex.getResponseBody().write(body);
          }
        });
    node.start();
    String api = "http://127.0.0.1:" + node.getAddress().getPort();
    try {
      for (String[] command :
          new String[][] {{"ls"}, {"ls", "--json"}, {"peers"}, {"pin", "ls"}, {"status", "x"}}) {
        PrintWriter none = new PrintWriter(Writer.nullWriter());
        Session session =
            new Session(
                Backend.http(),
                Map.of("JEWEL_API", api),
                Path.of(""),
                new BufferedReader(new StringReader("")),
                none,
                none,
                false);
        JewelCli.run(session, command);
      }
    } finally {
      node.stop(0);
    }
  }
}
