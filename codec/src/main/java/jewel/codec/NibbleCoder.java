package jewel.codec;

/**
 * What the vector kernels ({@code Vector128GfKernel}, {@code Vector256GfKernel}, {@code
 * Vector512GfKernel}) share, without touching a Vector API class: the split-nibble tables and the
 * split of a call into groups of up to four outputs. Each width's subclass holds only its hot
 * loops, because a loop's species must be a {@code static final} constant of its class for C2 on
 * JDK 17 to compile the Vector API calls to instructions instead of allocating vector objects.
 *
 * <p>Split-nibble multiplication: c·x = c·(x &amp; 0x0F) ⊕ c·(x &amp; 0xF0), so each coefficient
 * keeps two 16-byte tables (c times every low nibble, c times every high nibble) and both halves of
 * a whole vector of bytes are looked up with one byte shuffle each ({@code rearrange}).
 *
 * <p>Tables are flat: the 32 bytes for (input c, output r) start at {@code ((c * rows + r) << 5)},
 * and the array is padded by one vector so that a full-width load at any table start stays in
 * bounds (lanes past 15 are loaded but never selected). Bytes past the last whole vector go through
 * the scalar kernel.
 */
abstract class NibbleCoder implements GfKernel.MatrixCoder {

  /** The flat tables described above. */
  protected final byte[] tables;

  protected final int rows;
  protected final int cols;

  /** Bytes per vector. */
  private final int width;

  private final GfKernel.MatrixCoder tail;

  NibbleCoder(byte[] matrix, int rows, int cols, int width) {
    if (matrix.length != rows * cols) {
      throw new IllegalArgumentException(
          "matrix has " + matrix.length + " elements, expected " + rows * cols);
    }
    this.tables = tables(matrix, rows, cols, width);
    this.rows = rows;
    this.cols = cols;
    this.width = width;
    this.tail = ScalarGfKernel.INSTANCE.prepare(matrix, rows, cols);
  }

  private static byte[] tables(byte[] matrix, int rows, int cols, int width) {
    byte[] tables = new byte[rows * cols * 32 + width];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int coefficient = matrix[r * cols + c] & 0xFF;
        int at = (c * rows + r) << 5;
        for (int x = 0; x < 16; x++) {
          tables[at + x] = (byte) GaloisField.multiply(coefficient, x);
          tables[at + 16 + x] = (byte) GaloisField.multiply(coefficient, x << 4);
        }
      }
    }
    return tables;
  }

  @Override
  public final int rows() {
    return rows;
  }

  @Override
  public final int cols() {
    return cols;
  }

  @Override
  public final void code(byte[][] inputs, byte[][] outputs, int offset, int length) {
    int vectorBytes = cols == 0 ? 0 : length - length % width;
    int end = offset + vectorBytes;
    if (vectorBytes > 0) {
      int r = 0;
      for (; r + 4 <= rows; r += 4) {
        code4(inputs, outputs[r], outputs[r + 1], outputs[r + 2], outputs[r + 3], r, offset, end);
      }
      switch (rows - r) {
        case 3 -> code3(inputs, outputs[r], outputs[r + 1], outputs[r + 2], r, offset, end);
        case 2 -> code2(inputs, outputs[r], outputs[r + 1], r, offset, end);
        case 1 -> code1(inputs, outputs[r], r, offset, end);
        default -> {}
      }
    }
    if (vectorBytes < length) {
      tail.code(inputs, outputs, end, length - vectorBytes);
    }
  }

  /** Outputs r0..r0+3 over bytes [from, to), a whole number of vectors. */
  abstract void code4(
      byte[][] in, byte[] o0, byte[] o1, byte[] o2, byte[] o3, int r0, int from, int to);

  abstract void code3(byte[][] in, byte[] o0, byte[] o1, byte[] o2, int r0, int from, int to);

  abstract void code2(byte[][] in, byte[] o0, byte[] o1, int r0, int from, int to);

  abstract void code1(byte[][] in, byte[] o0, int r0, int from, int to);
}
