package jewel.node.s3;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * Passes a body through unchanged while computing the checksums its request sent as {@code
 * x-amz-checksum-*} headers (botocore sends one with every upload by default), and fails the stream
 * with BadDigest instead of completing it when one does not match.
 */
public final class ChecksumVerifier extends GraphStage<FlowShape<ByteString, ByteString>> {
  private final Map<ChecksumAlgorithm, String> expected;

  private final Inlet<ByteString> in = Inlet.create("ChecksumVerifier.in");
  private final Outlet<ByteString> out = Outlet.create("ChecksumVerifier.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);

  /** {@code expected}: each algorithm's checksum as sent, in base64. */
  public ChecksumVerifier(Map<ChecksumAlgorithm, String> expected) {
    this.expected = Map.copyOf(expected);
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      private final Map<ChecksumAlgorithm, ChecksumAlgorithm.Hasher> hashers =
          new LinkedHashMap<>();

      {
        expected.keySet().forEach(algorithm -> hashers.put(algorithm, algorithm.hasher()));
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                ByteString data = grab(in);
                for (ByteBuffer bytes : data.getByteBuffers()) {
                  hashers.values().forEach(hasher -> hasher.update(bytes.duplicate()));
                }
                push(out, data);
              }

              @Override
              public void onUpstreamFinish() {
                for (Map.Entry<ChecksumAlgorithm, ChecksumAlgorithm.Hasher> hasher :
                    hashers.entrySet()) {
                  if (!hasher.getValue().base64().equals(expected.get(hasher.getKey()))) {
                    failStage(
                        new S3Exception(
                            "BadDigest",
                            400,
                            "The "
                                + hasher.getKey().header()
                                + " you specified did not match the calculated checksum"));
                    return;
                  }
                }
                completeStage();
              }
            });
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                pull(in);
              }
            });
      }
    };
  }
}
