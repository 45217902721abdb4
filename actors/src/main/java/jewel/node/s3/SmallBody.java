package jewel.node.s3;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.StreamLimitReachedException;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Reads a small body whole, for the requests whose body the routes parse (DeleteObjects,
 * CompleteMultipartUpload XML): at most {@code maxBytes}, and when the client signed its SHA-256,
 * only if the bytes match it (XAmzContentSHA256Mismatch). Object data never comes through here.
 */
public final class SmallBody {
  private SmallBody() {}

  public static CompletionStage<ByteString> read(
      ObjectStore.Body body, int maxBytes, Materializer materializer) {
    if (body.size() > maxBytes) {
      return CompletableFuture.failedFuture(tooLarge(maxBytes));
    }
    Source<ByteString, ?> source = body.bytes();
    return source
        .limitWeighted(maxBytes, chunk -> (long) chunk.size())
        .runWith(
            Sink.<ByteString, ByteString>fold(ByteString.emptyByteString(), ByteString::concat),
            materializer)
        .handle(
            (bytes, failure) -> {
              if (failure != null) {
                Throwable cause =
                    failure instanceof CompletionException ? failure.getCause() : failure;
                if (cause instanceof StreamLimitReachedException) {
                  throw tooLarge(maxBytes);
                }
                throw cause instanceof RuntimeException runtime
                    ? runtime
                    : new CompletionException(cause);
              }
              if (body.sha256() != null
                  && !SigV4.sameSignature(body.sha256(), SigV4.sha256Hex(bytes.toArray()))) {
                throw new S3Exception(
                    "XAmzContentSHA256Mismatch",
                    400,
                    "The provided 'x-amz-content-sha256' header does not match what was computed");
              }
              return bytes;
            });
  }

  private static S3Exception tooLarge(int maxBytes) {
    return new S3Exception(
        "MaxMessageLengthExceeded", 400, "The request body is longer than " + maxBytes + " bytes");
  }
}
