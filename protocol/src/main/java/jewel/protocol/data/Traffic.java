package jewel.protocol.data;

import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * The bytes one node moved, whatever carried them (its data channel, as server and as client, and
 * its HTTP API): what {@code peers} shows and {@code /metrics} exports, and how a test shows that
 * the registry node stays off the byte path. Counted as they pass, so a transfer cut halfway counts
 * what did move.
 */
public final class Traffic {
  /** Counts nothing: for tests and tools that do not report. */
  public static final Traffic NONE = new Traffic();

  private final LongAdder received = new LongAdder();
  private final LongAdder sent = new LongAdder();

  public long received() {
    return this == NONE ? 0 : received.sum();
  }

  public long sent() {
    return this == NONE ? 0 : sent.sum();
  }

  /** Passes bytes on, counting them as received by this node. */
  public Flow<ByteString, ByteString, NotUsed> countReceived() {
    return count(received);
  }

  /** Passes bytes on, counting them as sent by this node. */
  public Flow<ByteString, ByteString, NotUsed> countSent() {
    return count(sent);
  }

  private Flow<ByteString, ByteString, NotUsed> count(LongAdder counter) {
    if (this == NONE) {
      return Flow.create();
    }
    return Flow.of(ByteString.class)
        .map(
            b -> {
              counter.add(b.size());
              return b;
            });
  }
}
