package io.hashwatch.bitcoin;

/** The ancestors of a header along its own branch. */
@FunctionalInterface
public interface Ancestors {
    /** What {@link #time} returns for a height outside the known history. */
    long UNKNOWN_TIME = Long.MIN_VALUE;

    /** The ancestor at {@code height}, or null when it is before the known history. */
    BlockSummary at(long height);

    /**
     * The timestamp of the ancestor at {@code height}, or {@link #UNKNOWN_TIME}. The hashrate windows read up to
     * 2016 of these per block; an implementation that keeps times in a primitive array overrides this to spare the
     * pointer chase to each summary.
     */
    default long time(long height) {
        BlockSummary b = at(height);
        return b == null ? UNKNOWN_TIME : b.time();
    }

    /**
     * How many consecutive ancestors below {@code tipHeight} have a known time, at most {@code max}: the depth a
     * window ending at {@code tipHeight} can reach into the known history.
     */
    default int knownDepth(long tipHeight, int max) {
        int depth = 0;
        while (depth < max && time(tipHeight - depth - 1) != UNKNOWN_TIME) {
            depth++;
        }
        return depth;
    }

    /**
     * Folds the timestamps of heights {@code from..to} (inclusive, all known) into {@code minMax[0]} (the least)
     * and {@code minMax[1]} (the greatest). An index that keeps the extremes of aligned runs of heights overrides
     * this to answer a 2016-block window without reading every timestamp.
     */
    default void foldTimes(long from, long to, long[] minMax) {
        for (long h = from; h <= to; h++) {
            long t = time(h);
            minMax[0] = Math.min(minMax[0], t);
            minMax[1] = Math.max(minMax[1], t);
        }
    }
}
