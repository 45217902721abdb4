package jewel.node.s3;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.util.ByteString;

/**
 * Encodes a body as aws-chunked, as an SDK does, for the decoder's tests: signed chunks chained
 * from a seed signature (or unsigned ones), then an optional checksum trailer, signed or not.
 */
final class AwsChunked {
  /** The encoded body and the signatures of its chunks, then of its trailer, in order. */
  record Encoded(ByteString body, List<String> signatures) {}

  private AwsChunked() {}

  static Encoded encode(
      byte[] data,
      int chunkSize,
      SigV4.SigningKey key,
      String seedSignature,
      ChecksumAlgorithm trailer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> signatures = new ArrayList<>();
    String previous = seedSignature;
    for (int offset = 0; ; offset += chunkSize) {
      byte[] chunk =
          Arrays.copyOfRange(
              data, Math.min(data.length, offset), Math.min(data.length, offset + chunkSize));
      String header = Integer.toHexString(chunk.length);
      if (key != null) {
        previous = key.signChunk(previous, SigV4.sha256Hex(chunk));
        signatures.add(previous);
        header += ";chunk-signature=" + previous;
      }
      out.writeBytes((header + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(chunk);
      if (chunk.length == 0) {
        break;
      }
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    if (trailer != null) {
      ChecksumAlgorithm.Hasher hasher = trailer.hasher();
      hasher.update(ByteBuffer.wrap(data));
      String line = trailer.header() + ":" + hasher.base64();
      out.writeBytes((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
      if (key != null) {
        previous = key.signTrailer(previous, line + "\n");
        signatures.add(previous);
        out.writeBytes(
            ("x-amz-trailer-signature:" + previous + "\r\n").getBytes(StandardCharsets.US_ASCII));
      }
    }
    out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    return new Encoded(ByteString.fromArray(out.toByteArray()), signatures);
  }
}
