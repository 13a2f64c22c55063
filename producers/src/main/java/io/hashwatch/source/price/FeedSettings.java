package io.hashwatch.source.price;

import java.time.Duration;

/**
 * Timing of a {@link FeedConnection}.
 *
 * @param backoffBase       first reconnect delay; the n-th consecutive failure waits about
 *                          {@code min(backoffMax, backoffBase * 2^n)}, of which the upper half is random (jitter)
 * @param backoffMax        cap of the reconnect delay
 * @param silenceTimeout    no message for this long: the connection is stale, closed and reopened
 * @param connectTimeout    cap of the websocket handshake (and of sending one message)
 * @param keepAliveInterval how often the feed's keep-alive message, if it has one, is sent
 */
public record FeedSettings(Duration backoffBase, Duration backoffMax, Duration silenceTimeout,
                           Duration connectTimeout, Duration keepAliveInterval) {

    public static final FeedSettings DEFAULTS = new FeedSettings(Duration.ofSeconds(1), Duration.ofSeconds(60),
            Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(10));

    public FeedSettings {
        positive("backoffBase", backoffBase);
        positive("backoffMax", backoffMax);
        positive("silenceTimeout", silenceTimeout);
        positive("connectTimeout", connectTimeout);
        positive("keepAliveInterval", keepAliveInterval);
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

    public FeedSettings withBackoff(Duration base, Duration max) {
        return new FeedSettings(base, max, silenceTimeout, connectTimeout, keepAliveInterval);
    }

    public FeedSettings withSilenceTimeout(Duration timeout) {
        return new FeedSettings(backoffBase, backoffMax, timeout, connectTimeout, keepAliveInterval);
    }

    public FeedSettings withConnectTimeout(Duration timeout) {
        return new FeedSettings(backoffBase, backoffMax, silenceTimeout, timeout, keepAliveInterval);
    }

    public FeedSettings withKeepAliveInterval(Duration interval) {
        return new FeedSettings(backoffBase, backoffMax, silenceTimeout, connectTimeout, interval);
    }

    /**
     * Delay before reconnect attempt {@code failures} (0 after a connection that worked), with "equal jitter": half
     * of {@code min(max, base * 2^failures)} fixed, the other half uniformly random ({@code random} in [0, 1)).
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
