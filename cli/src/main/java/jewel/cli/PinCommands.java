package jewel.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import jewel.api.FileName;
import jewel.api.JewelException;
import jewel.api.PeerId;
import jewel.api.PeerSettings;
import jewel.api.Pin;
import jewel.api.PinTable;
import jewel.api.PinView;
import jewel.placement.PinSimulator;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Fractional pins, the per-peer settings they depend on, and the pin simulator. */
final class PinCommands {
  private PinCommands() {}

  @Command(
      name = "pin",
      description = "fractional pins: every peer decides by hash which blocks of a file it holds",
      subcommands = {
        PinAdd.class,
        PinUpdate.class,
        PinRemove.class,
        PinList.class,
        PinDefault.class
      })
  static final class Pins extends JewelCommand {
    @Override
    protected int execute() {
      spec.commandLine().usage(out());
      return 0;
    }
  }

  /** The one line of a pin, as {@code pin ls} prints it. */
  static String line(PinView v, double defaultFraction) {
    Pin p = v.pin();
    String f = fraction(v.effectiveFraction());
    String how;
    if (p.sizeLimitBytes() > 0) {
      how =
          "fraction-size-limit="
              + Format.size(p.sizeLimitBytes()).replace(" ", "")
              + " - fraction="
              + f;
    } else if (p.fraction() == null) {
      how = "fraction=" + f + ", the default";
    } else {
      how = "fraction=" + f;
    }
    return Format.safe(v.name().value()) + "  direct+fraction (" + how + ")";
  }

  static String fraction(double f) {
    return String.format(Locale.ROOT, "%.4g", f).replaceAll("\\.?0+$", "");
  }

  private static void print(JewelCommand c, PinTable pins) {
    for (PinView v : pins.pins()) {
      c.out().println(line(v, pins.defaultFraction()));
    }
  }

  @Command(
      name = "add",
      description =
          "put a stored file under a fractional pin (without --fraction: the cluster default)")
  static final class PinAdd extends JewelCommand {
    @Parameters(paramLabel = "NAME", description = "a stored file")
    private String name;

    @Option(names = "--fraction", paramLabel = "F", description = "0.1 or 10%%")
    private String fraction;

    @Override
    protected void run() {
      FileName file = Inputs.fileName(name);
      Pin pin = fraction == null ? Pin.followDefault() : Pin.fraction(Inputs.fraction(fraction));
      print(this, client().setPin(file, pin));
    }
  }

  static final class Change {
    @Option(names = "--fraction", paramLabel = "F", required = true, description = "0.1 or 10%%")
    String fraction;

    @Option(
        names = "--fraction-size-limit",
        paramLabel = "SIZE",
        required = true,
        description =
            "each peer holds about SIZE of it: fraction = min(1, SIZE / bytes of its blocks)")
    String sizeLimit;

    Pin pin() {
      return fraction != null
          ? Pin.fraction(Inputs.fraction(fraction))
          : Pin.sizeLimit(positive(Inputs.size(sizeLimit)));
    }

    private static long positive(long size) {
      if (size <= 0) {
        throw new JewelException("a size limit must be above 0");
      }
      return size;
    }
  }

  @Command(name = "update", description = "change a pinned file's fraction or size limit")
  static final class PinUpdate extends JewelCommand {
    @Parameters(paramLabel = "NAME", description = "a pinned file")
    private String name;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Change change;

    @Override
    protected void run() {
      FileName file = Inputs.fileName(name);
      Pin pin = change.pin();
      boolean pinned = client().pins().pins().stream().anyMatch(v -> v.name().equals(file));
      if (!pinned) {
        throw new JewelException(
            "'" + file + "' is not pinned (pin it with: pin add " + file + ")");
      }
      print(this, client().setPin(file, pin));
    }
  }

  @Command(
      name = "rm",
      description =
          "take a file off its fractional pin (its blocks stay where the scheme put them)")
  static final class PinRemove extends JewelCommand {
    @Parameters(paramLabel = "NAME", description = "a pinned file")
    private String name;

