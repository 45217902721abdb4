package jewel.protocol.data;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;

/**
 * What a node serves on its {@link DataChannel}. Called once per request, on a stream thread:
 * return quickly and do the I/O inside the returned streams.
 */
public interface DataHandler {

  /**
   * A sink for the {@code request.length()} bytes of a PUT. The channel feeds it exactly that many
   * bytes and completes it, or fails it if the client goes away early. Its value is the result
   * string the client receives (the stored block's id in hex, say); if it fails, the client
   * receives the failure's message instead.
   *
   * @throws DataException (or another exception with a clear message) to refuse the request
   */
  Sink<ByteString, CompletionStage<String>> openWrite(DataRequest request) throws DataException;

  /**
   * The bytes a GET asks for, and how many there are (the client is told before they flow).
   *
   * @throws DataException (or another exception with a clear message) to refuse the request
   */
  ReadResult openRead(DataRequest request) throws DataException;
}
