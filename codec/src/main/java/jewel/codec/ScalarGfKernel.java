package jewel.codec;

/**
 * The portable kernel: one 256-entry product row per coefficient out of a flat 64 KiB table,
 * outputs outside, inputs inside, and the bytes cut into blocks that stay in the L1 cache while
 * every input is folded into one output. About as fast as Backblaze's best table loop; C2 does not
 * vectorise the table lookups, which is why the vector kernels exist.
 */
final class ScalarGfKernel implements GfKernel {

  static final ScalarGfKernel INSTANCE = new ScalarGfKernel();

  /** Bytes per block: one output block plus the matching input block fit L1 comfortably. */
  private static final int BLOCK = 4096;

  private ScalarGfKernel() {}

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public MatrixCoder prepare(byte[] matrix, int rows, int cols) {
    if (matrix.length != rows * cols) {
      throw new IllegalArgumentException(
          "matrix has " + matrix.length + " elements, expected " + rows * cols);
    }
    return new Coder(matrix.clone(), rows, cols);
  }

  static final class Coder implements MatrixCoder {
    private final byte[] matrix;
    private final int rows;
    private final int cols;

    Coder(byte[] matrix, int rows, int cols) {
      this.matrix = matrix;
      this.rows = rows;
      this.cols = cols;
    }

    @Override
    public int rows() {
      return rows;
    }

    @Override
    public int cols() {
      return cols;
    }

    @Override
    public void code(byte[][] inputs, byte[][] outputs, int offset, int length) {
      int end = offset + length;
      for (int from = offset; from < end; from += BLOCK) {
        int to = Math.min(end, from + BLOCK);
        for (int r = 0; r < rows; r++) {
          codeRow(inputs, outputs[r], r * cols, from, to);
        }
      }
    }

    private void codeRow(byte[][] inputs, byte[] out, int rowBase, int from, int to) {
      final byte[] mul = GaloisField.MUL;
      if (cols == 0) {
        java.util.Arrays.fill(out, from, to, (byte) 0);
        return;
      }
      {
        byte[] in = inputs[0];
        int base = (matrix[rowBase] & 0xFF) << 8;
        for (int p = from; p < to; p++) {
          out[p] = mul[base | (in[p] & 0xFF)];
        }
      }
      for (int c = 1; c < cols; c++) {
        byte[] in = inputs[c];
        int coefficient = matrix[rowBase + c] & 0xFF;
        if (coefficient == 0) {
          continue;
        }
        if (coefficient == 1) {
          for (int p = from; p < to; p++) {
            out[p] ^= in[p];
          }
          continue;
        }
        int base = coefficient << 8;
        for (int p = from; p < to; p++) {
          out[p] ^= mul[base | (in[p] & 0xFF)];
        }
      }
    }
  }
}
