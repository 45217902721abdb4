package jewel.cli;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jewel.api.DefaultSchemes;
import jewel.api.JewelException;
import jewel.api.PeerId;
import jewel.api.SchemeInfo;
import jewel.api.SchemeSpec;
import jewel.schemes.SchemeRules;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The schemes this build knows, and the default scheme of the cluster or of one peer. */
final class SchemeCommands {
  private SchemeCommands() {}

  @Command(
      name = "schemes",
      description = "scheme ids, their parameters and defaults, D and what they survive")
  static final class SchemeList extends JewelCommand {
    @Override
    protected void run() {
      // From this build's catalog: no cluster needed.
      Format.Table t = new Format.Table("SCHEME", "STORES", "PARAMETERS", "D", "SURVIVES");
      for (SchemeRules s : Inputs.schemes()) {
        SchemeInfo i = s.info();
        t.row(i.id(), i.summary(), i.parameters(), i.redundancy(), i.survives());
      }
      t.print(out());
      out().println("use: store PATH --scheme ID k=V ...   (scheme shows the defaults in use)");
    }
  }

  @Command(
      name = "scheme",
      description = {
        "show or set the default scheme: of the cluster, or of PEER (used by store --from PEER)",
        "  scheme                  show the defaults",
        "  scheme naive n=3        set the cluster's default",
        "  scheme peer-2           show peer-2's default",
        "  scheme peer-2 hosting   set peer-2's default"
      },
      customSynopsis = "scheme [-h] [--home=DIR] [--port=P] [PEER] [ID [K=V...]]")
  static final class SchemeDefault extends JewelCommand {
    @Parameters(arity = "0..*", paramLabel = "PEER|ID", description = "[PEER] [ID [K=V...]]")
    private List<String> words;

    @Override
    protected void run() {
      List<String> w = Inputs.nonNull(words);
      PeerId peer = null;
      List<String> specWords = w;
      if (!w.isEmpty() && !Inputs.isSchemeId(w.get(0))) {
        String first = w.get(0);
        try {
          peer = new PeerId(first);
        } catch (IllegalArgumentException e) {
          throw new JewelException(
              "'" + first + "' is neither a scheme (try: schemes) nor a peer (try: peers)");
        }
        specWords = w.subList(1, w.size());
      }
      SchemeSpec spec = null;
      if (!specWords.isEmpty()) {
        spec = Inputs.scheme(specWords.get(0), specWords.subList(1, specWords.size()));
      }
      if (peer != null) {
        String name = peer.name();
        boolean known = client().peers().stream().anyMatch(n -> n.name().equals(name));
        if (!known) {
          boolean couldBeAScheme = spec == null && w.size() == 1 && name.matches("[a-z][a-z0-9]*");
          throw new JewelException(
              couldBeAScheme
                  ? "'" + name + "' is neither a scheme (try: schemes) nor a peer (try: peers)"
                  : "unknown peer '" + name + "' (try: peers)");
        }
      }
      if (spec == null) {
        show(client().settings(), peer);
        return;
      }
      DefaultSchemes after = client().setDefaultScheme(peer, spec);
      if (peer == null) {
        out().println("the cluster's default scheme is now " + after.clusterDefault());
      } else {
        out()
            .println(
                peer
                    + "'s default scheme is now "
                    + after.peerDefaults().getOrDefault(peer.name(), spec));
      }
    }

    private void show(DefaultSchemes s, PeerId peer) {
      if (peer != null) {
        SchemeSpec own = s.peerDefaults().get(peer.name());
        out()
            .println(
                peer
                    + ": "
                    + (own != null
                        ? own + " (its own)"
                        : s.clusterDefault() + " (the cluster's default)"));
        return;
      }
      out().println("cluster: " + s.clusterDefault());
      Map<String, SchemeSpec> byPeer = new TreeMap<>((a, b) -> compareNames(a, b));
      byPeer.putAll(s.peerDefaults());
      byPeer.forEach((p, spec) -> out().println(Format.safe(p) + ": " + spec));
    }

    private static int compareNames(String a, String b) {
      try {
        return new PeerId(a).compareTo(new PeerId(b));
      } catch (IllegalArgumentException e) {
        return a.compareTo(b);
      }
    }
  }
}
