package io.hashwatch.source;

import java.time.Duration;

/**
 * How fast headers are published.
 *
 * <ul>
 *   <li>{@link #asFastAsPossible()}: no sleeps at all (backfill, benchmarks).</li>
 *   <li>{@link #accelerated(double)}: replay in accelerated real time. Between header {@code i-1} and {@code i} the
 *   publisher sleeps {@code (time[i] - time[i-1]) / speed} seconds of wall time, where {@code time} is the header's
 *   own timestamp. Block timestamps are not monotonic (a block may be stamped before its parent): a negative gap
 *   sleeps 0. A single sleep never exceeds {@code maxSleep} (default {@link #DEFAULT_MAX_SLEEP}, 10 s of wall
 *   time), so a long gap in the chain or a bogus timestamp does not stall a replay. {@code speed 1} is real time,
 *   {@code speed 600} turns the 10-minute block interval into about 1 s.</li>
 * </ul>
 *
 * @param speed    chain seconds per wall-clock second; {@code <= 0} or infinite means as fast as possible
 * @param maxSleep cap of any one sleep
 */
public record Pacing(double speed, Duration maxSleep) {
    public static final Duration DEFAULT_MAX_SLEEP = Duration.ofSeconds(10);

    public Pacing {
        if (Double.isNaN(speed)) {
            throw new IllegalArgumentException("speed must be a number");
        }
        if (maxSleep == null || maxSleep.isNegative()) {
            throw new IllegalArgumentException("maxSleep must be >= 0");
        }
    }

    public static Pacing asFastAsPossible() {
        return new Pacing(0, Duration.ZERO);
    }

    /** Accelerated real time; {@code speed} must be > 0. */
    public static Pacing accelerated(double speed) {
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("speed must be a finite number > 0, got " + speed);
        }
        return new Pacing(speed, DEFAULT_MAX_SLEEP);
    }

    public boolean paced() {
        return speed > 0 && !Double.isInfinite(speed);
    }

    /** Wall-clock sleep in ms before a header stamped {@code timeSeconds} that follows one stamped {@code prev}. */
    public long sleepMillis(long prevTimeSeconds, long timeSeconds) {
        if (!paced()) {
            return 0;
        }
        long gap = timeSeconds - prevTimeSeconds;
        if (gap <= 0) {
            return 0;
        }
        double ms = gap * 1000.0 / speed;
        return (long) Math.min(ms, (double) maxSleep.toMillis());
    }

    @Override
    public String toString() {
        String x = speed == Math.rint(speed) && speed < 1e15 ? String.valueOf((long) speed) : String.valueOf(speed);
        return paced() ? "accelerated real time x" + x + " (each sleep at most " + maxSleep.toMillis() + " ms)"
                : "as fast as possible";
    }
}
