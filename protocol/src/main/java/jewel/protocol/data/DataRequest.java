package jewel.protocol.data;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jewel.api.BlockId;
import jewel.protocol.DataAddress;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * What a client asks of a data channel: one HTTP exchange.
 *
 * @param op PUT (bytes follow the header) or GET (bytes come back)
 * @param kind a BLOCK of the node's block store, or a file the node offered or accepted under a
 *     one-time TOKEN
 * @param name a block id in hex (GET of a BLOCK), a token (TOKEN), or empty (PUT of a BLOCK: the
 *     block's id is what the node computes)
 * @param offset where a GET starts; 0 for a PUT
 * @param length GET: how many bytes, or −1 for "to the end"; PUT: exactly how many bytes follow
 * @param expected PUT of a BLOCK: the id the bytes must hash to, if known; empty otherwise
 * @param upload PUT of a BLOCK: the writer's upload (see {@code RegistryCommand.OpenUpload}), if it
 *     has one; empty otherwise. The node remembers it, so that no deletion takes a block a store in
 *     progress wrote.
 *     <p>On the wire it is an HTTP request to the node's {@link DataChannel}: {@code PUT /blocks}
 *     (or {@code PUT /blocks/{expected id}}) or {@code GET /blocks/{id}} for a BLOCK, {@code PUT}
 *     or {@code GET /files} with the token in a {@code X-Jewel-Token} header for a TOKEN (a token
 *     is a capability: kept out of paths, which servers log); a PUT's length is its Content-Length,
 *     a GET's range its {@code Range: bytes=A-B} (or {@code bytes=A-}) header, a PUT's upload its
 *     {@code X-Jewel-Upload} header.
 */
public record DataRequest(
    Op op,
    Kind kind,
    String name,
    long offset,
    long length,
    Optional<BlockId> expected,
    OptionalLong upload) {

  public enum Op {
    PUT,
    GET
  }

  public enum Kind {
    BLOCK,
    TOKEN
  }

  /** Longest name (token) in UTF-8 bytes. */
  public static final int MAX_NAME_BYTES = 1024;

  static final String BLOCKS = "blocks";
  static final String FILES = "files";
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d{1,18})-(\\d{0,18})");

  public DataRequest {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(expected, "expected (use Optional.empty())");
    Objects.requireNonNull(upload, "upload (use OptionalLong.empty())");
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      throw new IllegalArgumentException(
          "data request name longer than " + MAX_NAME_BYTES + " bytes");
    }
    if (name.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("data request name contains control characters");
    }
    if (offset < 0) {
      throw new IllegalArgumentException("negative offset " + offset);
    }
    if (op == Op.PUT) {
      if (length < 0) {
        throw new IllegalArgumentException(
            "a PUT must announce how many bytes follow, not " + length);
      }
      if (offset != 0) {
        throw new IllegalArgumentException("a PUT writes from offset 0, not " + offset);
      }
    } else if (length < -1) {
      throw new IllegalArgumentException("bad length " + length + " (−1 means to the end)");
    } else if (length > Long.MAX_VALUE - offset) {
      throw new IllegalArgumentException("range " + offset + "+" + length + " overflows");
    }
    if (expected.isPresent() && !(op == Op.PUT && kind == Kind.BLOCK)) {
      throw new IllegalArgumentException("only a PUT of a BLOCK carries an expected block id");
    }
    if (upload.isPresent() && !(op == Op.PUT && kind == Kind.BLOCK)) {
      throw new IllegalArgumentException("only a PUT of a BLOCK carries an upload");
    }
    if (kind == Kind.BLOCK) {
      if (op == Op.PUT && !name.isEmpty()) {
        throw new IllegalArgumentException(
            "a PUT of a BLOCK has no name (the node names the block by its hash); "
                + "pass the id as 'expected' to have it checked");
      }
      if (op == Op.GET) {
        new BlockId(name); // throws a clear message if it is not one
      }
    } else if (name.isEmpty()) {
      throw new IllegalArgumentException("a TOKEN request needs the token as its name");
    }
  }

  /** Store {@code length} bytes as a block, whatever their hash. */
  public static DataRequest putBlock(long length) {
    return putBlock(length, Optional.empty());
  }

  /** Store {@code length} bytes as a block, checked against {@code expected} if present. */
  public static DataRequest putBlock(long length, Optional<BlockId> expected) {
    return putBlock(length, expected, OptionalLong.empty());
  }

  /**
   * Store {@code length} bytes as a block, checked against {@code expected} if present, written by
   * {@code upload} if present.
   */
  public static DataRequest putBlock(long length, Optional<BlockId> expected, OptionalLong upload) {
    return new DataRequest(Op.PUT, Kind.BLOCK, "", 0, length, expected, upload);
  }

  /** Read {@code length} bytes (−1: to the end) of block {@code id} from {@code offset}. */
  public static DataRequest getBlock(BlockId id, long offset, long length) {
    return new DataRequest(
        Op.GET, Kind.BLOCK, id.hex(), offset, length, Optional.empty(), OptionalLong.empty());
  }

  /** Write the {@code length} bytes of the file accepted under {@code token}. */
  public static DataRequest putFile(String token, long length) {
    return new DataRequest(
        Op.PUT, Kind.TOKEN, token, 0, length, Optional.empty(), OptionalLong.empty());
  }

  /** Read the whole file offered under {@code token}. */
  public static DataRequest getFile(String token) {
    return getFile(token, 0, -1);
  }

  /**
   * Read {@code length} bytes (−1: to the end) from {@code offset} of the file offered as {@code
   * token}.
   */
  public static DataRequest getFile(String token, long offset, long length) {
    return new DataRequest(
        Op.GET, Kind.TOKEN, token, offset, length, Optional.empty(), OptionalLong.empty());
  }

  /** The block a GET of a BLOCK names. */
  public BlockId blockId() {
    if (kind != Kind.BLOCK || op != Op.GET) {
      throw new IllegalStateException("only a GET of a BLOCK names a block");
    }
    return new BlockId(name);
  }

  /** Where this request goes on the channel at {@code at}: see the class comment. */
  Uri uri(DataAddress at) {
    Uri channel = Uri.create("").scheme("http").host(at.host()).port(at.port());
    if (kind == Kind.TOKEN) {
      return channel.addPathSegment(FILES);
    }
    Uri blocks = channel.addPathSegment(BLOCKS);
    if (op == Op.GET) {
      return blocks.addPathSegment(name);
    }
    return expected.map(id -> blocks.addPathSegment(id.hex())).orElse(blocks);
  }

  /** The header that carries a TOKEN request's token. */
  static final String TOKEN_HEADER = "X-Jewel-Token";

  /** The header that carries a block PUT's upload id, in decimal. */
  static final String UPLOAD_HEADER = "X-Jewel-Upload";

  /** The request to send to the channel at {@code at}: method, path and headers. */
  /** Parsed, so that Pekko's client models it and holds the body back until "100 Continue". */
  private static final HttpHeader EXPECT_CONTINUE = HttpHeader.parse("Expect", "100-continue");

  HttpRequest http(DataAddress at) {
    HttpRequest request =
        (op == Op.PUT ? HttpRequest.PUT(uri(at).toString()) : HttpRequest.GET(uri(at).toString()));
    if (kind == Kind.TOKEN) {
      request = request.addHeader(RawHeader.create(TOKEN_HEADER, name));
    }
    if (upload.isPresent()) {
      request =
          request.addHeader(RawHeader.create(UPLOAD_HEADER, Long.toString(upload.getAsLong())));
    }
    if (op == Op.PUT && length > 0) {
      // The body waits for the channel's "100 Continue": a PUT refused before its first byte
      // (an unknown token, a full disk) is answered while the client has sent nothing, so the
      // refusal cannot be lost to a connection closed under a body still being sent.
      request = request.addHeader(EXPECT_CONTINUE);
    }
    Optional<String> range = range();
    return range.isPresent() ? request.addHeader(RawHeader.create("Range", range.get())) : request;
  }

  /**
   * The {@code Range} header value of a GET: empty for a whole file or block, {@code bytes=A-B} for
   * {@code length} bytes, {@code bytes=A-} to the end. A GET of 0 bytes has no HTTP form (a byte
   * range holds at least one byte): the client does not send it.
   */
  Optional<String> range() {
    if (op != Op.GET || (offset == 0 && length < 0)) {
      return Optional.empty();
    }
    if (length == 0) {
      throw new IllegalStateException("a GET of 0 bytes has no Range header");
    }
    return Optional.of("bytes=" + offset + "-" + (length < 0 ? "" : offset + length - 1));
  }

  /**
   * The GET a channel received: {@code kind} and {@code name} from its path, offset and length from
   * its {@code Range} header (as {@link #range()} writes it), if any.
   *
   * @throws DataException with one line saying what is wrong with it
   */
  static DataRequest get(Kind kind, String name, Optional<String> range) {
    if (range.isEmpty()) {
      return checked(() -> new DataRequest(Op.GET, kind, name, 0, -1, Optional.empty(), NONE));
    }
    Matcher m = RANGE.matcher(range.get().strip());
    if (!m.matches()) {
      throw new DataException(
          "bad Range header '" + range.get() + "': use bytes=START-END or bytes=START-");
    }
    long offset = Long.parseLong(m.group(1));
    long last = m.group(2).isEmpty() ? -1 : Long.parseLong(m.group(2));
    if (last >= 0 && last < offset) {
      throw new DataException("bad Range header '" + range.get() + "': END is before START");
    }
    long length = last < 0 ? -1 : last - offset + 1;
    return checked(
        () -> new DataRequest(Op.GET, kind, name, offset, length, Optional.empty(), NONE));
  }

  private static final OptionalLong NONE = OptionalLong.empty();

  /** The PUT a channel received, without an upload: {@code length} is its Content-Length. */
  static DataRequest put(Kind kind, String name, long length) {
    return put(kind, name, length, Optional.empty());
  }

  /**
   * The PUT a channel received: {@code length} is its Content-Length, {@code upload} its {@code
   * X-Jewel-Upload} header, if any.
   *
   * @throws DataException with one line saying what is wrong with it
   */
  static DataRequest put(Kind kind, String name, long length, Optional<String> upload) {
    OptionalLong uploadId = upload.isEmpty() ? NONE : OptionalLong.of(uploadId(upload.get()));
    return checked(
        () ->
            kind == Kind.TOKEN
                ? new DataRequest(Op.PUT, kind, name, 0, length, Optional.empty(), uploadId)
                : putBlock(
                    length,
                    name.isEmpty() ? Optional.empty() : Optional.of(new BlockId(name)),
                    uploadId));
  }

  private static long uploadId(String header) {
    try {
      return Long.parseLong(header.strip());
    } catch (NumberFormatException e) {
      throw new DataException(
          "bad " + UPLOAD_HEADER + " header '" + header + "': give the upload id in decimal");
    }
  }

  private static DataRequest checked(Supplier<DataRequest> request) {
    try {
      return request.get();
    } catch (IllegalArgumentException e) {
      throw new DataException("bad data request: " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return op
        + " "
        + kind
        + (name.isEmpty() ? "" : " " + (kind == Kind.TOKEN ? "token" : name))
        + (offset != 0 ? " @" + offset : "")
        + " length "
        + length
        + expected.map(id -> " expecting " + id.shortHex()).orElse("")
        + (upload.isPresent() ? " for upload " + upload.getAsLong() : "");
  }
}
