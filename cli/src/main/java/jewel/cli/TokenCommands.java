package jewel.cli;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jewel.api.NewToken;
import jewel.api.TokenInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The bearer tokens of the HTTP API: make, list and revoke them (an admin token's work). */
final class TokenCommands {
  private TokenCommands() {}

  @Command(
      name = "token",
      description = "API tokens: admin or read-only bearer tokens of the HTTP API",
      subcommands = {TokenCreate.class, TokenList.class, TokenRevoke.class})
  static final class Tokens extends JewelCommand {
    @Override
    protected int execute() {
      spec.commandLine().usage(out());
      return 0;
    }
  }

  /**
   * {@code --expires} and {@code --label}: how long a credential (an API token, an S3 key) lasts
   * and what it is for. A picocli mixin of the commands that make one.
   */
  static final class Lifetime {
    @Option(
        names = "--expires",
        paramLabel = "DURATION",
        description = "it stops working after DURATION: 90m, 12h, 30d, 2w (default: never)")
    String expires;

    @Option(names = "--label", paramLabel = "TEXT", description = "what it is for")
    String label;

    /** Seconds until it expires, or null for never; a usage error for a bad duration. */
    Long seconds() {
      return expires == null ? null : Inputs.durationSeconds(expires, "--expires");
    }

    String label() {
      return label == null ? "" : label;
    }
  }

  @Command(
      name = "create",
      description =
          "make a token and print it on stdout, this once only (what it is goes to stderr)")
  static final class TokenCreate extends JewelCommand {
    @Option(names = "--read-only", description = "it may only read: list, get, status, check …")
    private boolean readOnly;

    @Mixin private TokenCommands.Lifetime lifetime;

    @Option(names = "--json", description = "print the token and what it is as JSON")
    private boolean json;

    @Override
    protected void run() {
      Long seconds = lifetime.seconds(); // a bad duration is refused before the cluster is asked
      NewToken made = client().createToken(readOnly, seconds, lifetime.label());
      if (json) {
        Map<String, Object> doc = document(made.info());
        doc.put("token", made.token());
        Json.print(out(), doc);
        return;
      }
      out().println(made.token());
      session()
          .err()
          .println(
              "token "
                  + made.info().id()
                  + " ("
                  + made.info().kind()
                  + ", "
                  + (made.info().expiresAtMillis() == null
                      ? "never expires"
                      : "expires " + time(made.info().expiresAtMillis()))
                  + "): shown only this once; send it as --token, JEWEL_TOKEN or"
                  + " Authorization: Bearer");
    }
  }

  @Command(name = "ls", description = "the tokens: id, kind, label, times (never the secret)")
  static final class TokenList extends JewelCommand {
    @Option(names = "--json", description = "print JSON")
    private boolean json;

    @Override
    protected void run() {
      List<TokenInfo> tokens = client().tokens();
      if (json) {
        Json.print(out(), Map.of("tokens", tokens.stream().map(TokenCommands::document).toList()));
        return;
      }
      if (tokens.isEmpty()) {
        out().println("no tokens but the home's admin token (make one with: token create)");
        return;
      }
      Format.Table t = new Format.Table("ID", "KIND", "LABEL", "CREATED", "EXPIRES", "REVOKED");
      long now = System.currentTimeMillis();
      for (TokenInfo i : tokens) {
        t.row(
            i.id(),
            i.kind(),
            i.label().isEmpty() ? "-" : i.label(),
            time(i.createdAtMillis()),
            i.expiresAtMillis() == null
                ? "never"
                : time(i.expiresAtMillis()) + (i.expiresAtMillis() <= now ? " (expired)" : ""),
            i.revokedAtMillis() == null ? "-" : time(i.revokedAtMillis()));
      }
      t.print(out());
    }
  }

  @Command(name = "revoke", description = "revoke a token: every node refuses it soon after")
  static final class TokenRevoke extends JewelCommand {
    @Parameters(paramLabel = "ID", description = "a token's id, like t3 (see: token ls)")
    private String id;

    @Override
    protected void run() {
      TokenInfo revoked = client().revokeToken(id.strip());
      out()
          .println(
              "revoked token "
                  + revoked.id()
                  + " ("
                  + revoked.kind()
                  + "); every node refuses it within jewel.api.token-cache (5 s by default)");
    }
  }

  /** A token as {@code --json} prints it: times as UTC instants, null for none. */
  static Map<String, Object> document(TokenInfo t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", t.id());
    m.put("kind", t.kind());
    m.put("label", t.label());
    m.put("created", time(t.createdAtMillis()));
    m.put("expires", t.expiresAtMillis() == null ? null : time(t.expiresAtMillis()));
    m.put("revoked", t.revokedAtMillis() == null ? null : time(t.revokedAtMillis()));
    return m;
  }

  /** An instant to the second, UTC: 2026-11-27T19:00:00Z. */
  static String time(long millis) {
    return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
