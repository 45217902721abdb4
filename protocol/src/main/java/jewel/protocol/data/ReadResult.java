package jewel.protocol.data;

import java.util.Objects;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * What a {@link DataHandler} serves for a GET: exactly {@code length} bytes from {@code bytes}. The
 * source is materialized once, when the answer is sent, after its status and length. If it fails,
 * ends early or runs long, all the channel can do is abort the connection: the client reports a
 * short read (see {@link DataChannel}), never the source's message.
 */
public record ReadResult(long length, Source<ByteString, ?> bytes) {
  public ReadResult {
    if (length < 0) {
      throw new IllegalArgumentException("negative length " + length);
    }
    Objects.requireNonNull(bytes, "bytes");
  }
}
