package io.hashwatch.bitcoin;

import java.math.BigInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.commons.math3.distribution.BetaDistribution;

/**
 * The next difficulty adjustment as a distribution, beside the point {@link DifficultyProjection}.
 *
 * <p>Model: the epoch's remaining {@code m = 2015 - n} intervals (up to its last block, whose time closes the
 * consensus timespan) are exponential at a block rate {@code lambda}; the rate is known only through {@code k}
 * observed intervals spanning {@code W} seconds, so with a flat prior its posterior is Gamma(k, W). Then
 * {@code lambda W ~ Gamma(k)} and {@code lambda R ~ Gamma(m)} are independent, and the remaining time is
 * {@code R = W B / (1 - B)} with {@code B ~ Beta(m, k)}: exact, no sampling. The timespan is
 * {@code elapsed + R}; the consensus rule (x4 clamp, integer target arithmetic, compact encoding, powLimit) is
 * monotone in it, so a quantile of the change is the rule applied to the span's quantile.
 *
 * <p>The window is the epoch so far ({@code k = n}); before 504 blocks, when the previous epoch is known, it is
 * mempool.space's 504-block window reaching back, its older part scaled by the last retarget ({@code k = 504}).
 * The Beta quantiles depend only on (m, k): they are computed once per pair and kept, so a block costs the
 * consensus rule five times and one binomial tail (the incomplete beta at whole parameters).
 *
 * @param changeP05            5% quantile of the change (a ratio, like {@code projected_change})
 * @param changeP10            10% quantile
 * @param changeP50            median
 * @param changeP90            90% quantile
 * @param changeP95            95% quantile
 * @param probabilityDecrease  probability that the next difficulty is lower than the current one
 * @param windowIntervals      k, the intervals the rate was estimated from (0 at the epoch's last block)
 */
