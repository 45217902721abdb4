package jewel.protocol.data;

import java.util.Objects;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.stream.javadsl.Source;

/**
 * What a {@link DataHandler} serves for a GET: exactly {@code length} bytes from {@code bytes}.
 * The source is materialized once, when the answer is sent. If it fails after all the bytes (a
 * block found corrupted at the end of a full read), the client receives the failure's message; if
 * it fails or ends early, the answer is cut short and the client reports a short read.
 *
 * <p>A failure overtakes elements across an asynchronous boundary: a check that fails after the
 * last byte must sit after the source's last {@code async()} island, or the failure arrives
 * before the last bytes and looks like a short read.
 */
public record ReadResult(long length, Source<ByteString, ?> bytes) {
  public ReadResult {
    if (length < 0) {
      throw new IllegalArgumentException("negative length " + length);
    }
    Objects.requireNonNull(bytes, "bytes");
  }
}
