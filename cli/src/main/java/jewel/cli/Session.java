package jewel.cli;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import jewel.api.JewelClient;
import jewel.api.JewelException;
import jewel.cli.launch.Launcher;

/**
 * What the commands of one process share: where to write, the home and port, and the cluster
 * client. The one-shot CLI connects only when a command needs the cluster; the shell keeps one
 * client for all its commands and closes it when it ends.
 */
public final class Session implements AutoCloseable {
  public static final String DEFAULT_HOME = "./live";
  public static final int DEFAULT_PORT = 25520;

  private final Backend backend;
  private final Map<String, String> env;
  private final Path cwd;
  private final BufferedReader in;
  private final boolean terminal;
  private PrintWriter out;
  private PrintWriter err;

  private Path home;
  private int port;
  private String api;
  private String token;
  private boolean fixed;
  private boolean inShell;
  private volatile boolean quit;

  private JewelClient client;
  private Launcher launcher;
  private boolean closed;

  /**
   * @param cwd the folder relative paths (and {@code get}'s default output) resolve against
   * @param terminal whether {@code in} and {@code out} are a person's terminal (the shell then uses
   *     JLine); false for pipes, files and tests
   */
  public Session(
      Backend backend,
      Map<String, String> env,
      Path cwd,
      BufferedReader in,
      PrintWriter out,
      PrintWriter err,
      boolean terminal) {
    this.backend = backend;
    this.env = Map.copyOf(env);
    this.cwd = cwd.toAbsolutePath().normalize();
    this.in = in;
    this.out = out;
    this.err = err;
    this.terminal = terminal;
  }

  /**
   * Sets the home, port, API URL and API token from the options of the command line ({@code null}:
   * not given), falling back to {@code JEWEL_HOME}/{@code JEWEL_PORT}/{@code JEWEL_API}/{@code
   * JEWEL_TOKEN} and the defaults (no token given: the HTTP backend uses the home's admin token).
   * In the shell they were fixed when it started, and giving them again is an error.
   */
  void locate(String homeOption, Integer portOption, String apiOption, String tokenOption) {
    if (fixed) {
      if (homeOption != null || portOption != null || apiOption != null || tokenOption != null) {
        throw new JewelException(
            "--home and --port are set when the shell starts (here: "
                + home
                + ", port "
                + port
                + "), and so are --api and --token");
      }
      return;
    }
    String t = tokenOption != null ? tokenOption : env.getOrDefault("JEWEL_TOKEN", "").trim();
    token = t.isBlank() ? null : t.strip();
    String a = apiOption != null ? apiOption : env.getOrDefault("JEWEL_API", "").trim();
    api = a.isEmpty() ? null : a;
    String h = homeOption != null ? homeOption : env.getOrDefault("JEWEL_HOME", "");
    if (h.isBlank()) {
      h = DEFAULT_HOME;
    }
    int p;
    if (portOption != null) {
      p = portOption;
    } else {
      String text = env.getOrDefault("JEWEL_PORT", "").trim();
      try {
        p = text.isEmpty() ? DEFAULT_PORT : Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw new JewelException("JEWEL_PORT='" + text + "' is not a port number (use 1..65535)");
      }
    }
    if (p < 1 || p > 65535) {
      throw new JewelException("port " + p + " is out of range (use 1..65535)");
    }
    home = cwd.resolve(h).normalize();
    port = p;
  }

  /** From now on home and port stay as they are (the shell). */
  void fix() {
    fixed = true;
  }

  public Path home() {
    return home;
  }

  public int port() {
    return port;
  }

  /**
   * The node's base URL that {@code --api} or {@code JEWEL_API} named, or null: find one in the
   * home.
   */
  public String api() {
    return api;
  }

  public Path cwd() {
    return cwd;
  }

  /** A path a person typed, resolved against the current folder. */
  public Path resolve(String path) {
    return cwd.resolve(path).normalize();
  }

  public PrintWriter out() {
    return out;
  }

  public PrintWriter err() {
    return err;
  }

  void redirect(PrintWriter newOut, PrintWriter newErr) {
    out = newOut;
    err = newErr;
  }

  BufferedReader in() {
    return in;
  }

  boolean terminal() {
    return terminal;
  }

  boolean inShell() {
    return inShell;
  }

  void inShell(boolean value) {
    inShell = value;
    quit = false;
  }

  void requestQuit() {
    quit = true;
  }

  boolean quitRequested() {
    return quit;
  }

  /** The connected client; connects on first use. */
  public synchronized JewelClient client() {
    if (closed) {
      throw new JewelException("this session is closed");
    }
    if (client == null) {
      client = backend.connect(home, port, api, token);
      if (client == null) {
        throw new JewelException(
            "could not connect to the cluster at " + home + " (port " + port + ")");
      }
    }
    return client;
  }

  /**
   * A client of the node at {@code api} alone (a backend that does not speak HTTP ignores it),
   * apart from {@link #client()}: the caller closes it.
   */
  JewelClient connectTo(String api) {
    return backend.connect(home, port, api, token);
  }

  /** How {@code experiment} takes peers down and back. */
  PeerIsolation isolation() {
    return backend.isolation(home, token);
  }

  /** The client if one is connected, else null; never connects (for completion). */
  synchronized JewelClient connectedClient() {
    return client;
  }

  /**
   * Lets go of the client (the shell leaves the cluster); the next command that needs it connects
   * again.
   */
  public synchronized void disconnect() {
    JewelClient c = client;
    client = null;
    if (c != null) {
      try {
        c.close();
      } catch (RuntimeException e) {
        // Leaving a cluster that is already gone: nothing to do.
      }
    }
  }

  public synchronized Launcher launcher() {
    if (launcher == null) {
      launcher = backend.launcher(home, port);
    }
    return launcher;
  }

  /** Whether this home's seed runs here; false when that cannot be told. */
  boolean clusterRunsHere() {
    try {
      return launcher().running();
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    disconnect();
    closed = true;
    out.flush();
    err.flush();
  }
}