public record DifficultyForecast(double changeP05, double changeP10, double changeP50, double changeP90,
                                 double changeP95, double probabilityDecrease, int windowIntervals) {

    /** Probabilities of the published quantiles, in the order of the record's components. */
    static final double[] PROBABILITIES = {0.05, 0.10, 0.50, 0.90, 0.95};
    /** mempool.space's reach-back window early in an epoch, in intervals. */
    public static final int QUARTER_WINDOW_INTERVALS = 504;

    private static final int EPOCH = Network.RETARGET_INTERVAL;
    private static final BigInteger TIMESPAN = BigInteger.valueOf(Network.TARGET_TIMESPAN_SECONDS);
    /** Beta(m, k) quantiles of B for k = n (index n) and for k = 504 (index n): filled on first use. */
    private static final AtomicReferenceArray<double[]> EPOCH_WINDOW = new AtomicReferenceArray<>(EPOCH);
    private static final AtomicReferenceArray<double[]> QUARTER_WINDOW = new AtomicReferenceArray<>(EPOCH);
    /** The decrease threshold of the last bits asked for: constant over an epoch. */
    private static volatile Threshold lastThreshold;

    private record Threshold(Network network, long firstBits, long lastBits, long span) {
    }

    /**
     * @param network           whose retarget rule applies
     * @param blocksInEpoch     n = tip height mod 2016
     * @param firstBits         bits of the epoch's first block (BIP94 scales these)
     * @param lastBits          bits of the tip (the epoch's bits)
     * @param epochStartTime    timestamp of the epoch's first block
     * @param tipTime           timestamp of the tip
     * @param quarterTime       timestamp of the block 504 below the tip when it is in the previous epoch and known,
     *                          else null
     * @param previousChange    the last retarget's change as a ratio (scales the window's older part), or null
     * @param trend             whether to extrapolate the hashrate's growth: the last retarget's change, taken as
     *                          the growth of one epoch, carried from the window's middle to the remaining blocks'
     *                          middle (ignored when {@code previousChange} is null)
     * @return the forecast, or null when there is nothing to estimate the rate from (no interval observed, or the
     *         observed window has no positive duration: timestamps are not monotonic)
     */
    public static DifficultyForecast forecast(Network network, int blocksInEpoch, long firstBits, long lastBits,
                                              long epochStartTime, long tipTime, Long quarterTime,
                                              Double previousChange, boolean trend) {
        if (blocksInEpoch < 0 || blocksInEpoch >= EPOCH) {
            throw new IllegalArgumentException("blocks in epoch " + blocksInEpoch + " is outside 0..2015");
        }
        int n = blocksInEpoch;
        int m = EPOCH - 1 - n;
        double elapsed = tipTime - epochStartTime;
        if (m == 0 || network.noRetargeting()) {
            double exact = change(network, firstBits, lastBits, epochStartTime, tipTime);
            return new DifficultyForecast(exact, exact, exact, exact, exact, exact < 0 ? 1 : 0, 0);
        }
        int k;
        double window;
        double[] quantiles;
        if (n < QUARTER_WINDOW_INTERVALS && quarterTime != null && previousChange != null) {
            k = QUARTER_WINDOW_INTERVALS;
            window = elapsed + (epochStartTime - quarterTime) * (1 + previousChange);
            quantiles = quarterWindowQuantiles(n);
        } else {
            k = n;
            window = elapsed;
            quantiles = k == 0 ? null : epochWindowQuantiles(n);
        }
        if (quantiles == null || !(window > 0)) {
            return null;
        }
        if (trend && previousChange != null) {
            // Blocks from the window's middle (it ends at the tip) to the middle of the remaining blocks.
            double blocksAhead = (k + m) / 2.0;
            window /= Math.pow(1 + previousChange, blocksAhead / EPOCH);
        }
        // A high quantile of the remaining time is a low quantile of the change.
        double[] change = new double[PROBABILITIES.length];
        double difficulty = Work.difficulty(lastBits);
        for (int i = 0; i < change.length; i++) {
            double b = quantiles[change.length - 1 - i];
            double span = elapsed + window * b / (1 - b);
            long next = network.nextEpochBits(firstBits, lastBits, epochStartTime,
                    epochStartTime + Math.round(Math.min(span, 8.0 * Network.TARGET_TIMESPAN_SECONDS)));
            change[i] = Work.difficulty(next) / difficulty - 1;
        }
        long threshold = decreaseThreshold(network, firstBits, lastBits);
        double probabilityDecrease;
        if (threshold == Long.MAX_VALUE) {
            probabilityDecrease = 0;
        } else {
            // Spans are whole seconds: P(span >= threshold) with the continuity correction.
            double y = (threshold - 0.5 - elapsed) / window;
            // P(B > z) for B ~ Beta(m, k), z = y / (1 + y): with whole m and k, P(Binomial(m + k - 1, z) < m).
            probabilityDecrease = y <= 0 ? 1 : binomialAtMost(m + k - 1, m - 1, y / (1 + y));
        }
        return new DifficultyForecast(change[0], change[1], change[2], change[3], change[4],
                Math.max(0, Math.min(1, probabilityDecrease)), k);
    }

    /**
     * P(X <= atMost) for X ~ Binomial(trials, p): the terms summed outward from the nearest point to the mode
     * until they no longer count (a few hundred at most, against thousands of continued-fraction steps).
     */
    static double binomialAtMost(int trials, int atMost, double p) {
        if (atMost < 0 || p >= 1) {
            return atMost >= trials ? 1 : 0;
        }
        if (atMost >= trials || p <= 0) {
            return 1;
        }
        int mode = (int) Math.min(trials, Math.floor((trials + 1) * p));
        int start = Math.min(atMost, mode);
        double ratio = p / (1 - p);
        double term = Math.exp(LOG_FACTORIAL[trials] - LOG_FACTORIAL[start] - LOG_FACTORIAL[trials - start]
                + start * Math.log(p) + (trials - start) * Math.log1p(-p));
        double sum = term;
        // Down from start (terms fall below the mode), then up to atMost when start is the mode.
        double t = term;
        for (int j = start; j > 0; j--) {
            t *= j / ((trials - j + 1) * ratio);
            sum += t;
            if (t < sum * 1e-17) {
                break;
            }
        }
        t = term;
        for (int j = start + 1; j <= atMost; j++) {
            t *= (trials - j + 1) * ratio / j;
            sum += t;
        }
        return Math.min(1, sum);
    }

    /** ln(i!) for every trial count a window can give (m + k - 1 < 2016 + 504). */
    private static final double[] LOG_FACTORIAL = new double[EPOCH + QUARTER_WINDOW_INTERVALS + 1];

    static {
        for (int i = 1; i < LOG_FACTORIAL.length; i++) {
            LOG_FACTORIAL[i] = LOG_FACTORIAL[i - 1] + Math.log(i);
        }
    }

    /** The consensus change for an epoch whose last block has the given time, as a ratio. */
    static double change(Network network, long firstBits, long lastBits, long firstTime, long lastTime) {
        long next = network.nextEpochBits(firstBits, lastBits, firstTime, lastTime);
        return Work.difficulty(next) / Work.difficulty(lastBits) - 1;
    }

    /**
     * The shortest timespan (seconds) whose retarget lowers the difficulty, or {@link Long#MAX_VALUE} when none
     * does (the target is at powLimit). Just above 1,209,600: compact encoding truncates the new target.
     */
    static long decreaseThreshold(Network network, long firstBits, long lastBits) {
        Threshold t = lastThreshold;
        if (t != null && t.network == network && t.firstBits == firstBits && t.lastBits == lastBits) {
            return t.span;
        }
        BigInteger old = CompactTarget.decode(lastBits);
        long lo = Network.TARGET_TIMESPAN_SECONDS;
        long hi = Network.TARGET_TIMESPAN_SECONDS * 4;
        long span;
        if (!raises(network, firstBits, lastBits, old, hi)) {
            span = Long.MAX_VALUE;
        } else {
            // Invariant: lo does not raise the target, hi does.
            while (hi - lo > 1) {
                long mid = (lo + hi) >>> 1;
                if (raises(network, firstBits, lastBits, old, mid)) {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            span = hi;
        }
        lastThreshold = new Threshold(network, firstBits, lastBits, span);
        return span;
    }

    private static boolean raises(Network network, long firstBits, long lastBits, BigInteger old, long span) {
        return CompactTarget.decode(network.nextEpochBits(firstBits, lastBits, 0, span)).compareTo(old) > 0;
    }

    /**
     * Computes every quantile table a forecast can ask for now (2,518 tables of five inverse Beta distributions, each
     * otherwise computed at the first block that needs it): for a thread with time to spare before the blocks come.
     */
    public static void precomputeQuantiles() {
        for (int n = 0; n < QUARTER_WINDOW_INTERVALS; n++) {
            quarterWindowQuantiles(n);
        }
        for (int n = 1; n < EPOCH - 1; n++) {
            epochWindowQuantiles(n);
        }
    }

    /** The quantiles a forecast after {@code blocksInEpoch} blocks reads, or null while they are not computed. */
    static double[] knownQuantiles(int blocksInEpoch, boolean quarterWindow) {
        double[] q = (quarterWindow ? QUARTER_WINDOW : EPOCH_WINDOW).get(blocksInEpoch);
        return q == null ? null : q.clone();
    }

    /** After {@code n} blocks, the remaining {@code m} intervals against the epoch's own {@code n}. */
    private static double[] epochWindowQuantiles(int n) {
        return quantiles(EPOCH_WINDOW, n, EPOCH - 1 - n, n);
    }

    /** After {@code n} blocks, the remaining {@code m} intervals against the quarter window's. */
    private static double[] quarterWindowQuantiles(int n) {
        return quantiles(QUARTER_WINDOW, n, EPOCH - 1 - n, QUARTER_WINDOW_INTERVALS);
    }

    /** The Beta(m, k) quantiles at {@link #PROBABILITIES}, computed once per (m, k) and kept. */
    private static double[] quantiles(AtomicReferenceArray<double[]> table, int n, int m, int k) {
        double[] q = table.get(n);
        if (q == null) {
            BetaDistribution beta = new BetaDistribution(null, m, k, 1e-12);
            q = new double[PROBABILITIES.length];
            for (int i = 0; i < q.length; i++) {
                q[i] = beta.inverseCumulativeProbability(PROBABILITIES[i]);
            }
            // Threads racing here compute the same values; the array is published complete.
            table.set(n, q);
        }
        return q;
    }

    /** Whether the tip is the epoch's last block, where the band is the consensus result itself. */
    public boolean exact() {
        return windowIntervals == 0;
    }
}