    @Override
    protected void run() {
      FileName file = Inputs.fileName(name);
      client().setPin(file, null);
      out().println("unpinned " + Format.safe(file.value()));
    }
  }

  @Command(name = "ls", description = "one line a pin")
  static final class PinList extends JewelCommand {
    @Option(
        names = "--type",
        paramLabel = "TYPE",
        description = "only pins of this type (fraction: the only one there is)")
    private String type;

    @Override
    protected void run() {
      if (type != null && !type.equals("fraction")) {
        throw new JewelException("unknown pin type '" + type + "' (known: fraction)");
      }
      PinTable pins = client().pins();
      print(this, pins);
      if (pins.pins().isEmpty()) {
        out().println("no pins (default fraction " + fraction(pins.defaultFraction()) + ")");
      }
    }
  }

  @Command(
      name = "default",
      description =
          "show or set the cluster's default fraction, which pins without their own follow")
  static final class PinDefault extends JewelCommand {
    @Option(names = "--fraction", paramLabel = "F", description = "0.1 or 10%%")
    private String fraction;

    @Override
    protected void run() {
      PinTable pins =
          fraction == null ? client().pins() : client().setDefaultPin(Inputs.fraction(fraction));
      out().println("default fraction " + fraction(pins.defaultFraction()));
    }
  }

  @Command(
      name = "peer",
      description =
          "per-peer settings, kept by the registry so every node computes the same placement",
      subcommands = {
        Modifier.class,
        Trust.class,
        Untrust.class,
        Quota.class,
        Ungreylist.class,
        Settings.class
      })
  static final class Peer extends JewelCommand {
    @Override
    protected int execute() {
      spec.commandLine().usage(out());
      return 0;
    }
  }

  private static void show(JewelCommand c, Map<String, PeerSettings> table) {
    Format.Table t = new Format.Table("PEER", "MODIFIER", "TRUSTED", "QUOTA", "GREYLISTED");
    new TreeMap<>(table)
        .forEach(
            (peer, s) ->
                t.row(
                    peer,
                    s.modifier() == Double.POSITIVE_INFINITY ? "inf" : fraction(s.modifier()),
                    s.trusted() ? "yes" : "no",
                    s.quotaBytes() < 0 ? "-" : Format.size(s.quotaBytes()),
                    s.greylisted() ? "yes" : "no"));
    if (t.isEmpty()) {
      c.out().println("every peer has the defaults (modifier 1, untrusted, no quota)");
    } else {
      t.print(c.out());
    }
  }

  @Command(name = "settings", description = "every peer's non-default settings")
  static final class Settings extends JewelCommand {
    @Override
    protected void run() {
      show(this, client().peerSettings());
    }
  }

  @Command(
      name = "modifier",
      description = "multiply the pin fraction for PEER by X (inf: it holds every pinned block)")
  static final class Modifier extends JewelCommand {
    @Parameters(index = "0", paramLabel = "PEER")
    private String peer;

    @Parameters(index = "1", paramLabel = "X")
    private String modifier;

    @Override
    protected void run() {
      PeerId p = Inputs.peer(peer);
      double m = Inputs.modifier(modifier);
      show(this, client().updatePeer(p, s -> s.withModifier(m)));
    }
  }

  @Command(name = "trust", description = "PEER holds every pinned block")
  static final class Trust extends JewelCommand {
    @Parameters(paramLabel = "PEER")
    private String peer;

    @Override
    protected void run() {
      show(this, client().updatePeer(Inputs.peer(peer), s -> s.withTrusted(true)));
    }
  }

  @Command(name = "untrust", description = "PEER holds its share only")
  static final class Untrust extends JewelCommand {
    @Parameters(paramLabel = "PEER")
    private String peer;

    @Override
    protected void run() {
      show(this, client().updatePeer(Inputs.peer(peer), s -> s.withTrusted(false)));
    }
  }

  @Command(
      name = "quota",
      description = "the most bytes of pinned blocks PEER should hold (none: no limit)")
  static final class Quota extends JewelCommand {
    @Parameters(index = "0", paramLabel = "PEER")
    private String peer;

    @Parameters(index = "1", paramLabel = "SIZE")
    private String size;

