package jewel.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import jewel.api.NodeStatus;
import jewel.api.PeerContents;
import jewel.api.PeerId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What the nodes are and what they hold. */
final class PeerCommands {
  private PeerCommands() {}

  /**
   * The observed availability {@code peers} shows, by node name, of the nodes the registry has
   * observed (the others are absent): what {@code simulate --observed} and {@code experiment
   * --observed} take instead of one probability.
   */
  static Map<String, Double> observedAvailability(List<NodeStatus> nodes) {
    Map<String, Double> byName = new TreeMap<>();
    for (NodeStatus n : nodes) {
      if (n.availability() != null) {
        byName.put(n.name(), n.availability());
      }
    }
    return byName;
  }

  @Command(
      name = "peers",
      description =
          "the nodes: name, address, roles, status, observed availability, blocks held, bytes"
              + " used, bytes moved in and out")
  static final class Peers extends JewelCommand {
    @Option(names = "--json", description = "one JSON document, exact bytes")
    private boolean json;

    @Override
    protected void run() {
      List<NodeStatus> nodes = client().peers();
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("peers", nodes.stream().map(Json::node).collect(Collectors.toList()));
        Json.print(out(), doc);
        return;
      }
      Format.Table t =
          new Format.Table(
                  "NAME",
                  "ADDRESS",
                  "ROLES",
                  "STATUS",
                  "AVAILABLE",
                  "BLOCKS",
                  "BYTES",
                  "IN",
                  "OUT",
                  "NOTE")
              .right(4, 5, 6, 7, 8);
      for (NodeStatus n : nodes) {
        String note =
            n.greylisted() ? "greylisted (failed audits)" : n.overQuota() ? "over quota" : "";
        t.row(
            n.name(),
            n.address(),
            String.join(",", n.roles()),
            n.status(),
            Format.availability(n.availability(), n.observedMillis()),
            Format.count(n.blocks()),
            Format.size(n.bytes()),
            Format.size(n.bytesIn()),
            Format.size(n.bytesOut()),
            note);
      }
      if (t.isEmpty()) {
        out().println("no nodes (try: up)");
      } else {
        t.print(out());
      }
    }
  }

  @Command(name = "dir", description = "the files in PEER's disk/files/ and the blocks it holds")
  static final class Dir extends JewelCommand {
    @Parameters(index = "0", paramLabel = "PEER", description = "a peer, like peer-2")
    private String peer;

    @Option(names = "--json", description = "one JSON document, exact bytes")
    private boolean json;

    @Override
    protected void run() {
      PeerId p = Inputs.peer(peer);
      PeerContents c = client().dir(p);
      if (json) {
        Json.print(out(), Json.contents(c));
        return;
      }
      long blockBytes = c.blocks().stream().mapToLong(PeerContents.HeldBlock::size).sum();
      out()
          .println(
              c.peer()
                  + ": "
                  + c.files().size()
                  + (c.files().size() == 1 ? " file" : " files")
                  + " in disk/files/, "
                  + c.blocks().size()
                  + (c.blocks().size() == 1 ? " block" : " blocks")
                  + " ("
                  + Format.size(blockBytes)
                  + ")");
      if (!c.files().isEmpty()) {
        out().println();
        Format.Table t = new Format.Table("FILE", "SIZE").right(1);
        c.files().forEach(f -> t.row(f.name(), Format.size(f.size())));
        t.print(out());
      }
      if (!c.blocks().isEmpty()) {
        out().println();
        Format.Table t = new Format.Table("BLOCK", "SIZE").right(1);
        c.blocks().forEach(b -> t.row(b.id().hex(), Format.size(b.size())));
        t.print(out());
      }
    }
  }
}
