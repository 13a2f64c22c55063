package io.hashwatch.bitcoin;

/**
 * Hashprice (Luxor Hashrate Index definition): the expected revenue of 1 PH/s for one day, difficulty-based, as
 * FPPS pools pay it.
 */
public final class Hashprice {
    private static final double TWO_32 = 4294967296.0;
    private static final double SECONDS_PER_DAY = 86_400;
    private static final double HASHES_PER_PH = 1e15;

    private Hashprice() {
    }

    /**
     * BTC per PH/s per day = (subsidy + fees) * 86,400 * 10^15 / (difficulty * 2^32).
     *
     * @param rewardSat  subsidy plus average fees per block, in satoshis
     * @param difficulty Core's difficulty of the block
     */
    public static double btcPerPhDay(double rewardSat, double difficulty) {
        return rewardSat / Subsidy.SAT_PER_BTC * SECONDS_PER_DAY * HASHES_PER_PH / (difficulty * TWO_32);
    }

    /** Hashvalue in satoshis per TH/s per day: BTC/PH/day * 10^8 / 1000. */
    public static double satsPerThDay(double btcPerPhDay) {
        return btcPerPhDay * Subsidy.SAT_PER_BTC / 1000;
    }
}
