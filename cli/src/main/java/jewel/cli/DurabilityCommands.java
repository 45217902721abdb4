package jewel.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import jewel.api.FileHealth;
import jewel.api.FileHealth.BlockHealth;
import jewel.api.FileName;
import jewel.api.JewelException;
import jewel.api.PeerId;
import jewel.api.Progress;
import jewel.api.RepairReport;
import jewel.api.RetuneReport;
import jewel.api.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Whether files keep what their schemes promised: check, verify and repair; and retune, which
 * changes what a Reed-Solomon file promises.
 */
final class DurabilityCommands {
  private DurabilityCommands() {}

  /** NAME or --all: one file, or every file. A picocli mixin of the commands that take either. */
  static final class Which {
    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "NAME",
        description = "a stored file (try: ls)")
    String name;

    @Option(names = "--all", description = "every stored file")
    boolean all;

    /** The file named, or null for every file; a usage error unless exactly one was given. */
    FileName file(JewelCommand command) {
      if ((name == null) == !all) {
        throw command.usage("give a file NAME or --all");
      }
      return all ? null : Inputs.fileName(name);
    }
  }

  @Command(
      name = "check",
      description = {
        "whether files keep the copies their schemes promised (no block is read):",
        "healthy, degraded (with the losses it still survives) or unreadable, and what repair"
            + " does about it",
        "Exits 1 if a file is not healthy."
      })
  static final class Check extends JewelCommand {
    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "NAME",
        description = "a stored file, its blocks one by one (default: every file)")
    private String name;

    @Option(names = "--all", description = "every stored file (the default)")
    private boolean all;

    @Option(names = "--json", description = "one JSON document")
    private boolean json;

    @Override
    protected int execute() {
      if (name != null && all) {
        throw usage("give NAME or --all, not both");
      }
      FileName file = name == null ? null : Inputs.fileName(name);
      List<FileHealth> files = client().check(file);
      if (json) {
        Json.print(out(), file == null ? java.util.Map.of("files", files) : files.get(0));
      } else if (file != null) {
        printBlocks(files.get(0));
      } else {
        printTable(files);
      }
      return files.stream().allMatch(f -> f.state() == FileHealth.State.HEALTHY) ? 0 : 1;
    }

    private void printTable(List<FileHealth> files) {
      if (files.isEmpty()) {
        out().println("no files stored (try: store PATH)");
        return;
      }
      Format.Table t = new Format.Table("NAME", "SCHEME", "STATE", "SURVIVES", "REPAIR").right(3);
      java.util.EnumMap<FileHealth.State, Integer> counts =
          new java.util.EnumMap<>(FileHealth.State.class);
      for (FileHealth.State s : FileHealth.State.values()) {
        counts.put(s, 0);
      }
      for (FileHealth f : files) {
        counts.merge(f.state(), 1, Integer::sum);
        t.row(
            f.name().value(),
            f.scheme(),
            state(f.state()),
            survives(f),
            f.repair() == null ? "" : f.repair());
      }
      t.print(out());
      out()
          .println(
              files.size()
                  + (files.size() == 1 ? " file: " : " files: ")
                  + counts.get(FileHealth.State.HEALTHY)
                  + " healthy, "
                  + counts.get(FileHealth.State.DEGRADED)
                  + " degraded, "
                  + counts.get(FileHealth.State.UNREADABLE)
                  + " unreadable");
    }

    private void printBlocks(FileHealth f) {
      out().println(Format.safe(f.name().value()) + ": " + f.scheme() + ", " + summary(f));
      Format.Table t =
          new Format.Table("INDEX", "BLOCK", "COPIES", "UP", "DOWN", "LOST").right(0, 2);
      for (BlockHealth b : f.blocks()) {
        t.row(
            b.index(),
            b.id().shortHex(),
            b.live().size() + " of " + b.wanted(),
            words(b.live()),
            words(b.waiting()),
            words(b.lost()));
      }
      t.print(out());
      if (f.repair() != null) {
        out().println("repair: " + f.repair());
      }
    }
  }

  @Command(
      name = "verify",
      description = {
        "have every live holder re-read and hash its copies of a file's blocks; corrupt copies"
            + " are quarantined on their peer and repair re-creates them",
        "Exits 1 if a copy is corrupt or missing."
      })
  static final class Verify extends JewelCommand {
    @Mixin private Which which;

    @Option(names = "--json", description = "one JSON document")
    private boolean json;

    @Override
    protected int execute() {
      List<VerifyReport> reports = new ArrayList<>();
      FileName file = which.file(this);
      List<FileName> files =
          file != null ? List.of(file) : client().ls().stream().map(e -> e.name()).toList();
      for (FileName f : files) {
        reports.add(client().verify(f));
        if (!json) {
          out().println(line(reports.get(reports.size() - 1)));
          out().flush();
        }
      }
      if (json) {
        Json.print(out(), java.util.Map.of("files", reports));
      } else if (which.all) {
        long bad = reports.stream().mapToLong(r -> r.bad().size()).sum();
        out()
            .println(
                reports.size()
                    + (reports.size() == 1 ? " file, " : " files, ")
                    + reports.stream().mapToInt(VerifyReport::copies).sum()
                    + " copies checked, "
                    + bad
                    + " bad");
      }
      return reports.stream().allMatch(VerifyReport::clean) ? 0 : 1;
    }

    static String line(VerifyReport r) {
      String down = r.down().isEmpty() ? "" : "; not checked on " + words(r.down()) + " (down)";
      if (r.clean()) {
        return Format.safe(r.name().value())
            + ": "
            + r.copies()
            + (r.copies() == 1 ? " copy" : " copies")
            + " intact"
            + down;
      }
      return Format.safe(r.name().value())
          + ": "
          + r.bad().size()
          + " of "
          + r.copies()
          + " copies bad: "
          + r.bad().stream()
              .map(
                  b ->
                      "block "
                          + b.index()
                          + " ("
                          + b.block().shortHex()
                          + "…) on "
                          + b.peer()
                          + " "
                          + b.problem()
                          + ("corrupt".equals(b.problem()) ? " (quarantined)" : ""))
              .collect(Collectors.joining(", "))
          + down
          + " (try: repair "
          + Format.safe(r.name().value())
          + ")";
    }
  }

  @Command(
      name = "repair",
      description = {
        "re-create the copies of a file's blocks that are not up now, on other live peers:"
            + " copied from a holder, or re-encoded from any k for parity and Reed-Solomon",
        "With --all, every file check does not call healthy. Exits 1 if a repair failed."
      })
  static final class Repair extends JewelCommand {
    @Mixin private Which which;

    @Option(names = "--json", description = "one JSON document")
    private boolean json;

    @Override
    protected int execute() {
      FileName file = which.file(this);
      List<FileName> files =
          file == null
              ? client().check(null).stream()
                  .filter(f -> f.state() != FileHealth.State.HEALTHY)
                  .map(FileHealth::name)
                  .toList()
              : List.of(file);
      List<RepairReport> reports = new ArrayList<>();
      List<String> failures = new ArrayList<>();
      for (FileName f : files) {
        try {
          RepairReport r = client().repair(f);
          reports.add(r);
          if (!json) {
            out().println(line(r));
          }
        } catch (JewelException e) {
          if (!which.all) {
            throw e;
          }
          failures.add(f.value());
          if (!json) {
            out().println(Format.safe(f.value()) + ": " + JewelCli.oneLine(e.getMessage()));
          }
        }
        out().flush();
      }
      if (json) {
        java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
        doc.put("files", reports);
        doc.put("failed", failures);
        Json.print(out(), doc);
      } else if (which.all) {
        out()
            .println(
                files.isEmpty()
                    ? "every file is healthy: nothing to repair"
                    : reports.size()
                        + " repaired, "
                        + failures.size()
                        + " failed, "
                        + Format.size(reports.stream().mapToLong(RepairReport::bytes).sum())
                        + " re-created");
      }
      return failures.isEmpty() ? 0 : 1;
    }

    static String line(RepairReport r) {
      String name = Format.safe(r.name().value());
      if (r.created().isEmpty()) {
        return name + ": nothing to re-create; " + summary(r.after());
      }
      return name
          + ": "
          + r.created().size()
          + (r.created().size() == 1 ? " new copy (" : " new copies (")
          + r.created().stream()
              .map(
                  c ->
                      "block "
                          + c.index()
                          + (c.rebuilt() ? " re-encoded on " : " copied to ")
                          + c.peer())
              .collect(Collectors.joining(", "))
          + "), "
          + Format.size(r.bytes())
          + "; now "
          + summary(r.after());
    }
  }

  @Command(
      name = "retune",
      description = {
        "give a Reed-Solomon file N jewels, rewriting none it has: raising n encodes only the new"
            + " jewels (from any k it has) onto live peers that hold none of its jewels; lowering"
            + " n drops its last jewels",
        "With N equal to its n, nothing happens (exit 0)."
      })
  static final class Retune extends JewelCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "a reedsolomon file (try: ls)")
    private String name;

    @Option(
        names = "--n",
        paramLabel = "N",
        required = true,
        description = "the jewels it should have: k <= N <= 256")
    private int n;

    @Option(names = "--json", description = "one JSON document")
    private boolean json;

    @Option(names = "--quiet", description = "print nothing but errors")
    private boolean quiet;

    @Override
    protected int execute() {
      FileName file = Inputs.fileName(name);
      // The node reads the whole file to encode new jewels: a line while it does, where the
      // backend can tell (the shell; over HTTP the node answers when it is done).
      Progress progress = ProgressLine.whenKnown(session(), json || quiet);
      RetuneReport r;
      try {
        r = client().retune(file, n, progress);
      } finally {
        ProgressLine.finish(progress);
      }
      if (json) {
        Json.print(out(), r);
      } else if (!quiet) {
        out().println(line(r));
      }
      return 0;
    }

    static String line(RetuneReport r) {
      String name = Format.safe(r.name().value());
      if (r.n() == r.fromN()) {
        return name + " already has n=" + r.n() + " jewels: nothing to do";
      }
      String what =
          r.n() > r.fromN()
              ? r.added().stream()
                      .map(c -> "jewel " + c.index() + " on " + c.peer())
                      .collect(Collectors.joining(", "))
                  + " ("
                  + Format.size(r.bytes())
                  + " written)"
              : "dropped "
                  + (r.fromN() - r.n() == 1 ? "jewel " : "jewels ")
                  + java.util.stream.IntStream.range(r.n(), r.fromN())
                      .mapToObj(Integer::toString)
                      .collect(Collectors.joining(", "));
      return "retuned "
          + name
          + " from n="
          + r.fromN()
          + " to n="
          + r.n()
          + ": "
          + what
          + "; now "
          + summary(r.after());
    }
  }

  static String state(FileHealth.State s) {
    return s.name().toLowerCase(Locale.ROOT);
  }

  static String survives(FileHealth f) {
    return f.state() == FileHealth.State.UNREADABLE ? "-" : f.survives() + " of " + f.promised();
  }

  /** "degraded: survives 1 more peer loss (promised 2)". */
  static String summary(FileHealth f) {
    return switch (f.state()) {
      case HEALTHY ->
          "healthy: survives "
              + losses(f.survives())
              + (f.survives() < f.promised() ? " (promised " + f.promised() + ")" : "");
      case DEGRADED ->
          "degraded: survives " + losses(f.survives()) + " (promised " + f.promised() + ")";
      case UNREADABLE -> "unreadable: too few of its blocks are up";
    };
  }

  private static String losses(int n) {
    return n + (n == 1 ? " peer loss" : " peer losses");
  }

  private static String words(List<PeerId> peers) {
    return peers.stream().map(PeerId::name).collect(Collectors.joining(" "));
  }
}
