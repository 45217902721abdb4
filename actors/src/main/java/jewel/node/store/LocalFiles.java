package jewel.node.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import jewel.api.FileName;
import jewel.api.PartFiles;
import jewel.api.PeerContents;
import jewel.protocol.data.ReadResult;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local files a node lets its data channel read and write, each under a token it hands out in a
 * control message: a peer's {@code disk/files/} folder ({@link #inFolder}), where names come from
 * other nodes and are checked so they cannot leave the folder (a name's {@code /}-separated
 * segments are folders, made as a write needs them), or, for the CLI, any path its user names
 * ({@link #anywhere}).
 *
 * <p>An offer token ({@link #offer}) lets its holder read the file, in one read or in ranges, until
 * nobody used it for the time to live (10 minutes by default). An accept token ({@link #accept}) is
 * good for one successful write: the bytes go to a temporary file next to the target, which becomes
 * the target (atomically) only once they are all there and synced; a failed or cut-off write leaves
 * the target as it was and the token good, so the writer can try again (a get that met a corrupted
 * block reads again from other peers). A token accepted without replace never replaces a file: one
 * already there is refused when the token is asked for, and one that appears while the bytes flow
 * fails the write. A token nobody uses expires after the time to live, but never while a write of
 * it is under way. (A symbolic link that the folder's owner put in the folder is followed: only
 * names from other nodes are checked.)
 */
public final class LocalFiles {
  private static final Logger log = LoggerFactory.getLogger(LocalFiles.class);

  /** How long an unused token stays good. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

  /**
   * Temporary files: {@link PartFiles}' names, and those of earlier versions ({@code
   * .NAME.UUID.jewel-part}).
   */
  private static final String TEMP_GLOB = "{" + PartFiles.GLOB + ",.*.jewel-part}";

  private static final SecureRandom RANDOM = new SecureRandom();

  /** A file offered for reading: its token and size. */
  public record Offer(String token, long size) {
    @Override
    public String toString() {
      return "Offer(" + size + " bytes)"; // the token is a capability: keep it out of logs
    }
  }

  /**
   * @param replace an accept token that may replace a file already there
   * @param writing how many writes of this (accept) token are under way: it does not expire
   *     meanwhile
   */
  private record Grant(Path path, boolean write, boolean replace, Instant expires, int writing) {}

  private final Path folder; // null: anywhere (the CLI)
  private final Duration ttl;
  private final Clock clock;
  private final Map<String, Grant> grants = new ConcurrentHashMap<>();

  private LocalFiles(Path folder, Duration ttl, Clock clock) {
    this.folder = folder;
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A peer's files folder (created if needed); temporary files a crash left there are deleted. */
  public static LocalFiles inFolder(Path folder) throws IOException {
    return inFolder(folder, DEFAULT_TTL, Clock.systemUTC());
  }

  public static LocalFiles inFolder(Path folder, Duration ttl, Clock clock) throws IOException {
    Path f = folder.toAbsolutePath().normalize();
    Files.createDirectories(f);
    PathMatcher temporary = f.getFileSystem().getPathMatcher("glob:" + TEMP_GLOB);
    Files.walkFileTree(
        f,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (temporary.matches(file.getFileName())) {
              Files.deleteIfExists(file);
              log.info("deleted {}, left by an unfinished write", file);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            return FileVisitResult.CONTINUE; // not ours to read: no write of ours went there
          }
        });
    return new LocalFiles(f, ttl, clock);
  }

  /** The CLI's files: any path its user names ({@link #offerPath}, {@link #acceptPath}). */
  public static LocalFiles anywhere() {
    return anywhere(DEFAULT_TTL, Clock.systemUTC());
  }

  public static LocalFiles anywhere(Duration ttl, Clock clock) {
    return new LocalFiles(null, ttl, clock);
  }

  /** The files folder, if this is a peer's. */
  public Optional<Path> folder() {
    return Optional.ofNullable(folder);
  }

  /**
   * The files in the folder and its folders (not hidden ones, not writes in progress), by name: a
   * file {@code c} of folder {@code a/b} is named {@code a/b/c}.
   */
  public List<PeerContents.LocalFile> list() {
    if (folder == null) {
      return List.of();
    }
    List<PeerContents.LocalFile> files = new ArrayList<>();
    try {
      Files.walkFileTree(
          folder,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              return dir.equals(folder) || !hidden(dir)
                  ? FileVisitResult.CONTINUE
                  : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (!hidden(file) && Files.isRegularFile(file)) {
                try {
                  files.add(new PeerContents.LocalFile(relative(file), Files.size(file)));
                } catch (IOException e) {
                  // gone meanwhile
                }
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE; // gone meanwhile, or not ours to read
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + folder, e);
    }
    files.sort(Comparator.comparing(PeerContents.LocalFile::name));
    return files;
  }

  private static boolean hidden(Path path) {
    return path.getFileName().toString().startsWith(".");
  }

  /**
   * The path of {@code fileName} in the folder: a name {@code a/b/c} is the file {@code c} of its
   * folder {@code a/b}. Refuses, with a {@link StoreException}, a name that is not a valid {@link
   * FileName}, that has a hidden segment ({@code .x}: the folder's writes in progress are hidden
   * files), or that would otherwise leave the folder.
   */
  public Path resolve(String fileName) {
    if (folder == null) {
      throw new StoreException("this node has no files folder: name a path instead");
    }
    String problem = FileName.problem(fileName);
    if (problem != null) {
      throw new StoreException(problem.replaceAll("\\p{Cntrl}", "?"));
    }
    List<String> segments = new FileName(fileName).segments();
    if (segments.stream().anyMatch(s -> s.startsWith("."))) {
      throw new StoreException(
          "file name '"
              + fileName
              + "' has a segment that starts with '.': disk/files/ keeps no hidden files");
    }
    Path path = folder;
    try {
      for (String segment : segments) {
        path = path.resolve(segment);
      }
    } catch (java.nio.file.InvalidPathException e) {
      throw new StoreException("file name '" + fileName + "' is not a valid path here");
    }
    path = path.normalize();
    // The checks above already keep the name inside: this one holds whatever they missed.
    if (!path.startsWith(folder)
        || path.getNameCount() != folder.getNameCount() + segments.size()) {
      throw new StoreException("file name '" + fileName + "' leaves the files folder");
    }
    return path;
  }

  /** Offers {@code fileName} of the folder for reading. */
  public Offer offer(String fileName) throws IOException {
    return offerAt(resolve(fileName), fileName);
  }

  /**
   * Accepts a write of {@code fileName} of the folder. Unless {@code replace}, a file of that name
   * is kept: if it is there now this throws {@link FileAlreadyExistsException}, and if it appears
   * before the write completes the write fails.
   */
  public String accept(String fileName, boolean replace) throws IOException {
    Path path = resolve(fileName);
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      throw new StoreException(
          "'"
              + fileName
              + "' is a folder in disk/files/: no file can replace it, even with --force");
    }
    if (!replace && Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(fileName);
    }
    makeFolders(path.getParent(), fileName);
    return acceptAt(path, fileName, replace);
  }

  /** Makes the folders a nested name's file goes in, unless a file of the folder is in the way. */
  private void makeFolders(Path parent, String fileName) throws IOException {
    for (Path p = parent; !p.equals(folder); p = p.getParent()) {
      if (Files.exists(p) && !Files.isDirectory(p)) {
        throw new StoreException(
            "cannot write '"
                + fileName
                + "': '"
                + relative(p)
                + "' is a file in disk/files/, not a folder");
      }
    }
    Files.createDirectories(parent);
  }

  /** {@code path} as a name of the folder ({@code a/b}), or whole for the CLI's files. */
  private String relative(Path path) {
    if (folder == null) {
      return path.toString();
    }
    List<String> segments = new ArrayList<>();
    folder.relativize(path).forEach(p -> segments.add(p.toString()));
    return String.join("/", segments);
  }

  /** Offers any readable file (for a trusted caller: the CLI, on its user's behalf). */
  public Offer offerPath(Path file) throws IOException {
    Path path = file.toAbsolutePath().normalize();
    return offerAt(path, path.toString());
  }

  /**
   * Accepts a write of any path whose folder exists, replacing a file there (for a trusted caller:
   * the CLI, on its user's behalf).
   */
  public String acceptPath(Path file) throws IOException {
    Path path = file.toAbsolutePath().normalize();
    return acceptAt(path, path.toString(), true);
  }

  private Offer offerAt(Path path, String shown) throws IOException {
    if (!Files.exists(path)) {
      throw new java.nio.file.NoSuchFileException(shown, null, "no such file");
    }
    if (!Files.isRegularFile(path)) {
      throw new IOException(shown + " is not a regular file");
    }
    if (!Files.isReadable(path)) {
      throw new java.nio.file.AccessDeniedException(shown, null, "not readable");
    }
    long size = Files.size(path);
    return new Offer(grant(path, false, false), size);
  }

  private String acceptAt(Path path, String shown, boolean replace) throws IOException {
    Path parent = path.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new java.nio.file.NoSuchFileException(
          String.valueOf(parent), null, "no such folder to write " + shown + " in");
    }
    if (Files.isDirectory(path)) {
      throw new IOException(shown + " is a folder");
    }
    if (!Files.isWritable(parent)) {
      throw new java.nio.file.AccessDeniedException(String.valueOf(parent), null, "not writable");
    }
    return grant(path, true, replace);
  }

  private String grant(Path path, boolean write, boolean replace) {
    purge();
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    grants.put(token, new Grant(path, write, replace, clock.instant().plus(ttl), 0));
    return token;
  }

  private void purge() {
    Instant now = clock.instant();
    grants.values().removeIf(g -> g.writing() == 0 && !g.expires().isAfter(now));
  }

  /** How many tokens are still good. */
  public int liveTokens() {
    purge();
    return grants.size();
  }

  /**
   * {@code length} bytes (−1: to the end) from {@code offset} of the file offered as {@code token};
   * renews the token's time to live.
   */
  public ReadResult read(String token, long offset, long length) {
    purge();
    Grant g = grants.get(token);
    if (g == null || g.write()) {
      throw new StoreException("unknown or expired file token: offer the file again");
    }
    grants.replace(token, g, new Grant(g.path(), false, false, clock.instant().plus(ttl), 0));
    long size;
    try {
      size = Files.size(g.path());
    } catch (IOException e) {
      throw new StoreException("the offered file " + relative(g.path()) + " is gone", e);
    }
    long end = length < 0 ? size : offset + length;
    if (offset < 0 || offset > size || end > size || end < offset) {
      throw new StoreException(
          "range " + offset + "+" + length + " is outside the offered file of " + size + " bytes");
    }
    String what = "file " + relative(g.path());
    return new ReadResult(
        end - offset,
        FileSource.create(g.path(), offset, end - offset, what, () -> what + " is gone"));
  }

  /**
   * A sink that writes the file accepted as {@code token}. Its value is the number of bytes
   * written; the file appears (or, if the token allows it, is replaced) only if the stream
   * completes, and that uses the token up. If the stream fails or stops early, the token stays good
   * for another try.
   */
  public Sink<ByteString, CompletionStage<Long>> write(String token) {
    purge();
    Grant g = token == null ? null : grants.get(token);
    if (g == null || !g.write()) {
      throw new StoreException("unknown, used or expired file token: accept the file again");
    }
    Path target = g.path();
    Path dir = target.getParent();
    AtomicBoolean counted = new AtomicBoolean(); // this write holds the token open
    Sink<ByteString, CompletionStage<Long>> sink =
        FileSink.create(
            () -> {
              if (grants.computeIfPresent(
                      token,
                      (t, grant) ->
                          new Grant(
                              grant.path(),
                              true,
                              grant.replace(),
                              grant.expires(),
                              grant.writing() + 1))
                  == null) {
                throw new StoreException(
                    "the file token was used up or expired meanwhile: accept the file again");
              }
              counted.set(true);
              Path temp =
                  dir.resolve(PartFiles.name()); // fixed length: any valid name fits beside it
              Files.createFile(temp);
              return temp;
            },
            (temp, size, sha256) -> {
              if (g.replace()) {
                Files.move(
                    temp,
                    target,
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
              } else {
                moveIfAbsent(temp, target);
              }
              grants.remove(token); // used up
              try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
                channel.force(true);
              } catch (IOException e) {
                // not every platform syncs folders
              }
              return size;
            });
    return sink.mapMaterializedValue(
        written ->
            written.whenComplete(
                (size, failure) -> {
                  if (failure != null && counted.get()) {
                    // good for another try, for a full time to live from now
                    grants.computeIfPresent(
                        token,
                        (t, grant) ->
                            new Grant(
                                grant.path(),
                                true,
                                grant.replace(),
                                clock.instant().plus(ttl),
                                Math.max(0, grant.writing() - 1)));
                  }
                }));
  }

  /**
   * Moves {@code temp} to {@code target} unless a file is there: a hard link, which the file system
   * refuses atomically if the name is taken (a rename would replace it), then the temporary name
   * goes. Where links are not supported, a move that checks first.
   */
  private void moveIfAbsent(Path temp, Path target) throws IOException {
    try {
      try {
        Files.createLink(target, temp);
      } catch (FileAlreadyExistsException e) {
        throw e;
      } catch (UnsupportedOperationException | FileSystemException e) { // no hard links here
        Files.move(temp, target);
        return;
      }
    } catch (FileAlreadyExistsException e) {
      throw new StoreException(
          "'"
              + relative(target)
              + "' appeared in the files folder while it was written,"
              + " and is kept: use --force to replace it");
    }
    try {
      Files.delete(temp);
    } catch (IOException e) {
      // the file is in place; the hidden temporary name goes when the folder is next opened
    }
  }

  @Override
  public String toString() {
    return "LocalFiles(" + (folder == null ? "anywhere" : folder) + ")";
  }
}