    @Override
    protected void run() {
      PeerId p = Inputs.peer(peer);
      long q = size.equalsIgnoreCase("none") ? -1 : Inputs.size(size);
      show(this, client().updatePeer(p, s -> s.withQuota(q)));
    }
  }

  @Command(
      name = "ungreylist",
      description = "count PEER as holding its blocks again, after it failed audits")
  static final class Ungreylist extends JewelCommand {
    @Parameters(paramLabel = "PEER")
    private String peer;

    @Override
    protected void run() {
      show(this, client().updatePeer(Inputs.peer(peer), s -> s.withGreylisted(false)));
    }
  }

  @Command(
      name = "simulate",
      description =
          "compute fractional placements without a cluster and print, beside"
              + " the formulas, the mean replication, blocks with no holder or fewer than H, the load spread, and what"
              + " moves when a peer joins or leaves")
  static final class Simulate extends JewelCommand {
    @Option(
        names = "--peers",
        paramLabel = "N",
        required = true,
        description = "peers peer-1 … peer-N")
    private int peers;

    @Option(
        names = "--fraction",
        paramLabel = "F",
        required = true,
        description = "the pin's fraction, 0.1 or 10%%")
    private String fraction;

    @Option(
        names = "--blocks",
        paramLabel = "B",
        required = true,
        description = "random block ids to place")
    private int blocks;

    @Option(
        names = "--min-holders",
        paramLabel = "H",
        defaultValue = "2",
        description = "count blocks with fewer holders than this (default ${DEFAULT-VALUE})")
    private int minHolders;

    @Option(
        names = "--seed",
        paramLabel = "S",
        defaultValue = "0",
        description = "seed of the random block ids (default ${DEFAULT-VALUE})")
    private long seed;

    @Option(
        names = "--modifiers",
        paramLabel = "PEER=X",
        split = ",",
        description = "per-peer modifiers, like peer-1=2,peer-2=inf")
    private List<String> modifiers = new ArrayList<>();

    @Option(
        names = "--up",
        paramLabel = "P",
        description =
            "also the share of blocks unreadable when every peer is up with probability P")
    private Double up;

    @Option(
        names = "--observed",
        description =
            "like --up, with each peer's observed availability, asked of the running node (peer-1"
                + " .. peer-N must all have one)")
    private boolean observed;

    @Override
    protected void run() {
      double f = Inputs.fraction(fraction);
      Map<String, Double> mods = new TreeMap<>();
      for (String m : modifiers) {
        int eq = m.indexOf('=');
        if (eq <= 0) {
          throw new JewelException("bad modifier '" + m + "': write it as PEER=X, like peer-1=2");
        }
        mods.put(Inputs.peer(m.substring(0, eq)).name(), Inputs.modifier(m.substring(eq + 1)));
      }
      try {
        out()
            .print(
                PinSimulator.simulate(peers, f, blocks, minHolders, mods, upProbabilities(), seed)
                    .table());
      } catch (IllegalArgumentException e) {
        throw new JewelException(e.getMessage());
      }
    }

    /** Each peer-i's up-probability: one P, the cluster's observed values, or none. */
    private Map<String, Double> upProbabilities() {
      if (up != null && observed) {
        throw new JewelException("use either --up P or --observed, not both");
      }
      Map<String, Double> byPeer = new TreeMap<>();
      if (up != null) {
        if (!(up >= 0 && up <= 1)) {
          throw new JewelException("--up must be between 0 and 1, like 0.9, not " + up);
        }
        for (int p = 1; p <= peers; p++) {
          byPeer.put("peer-" + p, up);
        }
      } else if (observed) {
        byPeer = PeerCommands.observedAvailability(client().peers());
        for (int p = 1; p <= peers; p++) {
          if (!byPeer.containsKey("peer-" + p)) {
            throw new JewelException(
                "peer-"
                    + p
                    + " has no observed availability (observed: "
                    + (byPeer.isEmpty() ? "none" : String.join(", ", byPeer.keySet()))
                    + "): simulate at most as many peers as the cluster has observed");
          }
        }
      }
      return byPeer;
    }
  }
}
