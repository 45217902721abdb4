package jewel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import jewel.api.ByteRange;
import jewel.api.DefaultSchemes;
import jewel.api.FileEntry;
import jewel.api.FileHealth;
import jewel.api.FileName;
import jewel.api.FileStatus;
import jewel.api.JewelClient;
import jewel.api.JewelException;
import jewel.api.PartFiles;
import jewel.api.PeerId;
import jewel.api.Pin;
import jewel.api.Progress;
import jewel.api.SchemeSpec;
import jewel.api.StoreResult;
import jewel.placement.Availability;
import jewel.placement.Durability;
import jewel.schemes.JewelRules;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Storing, reading, listing and deleting files. */
final class FileCommands {
  private FileCommands() {}

  @Command(
      name = "store",
      description = {
        "store a file; print its name, root block, scheme, size, D and M",
        "PATH is a local file or, with --from, a file of PEER's disk/files/."
      })
  static final class Store extends JewelCommand {
    @Parameters(
        index = "0",
        paramLabel = "PATH",
        description = "the file (with --from: a file name in PEER's disk/files/)")
    private String path;

    @Parameters(
        index = "1..*",
        paramLabel = "K=V",
        description = "scheme parameters, like n=3 (without --scheme: over the default scheme)")
    private List<String> params = new ArrayList<>();

    @Option(
        names = "--as",
        paramLabel = "NAME",
        description =
            "the name to store it under; '/' separates segments, like photos/2026/x.jpg"
                + " (default: PATH's file name; with --from: PATH)")
    private String as;

    @Option(
        names = "--scheme",
        paramLabel = "ID",
        description = "the scheme (default: the cluster's, or PEER's with --from; try: schemes)")
    private String scheme;

    @Option(
        names = "--from",
        paramLabel = "PEER",
        description = "read PATH from this peer's disk/files/")
    private String from;

    @Option(names = "--replace", description = "replace a stored file of that name")
    private boolean replace;

    @Option(
        names = "--fraction",
        paramLabel = "F",
        arity = "0..1",
        fallbackValue = "default",
        description =
            "put it under a fractional pin: every peer holds each block with probability F (0.1 or 10%%; alone: the cluster default)")
    private String fraction;

    @Option(
        names = "--availability",
        paramLabel = "P",
        description =
            "instead of a scheme: Reed-Solomon with the cheapest k and n whose availability,"
                + " from the peers' observed availability, is at least P (like 0.9999)")
    private String availability;

    @Option(
        names = "--max-overhead",
        paramLabel = "D",
        description = "with --availability: pick no k and n with n/k above D (like 2.0)")
    private String maxOverhead;

    @Option(names = "--json", description = "one JSON document, exact bytes")
    private boolean json;

    @Option(
        names = "--quiet",
        description = "print nothing but errors: no progress line, no summary")
    private boolean quiet;

    @Override
    protected void run() {
      if (json && quiet) {
        throw usage("use either --json or --quiet, not both");
      }
      SchemeSpec spec = scheme == null ? null : Inputs.scheme(scheme, params);
      if (maxOverhead != null && availability == null) {
        throw new JewelException("--max-overhead goes with --availability P");
      }
      if (availability != null) {
        spec = targeted();
      }
      Pin pin =
          fraction == null
              ? null
              : fraction.equals("default")
                  ? Pin.followDefault()
                  : Pin.fraction(Inputs.fraction(fraction));
      StoreResult result;
      if (from == null) {
        Path local = session().resolve(path);
        if (!Files.exists(local)) {
          throw new JewelException("no such file: " + path);
        }
        if (Files.isDirectory(local)) {
          throw new JewelException(path + " is a folder: store takes one file");
        }
        if (!Files.isReadable(local)) {
          throw new JewelException("cannot read " + path + ": permission denied");
        }
        FileName name =
            as != null
                ? Inputs.fileName(as)
                : Inputs.derivedFileName(String.valueOf(local.getFileName()));
        JewelClient client = client();
        if (spec == null && !params.isEmpty()) {
          spec = Inputs.override(client.settings().clusterDefault(), params);
        }
        Progress progress = ProgressLine.forTransfer(session(), sizeOf(local), json || quiet);
        try {
          result = client.store(local, name, spec, replace, pin, progress);
        } finally {
          ProgressLine.finish(progress);
        }
      } else {
        PeerId peer = Inputs.peer(from);
        String problem = FileName.problem(path);
        if (problem != null) {
          throw new JewelException("not a file of " + peer + "'s disk/files/: " + problem);
        }
        FileName name = as != null ? Inputs.fileName(as) : Inputs.derivedFileName(path);
        JewelClient client = client();
        if (spec == null && !params.isEmpty()) {
          DefaultSchemes settings = client.settings();
          SchemeSpec base =
              settings.peerDefaults().getOrDefault(peer.name(), settings.clusterDefault());
          spec = Inputs.override(base, params);
        }
        result = client.storeFrom(peer, path, name, spec, replace, pin);
      }
      if (!quiet) {
        print(out(), result);
      }
    }

