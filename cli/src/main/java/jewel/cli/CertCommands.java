package jewel.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jewel.api.JewelException;
import jewel.pki.CertificateInfo;
import jewel.pki.ClusterCa;
import jewel.pki.TlsFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code certs}: the home's certificate authority and its members' certificates ({@code
 * HOME/tls/}), read and written here; no cluster needed.
 */
final class CertCommands {
  private CertCommands() {}

  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  /** The home's CA; one line if the home has none (it is made by up, or certs issue). */
  static ClusterCa authority(Session s) {
    return ClusterCa.open(s.home().resolve(ClusterCa.FOLDER), Clock.systemUTC());
  }

  @Command(
      name = "certs",
      description =
          "the home's certificates (HOME/tls): each with its subject, expiry and days left",
      subcommands = {Rotate.class, Issue.class})
  static final class Certs extends JewelCommand {
    @Option(names = "--json", description = "one JSON document")
    private boolean json;

    @Override
    protected void run() {
      Clock clock = Clock.systemUTC();
      List<CertificateInfo> all = authority(session()).list();
      if (json) {
        List<Map<String, Object>> certs = new ArrayList<>();
        for (CertificateInfo c : all) {
          Map<String, Object> doc = new LinkedHashMap<>();
          doc.put("name", c.name());
          doc.put("file", c.file().toString());
          doc.put("subject", c.subject());
          doc.put("issuer", c.issuer());
          doc.put("notBefore", c.notBefore().toString());
          doc.put("notAfter", c.notAfter().toString());
          doc.put("daysLeft", c.daysLeft(clock));
          doc.put("expired", c.expired(clock));
          certs.add(doc);
        }
        Json.print(out(), Map.of("certificates", certs));
        return;
      }
      Format.Table t = new Format.Table("NAME", "EXPIRES (UTC)", "DAYS LEFT", "SUBJECT").right(2);
      for (CertificateInfo c : all) {
        t.row(
            c.name(),
            DAY.format(c.notAfter()),
            c.expired(clock) ? "expired" : Long.toString(c.daysLeft(clock)),
            c.subject());
      }
      t.print(out());
    }
  }

  @Command(
      name = "rotate",
      description =
          "a new key and certificate for NAME (or every member): running nodes take them up"
              + " within jewel.tls.reload-interval, without a restart")
  static final class Rotate extends JewelCommand {
    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "NAME",
        description = "a member: a node name like peer-2, or shell")
    private String name;

    @Option(names = "--all", description = "every member with a certificate in the home")
    private boolean all;

    @Override
    protected void run() {
      if (all == (name != null)) {
        throw usage("give a NAME or --all (not both)");
      }
      ClusterCa ca = authority(session());
      List<String> names = all ? ca.members() : List.of(name);
      if (!all && !ca.members().contains(name)) {
        throw new JewelException(
            "no certificate of '"
                + name
                + "' in "
                + ca.dir()
                + " (members: "
                + String.join(", ", ca.members())
                + "; certs issue NAME --out DIR makes one for a new machine)");
      }
      for (String member : names) {
        ca.issue(member);
      }
      out()
          .println(
              "rotated "
                  + String.join(", ", names)
                  + ": new keys and certificates in "
                  + ca.dir()
                  + ", good for "
                  + ClusterCa.MEMBER_VALIDITY.toDays()
                  + " days");
      out()
          .println(
              "no restart needed: a running node reads its files again every"
                  + " jewel.tls.reload-interval (default 5m) and presents the new certificate on new"
                  + " connections; connections already open keep the old one until they close");
    }
  }

  @Command(
      name = "issue",
      description =
          "a key and certificate for NAME, with the CA's certificate (never its key), in DIR:"
              + " what a new machine needs to join")
  static final class Issue extends JewelCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "the new node's name, like peer-7")
    private String name;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "where to write NAME.key, NAME.crt and ca.crt")
    private Path out;

    @Option(
        names = "--host",
        paramLabel = "HOST",
        description = "an address or name the node is reached at (repeatable)")
    private List<String> hosts = new ArrayList<>();

    @Override
    protected void run() {
      ClusterCa ca = ClusterCa.openOrCreate(session().home().resolve(ClusterCa.FOLDER));
      Path dir = out.toAbsolutePath().normalize();
      if (dir.equals(ca.dir().toAbsolutePath().normalize())) {
        throw new JewelException(
            dir + " is the CA's own folder: for a member of this home use certs rotate " + name);
      }
      TlsFiles files = ca.issue(name, dir, hosts);
      out()
          .println(
              "issued "
                  + name
                  + ": "
                  + files.key()
                  + ", "
                  + files.cert()
                  + " and "
                  + files.ca()
                  + " (readable by their owner only)");
      out()
          .println(
              "copy them to the new machine's HOME/tls/ (or name them with -Djewel.tls.key-file,"
                  + " cert-file, ca-file); keep the key secret");
    }
  }
}
