package jewel.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jewel.api.NewS3Key;
import jewel.api.S3KeyInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The access keys of the S3 listener: make, list and revoke them (an admin token's work). S3
 * clients sign every request with a key's secret (AWS Signature Version 4).
 */
final class S3KeyCommands {
  private S3KeyCommands() {}

  @Command(
      name = "s3",
      description = "the S3 listener of every node: its access keys",
      subcommands = {Keys.class})
  static final class S3 extends JewelCommand {
    @Override
    protected int execute() {
      spec.commandLine().usage(out());
      return 0;
    }
  }

  @Command(
      name = "key",
      description = "S3 access keys: what S3 clients (aws, boto3, rclone) sign requests with",
      subcommands = {KeyCreate.class, KeyList.class, KeyRevoke.class})
  static final class Keys extends JewelCommand {
    @Override
    protected int execute() {
      spec.commandLine().usage(out());
      return 0;
    }
  }

  @Command(
      name = "create",
      description =
          "make an access key and print AWS_ACCESS_KEY_ID=… and AWS_SECRET_ACCESS_KEY=… on"
              + " stdout, this once only (what it is goes to stderr)")
  static final class KeyCreate extends JewelCommand {
    @Option(names = "--read-only", description = "it may only read: list buckets and objects, get")
    private boolean readOnly;

    @Mixin private TokenCommands.Lifetime lifetime;

    @Option(names = "--json", description = "print accessKey, secretKey and what the key is")
    private boolean json;

    @Override
    protected void run() {
      Long seconds = lifetime.seconds(); // a bad duration is refused before the cluster is asked
      NewS3Key made = client().createS3Key(readOnly, seconds, lifetime.label());
      S3KeyInfo key = made.key();
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("accessKey", key.accessKey());
        doc.put("secretKey", made.secretKey());
        doc.putAll(document(key));
        Json.print(out(), doc);
        return;
      }
      // As the AWS CLI and the SDKs read them from the environment: export $(jewel s3 key create)
      out().println("AWS_ACCESS_KEY_ID=" + key.accessKey());
      out().println("AWS_SECRET_ACCESS_KEY=" + made.secretKey());
      session()
          .err()
          .println(
              "S3 key "
                  + key.accessKey()
                  + " ("
                  + key.kind()
                  + ", "
                  + (key.expiresAtMillis() == null
                      ? "never expires"
                      : "expires " + TokenCommands.time(key.expiresAtMillis()))
                  + "): the secret is shown only this once; give both to the S3 client"
                  + " (aws configure, or export these two lines)");
    }
  }

  @Command(name = "ls", description = "the S3 access keys: id, kind, label, times (never a secret)")
  static final class KeyList extends JewelCommand {
    @Option(names = "--json", description = "print JSON")
    private boolean json;

    @Override
    protected void run() {
      List<S3KeyInfo> keys = client().s3Keys();
      if (json) {
        Json.print(out(), Map.of("keys", keys.stream().map(S3KeyCommands::document).toList()));
        return;
      }
      if (keys.isEmpty()) {
        out().println("no S3 access keys (make one with: s3 key create)");
        return;
      }
      Format.Table t =
          new Format.Table("ACCESS KEY", "KIND", "LABEL", "CREATED", "EXPIRES", "REVOKED");
      long now = System.currentTimeMillis();
      for (S3KeyInfo k : keys) {
        t.row(
            k.accessKey(),
            k.kind(),
            k.label().isEmpty() ? "-" : k.label(),
            TokenCommands.time(k.createdAtMillis()),
            k.expiresAtMillis() == null
                ? "never"
                : TokenCommands.time(k.expiresAtMillis())
                    + (k.expiresAtMillis() <= now ? " (expired)" : ""),
            k.revokedAtMillis() == null ? "-" : TokenCommands.time(k.revokedAtMillis()));
      }
      t.print(out());
    }
  }

  @Command(
      name = "revoke",
      description = "revoke an S3 access key: every node refuses it soon after")
  static final class KeyRevoke extends JewelCommand {
    @Parameters(
        paramLabel = "KEY",
        description = "an access key id, like JWLQ4ZT2M7XK3B5NV6HA (see: s3 key ls)")
    private String accessKey;

    @Override
    protected void run() {
      S3KeyInfo revoked = client().revokeS3Key(accessKey.strip());
      out()
          .println(
              "revoked S3 key "
                  + revoked.accessKey()
                  + " ("
                  + revoked.kind()
                  + "); every node refuses it within jewel.api.token-cache (5 s by default)");
    }
  }

  /** A key as {@code --json} prints it: times as UTC instants, null for none; never a secret. */
  static Map<String, Object> document(S3KeyInfo k) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("accessKey", k.accessKey());
    m.put("kind", k.kind());
    m.put("label", k.label());
    m.put("created", TokenCommands.time(k.createdAtMillis()));
    m.put("expires", k.expiresAtMillis() == null ? null : TokenCommands.time(k.expiresAtMillis()));
    m.put("revoked", k.revokedAtMillis() == null ? null : TokenCommands.time(k.revokedAtMillis()));
    return m;
  }
}
