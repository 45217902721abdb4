package jewel.codec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Chooses the kernel once per JVM, from the system property {@value #KERNEL_PROPERTY}:
 *
 * <ul>
 *   <li>{@code auto} (the default): the widest vector kernel that does one table lookup in one
 *       instruction here (see {@link #autoBits}), or the scalar kernel when the {@code
 *       jdk.incubator.vector} module is absent (java started without {@code --add-modules
 *       jdk.incubator.vector});
 *   <li>{@code scalar}: the portable kernel;
 *   <li>{@code 128}, {@code 512}: that vector width, to test or measure it on any machine whose JVM
 *       has vectors that wide; codecs then fail with {@link IllegalStateException} rather than fall
 *       back, so a benchmark never reports another kernel than the one asked for.
 * </ul>
 *
 * The vector kernels are loaded reflectively (through {@code VectorKernels}), so on a JVM without
 * the module no Vector API class is ever touched.
 */
final class GfKernels {

  /** Read once, at the first codec that uses the default kernel. */
  static final String KERNEL_PROPERTY = "jewel.codec.kernel";

  static final String AUTO = "auto";
  static final String SCALAR = "scalar";
  static final List<Integer> VECTOR_BITS = List.of(128, 512);

  private static final String MODULE = "jdk.incubator.vector";
  private static final String VECTOR_CLASS = "jewel.codec.VectorKernels";

  private GfKernels() {}

  static GfKernel scalar() {
    return ScalarGfKernel.INSTANCE;
  }

  /** Whether a vector kernel can run on this JVM (regardless of the system property). */
  static boolean vectorAvailable() {
    return VectorHolder.WHY_NOT == null;
  }

  /**
   * The vector widths, in bits, that this JVM compiles to vector instructions: the ones worth
   * testing here.
   */
  static List<Integer> vectorWidths() {
    List<Integer> widths = new ArrayList<>();
    for (int bits : VECTOR_BITS) {
      if (bits <= VectorHolder.MAX_BITS) {
        widths.add(bits);
      }
    }
    return widths;
  }

  /**
   * The vector kernel {@code auto} picks; throws {@link UnsupportedOperationException} when none
   * can run here.
   */
  static GfKernel vector() {
    checkVectorAvailable();
    return vector(autoBits(VectorHolder.MAX_BITS, cpuFlags()));
  }

  /**
   * The vector kernel of the given width; throws {@link UnsupportedOperationException} when it
   * cannot run here.
   */
  static GfKernel vector(int bits) {
    if (!VECTOR_BITS.contains(bits)) {
      throw new IllegalArgumentException(
          "no vector kernel of " + bits + " bits: there are " + VECTOR_BITS);
    }
    checkVectorAvailable();
    if (bits > VectorHolder.MAX_BITS) {
      throw new UnsupportedOperationException(
          "the "
              + bits
              + "-bit vector kernel cannot run on this JVM: its"
              + " vectors hold at most "
              + VectorHolder.MAX_BITS
              + " bits");
    }
    try {
      return (GfKernel)
          Class.forName(VECTOR_CLASS).getDeclaredMethod("kernel", int.class).invoke(null, bits);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("could not create the " + bits + "-bit vector kernel", e);
    }
  }

  private static void checkVectorAvailable() {
    if (!vectorAvailable()) {
      throw new UnsupportedOperationException(
          "the vector Reed-Solomon kernel is not available on this JVM: " + VectorHolder.WHY_NOT);
    }
  }

  /**
   * The width {@code auto} picks, given the widest vector the JIT uses ({@code maxBits}) and the
   * CPU's feature flags. A lookup in a 16-entry table is one byte shuffle; x86 has one across a
   * vector wider than 128 bits only with AVX-512 VBMI ({@code vpermb}), and the JIT uses it only
   * when it uses AVX-512, which shows as 512-bit vectors ({@code -XX:UseAVX=2} on such a CPU gives
   * 256-bit vectors and no VBMI although /proc/cpuinfo still lists it). Otherwise (AVX2 alone,
   * AVX-512 without VBMI) C2 emulates a wider shuffle with several instructions, so 128 bits is
   * faster. Other CPUs (NEON) are taken at 128 bits too, the width known to be one {@code tbl}.
   * Returns 0 when even 128 bits are not available.
   */
  static int autoBits(int maxBits, Set<String> cpuFlags) {
    if (maxBits < 128) {
      return 0;
    }
    return maxBits >= 512 && cpuFlags.contains("avx512vbmi") ? 512 : 128;
  }

  /** The CPU's feature flags from /proc/cpuinfo (Linux); empty where that cannot be read. */
  static Set<String> cpuFlags() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines
          .filter(l -> l.startsWith("flags"))
          .findFirst()
          .map(l -> Set.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+")))
          .orElse(Set.of());
    } catch (IOException | RuntimeException e) {
      return Set.of();
    }
  }

  /**
   * The kernel codecs use by default, as {@value #KERNEL_PROPERTY} says.
   *
   * @throws IllegalStateException if the property names a kernel that cannot run here, or no kernel
   */
  static GfKernel preferred() {
    if (DefaultHolder.KERNEL == null) {
      throw new IllegalStateException(DefaultHolder.ERROR);
    }
    return DefaultHolder.KERNEL;
  }

  /** The kernel a value of {@value #KERNEL_PROPERTY} stands for. */
  static GfKernel forProperty(String value) {
    String v = value.trim();
    if (v.equals(AUTO)) {
      return vectorAvailable() ? vector() : scalar();
    }
    if (v.equals(SCALAR)) {
      return scalar();
    }
    for (int bits : VECTOR_BITS) {
      if (v.equals(String.valueOf(bits))) {
        try {
          return vector(bits);
        } catch (UnsupportedOperationException e) {
          throw new IllegalStateException(
              "-D" + KERNEL_PROPERTY + "=" + v + ": " + e.getMessage(), e);
        }
      }
    }
    throw new IllegalStateException(
        "-D"
            + KERNEL_PROPERTY
            + "="
            + v
            + " is not a kernel: valid are "
            + AUTO
            + ", "
            + SCALAR
            + ", "
            + String.join(", ", VECTOR_BITS.stream().map(String::valueOf).toList()));
  }

  private static final class DefaultHolder {
    static final GfKernel KERNEL;
    static final String ERROR;

    static {
      GfKernel kernel = null;
      String error = null;
      try {
        kernel = forProperty(System.getProperty(KERNEL_PROPERTY, AUTO));
      } catch (IllegalStateException e) {
        error = e.getMessage();
      }
      KERNEL = kernel;
      ERROR = error;
    }
  }

  private static final class VectorHolder {
    /** The widest vector C2 compiles here, in bits; 0 without the module. */
    static final int MAX_BITS;

    /** Why no vector kernel can run, or null when one can. */
    static final String WHY_NOT;

    static {
      int maxBits = 0;
      String why = null;
      if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
        why = "module " + MODULE + " is not present (start java with --add-modules " + MODULE + ")";
      } else {
        try {
          maxBits = (Integer) Class.forName(VECTOR_CLASS).getDeclaredMethod("maxBits").invoke(null);
          if (maxBits < 128) {
            why = "this JVM's vectors hold only " + maxBits + " bits, less than one 16-entry table";
          }
        } catch (ReflectiveOperationException | LinkageError e) {
          why = "could not load " + VECTOR_CLASS + ": " + e;
        }
      }
      MAX_BITS = why == null ? maxBits : 0;
      WHY_NOT = why;
    }
  }
}
