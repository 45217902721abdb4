package jewel.codec;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The split-nibble kernel (see {@link NibbleCoder}) on 512-bit vectors of the incubating Vector
 * API; only ever loaded reflectively, through {@link GfKernels}, once the module is known to be
 * present. The loops are the same in every width's class; they are repeated because the species
 * must be a {@code static final} constant of the class that holds the loop.
 *
 * <p>The width for x86 with AVX-512 VBMI, where a 64-byte {@code rearrange} is one {@code vpermb};
 * without VBMI C2 has no single instruction for it, so {@link GfKernels} picks this width only when
 * the CPU reports {@code avx512vbmi}.
 *
 * <p>Loop order: one vector-wide column of byte positions at a time; inside it, every input vector
 * is loaded once, split into its nibbles once, and folded into up to four output accumulators held
 * in registers; each accumulator is stored once per column. The high nibble comes from shifting the
 * vector viewed as ints right by 4 and masking with 0x0F (faster than shifting bytes on JDK 17).
 * Each nibble vector is turned into a shuffle once and used for every output: that is {@code
 * selectFrom} with the conversion hoisted, which also kept the four-output loop under C2's inlining
 * node budget (a first version with {@code selectFrom} per output and the first input peeled out of
 * the loop hit that budget and ran at a tenth of the speed). On JDK 17 a shuffle index of 16 or
 * more would pick a lane outside the 16-entry table, hence the masks with 0x0F.
 */
final class Vector512GfKernel implements GfKernel {

  static final VectorSpecies<Byte> SPECIES = ByteVector.SPECIES_512;
  static final int WIDTH = SPECIES.length();

  @Override
  public String name() {
    return "vector-512";
  }

  @Override
  public MatrixCoder prepare(byte[] matrix, int rows, int cols) {
    return new Coder(matrix, rows, cols);
  }

  static final class Coder extends NibbleCoder {

    Coder(byte[] matrix, int rows, int cols) {
      super(matrix, rows, cols, WIDTH);
    }

    private static ByteVector low(ByteVector x) {
      return x.and((byte) 0x0F);
    }

    private static ByteVector high(ByteVector x) {
      return x.reinterpretAsInts()
          .lanewise(VectorOperators.LSHR, 4)
          .reinterpretAsBytes()
          .and((byte) 0x0F);
    }

    /** c·x for the coefficient whose tables start at {@code at}, given x's nibbles as shuffles. */
    private static ByteVector product(
        byte[] t, int at, VectorShuffle<Byte> lo, VectorShuffle<Byte> hi) {
      return ByteVector.fromArray(SPECIES, t, at)
          .rearrange(lo)
          .lanewise(VectorOperators.XOR, ByteVector.fromArray(SPECIES, t, at + 16).rearrange(hi));
    }

    @Override
    void code4(byte[][] in, byte[] o0, byte[] o1, byte[] o2, byte[] o3, int r0, int from, int to) {
      final byte[] t = tables;
      final int n = cols;
      final int stride = rows << 5;
      final ByteVector zero = ByteVector.zero(SPECIES);
      int p = from;
      // Deliberately unrolled by hand: two adjacent columns per pass, so that every table vector
      // loaded serves both (measured about 15% faster than one column per pass).
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
          a0 =
              a0.lanewise(VectorOperators.XOR, tl.rearrange(xl))
                  .lanewise(VectorOperators.XOR, th.rearrange(xh));
          b0 =
              b0.lanewise(VectorOperators.XOR, tl.rearrange(yl))
                  .lanewise(VectorOperators.XOR, th.rearrange(yh));
          tl = ByteVector.fromArray(SPECIES, t, at + 32);
          th = ByteVector.fromArray(SPECIES, t, at + 48);
          a1 =
              a1.lanewise(VectorOperators.XOR, tl.rearrange(xl))
                  .lanewise(VectorOperators.XOR, th.rearrange(xh));
          b1 =
              b1.lanewise(VectorOperators.XOR, tl.rearrange(yl))
                  .lanewise(VectorOperators.XOR, th.rearrange(yh));
          tl = ByteVector.fromArray(SPECIES, t, at + 64);
          th = ByteVector.fromArray(SPECIES, t, at + 80);
          a2 =
              a2.lanewise(VectorOperators.XOR, tl.rearrange(xl))
                  .lanewise(VectorOperators.XOR, th.rearrange(xh));
          b2 =
              b2.lanewise(VectorOperators.XOR, tl.rearrange(yl))
                  .lanewise(VectorOperators.XOR, th.rearrange(yh));
          tl = ByteVector.fromArray(SPECIES, t, at + 96);
          th = ByteVector.fromArray(SPECIES, t, at + 112);
          a3 =
              a3.lanewise(VectorOperators.XOR, tl.rearrange(xl))
                  .lanewise(VectorOperators.XOR, th.rearrange(xh));
          b3 =
              b3.lanewise(VectorOperators.XOR, tl.rearrange(yl))
                  .lanewise(VectorOperators.XOR, th.rearrange(yh));
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

    @Override
    void code3(byte[][] in, byte[] o0, byte[] o1, byte[] o2, int r0, int from, int to) {
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

    @Override
    void code2(byte[][] in, byte[] o0, byte[] o1, int r0, int from, int to) {
      final byte[] t = tables;
      final int n = cols;
      final int stride = rows << 5;
      final ByteVector zero = ByteVector.zero(SPECIES);
      int p = from;
      // Deliberately unrolled by hand: two adjacent columns per pass, so that every table vector
      // loaded serves both (measured about 15% faster than one column per pass).
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
          a0 =
              a0.lanewise(VectorOperators.XOR, tl.rearrange(xl))
                  .lanewise(VectorOperators.XOR, th.rearrange(xh));
          b0 =
              b0.lanewise(VectorOperators.XOR, tl.rearrange(yl))
                  .lanewise(VectorOperators.XOR, th.rearrange(yh));
          tl = ByteVector.fromArray(SPECIES, t, at + 32);
          th = ByteVector.fromArray(SPECIES, t, at + 48);
          a1 =
              a1.lanewise(VectorOperators.XOR, tl.rearrange(xl))
                  .lanewise(VectorOperators.XOR, th.rearrange(xh));
          b1 =
              b1.lanewise(VectorOperators.XOR, tl.rearrange(yl))
                  .lanewise(VectorOperators.XOR, th.rearrange(yh));
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

    @Override
    void code1(byte[][] in, byte[] o0, int r0, int from, int to) {
      final byte[] t = tables;
      final int n = cols;
      final int stride = rows << 5;
      final ByteVector zero = ByteVector.zero(SPECIES);
      for (int p = from; p < to; p += WIDTH) {
        ByteVector a0 = zero;
        for (int c = 0, at = r0 << 5; c < n; c++, at += stride) {
          ByteVector x = ByteVector.fromArray(SPECIES, in[c], p);
          a0 =
              a0.lanewise(
                  VectorOperators.XOR, product(t, at, low(x).toShuffle(), high(x).toShuffle()));
        }
        a0.intoArray(o0, p);
      }
    }
  }
}
