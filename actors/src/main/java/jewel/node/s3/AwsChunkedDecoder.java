package jewel.node.s3;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * Decodes an aws-chunked body ({@code SIZE[;chunk-signature=SIG]\r\nDATA\r\n} … a chunk of size 0,
 * then trailer lines and an empty line) into its data, in bounded memory: data bytes go downstream
 * as they arrive; only a chunk header or a trailer line (at most {@value #MAX_LINE} bytes) is held.
 *
 * <p>With a signing key, every chunk's signature is checked when its last byte has arrived, chained
 * from the request's seed signature, and so is the trailer's {@code x-amz-trailer-signature}; the
 * announced trailer checksums are computed over the data as it passes. Any refusal, a body shorter
 * or longer than {@code x-amz-decoded-content-length}, or bad framing fails the stream with an
 * {@link S3Exception} before it completes, so a store that commits only a completed stream commits
 * nothing.
 */
public final class AwsChunkedDecoder extends GraphStage<FlowShape<ByteString, ByteString>> {
  static final int MAX_LINE = 4096;
  private static final int MAX_TRAILER_LINES = 16;
  private static final String TRAILER_SIGNATURE = "x-amz-trailer-signature";

  private final SigV4.SigningKey signingKey;
  private final String seedSignature;
  private final List<ChecksumAlgorithm> trailers;
  private final long decodedLength;

  private final Inlet<ByteString> in = Inlet.create("AwsChunkedDecoder.in");
  private final Outlet<ByteString> out = Outlet.create("AwsChunkedDecoder.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);

  /**
   * @param signingKey null for {@code STREAMING-UNSIGNED-PAYLOAD-TRAILER}, whose chunks carry no
   *     signature
   * @param seedSignature the request's signature, which the first chunk's chains from
   * @param trailers the checksums announced in {@code x-amz-trailer} (empty: no trailer)
   * @param decodedLength {@code x-amz-decoded-content-length}
   */
  public AwsChunkedDecoder(
      SigV4.SigningKey signingKey,
      String seedSignature,
      List<ChecksumAlgorithm> trailers,
      long decodedLength) {
    this.signingKey = signingKey;
    this.seedSignature = seedSignature;
    this.trailers = List.copyOf(trailers);
    this.decodedLength = decodedLength;
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  private enum State {
    CHUNK_HEADER,
    DATA,
    DATA_END,
    TRAILER,
    DONE
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      private ByteString buffer = ByteString.emptyByteString();
      private State state = State.CHUNK_HEADER;
      private long remaining;
      private long decoded;
      private String previousSignature = seedSignature;
      private String chunkSignature;
      private final MessageDigest chunkDigest = SigV4.sha256();
      private final Map<ChecksumAlgorithm, ChecksumAlgorithm.Hasher> checksums =
          new LinkedHashMap<>();
      private final Map<String, String> trailerValues = new TreeMap<>();

      {
        trailers.forEach(algorithm -> checksums.put(algorithm, algorithm.hasher()));
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                buffer = buffer.concat(grab(in));
                advance();
              }

              @Override
              public void onUpstreamFinish() {
                advance();
              }
            });
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                advance();
              }
            });
      }

      /** Moves on as far as the bytes at hand and downstream's demand allow. */
      private void advance() {
        try {
          while (true) {
            switch (state) {
              case CHUNK_HEADER -> {
                String line = takeLine();
                if (line == null) {
                  awaitInput();
                  return;
                }
                chunkHeader(line);
              }
              case DATA -> {
                if (buffer.isEmpty()) {
                  awaitInput();
                  return;
                }
                if (!isAvailable(out)) {
                  return;
                }
                int n = (int) Math.min(remaining, buffer.size());
                ByteString data = buffer.take(n);
                buffer = buffer.drop(n);
                remaining -= n;
                for (ByteBuffer bytes : data.getByteBuffers()) {
                  if (signingKey != null) {
                    chunkDigest.update(bytes.duplicate());
                  }
                  checksums.values().forEach(hasher -> hasher.update(bytes.duplicate()));
                }
                if (remaining == 0) {
                  state = State.DATA_END;
                }
                push(out, data);
                return;
              }
              case DATA_END -> {
                String line = takeLine();
                if (line == null) {
                  awaitInput();
                  return;
                }
                if (!line.isEmpty()) {
                  throw malformed("a chunk's data is longer than its size says");
                }
                checkChunkSignature(SigV4.hex(chunkDigest.digest()));
                state = State.CHUNK_HEADER;
              }
              case TRAILER -> {
                String line = takeLine();
                if (line == null) {
                  awaitInput();
                  return;
                }
                if (line.isEmpty()) {
                  checkTrailer();
                  state = State.DONE;
                } else {
                  trailerLine(line);
                }
              }
              case DONE -> {
                // Read the request to its end, so that the server can answer on this connection.
                if (!buffer.isEmpty()) {
                  throw malformed("bytes follow the end of an aws-chunked body");
                }
                if (isClosed(in)) {
                  completeStage();
                } else if (!hasBeenPulled(in)) {
                  pull(in);
                }
                return;
              }
            }
          }
        } catch (S3Exception e) {
          failStage(e);
        }
      }

      private void awaitInput() {
        if (isClosed(in)) {
          throw new S3Exception(
              "IncompleteBody", 400, "The request body ended before its last aws-chunked chunk");
        }
        if (!hasBeenPulled(in)) {
          pull(in);
        }
      }

      /** The next line without its CRLF, or null when it has not all arrived yet. */
      private String takeLine() {
        int limit = Math.min(buffer.size(), MAX_LINE + 2);
        for (int i = 0; i + 1 < limit; i++) {
          if (buffer.apply(i) == '\r' && buffer.apply(i + 1) == '\n') {
            String line = buffer.take(i).decodeString(StandardCharsets.UTF_8);
            buffer = buffer.drop(i + 2);
            return line;
          }
        }
        if (buffer.size() > MAX_LINE) {
          throw malformed("an aws-chunked header line is longer than " + MAX_LINE + " bytes");
        }
        return null;
      }

      private void chunkHeader(String line) {
        int semicolon = line.indexOf(';');
        String size = semicolon < 0 ? line : line.substring(0, semicolon);
        if (!size.matches("[0-9a-fA-F]{1,15}")) {
          throw malformed("bad aws-chunked chunk size: " + abbreviate(line));
        }
        remaining = Long.parseLong(size, 16);
        if (signingKey != null) {
          String extension = semicolon < 0 ? "" : line.substring(semicolon + 1);
          if (!extension.startsWith("chunk-signature=")) {
            throw malformed("an aws-chunked chunk without chunk-signature");
          }
          chunkSignature = extension.substring("chunk-signature=".length());
        }
        decoded += remaining;
        if (decoded > decodedLength) {
          throw new S3Exception(
              "IncompleteBody",
              400,
              "The aws-chunked body holds more than x-amz-decoded-content-length ("
                  + decodedLength
                  + ") bytes");
        }
        if (remaining > 0) {
          state = State.DATA;
          return;
        }
        checkChunkSignature(SigV4.EMPTY_SHA256);
        if (decoded != decodedLength) {
          throw new S3Exception(
              "IncompleteBody",
              400,
              "The aws-chunked body holds "
                  + decoded
                  + " bytes, x-amz-decoded-content-length says "
                  + decodedLength);
        }
        state = State.TRAILER;
      }

      private void checkChunkSignature(String chunkSha256Hex) {
        if (signingKey == null) {
          return;
        }
        String expected = signingKey.signChunk(previousSignature, chunkSha256Hex);
        if (!SigV4.sameSignature(expected, chunkSignature)) {
          throw new S3Exception(
              "SignatureDoesNotMatch",
              403,
              "The chunk signature we calculated does not match the one sent, after "
                  + decoded
                  + " bytes");
        }
        previousSignature = chunkSignature;
      }

      private void trailerLine(String line) {
        int colon = line.indexOf(':');
        if (colon <= 0 || trailerValues.size() >= MAX_TRAILER_LINES) {
          throw malformed("bad aws-chunked trailer line: " + abbreviate(line));
        }
        String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        trailerValues.put(name, line.substring(colon + 1).strip());
      }

      private void checkTrailer() {
        String signature = trailerValues.remove(TRAILER_SIGNATURE);
        if (trailers.isEmpty()) {
          if (!trailerValues.isEmpty() || signature != null) {
            throw malformed("an aws-chunked trailer the request did not announce in x-amz-trailer");
          }
          return;
        }
        StringBuilder canonical = new StringBuilder();
        trailerValues.forEach(
            (name, value) -> canonical.append(name).append(':').append(value).append('\n'));
        if (signingKey != null) {
          if (signature == null) {
            throw new S3Exception(
                "SignatureDoesNotMatch",
                403,
                "The aws-chunked trailer has no x-amz-trailer-signature");
          }
          String expected = signingKey.signTrailer(previousSignature, canonical.toString());
          if (!SigV4.sameSignature(expected, signature)) {
            throw new S3Exception(
                "SignatureDoesNotMatch",
                403,
                "The trailer signature we calculated does not match the one sent");
          }
        }
        for (Map.Entry<ChecksumAlgorithm, ChecksumAlgorithm.Hasher> checksum :
            checksums.entrySet()) {
          String header = checksum.getKey().header();
          String sent = trailerValues.remove(header);
          if (sent == null) {
            throw new S3Exception(
                "InvalidRequest", 400, "The aws-chunked trailer lacks the announced " + header);
          }
          if (!checksum.getValue().base64().equals(sent)) {
            throw new S3Exception(
                "BadDigest",
                400,
                "The " + header + " you specified did not match the calculated checksum");
          }
        }
        if (!trailerValues.isEmpty()) {
          throw malformed(
              "aws-chunked trailers not announced in x-amz-trailer: " + trailerValues.keySet());
        }
      }
    };
  }

  private static S3Exception malformed(String message) {
    return new S3Exception("InvalidRequest", 400, "Malformed aws-chunked body: " + message);
  }

  private static String abbreviate(String line) {
    return line.length() <= 80 ? line : line.substring(0, 80) + "…";
  }
}
