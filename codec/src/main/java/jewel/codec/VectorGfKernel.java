package jewel.codec;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast kernel, on the incubating Vector API ({@code jdk.incubator.vector}); only ever loaded
 * reflectively by {@link GfKernels} once the module is known to be present.
 *
 * <p>Split-nibble multiplication: c·x = c·(x &amp; 0x0F) ⊕ c·(x &amp; 0xF0), so each coefficient
 * keeps two 16-byte tables (c times every low nibble, c times every high nibble) and both halves
 * of a whole vector of bytes are looked up with one byte shuffle each ({@code rearrange}).
 *
 * <p>Loop order: one vector-wide column of byte positions at a time; inside it, every input
 * vector is loaded once, split into its nibbles once, and folded into up to four output
 * accumulators held in registers; each accumulator is stored once per column. For two and four
 * outputs (decode of two shards, encode of 10 + 4) two adjacent columns are done together so that
 * every table vector loaded serves both, which measured about 15% faster. The high nibble
 * comes from shifting the vector viewed as ints right by 4 and masking with 0x0F (faster than
 * shifting bytes on JDK 17). Each nibble vector is turned into a shuffle once and used for every
 * output: that is {@code selectFrom} with the conversion hoisted, which also kept the four-output
 * loop under C2's inlining node budget (a first version with {@code selectFrom} per output and
 * the first input peeled out of the loop hit that budget and ran at a tenth of the speed). On JDK 17 a shuffle index of 16 or more would pick a
 * lane outside the 16-entry table, hence the masks with 0x0F. Bytes past the last whole vector go
 * through the scalar kernel.
 *
 * <p>Tables are flat: the 32 bytes for (input c, output r) start at {@code ((c * rows + r) << 5)},
 * and the array is padded by one vector so that a full-width load at any table start stays in
 * bounds (lanes past 15 are loaded but never selected).
 */
final class VectorGfKernel implements GfKernel {

    static final VectorSpecies<Byte> SPECIES = ByteVector.SPECIES_PREFERRED;
    static final int WIDTH = SPECIES.length();

    /** Whether this JVM's preferred species is wide enough to hold a 16-entry table. */
    static boolean usable() {
        return WIDTH >= 16;
    }

    @Override
    public String name() {
        return "vector-" + (WIDTH * 8);
    }

    @Override
    public MatrixCoder prepare(byte[] matrix, int rows, int cols) {
        if (matrix.length != rows * cols) {
            throw new IllegalArgumentException("matrix has " + matrix.length + " elements, expected " + rows * cols);
        }
        byte[] tables = new byte[rows * cols * 32 + WIDTH];
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
        return new Coder(tables, rows, cols, ScalarGfKernel.INSTANCE.prepare(matrix, rows, cols));
    }

    static final class Coder implements MatrixCoder {
        private final byte[] tables;
        private final int rows;
        private final int cols;
        private final MatrixCoder tail;

        Coder(byte[] tables, int rows, int cols, MatrixCoder tail) {
            this.tables = tables;
            this.rows = rows;
            this.cols = cols;
            this.tail = tail;
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
            int vectorBytes = cols == 0 ? 0 : length - length % WIDTH;
            int end = offset + vectorBytes;
            if (vectorBytes > 0) {
                int r = 0;
                for (; r + 4 <= rows; r += 4) {
                    code4(inputs, outputs[r], outputs[r + 1], outputs[r + 2], outputs[r + 3], r, offset, end);
                }
                switch (rows - r) {
                    case 3:
                        code3(inputs, outputs[r], outputs[r + 1], outputs[r + 2], r, offset, end);
                        break;
                    case 2:
                        code2(inputs, outputs[r], outputs[r + 1], r, offset, end);
                        break;
                    case 1:
                        code1(inputs, outputs[r], r, offset, end);
                        break;
                    default:
                        break;
                }
            }
            if (vectorBytes < length) {
                tail.code(inputs, outputs, end, length - vectorBytes);
            }
        }

        private static ByteVector low(ByteVector x) {
            return x.and((byte) 0x0F);
        }

        private static ByteVector high(ByteVector x) {
            return x.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
        }

        /** c·x for the coefficient whose tables start at {@code at}, given x's nibbles as shuffles. */
        private static ByteVector product(byte[] t, int at, VectorShuffle<Byte> lo, VectorShuffle<Byte> hi) {
            return ByteVector.fromArray(SPECIES, t, at).rearrange(lo)
                    .lanewise(VectorOperators.XOR, ByteVector.fromArray(SPECIES, t, at + 16).rearrange(hi));
        }

