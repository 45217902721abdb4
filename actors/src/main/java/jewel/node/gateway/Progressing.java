package jewel.node.gateway;

import jewel.api.Progress;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/** Passes bytes on and tells a {@link Progress} how many went by. */
final class Progressing {
  private Progressing() {}

  static Flow<ByteString, ByteString, NotUsed> of(Progress progress, long total) {
    if (progress == Progress.NONE) {
      return Flow.create();
    }
    return Flow.<ByteString>create()
        .statefulMap(
            () -> new long[1],
            (done, bytes) -> {
              done[0] += bytes.size();
              progress.update(done[0], total);
              return org.apache.pekko.japi.Pair.create(done, bytes);
            },
            done -> java.util.Optional.empty());
  }
}
