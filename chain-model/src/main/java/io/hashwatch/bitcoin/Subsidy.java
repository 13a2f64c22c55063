package io.hashwatch.bitcoin;

/** Block subsidy and coin supply, exact in satoshis. */
public final class Subsidy {
    public static final long HALVING_INTERVAL = 210_000;
    public static final long INITIAL_SUBSIDY_SAT = 50L * 100_000_000L;
    public static final long SAT_PER_BTC = 100_000_000L;

    private Subsidy() {
    }

    /** Core's GetBlockSubsidy: 50 BTC halved every 210,000 blocks, 0 once the shift reaches 64. */
    public static long subsidySat(long height) {
        long halvings = height / HALVING_INTERVAL;
        return halvings >= 64 ? 0 : INITIAL_SUBSIDY_SAT >> halvings;
    }

    /** Sum of the subsidies of blocks 0..height (the genesis output counted, as supply figures usually do). */
    public static long supplySat(long height) {
        long total = 0;
        for (long era = 0; era * HALVING_INTERVAL <= height && era < 64; era++) {
            long first = era * HALVING_INTERVAL;
            long last = Math.min(height, first + HALVING_INTERVAL - 1);
            total += (last - first + 1) * (INITIAL_SUBSIDY_SAT >> era);
        }
        return total;
    }
}
