package io.hashwatch.bitcoin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link NetworkHashrate#estimate} against an independent transcription of Bitcoin Core's getnetworkhashps (rpc/
 * mining.cpp), in exact arithmetic, at every height of real header files.
 */
class HashrateWindowTest {

    /**
     * Core's GetNetworkHashPS written out: the work of blocks h-n+1..h (each floor(2^256 / (target + 1)), target
     * from the bits by mantissa * 256^(exponent - 3)), over max - min of the timestamps of blocks h-n..h.
     */
    static BigDecimal reference(HeaderRun run, long height, int n) {
        BigInteger work = BigInteger.ZERO;
        for (long b = height - n + 1; b <= height; b++) {
            long bits = run.header(b).bits();
            BigInteger target = BigInteger.valueOf(bits & 0x7fffff).shiftLeft(8 * ((int) (bits >>> 24) - 3));
            work = work.add(BigInteger.ONE.shiftLeft(256).divide(target.add(BigInteger.ONE)));
        }
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (long b = height - n; b <= height; b++) {
            min = Math.min(min, run.header(b).time());
            max = Math.max(max, run.header(b).time());
        }
        if (max == min) {
            return BigDecimal.ZERO;
        }
        return new BigDecimal(work).divide(BigDecimal.valueOf(max - min), MathContext.DECIMAL128);
    }

    /** Sliding-window version of {@link #reference}, for checking every height of a file quickly. */
    static final class Windows {
        final HeaderRun run;
        final BigInteger[] prefix;

        Windows(HeaderRun run) {
            this.run = run;
            prefix = new BigInteger[run.headers.size() + 1];
            prefix[0] = BigInteger.ZERO;
            for (int i = 0; i < run.headers.size(); i++) {
                long bits = run.headers.get(i).bits();
                BigInteger target = BigInteger.valueOf(bits & 0x7fffff).shiftLeft(8 * ((int) (bits >>> 24) - 3));
                prefix[i + 1] = prefix[i].add(BigInteger.ONE.shiftLeft(256).divide(target.add(BigInteger.ONE)));
            }
        }

