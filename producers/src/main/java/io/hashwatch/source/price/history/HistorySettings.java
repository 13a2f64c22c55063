package io.hashwatch.source.price.history;

import java.time.Duration;
import java.util.Objects;

/**
 * How the history clients talk to the exchanges.
 *
 * @param requestTimeout cap of one request (connect, reply and body)
 * @param spacing        least time between two requests to the same exchange
 * @param maxAttempts    tries of one request when it fails with HTTP 429, 5xx, a transport error or an exchange's
 *                       own "busy" reply; then the exchange counts as failed
 * @param backoffBase    wait after the first failed try; doubles each try, at least the server's Retry-After
 * @param backoffMax     cap of one wait (a longer Retry-After is cut to it)
 * @param userAgent      sent with every request (Coinbase answers HTTP 400 "User-Agent header is required." without
 *                       one)
 */
public record HistorySettings(Duration requestTimeout, Duration spacing, int maxAttempts, Duration backoffBase,
                              Duration backoffMax, String userAgent) {
    public static final String USER_AGENT = "hashwatch/0.1 (BTC-USD daily history)";

    public HistorySettings {
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(spacing, "spacing");
        Objects.requireNonNull(backoffBase, "backoffBase");
        Objects.requireNonNull(backoffMax, "backoffMax");
        Objects.requireNonNull(userAgent, "userAgent");
        if (requestTimeout.isZero() || requestTimeout.isNegative()) {
            throw new IllegalArgumentException("requestTimeout must be > 0");
        }
        if (spacing.isNegative() || backoffBase.isNegative() || backoffMax.isNegative()) {
            throw new IllegalArgumentException("spacing and backoff must be >= 0");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
    }

    /**
     * 20 s a request, 2 s between requests (well inside the public limits of all three; 400 days is one to two
     * requests an exchange), 4 tries with 2, 4, 8 s between them.
     */
    public static HistorySettings defaults() {
        return new HistorySettings(Duration.ofSeconds(20), Duration.ofSeconds(2), 4, Duration.ofSeconds(2),
                Duration.ofSeconds(30), USER_AGENT);
    }

    public HistorySettings withSpacing(Duration s) {
        return new HistorySettings(requestTimeout, s, maxAttempts, backoffBase, backoffMax, userAgent);
    }

    public HistorySettings withBackoff(int attempts, Duration base, Duration max) {
        return new HistorySettings(requestTimeout, spacing, attempts, base, max, userAgent);
    }

    public HistorySettings withRequestTimeout(Duration t) {
        return new HistorySettings(t, spacing, maxAttempts, backoffBase, backoffMax, userAgent);
    }
}