    /** {@code reedsolomon availability=P [max-overhead=D]}: the gateway picks k and n. */
    private SchemeSpec targeted() {
      if (scheme != null) {
        throw new JewelException(
            "use either --scheme or --availability, not both: --availability picks a scheme");
      }
      List<String> given = new ArrayList<>(params);
      if (given.stream().anyMatch(p -> p.startsWith("k=") || p.startsWith("n="))) {
        throw new JewelException("--availability picks k and n: leave them out");
      }
      given.add(JewelRules.TARGET + "=" + availability);
      if (maxOverhead != null) {
        given.add(JewelRules.MAX_OVERHEAD + "=" + maxOverhead);
      }
      return Inputs.scheme("reedsolomon", given);
    }

    private static long sizeOf(Path file) {
      try {
        return Files.size(file);
      } catch (IOException e) {
        throw new JewelException("cannot read " + file + ": " + e.getMessage());
      }
    }

    private void print(PrintWriter out, StoreResult r) {
      if (json) {
        Json.print(out, Json.stored(r));
        return;
      }
      FileEntry e = r.entry();
      out.println("stored " + Format.safe(e.name().value()));
      field(out, "root", e.root().hex());
      field(out, "scheme", String.valueOf(e.scheme()));
      field(
          out,
          "size",
          Format.size(e.size()) + (e.size() >= 1024 ? " (" + e.size() + " bytes)" : ""));
      field(out, "D", Format.ratio(r.redundancy()) + "  (bytes stored / size)");
      if (r.availability() != null) {
        field(
            out,
            "avail",
            Availability.format(r.availability())
                + "  (readable with the holders' observed availability; target "
                + e.scheme().params().get(JewelRules.TARGET)
                + ")");
      }
      field(
          out,
          "M",
          r.minPeersUp()
              + "  (peers that must be up to read it; it survives "
              + r.survives()
              + (r.survives() == 1 ? " peer failure)" : " peer failures)"));
      field(
          out,
          "holders",
          Format.words(
              e.blocks().stream()
                  .flatMap(b -> b.holders().stream())
                  .collect(Collectors.toCollection(TreeSet::new))));
    }

    private static void field(PrintWriter out, String key, String value) {
      out.println(String.format("  %-8s %s", key, Format.safe(value)));
    }
  }

