package io.hashwatch.bitcoin;

/**
 * The odds of a gap between blocks: a pool's run of blocks without one of its own, the network's time without any.
 * Block discovery is a Poisson process, so both are geometric / exponential tails.
 */
public final class BlockGaps {
    /** Expected hashes of a block at difficulty 1 (a block's work is about difficulty x 2^32). */
    private static final double TWO_POW_32 = 4_294_967_296.0;

    private BlockGaps() {
    }

    /** P(a pool of {@code share} finds none of {@code blocks} consecutive blocks) = (1 - share)^blocks. */
    public static double poolGapProbability(double share, long blocks) {
        if (share < 0 || share > 1 || blocks < 0) {
            throw new IllegalArgumentException("share " + share + " and blocks " + blocks + " out of range");
        }
        return Math.pow(1 - share, blocks);
    }

    /** Mean seconds between blocks at {@code hashesPerSecond} and {@code difficulty}: difficulty x 2^32 / hashrate. */
    public static double expectedIntervalSeconds(double difficulty, double hashesPerSecond) {
        return difficulty * TWO_POW_32 / hashesPerSecond;
    }

    /**
     * P(no block for {@code gapSeconds}) = exp(-gap / expected interval); 1 for a gap of zero or less (a block
     * timestamped before its parent), NaN when the hashrate is unknown.
     */
    public static double networkGapProbability(double gapSeconds, double difficulty, double hashesPerSecond) {
        if (!(hashesPerSecond > 0) || !(difficulty > 0) || Double.isNaN(gapSeconds)) {
            return Double.NaN;
        }
        return gapSeconds <= 0 ? 1 : Math.exp(-gapSeconds / expectedIntervalSeconds(difficulty, hashesPerSecond));
    }
}
