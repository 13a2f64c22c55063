package io.hashwatch.source.chain;

import java.time.Duration;

/**
 * Timing and depth of a {@link ChainFollower} and its source's HTTP client.
 *
 * @param pollInterval   how often the source's tip is asked for (with ZMQ: the fallback for missed notifications)
 * @param backfillBlocks on an empty headers topic, how many blocks up to the tip are published first (default
 *                       {@value #DEFAULT_BACKFILL_BLOCKS}: {@value #DEFAULT_HISTORY_DAYS} days of
 *                       {@value #BLOCKS_PER_DAY} blocks, what the yearly indicators need with a margin)
 * @param reorgDepth     how many of the last published heights are kept and compared against the source when its
 *                       chain changes; a fork deeper than this is refused as a wrong chain
 * @param backoffBase    first retry delay after a failure; the n-th consecutive failure waits about
 *                       {@code min(backoffMax, backoffBase * 2^n)}, of which the upper half is random
 * @param backoffMax     cap of the retry delay (a server's Retry-After may ask for longer, up to 10 minutes)
 * @param requestTimeout cap of one request (connect and reply)
 * @param requestSpacing least time between the starts of two requests (politeness towards public APIs)
 */
public record ChainSettings(Duration pollInterval, int backfillBlocks, int reorgDepth, Duration backoffBase,
                            Duration backoffMax, Duration requestTimeout, Duration requestSpacing) {
    /** Blocks a day at the 10-minute target: days of history become blocks so (blocks come a little faster while
     *  hashrate grows, so D days of blocks span a little less than D days). */
    public static final int BLOCKS_PER_DAY = 144;
    public static final int DEFAULT_HISTORY_DAYS = 400;
    public static final int DEFAULT_BACKFILL_BLOCKS = DEFAULT_HISTORY_DAYS * BLOCKS_PER_DAY;
    public static final int DEFAULT_REORG_DEPTH = 100;
    public static final Duration DEFAULT_BITCOIND_POLL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_BITCOIND_ZMQ_POLL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_ESPLORA_POLL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_ESPLORA_SPACING = Duration.ofMillis(250);
    /** The longest Retry-After honoured; a longer one is cut to this. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);

    public ChainSettings {
        positive("pollInterval", pollInterval);
        positive("backoffBase", backoffBase);
        positive("backoffMax", backoffMax);
        positive("requestTimeout", requestTimeout);
        if (requestSpacing == null || requestSpacing.isNegative()) {
            throw new IllegalArgumentException("requestSpacing must be >= 0, got " + requestSpacing);
        }
        if (backfillBlocks < 1) {
            throw new IllegalArgumentException("backfill blocks must be >= 1, got " + backfillBlocks);
        }
        if (reorgDepth < 1) {
            throw new IllegalArgumentException("reorg depth must be >= 1, got " + reorgDepth);
        }
        if (backoffMax.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException("backoffMax (" + backoffMax + ") must be >= backoffBase ("
                    + backoffBase + ")");
        }
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
        }
    }

    /** Bitcoin Core: poll every 10 s (60 s with ZMQ notifications), no spacing. */
    public static ChainSettings bitcoind(boolean zmq) {
        return new ChainSettings(zmq ? DEFAULT_BITCOIND_ZMQ_POLL : DEFAULT_BITCOIND_POLL, DEFAULT_BACKFILL_BLOCKS,
                DEFAULT_REORG_DEPTH, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(30),
                Duration.ZERO);
    }

    /** Esplora / mempool.space: poll every 30 s, at most 4 requests a second, 15 s per request. */
    public static ChainSettings esplora() {
        return new ChainSettings(DEFAULT_ESPLORA_POLL, DEFAULT_BACKFILL_BLOCKS, DEFAULT_REORG_DEPTH,
                Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofSeconds(15), DEFAULT_ESPLORA_SPACING);
    }

    public ChainSettings withPollInterval(Duration d) {
        return new ChainSettings(d, backfillBlocks, reorgDepth, backoffBase, backoffMax, requestTimeout,
                requestSpacing);
    }

    public ChainSettings withBackfillBlocks(int n) {
        return new ChainSettings(pollInterval, n, reorgDepth, backoffBase, backoffMax, requestTimeout,
                requestSpacing);
    }

    public ChainSettings withReorgDepth(int n) {
        return new ChainSettings(pollInterval, backfillBlocks, n, backoffBase, backoffMax, requestTimeout,
                requestSpacing);
    }

    public ChainSettings withBackoff(Duration base, Duration max) {
        return new ChainSettings(pollInterval, backfillBlocks, reorgDepth, base, max, requestTimeout, requestSpacing);
    }

    public ChainSettings withRequestTimeout(Duration d) {
        return new ChainSettings(pollInterval, backfillBlocks, reorgDepth, backoffBase, backoffMax, d,
                requestSpacing);
    }

    public ChainSettings withRequestSpacing(Duration d) {
        return new ChainSettings(pollInterval, backfillBlocks, reorgDepth, backoffBase, backoffMax, requestTimeout,
                d);
    }

    /**
     * Delay before retry {@code failures} (0 for the first retry), with "equal jitter": half of
     * {@code min(max, base * 2^failures)} fixed, the other half uniformly random ({@code random} in [0, 1)).
     */
    public long backoffMillis(int failures, double random) {
        long base = backoffBase.toMillis();
        long max = backoffMax.toMillis();
        int shift = Math.min(Math.max(failures, 0), 30);
        long exp = base > (max >> shift) ? max : Math.min(max, base << shift);
        long half = exp / 2;
        return half + (long) ((exp - half) * Math.min(Math.max(random, 0), 1));
    }
}
