package jewel.codec;

/**
 * Chooses the kernel once per JVM. The vector kernel is used when the {@code jdk.incubator.vector}
 * module is in the boot layer (run with {@code --add-modules jdk.incubator.vector}), its preferred
 * species holds at least 16 bytes, and the system property {@code jewel.codec.scalar} is not
 * {@code true}. The vector kernel class is loaded reflectively, so on a JVM without the module no
 * Vector API class is ever touched.
 */
final class GfKernels {

    /** Set to {@code true} to force the scalar kernel (read once, at first use of a codec). */
    static final String SCALAR_PROPERTY = "jewel.codec.scalar";

    private static final String VECTOR_CLASS = "jewel.codec.VectorGfKernel";

    private GfKernels() {
    }

    static GfKernel scalar() {
        return ScalarGfKernel.INSTANCE;
    }

    /** Whether the vector kernel can run on this JVM (regardless of the system property). */
    static boolean vectorAvailable() {
        return VectorHolder.KERNEL != null;
    }

    /** The vector kernel; throws {@link UnsupportedOperationException} when it cannot run here. */
    static GfKernel vector() {
        GfKernel k = VectorHolder.KERNEL;
        if (k == null) {
            throw new UnsupportedOperationException("the vector Reed-Solomon kernel is not available on this JVM: "
                    + VectorHolder.WHY_NOT);
        }
        return k;
    }

    /** The kernel codecs use by default. */
    static GfKernel preferred() {
        return DefaultHolder.KERNEL;
    }

    private static final class DefaultHolder {
        static final GfKernel KERNEL = Boolean.getBoolean(SCALAR_PROPERTY) || !vectorAvailable()
                ? scalar() : VectorHolder.KERNEL;
    }

    private static final class VectorHolder {
        static final GfKernel KERNEL;
        static final String WHY_NOT;

        static {
            GfKernel kernel = null;
            String why = null;
            if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
                why = "module jdk.incubator.vector is not present (start java with --add-modules jdk.incubator.vector)";
            } else {
                try {
                    Class<?> c = Class.forName(VECTOR_CLASS);
                    boolean usable = (Boolean) c.getDeclaredMethod("usable").invoke(null);
                    if (usable) {
                        kernel = (GfKernel) c.getDeclaredConstructor().newInstance();
                    } else {
                        why = "the preferred vector species is narrower than 16 bytes";
                    }
                } catch (ReflectiveOperationException | LinkageError e) {
                    why = "could not load " + VECTOR_CLASS + ": " + e;
                }
            }
            KERNEL = kernel;
            WHY_NOT = why;
        }
    }
}
