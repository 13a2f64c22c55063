package io.hashwatch.bitcoin;

/**
 * Bitcoin Core's {@code getnetworkhashps nblocks height}: chainwork gained over the window divided by the spread
 * (max - min) of the timestamps of its nblocks + 1 blocks, in Core's double arithmetic.
 */
public final class NetworkHashrate {
    public static final int BLOCKS_1D = 144;
    public static final int BLOCKS_3D = 432;
    public static final int BLOCKS_7D = 1008;
    /** Two-sided 95% normal quantile. */
    private static final double Z_975 = 1.959963984540054;

    private NetworkHashrate() {
    }

    /**
     * One window's estimate. {@code blocks} is the lookup actually used; {@code full} is false when history (or
     * the chain itself) is shorter than the nominal window. A null rate means no interval to measure over.
     */
    public record Estimate(Double hashesPerSecond, int blocks, boolean full) {
        /** Core's estimator is biased high by n/(n-1); this is the estimate times (n-1)/n. */
        public Double biasCorrected() {
            return hashesPerSecond == null || blocks < 2 ? null : hashesPerSecond * (blocks - 1) / blocks;
        }

        /**
         * Bounds of the 95% interval of the true rate. The time to n blocks is Gamma(n) distributed, so the rate
         * lies within estimate * g(p, n) / n, with the Gamma quantiles g by the Wilson-Hilferty approximation
         * (relative error below 1e-4 from n = 100 on).
         */
        public Double lower95() {
            return bound(-Z_975);
        }

        public Double upper95() {
            return bound(Z_975);
        }

        private Double bound(double z) {
            if (hashesPerSecond == null || blocks < 1) {
                return null;
            }
            double n = blocks;
            double g = n * Math.pow(1 - 1 / (9 * n) + z / (3 * Math.sqrt(n)), 3);
            return hashesPerSecond * g / n;
        }
    }

    /** Core's lookup for nblocks = -1: the blocks since the last retarget, plus the one before it. */
    public static int epochLookup(long height) {
        return (int) (height % Network.RETARGET_INTERVAL) + 1;
    }

    /**
     * Estimates for several lookups ending at {@code tip}, the nested windows folded one into the next.
     *
     * @param lookups window sizes in blocks, each >= 1
     */
    public static Estimate[] estimate(BlockSummary tip, Ancestors ancestors, int... lookups) {
        // Windows in ascending order, so that each extends the running min/max of the one before.
        int[] order = new int[lookups.length];
        for (int k = 0; k < lookups.length; k++) {
            // Insertion sort of the indices: a handful of windows, no boxing on the per-block path.
            int j = k;
            for (; j > 0 && lookups[order[j - 1]] > lookups[k]; j--) {
                order[j] = order[j - 1];
            }
            order[j] = k;
        }
        // Core caps the lookup at the tip's height (the window cannot reach before genesis); a window reaching past
        // the known history uses what is known.
        int reachable = (int) Math.min(lookups[order[order.length - 1]], tip.height());
        int known = ancestors.knownDepth(tip.height(), reachable);
        long[] minMax = {tip.time(), tip.time()};
        int folded = 0;
        Estimate[] out = new Estimate[lookups.length];
        for (int k : order) {
            int used = Math.min(lookups[k], known);
            if (used > folded) {
                // Windows are nested: each one only adds the heights below the previous one.
                ancestors.foldTimes(tip.height() - used, tip.height() - folded - 1, minMax);
                folded = used;
            }
            out[k] = window(tip, ancestors, lookups[k], used, minMax[1] - minMax[0]);
        }
        return out;
    }

    private static Estimate window(BlockSummary tip, Ancestors ancestors, int lookup, int used, long span) {
        if (used == 0) {
            return new Estimate(null, 0, false);
        }
        double rate = span == 0 ? 0.0
                : Work.coreDouble(tip.chainwork().subtract(ancestors.at(tip.height() - used).chainwork())) / span;
        return new Estimate(rate, used, used == lookup);
    }
}