        BigDecimal rate(long height, int n) {
            int hi = (int) (height - run.first);
            BigInteger work = prefix[hi + 1].subtract(prefix[hi - n + 1]);
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int i = hi - n; i <= hi; i++) {
                long t = run.headers.get(i).time();
                min = Math.min(min, t);
                max = Math.max(max, t);
            }
            return max == min ? BigDecimal.ZERO
                    : new BigDecimal(work).divide(BigDecimal.valueOf(max - min), MathContext.DECIMAL128);
        }
    }

    private static void assertClose(BigDecimal expected, Double actual, String what) {
        assertNotNull(actual, what);
        if (expected.signum() == 0) {
            assertEquals(0.0, actual, what);
            return;
        }
        double rel = new BigDecimal(actual).subtract(expected).abs().divide(expected, MathContext.DECIMAL64)
                .doubleValue();
        assertTrue(rel < 1e-12, what + ": " + actual + " vs " + expected + " (relative " + rel + ")");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mainnet_80001-100000.btcrelay.bin", "mainnet_586657-589289.dfinity.bin"})
    void everyWindowAtEveryHeightEqualsCoreGetNetworkHashPs(String file) {
        HeaderRun run = HeaderRun.load(file);
        Windows ref = new Windows(run);
        int[] fixed = {NetworkHashrate.BLOCKS_1D, NetworkHashrate.BLOCKS_3D, NetworkHashrate.BLOCKS_7D};
        int fullWindows = 0;
        int partialWindows = 0;
        for (long h = run.first; h <= run.last(); h++) {
            int epoch = NetworkHashrate.epochLookup(h);
            int[] lookups = {fixed[0], fixed[1], fixed[2], epoch};
            NetworkHashrate.Estimate[] est = NetworkHashrate.estimate(run.summary(h), run.seenBefore(h), lookups);
            assertEquals(4, est.length);
            long known = h - run.first;
            for (int k = 0; k < lookups.length; k++) {
                int n = lookups[k];
                String what = file + " n=" + n + " at " + h;
                if (known >= n) {
                    assertTrue(est[k].full(), what);
                    assertEquals(n, est[k].blocks(), what);
                    assertClose(ref.rate(h, n), est[k].hashesPerSecond(), what);
                    fullWindows++;
                } else {
                    // Short history: not full, and the value covers the blocks there are.
                    assertFalse(est[k].full(), what);
                    assertEquals(known, est[k].blocks(), what);
                    if (known == 0) {
                        assertEquals(null, est[k].hashesPerSecond(), what);
                    } else {
                        assertClose(ref.rate(h, (int) known), est[k].hashesPerSecond(), what);
                    }
                    partialWindows++;
                }
            }
        }
        assertTrue(fullWindows > 0 && partialWindows > 0);
    }

    @Test
    void slidingReferenceEqualsTheDirectTranscription() {
        HeaderRun run = HeaderRun.load("mainnet_586657-589289.dfinity.bin");
        Windows ref = new Windows(run);
        for (long h : new long[] {588_671, 588_672, 589_289}) {
            for (int n : new int[] {144, 432, 1008, NetworkHashrate.epochLookup(h)}) {
                if (h - n >= run.first) {
                    assertEquals(0, reference(run, h, n).compareTo(ref.rate(h, n)), n + " at " + h);
                }
            }
        }
    }

    @Test
    void fromGenesisTheLookupIsCappedAtTheHeight() {
        // Core: "if (lookup > pb->nHeight) lookup = pb->nHeight".
        HeaderRun run = HeaderRun.load("mainnet_0-10236.floresta.bin");
        NetworkHashrate.Estimate[] at100 = NetworkHashrate.estimate(run.summary(100), run.seenBefore(100), 144);
        assertEquals(100, at100[0].blocks());
        assertFalse(at100[0].full());
        assertClose(reference(run, 100, 100), at100[0].hashesPerSecond(), "n=144 at 100");
        NetworkHashrate.Estimate[] atGenesis = NetworkHashrate.estimate(run.summary(0), run.seenBefore(0), 144);
        assertEquals(0, atGenesis[0].blocks());
        assertEquals(null, atGenesis[0].hashesPerSecond());
        // Past the window, full.
        NetworkHashrate.Estimate[] at10000 = NetworkHashrate.estimate(run.summary(10_000), run.seenBefore(10_000),
                1008, NetworkHashrate.epochLookup(10_000));
        assertTrue(at10000[0].full() && at10000[1].full());
        assertEquals(10_000 % 2016 + 1, at10000[1].blocks());
        assertClose(reference(run, 10_000, 1008), at10000[0].hashesPerSecond(), "n=1008 at 10000");
    }

    @Test
    void coreDoubleMatchesCoreAndTheCorrectlyRoundedValue() {
        // arith_uint256_tests.cpp: (OneL << i).getdouble() == ldexp(1.0, i) for i < 255; ZeroL.getdouble() == 0.
        for (int i = 0; i < 255; i++) {
            assertEquals(Math.scalb(1.0, i), Work.coreDouble(BigInteger.ONE.shiftLeft(i)), "2^" + i);
        }
        assertEquals(0.0, Work.coreDouble(BigInteger.ZERO));
        // Exact below 2^53; within one ulp of BigInteger.doubleValue() for big values.
        assertEquals(9007199254740991.0, Work.coreDouble(BigInteger.ONE.shiftLeft(53).subtract(BigInteger.ONE)));
        Random random = new Random(7);
        for (int i = 0; i < 1000; i++) {
            BigInteger x = new BigInteger(1 + random.nextInt(256), random);
            double expected = x.doubleValue();
            assertEquals(expected, Work.coreDouble(x), Math.ulp(expected), x.toString(16));
        }
        BigInteger max = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
        assertEquals(max.doubleValue(), Work.coreDouble(max), Math.ulp(max.doubleValue()));
    }

    @Test
    void coreDoubleSumsTheLimbsInCoresOrderToTheLastBit() {
        // getdouble() transcribed limb by limb: for (i = 0; i < WIDTH; i++) { ret += fact * pn[i]; fact *= 2^32; }
        Random random = new Random(11);
        for (int i = 0; i < 5000; i++) {
            BigInteger x = new BigInteger(1 + random.nextInt(256), random);
            double ret = 0.0;
            double fact = 1.0;
            for (int limb = 0; limb < 8; limb++) {
                ret += fact * (x.shiftRight(32 * limb).longValue() & 0xffffffffL);
                fact *= 4294967296.0;
            }
            assertEquals(ret, Work.coreDouble(x), 0.0, x.toString(16));
        }
    }
}
