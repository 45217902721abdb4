package jewel.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jewel.api.JewelException;

/**
 * The nodes a one-shot command may ask, in the order to try them. Each node of a home writes its
 * API's base URL to {@code HOME/NAME/api} once its HTTP server is bound. Peers come first, so that
 * the registry node (the seed) stays off the byte path; which peer goes first depends on the
 * process id, so that concurrent commands spread over the peers; the seed comes last.
 *
 * @param nodes the candidates, best first
 * @param noneAnswers the one line to show when none of them answers
 */
record NodeFinder(List<Node> nodes, String noneAnswers) {

  /** A node to ask: its name (for messages) and base URL. */
  record Node(String name, URI base) {}

  NodeFinder {
    nodes = List.copyOf(nodes);
  }

  /** Only the node at {@code url} ({@code --api} or {@code JEWEL_API}). */
  static NodeFinder at(String url) {
    URI base = base(url, "--api");
    return new NodeFinder(
        List.of(new Node(base.getAuthority(), base)),
        "no node answers at "
            + base
            + " (--api): start the cluster with ./jewel up, or name a running node");
  }

  /** The nodes of {@code home} that have written an {@code api} file, peers first. */
  static NodeFinder forHome(Path home, long spreadBy) {
    List<Node> peers = new ArrayList<>();
    Node seed = null;
    if (Files.isDirectory(home)) {
      try (Stream<Path> dirs = Files.list(home)) {
        for (Path dir : dirs.sorted().toList()) {
          Path file = dir.resolve("api");
          if (!Files.isRegularFile(file)) {
            continue;
          }
          String line;
          try {
            line = Files.readString(file).strip();
          } catch (IOException e) {
            continue; // a node writing it right now: the others will do
          }
          URI base;
          try {
            base = base(line, file.toString());
          } catch (JewelException e) {
            continue;
          }
          String name = String.valueOf(dir.getFileName());
          if (name.equals("seed")) {
            seed = new Node(name, base);
          } else {
            peers.add(new Node(name, base));
          }
        }
      } catch (IOException e) {
        throw new JewelException("cannot read " + home + ": " + e.getMessage());
      }
    }
    List<Node> order = new ArrayList<>();
    int n = peers.size();
    for (int i = 0; i < n; i++) {
      order.add(peers.get((int) Math.floorMod(spreadBy + i, (long) n)));
    }
    if (seed != null) {
      order.add(seed);
    }
    return new NodeFinder(
        order, "no node of " + home + " is running: start the cluster with ./jewel up");
  }

  /**
   * {@code http://host:port} or {@code https://host:port} with a trailing slash, or one line saying
   * what is wrong with it.
   */
  static URI base(String text, String where) {
    URI uri;
    try {
      uri = URI.create(text.strip());
    } catch (IllegalArgumentException e) {
      throw new JewelException(
          "not a URL: '" + text + "' (" + where + "; like http://127.0.0.1:26521)");
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw new JewelException(
          "not an http or https URL: '" + text + "' (" + where + "; like http://127.0.0.1:26521)");
    }
    String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
    return URI.create(
        uri.getScheme() + "://" + uri.getRawAuthority() + (path.endsWith("/") ? path : path + "/"));
  }
}