        private void code4(byte[][] in, byte[] o0, byte[] o1, byte[] o2, byte[] o3, int r0, int from, int to) {
            final byte[] t = tables;
            final int n = cols;
            final int stride = rows << 5;
            final ByteVector zero = ByteVector.zero(SPECIES);
            int p = from;
            for (; p + 2 * WIDTH <= to; p += 2 * WIDTH) {
                ByteVector a0 = zero;
                ByteVector a1 = zero;
                ByteVector a2 = zero;
                ByteVector a3 = zero;
                ByteVector b0 = zero;
                ByteVector b1 = zero;
                ByteVector b2 = zero;
                ByteVector b3 = zero;
                for (int c = 0, at = r0 << 5; c < n; c++, at += stride) {
                    ByteVector x = ByteVector.fromArray(SPECIES, in[c], p);
                    ByteVector y = ByteVector.fromArray(SPECIES, in[c], p + WIDTH);
                    VectorShuffle<Byte> xl = low(x).toShuffle();
                    VectorShuffle<Byte> xh = high(x).toShuffle();
                    VectorShuffle<Byte> yl = low(y).toShuffle();
                    VectorShuffle<Byte> yh = high(y).toShuffle();
                    ByteVector tl = ByteVector.fromArray(SPECIES, t, at);
                    ByteVector th = ByteVector.fromArray(SPECIES, t, at + 16);
                    a0 = a0.lanewise(VectorOperators.XOR, tl.rearrange(xl)).lanewise(VectorOperators.XOR, th.rearrange(xh));
                    b0 = b0.lanewise(VectorOperators.XOR, tl.rearrange(yl)).lanewise(VectorOperators.XOR, th.rearrange(yh));
                    tl = ByteVector.fromArray(SPECIES, t, at + 32);
                    th = ByteVector.fromArray(SPECIES, t, at + 48);
                    a1 = a1.lanewise(VectorOperators.XOR, tl.rearrange(xl)).lanewise(VectorOperators.XOR, th.rearrange(xh));
                    b1 = b1.lanewise(VectorOperators.XOR, tl.rearrange(yl)).lanewise(VectorOperators.XOR, th.rearrange(yh));
                    tl = ByteVector.fromArray(SPECIES, t, at + 64);
                    th = ByteVector.fromArray(SPECIES, t, at + 80);
                    a2 = a2.lanewise(VectorOperators.XOR, tl.rearrange(xl)).lanewise(VectorOperators.XOR, th.rearrange(xh));
                    b2 = b2.lanewise(VectorOperators.XOR, tl.rearrange(yl)).lanewise(VectorOperators.XOR, th.rearrange(yh));
                    tl = ByteVector.fromArray(SPECIES, t, at + 96);
                    th = ByteVector.fromArray(SPECIES, t, at + 112);
                    a3 = a3.lanewise(VectorOperators.XOR, tl.rearrange(xl)).lanewise(VectorOperators.XOR, th.rearrange(xh));
                    b3 = b3.lanewise(VectorOperators.XOR, tl.rearrange(yl)).lanewise(VectorOperators.XOR, th.rearrange(yh));
                }
                a0.intoArray(o0, p);
                a1.intoArray(o1, p);
                a2.intoArray(o2, p);
                a3.intoArray(o3, p);
                b0.intoArray(o0, p + WIDTH);
                b1.intoArray(o1, p + WIDTH);
                b2.intoArray(o2, p + WIDTH);
                b3.intoArray(o3, p + WIDTH);
            }
            for (; p < to; p += WIDTH) {
                ByteVector a0 = zero;
                ByteVector a1 = zero;
                ByteVector a2 = zero;
                ByteVector a3 = zero;
                for (int c = 0, at = r0 << 5; c < n; c++, at += stride) {
                    ByteVector x = ByteVector.fromArray(SPECIES, in[c], p);
                    VectorShuffle<Byte> lo = low(x).toShuffle();
                    VectorShuffle<Byte> hi = high(x).toShuffle();
                    a0 = a0.lanewise(VectorOperators.XOR, product(t, at, lo, hi));
                    a1 = a1.lanewise(VectorOperators.XOR, product(t, at + 32, lo, hi));
                    a2 = a2.lanewise(VectorOperators.XOR, product(t, at + 64, lo, hi));
                    a3 = a3.lanewise(VectorOperators.XOR, product(t, at + 96, lo, hi));
                }
                a0.intoArray(o0, p);
                a1.intoArray(o1, p);
                a2.intoArray(o2, p);
                a3.intoArray(o3, p);
            }
        }

