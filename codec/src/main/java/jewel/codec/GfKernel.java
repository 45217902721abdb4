package jewel.codec;

/**
 * A way to multiply a fixed GF(2^8) matrix by byte shards. The scalar kernel runs on any JVM; the
 * vector kernels ({@code Vector128GfKernel}, {@code Vector512GfKernel}) need the {@code
 * jdk.incubator.vector} module and are only ever loaded through {@link GfKernels}, so nothing here
 * touches a Vector API class.
 */
interface GfKernel {

  /** A short name for logs and benchmarks, e.g. {@code scalar} or {@code vector-512}. */
  String name();

  /**
   * Prepares multiplication by a matrix of {@code rows} outputs × {@code cols} inputs, given
   * row-major (element [r][c] at {@code matrix[r * cols + c]}). The result is immutable and
   * thread-safe.
   */
  MatrixCoder prepare(byte[] matrix, int rows, int cols);

  /** A prepared matrix. */
  interface MatrixCoder {

    int rows();

    int cols();

    /**
     * For every row r: {@code outputs[r][offset, offset + length)} = the field sum over c of
     * matrix[r][c] · {@code inputs[c][offset, offset + length)}. Outputs must not alias inputs.
     */
    void code(byte[][] inputs, byte[][] outputs, int offset, int length);
  }
}