  @Command(
      name = "get",
      description = "read a file back (or into PEER's disk/files/), verifying its SHA-256")
  static final class Get extends JewelCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "a stored file (try: ls)")
    private String name;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "PATH",
        description =
            "where to write it (default: ./BASE, BASE being NAME's last '/' segment;"
                + " a folder: FOLDER/BASE)")
    private String output;

    @Option(
        names = "--to",
        paramLabel = "PEER",
        description = "write it into this peer's disk/files/ instead")
    private String to;

    @Option(
        names = {"-f", "--force"},
        description = "replace an existing output file (or, with --to, the peer's file)")
    private boolean force;

    @Option(
        names = "--range",
        paramLabel = "START-END",
        description = "only bytes START to END (both included, from 0), like 0-1023")
    private String range;

    @Option(
        names = "--quiet",
        description = "print nothing but errors: no progress line, no summary")
    private boolean quiet;

    @Override
    protected void run() throws IOException {
      FileName file = Inputs.fileName(name);
      if (to != null && output != null) {
        throw usage("use either -o PATH or --to PEER, not both");
      }
      ByteRange bytes = null;
      if (range != null) {
        if (to != null) {
          throw usage("--range writes a local file: use it with -o PATH, not --to PEER");
        }
        try {
          bytes = ByteRange.parse(range);
        } catch (IllegalArgumentException e) {
          throw usage(e.getMessage());
        }
      }
      if (to != null) {
        PeerId peer = Inputs.peer(to);
        FileEntry e = client().getTo(file, peer, force);
        if (quiet) {
          return;
        }
        out()
            .println(
                "got "
                    + Format.safe(file.value())
                    + " into "
                    + peer
                    + "'s disk/files/ ("
                    + Format.size(e.size())
                    + ", SHA-256 verified)");
        return;
      }
      // A nested name's file is written under its last segment: photos/2026/x.jpg to ./x.jpg.
      String baseName = file.segments().get(file.segments().size() - 1);
      Path target = output == null ? session().cwd().resolve(baseName) : session().resolve(output);
      if (Files.isDirectory(target)) {
        target = target.resolve(baseName);
      }
      String shown = output == null ? "./" + baseName : target.toString();
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !force) {
        throw new JewelException(
            shown + " already exists: use --force to overwrite it, or -o another path");
      }
      if (Files.isDirectory(target)) {
        throw new JewelException(shown + " is a folder");
      }
      Path folder = target.toAbsolutePath().getParent();
      if (folder == null || !Files.isDirectory(folder)) {
        throw new JewelException("no such folder: " + folder);
      }
      if (!Files.isWritable(folder)) {
        throw new JewelException("cannot write in " + folder + ": permission denied");
      }
      // Read into a hidden file next to the target, then rename: a failed read leaves no
      // half file and never clobbers what was there.
      Path partial = folder.resolve(PartFiles.name());
      FileEntry e;
      JewelClient client = client();
      // The total is known only once the node answers: the line starts then, if it is long.
      Progress progress = ProgressLine.whenKnown(session(), quiet);
      try {
        e = client.get(file, partial, bytes, progress);
        try {
          if (force) {
            Files.move(
                partial,
                target,
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
          } else {
            Files.move(partial, target);
          }
        } catch (FileAlreadyExistsException x) {
          throw new JewelException(
              shown + " already exists: use --force to overwrite it, or -o another path");
        }
      } finally {
        ProgressLine.finish(progress);
        Files.deleteIfExists(partial);
      }
      if (quiet) {
        return;
      }
      if (bytes != null) {
        long written = Files.size(target);
        out()
            .println(
                "got bytes "
                    + bytes.start()
                    + "-"
                    + (bytes.start() + written - 1)
                    + " of "
                    + Format.safe(file.value())
                    + " -> "
                    + Format.safe(shown)
                    + " ("
                    + Format.size(written)
                    + " of "
                    + Format.size(e.size())
                    + ")");
        return;
      }
      out()
          .println(
              "got "
                  + Format.safe(file.value())
                  + " -> "
                  + Format.safe(shown)
                  + " ("
                  + Format.size(e.size())
                  + ", SHA-256 verified)");
    }
  }

  @Command(
      name = "delete",
      description = "remove a file from the index and its blocks from the peers")
  static final class Delete extends JewelCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "a stored file (try: ls)")
    private String name;

    @Override
    protected void run() {
      FileName file = Inputs.fileName(name);
      FileEntry e = client().delete(file);
      out()
          .println(
              "deleted "
                  + Format.safe(e.name().value())
                  + " ("
                  + Format.size(e.size())
                  + ", "
                  + e.scheme()
                  + ")");
    }
  }

  @Command(name = "ls", description = "the stored files: name, size, scheme, D, M")
  static final class Ls extends JewelCommand {
    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "PREFIX",
        description = "only the files whose names start with PREFIX, like photos/2026/")
    private String prefix = "";

    @Option(names = "--json", description = "one JSON document, exact bytes")
    private boolean json;

    @Override
    protected void run() {
      List<FileEntry> files = new ArrayList<>(client().ls(prefix));
      files.sort(Comparator.comparing(FileEntry::name));
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("files", files.stream().map(Json::file).collect(Collectors.toList()));
        Json.print(out(), doc);
        return;
      }
      if (files.isEmpty()) {
        out()
            .println(
                prefix.isEmpty()
                    ? "no files stored (try: store PATH)"
                    : "no stored file's name starts with " + Format.safe(prefix) + " (try: ls)");
        return;
      }
      Format.Table t =
          new Format.Table("NAME", "SIZE", "SCHEME", "D", "M", "SURVIVES").right(1, 3, 4, 5);
      long total = 0;
      long stored = 0;
      int composites = 0;
      for (FileEntry e : files) {
        Durability d = Durability.of(e);
        t.row(
            e.name().value(),
            Format.size(e.size()),
            e.scheme(),
            Format.ratio(d.redundancy()),
            Format.count(d.minPeersUp()),
            Format.count(d.survives()));
        total += e.size();
        stored += e.storedBytes();
        composites += e.composite() ? 1 : 0;
      }
      t.print(out());
      // A multipart object's blocks are its parts', which the index lists apart (status NAME).
      out()
          .println(
              files.size()
                  + (files.size() == 1 ? " file, " : " files, ")
                  + Format.size(total)
                  + " ("
                  + Format.size(stored)
                  + " on the peers"
                  + (composites == 0
                      ? ""
                      : ", besides the parts of "
                          + composites
                          + (composites == 1 ? " multipart object" : " multipart objects")
                          + ": see status NAME")
                  + ")");
    }
  }

  @Command(
      name = "status",
      description =
          "each block of a file: index, id, size, the peers that should hold it, and which are live")
  static final class Status extends JewelCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "a stored file (try: ls)")
    private String name;

    @Option(names = "--json", description = "one JSON document, exact bytes and full ids")
    private boolean json;

    @Override
    protected void run() {
      FileName file = Inputs.fileName(name);
      FileStatus s = client().status(file);
      FileEntry e = s.entry();
      int k = e.layout() == null ? 1 : Math.max(1, e.layout().k());
      BitSet readable = new BitSet();
      List<String> missing = new ArrayList<>();
      TreeSet<String> missingHolders = new TreeSet<>();
      for (FileStatus.BlockStatus b : s.blocks()) {
        if (!b.live().isEmpty()) {
          readable.set(b.index());
        } else {
          missing.add(Integer.toString(b.index()));
          missingHolders.addAll(b.holders());
        }
      }
      boolean ok = readable.cardinality() >= k;
      // A multipart object's blocks are its parts', each part a file of its own layout: whether
      // it reads is whether every part does, which check works out.
      FileHealth health = e.composite() ? client().check(file).get(0) : null;
      if (health != null) {
        ok = health.state() != FileHealth.State.UNREADABLE;
      }
      if (json) {
        Json.print(out(), Json.status(s, ok));
        return;
      }
      Durability d = Durability.of(e);
      out()
          .println(
              Format.safe(e.name().value())
                  + ": "
                  + Format.size(e.size())
                  + ", "
                  + e.scheme()
                  + ", root "
                  + e.root().shortHex()
                  + ", D "
                  + Format.ratio(d.redundancy())
                  + ", M "
                  + Format.count(d.minPeersUp()));
      out().println("live peers: " + Format.words(new TreeSet<>(s.livePeers())));
      if (s.pin() != null) {
        out().println("pin: " + PinCommands.line(s.pin(), s.pin().effectiveFraction()));
        Format.Table t =
            new Format.Table("INDEX", "BLOCK", "SIZE", "SALT", "EXPECTED", "HOLDERS", "LIVE")
                .right(0, 2, 3);
        for (FileStatus.BlockStatus b : s.blocks()) {
          t.row(
              b.index(),
              b.id().substring(0, 12),
              Format.size(b.size()),
              b.salt(),
              Format.words(b.expected()),
              Format.words(b.holders()),
              Format.words(b.live()));
        }
        t.print(out());
      } else {
        Format.Table t = new Format.Table("INDEX", "BLOCK", "SIZE", "HOLDERS", "LIVE").right(0, 2);
        for (FileStatus.BlockStatus b : s.blocks()) {
          t.row(
              b.index(),
              b.id().substring(0, 12),
              Format.size(b.size()),
              Format.words(b.holders()),
              Format.words(b.live()));
        }
        t.print(out());
      }
      if (health != null) {
        out()
            .println(
                "readable now: "
                    + (ok ? "yes" : "NO")
                    + " (a multipart object of "
                    + e.object().parts().size()
                    + " parts, "
                    + health.state().name().toLowerCase(java.util.Locale.ROOT)
                    + ": see check NAME)");
      } else if (ok) {
        out()
            .println(
                "readable now: yes ("
                    + readable.cardinality()
                    + " of the "
                    + k
                    + " blocks needed have a live holder)");
      } else {
        out()
            .println(
                "readable now: NO (block"
                    + (missing.size() == 1 ? " " : "s ")
                    + String.join(", ", missing)
                    + " without a live holder; held by "
                    + Format.words(missingHolders)
                    + ")");
      }
    }
  }
}
