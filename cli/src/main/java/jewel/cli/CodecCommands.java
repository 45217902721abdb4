package jewel.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jewel.api.JewelException;
import jewel.codec.Codecs;
import jewel.codec.JewelFileException;
import jewel.codec.JewelFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The stand-alone codec tool, in the spirit of zfec's {@code zfec}/{@code zunfec}: split a local
 * file into jewel files, any K of which rebuild it, and join them back. These commands never
 * contact a cluster; the work is {@link JewelFiles}'.
 */
final class CodecCommands {
  private CodecCommands() {}

  @Command(
      name = "split",
      description = {
        "split FILE into N jewel files, any K of which rebuild it (no cluster needed)",
        "Writes DIR/FILE.<i>.jewel: a 60-byte header (magic, version, k, n, index, chunk size,"
            + " length, SHA-256 of FILE) then the jewel. With --raw: headerless shards DIR/FILE.<i>,"
            + " the whole file as one segment, as Backblaze's JavaReedSolomon makes them."
      })
  static final class Split extends JewelCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "the file to split")
    private String file;

    @Option(
        names = "--k",
        required = true,
        paramLabel = "K",
        description = "how many jewels rebuild the file")
    private int k;

    @Option(
        names = "--n",
        required = true,
        paramLabel = "N",
        description = "how many jewels to write, K..256")
    private int n;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "DIR",
        description = "the folder to write them in (default: .)")
    private String output;

    @Option(
        names = "--raw",
        description = "headerless, Backblaze-compatible shards (keep K, N and the length yourself)")
    private boolean raw;

    @Option(
        names = "--codec",
        paramLabel = "CODEC",
        defaultValue = Codecs.DEFAULT,
        description = "jewel (default, fast) or backblaze: both write the same bytes")
    private String codec;

    @Option(
        names = "--chunk",
        paramLabel = "BYTES",
        description = "bytes of each jewel per segment (default 65536; not with --raw)")
    private Integer chunk;

    @Override
    protected void run() throws IOException {
      if (raw && chunk != null) {
        throw usage("--chunk does not apply to --raw: a raw split is one segment");
      }
      Path in = existingFile(session(), file);
      Path dir = output == null ? session().cwd() : session().resolve(output);
      if (Files.exists(dir) && !Files.isDirectory(dir)) {
        throw new JewelException(output + " is not a folder");
      }
      List<Path> written;
      try {
        written =
            raw
                ? JewelFiles.splitRaw(in, k, n, dir, codec)
                : JewelFiles.split(
                    in, k, n, dir, chunk == null ? JewelFiles.DEFAULT_CHUNK_SIZE : chunk, codec);
      } catch (JewelFileException e) {
        throw new JewelException(e.getMessage());
      } catch (NoSuchFileException e) {
        throw new JewelException("cannot write in " + dir + ": no such folder");
      }
      long size = Files.size(in);
      out()
          .println(
              "split "
                  + Format.safe(file)
                  + " ("
                  + Format.size(size)
                  + ") into "
                  + n
                  + (raw ? " raw shards" : " jewel files")
                  + ", any "
                  + k
                  + " rebuild it"
                  + (raw ? " (join --raw --k " + k + " --n " + n + " --length " + size + ")" : "")
                  + ":");
      for (Path p : written) {
        out().println("  " + Format.safe(p.toString()) + "  " + Format.size(Files.size(p)));
      }
    }
  }

  @Command(
      name = "join",
      description = {
        "rebuild a file from any K of its jewel files (no cluster needed)",
        "  join FILES... -o OUT                                  jewel files: their headers say the rest",
        "  join --raw --k K --n N --length L FILES... -o OUT     raw shards: a name ends in .<i>, the index"
      })
  static final class Join extends JewelCommand {
    @Parameters(
        arity = "1..*",
        paramLabel = "FILES",
        description = "any K jewel files of one split (more are fine)")
    private List<String> files = new ArrayList<>();

    @Option(
        names = {"-o", "--output"},
        required = true,
        paramLabel = "OUT",
        description = "the file to write (must not exist)")
    private String output;

    @Option(names = "--raw", description = "the files are raw shards from split --raw")
    private boolean raw;

    @Option(
        names = "--k",
        paramLabel = "K",
        description = "with --raw: shards that rebuild the file")
    private Integer k;

    @Option(
        names = "--n",
        paramLabel = "N",
        description = "with --raw: shards the file was split into")
    private Integer n;

    @Option(
        names = "--length",
        paramLabel = "L",
        description = "with --raw: the file's length in bytes")
    private Long length;

    @Override
    protected void run() throws IOException {
      if (raw && (k == null || n == null || length == null)) {
        throw usage("join --raw needs --k, --n and --length: raw shards carry no header");
      }
      if (!raw && (k != null || n != null || length != null)) {
        throw usage("--k, --n and --length are for --raw: jewel files carry them in their headers");
      }
      List<Path> inputs = new ArrayList<>();
      for (String f : files) {
        inputs.add(existingFile(session(), f));
      }
      Path out = session().resolve(output);
      if (Files.exists(out)) {
        throw new JewelException(
            output + " already exists: join writes a new file (-o another path)");
      }
      try {
        if (raw) {
          JewelFiles.joinRaw(k, n, length, inputs, out);
        } else {
          JewelFiles.join(inputs, out);
        }
      } catch (JewelFileException e) {
        throw new JewelException(e.getMessage());
      } catch (NoSuchFileException e) {
        throw new JewelException("cannot write " + output + ": no such folder");
      }
      out()
          .println(
              "joined "
                  + inputs.size()
                  + (raw ? " raw shards" : " jewel files")
                  + " -> "
                  + Format.safe(output)
                  + " ("
                  + Format.size(Files.size(out))
                  + (raw
                      ? "; raw shards carry no hash, so nothing was verified)"
                      : ", SHA-256 verified)"));
    }
  }

  /** The path of a readable regular file a person named, or one line saying what it is instead. */
  private static Path existingFile(Session session, String name) {
    Path p = session.resolve(name);
    if (!Files.exists(p)) {
      throw new JewelException("no such file: " + name);
    }
    if (Files.isDirectory(p)) {
      throw new JewelException(name + " is a folder, not a file");
    }
    if (!Files.isReadable(p)) {
      throw new JewelException("cannot read " + name + ": permission denied");
    }
    return p;
  }
}
