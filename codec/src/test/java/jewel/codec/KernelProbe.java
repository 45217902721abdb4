package jewel.codec;

import java.util.Random;

/**
 * Run in a child JVM by {@link KernelSelectionTest}: prints the default kernel's name (or {@code
 * error: } and why there is none), then "ok" if the default codec's parity equals the scalar
 * reference on random data.
 */
public final class KernelProbe {

  private KernelProbe() {}

  public static void main(String[] args) {
    ReedSolomonCodec codec;
    try {
      codec = new ReedSolomonCodec(10, 4);
    } catch (IllegalStateException e) {
      System.out.println("error: " + e.getMessage());
      return;
    }
    System.out.println(codec.kernel());
    System.out.println("vectorAvailable=" + ReedSolomonCodec.vectorAvailable());
    // 1000 bytes: whole vectors of every width and a scalar tail
    byte[][] a = TestSupport.randomShards(new Random(1), 14, 1000);
    byte[][] b = TestSupport.deepCopy(a);
    codec.encodeParity(a, 0, 1000);
    ReedSolomonCodec.scalar(10, 4).encodeParity(b, 0, 1000);
    System.out.println(java.util.Arrays.deepEquals(a, b) ? "ok" : "MISMATCH");
    if (!ReedSolomonCodec.vectorAvailable()) {
      try {
        ReedSolomonCodec.vector(10, 4);
        System.out.println("vector kernel: created although unavailable");
      } catch (UnsupportedOperationException e) {
        System.out.println("vector kernel: " + e.getMessage());
      }
    }
  }
}