        private void code3(byte[][] in, byte[] o0, byte[] o1, byte[] o2, int r0, int from, int to) {
            final byte[] t = tables;
            final int n = cols;
            final int stride = rows << 5;
            final ByteVector zero = ByteVector.zero(SPECIES);
            for (int p = from; p < to; p += WIDTH) {
                ByteVector a0 = zero;
                ByteVector a1 = zero;
                ByteVector a2 = zero;
                for (int c = 0, at = r0 << 5; c < n; c++, at += stride) {
                    ByteVector x = ByteVector.fromArray(SPECIES, in[c], p);
                    VectorShuffle<Byte> lo = low(x).toShuffle();
                    VectorShuffle<Byte> hi = high(x).toShuffle();
                    a0 = a0.lanewise(VectorOperators.XOR, product(t, at, lo, hi));
                    a1 = a1.lanewise(VectorOperators.XOR, product(t, at + 32, lo, hi));
                    a2 = a2.lanewise(VectorOperators.XOR, product(t, at + 64, lo, hi));
                }
                a0.intoArray(o0, p);
                a1.intoArray(o1, p);
                a2.intoArray(o2, p);
            }
        }

        private void code2(byte[][] in, byte[] o0, byte[] o1, int r0, int from, int to) {
            final byte[] t = tables;
            final int n = cols;
            final int stride = rows << 5;
            final ByteVector zero = ByteVector.zero(SPECIES);
            int p = from;
            for (; p + 2 * WIDTH <= to; p += 2 * WIDTH) {
                ByteVector a0 = zero;
                ByteVector a1 = zero;
                ByteVector b0 = zero;
                ByteVector b1 = zero;
                for (int c = 0, at = r0 << 5; c < n; c++, at += stride) {
                    ByteVector x = ByteVector.fromArray(SPECIES, in[c], p);
                    ByteVector y = ByteVector.fromArray(SPECIES, in[c], p + WIDTH);
                    VectorShuffle<Byte> xl = low(x).toShuffle();
                    VectorShuffle<Byte> xh = high(x).toShuffle();
                    VectorShuffle<Byte> yl = low(y).toShuffle();
                    VectorShuffle<Byte> yh = high(y).toShuffle();
                    ByteVector tl = ByteVector.fromArray(SPECIES, t, at);
                    ByteVector th = ByteVector.fromArray(SPECIES, t, at + 16);
                    a0 = a0.lanewise(VectorOperators.XOR, tl.rearrange(xl)).lanewise(VectorOperators.XOR, th.rearrange(xh));
                    b0 = b0.lanewise(VectorOperators.XOR, tl.rearrange(yl)).lanewise(VectorOperators.XOR, th.rearrange(yh));
                    tl = ByteVector.fromArray(SPECIES, t, at + 32);
                    th = ByteVector.fromArray(SPECIES, t, at + 48);
                    a1 = a1.lanewise(VectorOperators.XOR, tl.rearrange(xl)).lanewise(VectorOperators.XOR, th.rearrange(xh));
                    b1 = b1.lanewise(VectorOperators.XOR, tl.rearrange(yl)).lanewise(VectorOperators.XOR, th.rearrange(yh));
                }
                a0.intoArray(o0, p);
                a1.intoArray(o1, p);
                b0.intoArray(o0, p + WIDTH);
                b1.intoArray(o1, p + WIDTH);
            }
            for (; p < to; p += WIDTH) {
                ByteVector a0 = zero;
                ByteVector a1 = zero;
                for (int c = 0, at = r0 << 5; c < n; c++, at += stride) {
                    ByteVector x = ByteVector.fromArray(SPECIES, in[c], p);
                    VectorShuffle<Byte> lo = low(x).toShuffle();
                    VectorShuffle<Byte> hi = high(x).toShuffle();
                    a0 = a0.lanewise(VectorOperators.XOR, product(t, at, lo, hi));
                    a1 = a1.lanewise(VectorOperators.XOR, product(t, at + 32, lo, hi));
                }
                a0.intoArray(o0, p);
                a1.intoArray(o1, p);
            }
        }

        private void code1(byte[][] in, byte[] o0, int r0, int from, int to) {
            final byte[] t = tables;
            final int n = cols;
            final int stride = rows << 5;
            final ByteVector zero = ByteVector.zero(SPECIES);
            for (int p = from; p < to; p += WIDTH) {
                ByteVector a0 = zero;
                for (int c = 0, at = r0 << 5; c < n; c++, at += stride) {
                    ByteVector x = ByteVector.fromArray(SPECIES, in[c], p);
                    a0 = a0.lanewise(VectorOperators.XOR, product(t, at, low(x).toShuffle(), high(x).toShuffle()));
                }
                a0.intoArray(o0, p);
            }
        }
    }
}
