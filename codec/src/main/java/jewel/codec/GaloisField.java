package jewel.codec;

/**
 * Arithmetic in GF(2^8) with the field polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D) and generator
 * 2, plus the few matrix operations the Reed-Solomon codec needs. This is the field Backblaze's
 * JavaReedSolomon uses, so matrices built here are byte-identical to theirs.
 *
 * <p>Matrices are {@code byte[rows][cols]}; every element is an unsigned field element.
 */
final class GaloisField {

  static final int POLYNOMIAL = 0x11D;

  /** {@code LOG[x]} for x in 1..255; {@code LOG[0]} is unused. */
  private static final int[] LOG = new int[256];

  /** {@code EXP[i] = 2^i}, doubled in length so {@code EXP[LOG[a] + LOG[b]]} needs no modulo. */
  private static final byte[] EXP = new byte[510];

  /** {@code MUL[(a << 8) | b] = a·b}: the flat 64 KiB table the scalar kernel reads. */
  static final byte[] MUL = new byte[256 * 256];

  static {
    int x = 1;
    for (int i = 0; i < 255; i++) {
      EXP[i] = (byte) x;
      EXP[i + 255] = (byte) x;
      LOG[x] = i;
      x <<= 1;
      if (x >= 256) {
        x ^= POLYNOMIAL;
      }
    }
    for (int a = 0; a < 256; a++) {
      for (int b = 0; b < 256; b++) {
        MUL[(a << 8) | b] = (byte) multiply(a, b);
      }
    }
  }

  private GaloisField() {}

  static int multiply(int a, int b) {
    if (a == 0 || b == 0) {
      return 0;
    }
    return EXP[LOG[a] + LOG[b]] & 0xFF;
  }

  static int inverse(int a) {
    if (a == 0) {
      throw new ArithmeticException("0 has no inverse in GF(2^8)");
    }
    return EXP[255 - LOG[a]] & 0xFF;
  }

  /** a^n, with 0^0 = 1 (as Backblaze's {@code Galois.exp}). */
  static int power(int a, int n) {
    if (n == 0) {
      return 1;
    }
    if (a == 0) {
      return 0;
    }
    return EXP[(LOG[a] * n) % 255] & 0xFF;
  }

  /** The (rows × cols) Vandermonde matrix V[r][c] = r^c. */
  static byte[][] vandermonde(int rows, int cols) {
    byte[][] v = new byte[rows][cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        v[r][c] = (byte) power(r, c);
      }
    }
    return v;
  }

  static byte[][] multiply(byte[][] a, byte[][] b) {
    int n = a.length;
    int inner = b.length;
    int cols = inner == 0 ? 0 : b[0].length;
    byte[][] out = new byte[n][cols];
    for (int r = 0; r < n; r++) {
      if (a[r].length != inner) {
        throw new IllegalArgumentException("matrix sizes do not match");
      }
      for (int c = 0; c < cols; c++) {
        int sum = 0;
        for (int i = 0; i < inner; i++) {
          sum ^= multiply(a[r][i] & 0xFF, b[i][c] & 0xFF);
        }
        out[r][c] = (byte) sum;
      }
    }
    return out;
  }

  /**
   * The inverse of a square matrix, by Gauss-Jordan elimination; the argument is left untouched.
   */
  static byte[][] invert(byte[][] matrix) {
    int n = matrix.length;
    byte[][] work = new byte[n][2 * n];
    for (int r = 0; r < n; r++) {
      if (matrix[r].length != n) {
        throw new IllegalArgumentException("only square matrices can be inverted");
      }
      System.arraycopy(matrix[r], 0, work[r], 0, n);
      work[r][n + r] = 1;
    }
    for (int col = 0; col < n; col++) {
      if (work[col][col] == 0) {
        int swap = col + 1;
        while (swap < n && work[swap][col] == 0) {
          swap++;
        }
        if (swap == n) {
          throw new ArithmeticException("matrix is singular");
        }
        byte[] t = work[col];
        work[col] = work[swap];
        work[swap] = t;
      }
      byte[] pivotRow = work[col];
      int scale = inverse(pivotRow[col] & 0xFF);
      if (scale != 1) {
        for (int c = 0; c < 2 * n; c++) {
          pivotRow[c] = (byte) multiply(pivotRow[c] & 0xFF, scale);
        }
      }
      for (int r = 0; r < n; r++) {
        if (r == col) {
          continue;
        }
        int factor = work[r][col] & 0xFF;
        if (factor == 0) {
          continue;
        }
        byte[] row = work[r];
        int base = factor << 8;
        for (int c = 0; c < 2 * n; c++) {
          row[c] ^= MUL[base | (pivotRow[c] & 0xFF)];
        }
      }
    }
    byte[][] out = new byte[n][n];
    for (int r = 0; r < n; r++) {
      System.arraycopy(work[r], n, out[r], 0, n);
    }
    return out;
  }

  /**
   * The systematic (k + m) × k encoding matrix: the Vandermonde matrix times the inverse of its top
   * k × k block. Its first k rows are the identity; rows k..k+m-1 give the parity.
   */
  static byte[][] encodingMatrix(int k, int m) {
    byte[][] v = vandermonde(k + m, k);
    byte[][] top = new byte[k][];
    System.arraycopy(v, 0, top, 0, k);
    return multiply(v, invert(top));
  }

  /** Rows of a matrix, flattened row-major into one array. */
  static byte[] flatten(byte[][] rows, int cols) {
    byte[] flat = new byte[rows.length * cols];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, flat, r * cols, cols);
    }
    return flat;
  }
}
