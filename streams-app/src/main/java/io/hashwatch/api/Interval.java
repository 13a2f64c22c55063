package io.hashwatch.api;

import java.util.Arrays;

/** mempool.space's interval words ({@code backend/src/api/mining/mining-routes.ts}) and the span each covers. */
enum Interval {
    H24("24h", 86_400L),
    D3("3d", 3 * 86_400L),
    W1("1w", 7 * 86_400L),
    M1("1m", 30 * 86_400L),
    M3("3m", 90 * 86_400L),
    M6("6m", 180 * 86_400L),
    Y1("1y", 365 * 86_400L),
    Y2("2y", 2 * 365 * 86_400L),
    Y3("3y", 3 * 365 * 86_400L),
    ALL("all", Long.MAX_VALUE / 4);

    private final String word;
    private final long seconds;

    Interval(String word, long seconds) {
        this.word = word;
        this.seconds = seconds;
    }

    String word() {
        return word;
    }

    /** The earliest block time the interval takes, ending at {@code nowSeconds}. */
    long since(long nowSeconds) {
        return this == ALL ? Long.MIN_VALUE : nowSeconds - seconds;
    }

    long seconds() {
        return seconds;
    }

    /** @throws ApiException 400 for a word mempool.space does not take */
    static Interval parse(String word) {
        return Arrays.stream(values()).filter(i -> i.word.equals(word)).findFirst()
                .orElseThrow(() -> ApiException.badRequest("unknown interval '" + Api.clip(word)
                        + "': one of 24h 3d 1w 1m 3m 6m 1y 2y 3y all"));
    }
}
