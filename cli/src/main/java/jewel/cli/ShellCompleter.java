package jewel.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import jewel.api.FileEntry;
import jewel.api.JewelClient;
import jewel.api.NodeStatus;
import jewel.api.PeerId;
import jewel.schemes.SchemeRules;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Tab completion for the shell: command names, option names, and by each argument's label ({@code
 * PEER}, {@code NAME} and {@code PREFIX}, {@code PATH}, {@code ID}, {@code COMMAND}) peer names,
 * stored file names, local paths and scheme ids. Peer and file names come from the shell's client
 * (only once it is connected), cached for a few seconds and fetched with a time limit; a failure of
 * any kind completes nothing and never disturbs the shell.
 */
final class ShellCompleter implements Completer, AutoCloseable {
  static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(5);
  static final long WAIT_MILLIS = 1500;
  private static final int MAX_LOCAL = 2000;

  /** A completion: the text and whether it ends the word (false for a folder). */
  record Choice(String value, boolean complete) {}

  private final Session session;
  private final ExecutorService fetcher =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "jewel-shell-completion");
            t.setDaemon(true);
            return t;
          });
  private final Set<String> seenPeers = new TreeSet<>(ShellCompleter::byPeerName);
  private final Cache peers = new Cache(this::fetchPeers);
  private final Cache files = new Cache(this::fetchFiles);
  private volatile CommandSpec root;

  ShellCompleter(Session session) {
    this.session = session;
  }

  void commands(CommandLine commandLine) {
    root = commandLine.getCommandSpec();
  }

  /** After every command: what it changed shows at the next Tab. */
  void invalidate() {
    peers.invalidate();
    files.invalidate();
  }

  @Override
  public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
    try {
      String word = line.word();
      String prefix = word.substring(0, Math.min(word.length(), Math.max(0, line.wordCursor())));
      for (Choice c : choices(line.words(), line.wordIndex(), prefix)) {
        candidates.add(new Candidate(c.value(), c.value(), null, null, null, null, c.complete()));
      }
    } catch (RuntimeException | Error e) {
      if (e instanceof VirtualMachineError) {
        throw e;
      }
      // Completion is a convenience: never break the shell over it.
    }
  }

  /**
   * The completions for word {@code index} of {@code words}, whose text so far is {@code prefix}.
   */
  List<Choice> choices(List<String> words, int index, String prefix) {
    CommandSpec spec = root;
    if (spec == null) {
      return List.of();
    }
    OptionSpec pending = null;
    int positional = 0;
    for (int i = 0; i < index && i < words.size(); i++) {
      String w = words.get(i);
      if (w.isEmpty()) {
        continue;
      }
      if (pending != null) {
        pending = null;
        continue;
      }
      if (w.startsWith("-") && w.length() > 1) {
        String optionName = w.contains("=") ? w.substring(0, w.indexOf('=')) : w;
        OptionSpec o = spec.findOption(optionName);
        if (o != null && !w.contains("=") && o.arity().min() > 0) {
          pending = o;
        }
        continue;
      }
      CommandLine sub = positional == 0 ? spec.subcommands().get(w) : null;
      if (sub != null) {
        spec = sub.getCommandSpec();
        continue;
      }
      positional++;
    }
    if (pending != null) {
      return byLabel(pending.paramLabel(), prefix);
    }
    if (prefix.startsWith("-")) {
      List<Choice> options = new ArrayList<>();
      for (OptionSpec o : spec.options()) {
        if (!o.hidden()) {
          for (String n : o.names()) {
            options.add(new Choice(n, true));
          }
        }
      }
      return options;
    }
    List<Choice> result = new ArrayList<>();
    if (positional == 0 && !spec.subcommands().isEmpty()) {
      result.addAll(commandNames(spec));
    }
    for (PositionalParamSpec p : spec.positionalParameters()) {
      if (p.index().contains(positional)) {
        result.addAll(byLabel(p.paramLabel(), prefix));
        break;
      }
    }
    return result;
  }

  private List<Choice> byLabel(String label, String prefix) {
    List<Choice> result = new ArrayList<>();
    if (label == null) {
      return result;
    }
    if (label.contains("PEER")) {
      peers.get().forEach(p -> result.add(new Choice(p, true)));
    }
    if (label.contains("NAME") || label.equals("PREFIX")) {
      files.get().forEach(f -> result.add(new Choice(f, true)));
    }
    if (label.contains("ID")) {
      for (SchemeRules s : Inputs.schemes()) {
        result.add(new Choice(s.id(), true));
      }
    }
    if (label.contains("COMMAND")) {
      result.addAll(commandNames(root));
    }
    if (label.contains("PATH") && !label.contains("NAME")) {
      result.addAll(localPaths(prefix));
    }
    return result;
  }

  private static List<Choice> commandNames(CommandSpec spec) {
    return spec.subcommands().entrySet().stream()
        .filter(e -> !e.getValue().getCommandSpec().usageMessage().hidden())
        .map(e -> new Choice(e.getKey(), true))
        .collect(Collectors.toList());
  }

  /** Files and folders that complete {@code prefix}, relative to the shell's folder. */
  List<Choice> localPaths(String prefix) {
    List<Choice> result = new ArrayList<>();
    int slash = prefix.lastIndexOf('/');
    String folderPart = slash >= 0 ? prefix.substring(0, slash + 1) : "";
    String namePart = prefix.substring(slash + 1);
    String shownFolder = folderPart;
    String resolvable = folderPart;
    if (folderPart.startsWith("~/")) {
      resolvable = System.getProperty("user.home") + folderPart.substring(1);
    }
    Path folder = resolvable.isEmpty() ? session.cwd() : session.resolve(resolvable);
    if (!Files.isDirectory(folder)) {
      return result;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
      for (Path p : entries) {
        String name = String.valueOf(p.getFileName());
        if (!name.startsWith(namePart) || (name.startsWith(".") && !namePart.startsWith("."))) {
          continue;
        }
        boolean dir = Files.isDirectory(p);
        result.add(new Choice(shownFolder + name + (dir ? "/" : ""), !dir));
        if (result.size() >= MAX_LOCAL) {
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      return result;
    }
    result.sort((a, b) -> a.value().compareTo(b.value()));
    return result;
  }

  /** Peer names, and every name seen since the shell started (so a killed peer can be revived). */
  private List<String> fetchPeers() {
    JewelClient c = session.connectedClient();
    if (c == null) {
      return null;
    }
    List<String> now = new ArrayList<>();
    for (NodeStatus n : c.peers()) {
      if (n.roles() == null || !n.roles().contains("client")) {
        now.add(n.name());
      }
    }
    synchronized (seenPeers) {
      seenPeers.addAll(now);
      return new ArrayList<>(seenPeers);
    }
  }

  private List<String> fetchFiles() {
    JewelClient c = session.connectedClient();
    if (c == null) {
      return null;
    }
    return c.ls().stream()
        .map(FileEntry::name)
        .map(n -> n.value())
        .sorted()
        .collect(Collectors.toList());
  }

  private static int byPeerName(String a, String b) {
    try {
      return new PeerId(a).compareTo(new PeerId(b));
    } catch (IllegalArgumentException e) {
      return a.compareTo(b);
    }
  }

  @Override
  public void close() {
    fetcher.shutdownNow();
  }

  /**
   * A list fetched in the background, kept for {@link #TTL_NANOS}; a fetch that takes longer than
   * {@link #WAIT_MILLIS} leaves the old list in place and finishes for the next Tab.
   */
  private final class Cache {
    private final Supplier<List<String>> source;
    private List<String> value = List.of();
    private long fetchedAt;
    private boolean fresh;
    private Future<List<String>> pending;

    Cache(Supplier<List<String>> source) {
      this.source = source;
    }

    synchronized List<String> get() {
      long now = System.nanoTime();
      if (pending == null && fresh && now - fetchedAt < TTL_NANOS) {
        return value;
      }
      if (pending == null) {
        pending = fetcher.submit(source::get);
      }
      try {
        List<String> got = pending.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        pending = null;
        if (got != null) {
          value = List.copyOf(got);
          fetchedAt = now;
          fresh = true;
        }
      } catch (TimeoutException e) {
        // Still fetching: use what we had.
      } catch (ExecutionException e) {
        pending = null;
        fetchedAt = now;
        fresh = true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return value;
    }

    synchronized void invalidate() {
      fresh = false;
    }
  }
}
