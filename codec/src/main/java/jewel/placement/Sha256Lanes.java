package jewel.placement;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.ROR;
import static jdk.incubator.vector.VectorOperators.XOR;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Sha256#first8(int[], int[])} with one lane per block, on the JDK's incubating Vector API:
 * each lane holds a different block's midstate, all lanes share one peer's schedule, and one pass
 * of 64 rounds decides a whole vector of blocks (16 with AVX-512) for that peer.
 *
 * <p>Only used when the module {@code jdk.incubator.vector} is in the boot layer ({@link
 * #AVAILABLE}); the nested {@link Impl} is the only class that names the API, so a JVM without the
 * module never loads it and the simulator falls back to the scalar rounds (same results).
 *
 * <p>The shape of {@link Impl#below} is what this JDK (17) compiles well, found by measuring:
 * helper methods for the Σ/Ch/Maj functions are not inlined ("callee uses too much stack") and
 * vectors carried around a loop are boxed on the heap, both several times slower; so 16 rounds are
 * written out in full and the state passes through a small scratch array between the four groups of
 * 16 (a fully unrolled method is too big for the JIT).
 */
final class Sha256Lanes {
  /** Whether this JVM was started with {@code --add-modules jdk.incubator.vector}. */
  static final boolean AVAILABLE =
      ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  private Sha256Lanes() {}

  static final class Impl {
    static final VectorSpecies<Integer> S = IntVector.SPECIES_PREFERRED;
    private static final int FLIP = Integer.MIN_VALUE;

    private Impl() {}

    /** Blocks decided per call. */
    static int lanes() {
      return S.length();
    }

    /** The simulator's kernel on this API; {@code mid} is padded to a multiple of the lanes. */
    static PinSimulator.Kernel kernel(int[][] mid, int[][] kw, long[] limit) {
      return new PinSimulator.Kernel() {
        @Override
        public long count(int peer, int from, int to, int[] cnt) {
          int n = S.length();
          int[] st = new int[8 * n];
          long held = 0;
          for (int i = from; i < to; i += n) {
            VectorMask<Integer> m = below(mid, i, kw[peer], limit[peer], st);
            if (i + n > to) {
              m = m.and(S.indexInRange(i, to));
            }
            IntVector.fromArray(S, cnt, i - from).lanewise(ADD, 1, m).intoArray(cnt, i - from);
            held += m.trueCount();
          }
          return held;
        }

        @Override
        public void held(int peer, int from, int to, boolean[] out) {
          int n = S.length();
          int[] st = new int[8 * n];
          boolean[] lanes = new boolean[n];
          for (int i = from; i < to; i += n) {
            below(mid, i, kw[peer], limit[peer], st).intoArray(lanes, 0);
            System.arraycopy(lanes, 0, out, i - from, Math.min(n, to - i));
          }
        }
      };
    }

    /**
     * For the blocks {@code off .. off + lanes()} of the midstates {@code mid} (laid out
     * mid[word][block]) and one peer's final-block schedule {@code kw}: the lanes whose decision
     * value x (the digest's first 8 bytes, unsigned) is below the unsigned 64-bit {@code limit}.
     * {@code st} is scratch space of {@code 8 * lanes()} ints.
     */
    static VectorMask<Integer> below(int[][] mid, int off, int[] kw, long limit, int[] st) {
      int n = S.length();
      for (int w = 0; w < 8; w++) {
        IntVector.fromArray(S, mid[w], off).intoArray(st, w * n);
      }
      for (int t = 0; t < 64; t += 16) {
        IntVector a = IntVector.fromArray(S, st, 0);
        IntVector b = IntVector.fromArray(S, st, n);
        IntVector c = IntVector.fromArray(S, st, 2 * n);
        IntVector d = IntVector.fromArray(S, st, 3 * n);
        IntVector e = IntVector.fromArray(S, st, 4 * n);
        IntVector f = IntVector.fromArray(S, st, 5 * n);
        IntVector g = IntVector.fromArray(S, st, 6 * n);
        IntVector h = IntVector.fromArray(S, st, 7 * n);
        // Each round: T1 = h + Σ1(e) + Ch(e,f,g) + K[t] + W[t]; d += T1;
        // h = T1 + Σ0(a) + Maj(a,b,c); then the roles of the eight variables rotate by one instead
        // of moving the values.
        IntVector t1;
        t1 =
            h.add(
                    e.lanewise(ROR, 6)
                        .lanewise(XOR, e.lanewise(ROR, 11))
                        .lanewise(XOR, e.lanewise(ROR, 25)))
                .add(g.lanewise(XOR, e.and(f.lanewise(XOR, g))))
                .add(kw[t + 0]);
        d = d.add(t1);
        h =
            t1.add(
                    a.lanewise(ROR, 2)
                        .lanewise(XOR, a.lanewise(ROR, 13))
                        .lanewise(XOR, a.lanewise(ROR, 22)))
                .add(a.and(b).or(c.and(a.or(b))));
        t1 =
            g.add(
                    d.lanewise(ROR, 6)
                        .lanewise(XOR, d.lanewise(ROR, 11))
                        .lanewise(XOR, d.lanewise(ROR, 25)))
                .add(f.lanewise(XOR, d.and(e.lanewise(XOR, f))))
                .add(kw[t + 1]);
        c = c.add(t1);
        g =
            t1.add(
                    h.lanewise(ROR, 2)
                        .lanewise(XOR, h.lanewise(ROR, 13))
                        .lanewise(XOR, h.lanewise(ROR, 22)))
                .add(h.and(a).or(b.and(h.or(a))));
        t1 =
            f.add(
                    c.lanewise(ROR, 6)
                        .lanewise(XOR, c.lanewise(ROR, 11))
                        .lanewise(XOR, c.lanewise(ROR, 25)))
                .add(e.lanewise(XOR, c.and(d.lanewise(XOR, e))))
                .add(kw[t + 2]);
        b = b.add(t1);
        f =
            t1.add(
                    g.lanewise(ROR, 2)
                        .lanewise(XOR, g.lanewise(ROR, 13))
                        .lanewise(XOR, g.lanewise(ROR, 22)))
                .add(g.and(h).or(a.and(g.or(h))));
        t1 =
            e.add(
                    b.lanewise(ROR, 6)
                        .lanewise(XOR, b.lanewise(ROR, 11))
                        .lanewise(XOR, b.lanewise(ROR, 25)))
                .add(d.lanewise(XOR, b.and(c.lanewise(XOR, d))))
                .add(kw[t + 3]);
        a = a.add(t1);
        e =
            t1.add(
                    f.lanewise(ROR, 2)
                        .lanewise(XOR, f.lanewise(ROR, 13))
                        .lanewise(XOR, f.lanewise(ROR, 22)))
                .add(f.and(g).or(h.and(f.or(g))));
        t1 =
            d.add(
                    a.lanewise(ROR, 6)
                        .lanewise(XOR, a.lanewise(ROR, 11))
                        .lanewise(XOR, a.lanewise(ROR, 25)))
                .add(c.lanewise(XOR, a.and(b.lanewise(XOR, c))))
                .add(kw[t + 4]);
        h = h.add(t1);
        d =
            t1.add(
                    e.lanewise(ROR, 2)
                        .lanewise(XOR, e.lanewise(ROR, 13))
                        .lanewise(XOR, e.lanewise(ROR, 22)))
                .add(e.and(f).or(g.and(e.or(f))));
        t1 =
            c.add(
                    h.lanewise(ROR, 6)
                        .lanewise(XOR, h.lanewise(ROR, 11))
                        .lanewise(XOR, h.lanewise(ROR, 25)))
                .add(b.lanewise(XOR, h.and(a.lanewise(XOR, b))))
                .add(kw[t + 5]);
        g = g.add(t1);
        c =
            t1.add(
                    d.lanewise(ROR, 2)
                        .lanewise(XOR, d.lanewise(ROR, 13))
                        .lanewise(XOR, d.lanewise(ROR, 22)))
                .add(d.and(e).or(f.and(d.or(e))));
        t1 =
            b.add(
                    g.lanewise(ROR, 6)
                        .lanewise(XOR, g.lanewise(ROR, 11))
                        .lanewise(XOR, g.lanewise(ROR, 25)))
                .add(a.lanewise(XOR, g.and(h.lanewise(XOR, a))))
                .add(kw[t + 6]);
        f = f.add(t1);
        b =
            t1.add(
                    c.lanewise(ROR, 2)
                        .lanewise(XOR, c.lanewise(ROR, 13))
                        .lanewise(XOR, c.lanewise(ROR, 22)))
                .add(c.and(d).or(e.and(c.or(d))));
        t1 =
            a.add(
                    f.lanewise(ROR, 6)
                        .lanewise(XOR, f.lanewise(ROR, 11))
                        .lanewise(XOR, f.lanewise(ROR, 25)))
                .add(h.lanewise(XOR, f.and(g.lanewise(XOR, h))))
                .add(kw[t + 7]);
        e = e.add(t1);
        a =
            t1.add(
                    b.lanewise(ROR, 2)
                        .lanewise(XOR, b.lanewise(ROR, 13))
                        .lanewise(XOR, b.lanewise(ROR, 22)))
                .add(b.and(c).or(d.and(b.or(c))));
        t1 =
            h.add(
                    e.lanewise(ROR, 6)
                        .lanewise(XOR, e.lanewise(ROR, 11))
                        .lanewise(XOR, e.lanewise(ROR, 25)))
                .add(g.lanewise(XOR, e.and(f.lanewise(XOR, g))))
                .add(kw[t + 8]);
        d = d.add(t1);
        h =
            t1.add(
                    a.lanewise(ROR, 2)
                        .lanewise(XOR, a.lanewise(ROR, 13))
                        .lanewise(XOR, a.lanewise(ROR, 22)))
                .add(a.and(b).or(c.and(a.or(b))));
        t1 =
            g.add(
                    d.lanewise(ROR, 6)
                        .lanewise(XOR, d.lanewise(ROR, 11))
                        .lanewise(XOR, d.lanewise(ROR, 25)))
                .add(f.lanewise(XOR, d.and(e.lanewise(XOR, f))))
                .add(kw[t + 9]);
        c = c.add(t1);
        g =
            t1.add(
                    h.lanewise(ROR, 2)
                        .lanewise(XOR, h.lanewise(ROR, 13))
                        .lanewise(XOR, h.lanewise(ROR, 22)))
                .add(h.and(a).or(b.and(h.or(a))));
        t1 =
            f.add(
                    c.lanewise(ROR, 6)
                        .lanewise(XOR, c.lanewise(ROR, 11))
                        .lanewise(XOR, c.lanewise(ROR, 25)))
                .add(e.lanewise(XOR, c.and(d.lanewise(XOR, e))))
                .add(kw[t + 10]);
        b = b.add(t1);
        f =
            t1.add(
                    g.lanewise(ROR, 2)
                        .lanewise(XOR, g.lanewise(ROR, 13))
                        .lanewise(XOR, g.lanewise(ROR, 22)))
                .add(g.and(h).or(a.and(g.or(h))));
        t1 =
            e.add(
                    b.lanewise(ROR, 6)
                        .lanewise(XOR, b.lanewise(ROR, 11))
                        .lanewise(XOR, b.lanewise(ROR, 25)))
                .add(d.lanewise(XOR, b.and(c.lanewise(XOR, d))))
                .add(kw[t + 11]);
        a = a.add(t1);
        e =
            t1.add(
                    f.lanewise(ROR, 2)
                        .lanewise(XOR, f.lanewise(ROR, 13))
                        .lanewise(XOR, f.lanewise(ROR, 22)))
                .add(f.and(g).or(h.and(f.or(g))));
        t1 =
            d.add(
                    a.lanewise(ROR, 6)
                        .lanewise(XOR, a.lanewise(ROR, 11))
                        .lanewise(XOR, a.lanewise(ROR, 25)))
                .add(c.lanewise(XOR, a.and(b.lanewise(XOR, c))))
                .add(kw[t + 12]);
        h = h.add(t1);
        d =
            t1.add(
                    e.lanewise(ROR, 2)
                        .lanewise(XOR, e.lanewise(ROR, 13))
                        .lanewise(XOR, e.lanewise(ROR, 22)))
                .add(e.and(f).or(g.and(e.or(f))));
        t1 =
            c.add(
                    h.lanewise(ROR, 6)
                        .lanewise(XOR, h.lanewise(ROR, 11))
                        .lanewise(XOR, h.lanewise(ROR, 25)))
                .add(b.lanewise(XOR, h.and(a.lanewise(XOR, b))))
                .add(kw[t + 13]);
        g = g.add(t1);
        c =
            t1.add(
                    d.lanewise(ROR, 2)
                        .lanewise(XOR, d.lanewise(ROR, 13))
                        .lanewise(XOR, d.lanewise(ROR, 22)))
                .add(d.and(e).or(f.and(d.or(e))));
        t1 =
            b.add(
                    g.lanewise(ROR, 6)
                        .lanewise(XOR, g.lanewise(ROR, 11))
                        .lanewise(XOR, g.lanewise(ROR, 25)))
                .add(a.lanewise(XOR, g.and(h.lanewise(XOR, a))))
                .add(kw[t + 14]);
        f = f.add(t1);
        b =
            t1.add(
                    c.lanewise(ROR, 2)
                        .lanewise(XOR, c.lanewise(ROR, 13))
                        .lanewise(XOR, c.lanewise(ROR, 22)))
                .add(c.and(d).or(e.and(c.or(d))));
        t1 =
            a.add(
                    f.lanewise(ROR, 6)
                        .lanewise(XOR, f.lanewise(ROR, 11))
                        .lanewise(XOR, f.lanewise(ROR, 25)))
                .add(h.lanewise(XOR, f.and(g.lanewise(XOR, h))))
                .add(kw[t + 15]);
        e = e.add(t1);
        a =
            t1.add(
                    b.lanewise(ROR, 2)
                        .lanewise(XOR, b.lanewise(ROR, 13))
                        .lanewise(XOR, b.lanewise(ROR, 22)))
                .add(b.and(c).or(d.and(b.or(c))));
        a.intoArray(st, 0);
        b.intoArray(st, n);
        c.intoArray(st, 2 * n);
        d.intoArray(st, 3 * n);
        e.intoArray(st, 4 * n);
        f.intoArray(st, 5 * n);
        g.intoArray(st, 6 * n);
        h.intoArray(st, 7 * n);
      }
      // x = (hi << 32) | lo after the feed-forward; compare unsigned by flipping the sign bits.
      IntVector hi =
          IntVector.fromArray(S, st, 0)
              .add(IntVector.fromArray(S, mid[0], off))
              .lanewise(XOR, FLIP);
      IntVector lo =
          IntVector.fromArray(S, st, n)
              .add(IntVector.fromArray(S, mid[1], off))
              .lanewise(XOR, FLIP);
      int limHi = (int) (limit >>> 32) ^ FLIP;
      int limLo = (int) limit ^ FLIP;
      return hi.compare(LT, limHi).or(hi.compare(EQ, limHi).and(lo.compare(LT, limLo)));
    }
  }
}
