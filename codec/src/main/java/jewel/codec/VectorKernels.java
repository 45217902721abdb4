package jewel.codec;

import jdk.incubator.vector.ByteVector;

/**
 * The one door from {@link GfKernels} to the Vector API: loaded reflectively, and only once the
 * {@code jdk.incubator.vector} module is known to be present, so that no other class of the codec
 * links against it.
 */
final class VectorKernels {

  private VectorKernels() {}

  /**
   * The widest vector, in bits, that C2 compiles to instructions on this JVM (e.g. 256 with
   * -XX:UseAVX=2).
   */
  static int maxBits() {
    return ByteVector.SPECIES_PREFERRED.vectorBitSize();
  }

  /** A new kernel of the given width: 128 or 512 bits. */
  static GfKernel kernel(int bits) {
    return switch (bits) {
      case 128 -> new Vector128GfKernel();
      case 512 -> new Vector512GfKernel();
      default ->
          throw new IllegalArgumentException(
              "no vector kernel of " + bits + " bits: there are 128 and 512");
    };
  }
}
