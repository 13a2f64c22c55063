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
}
