package io.hashwatch.source.price.history;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * One complete UTC day of BTC-USD on one exchange, prices exactly as the exchange wrote them.
 *
 * @param day the UTC day the bar covers, 00:00:00 to 24:00:00
 */
public record DailyBar(LocalDate day, BigDecimal open, BigDecimal high, BigDecimal low, BigDecimal close) {
    public DailyBar {
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(open, "open");
        Objects.requireNonNull(high, "high");
        Objects.requireNonNull(low, "low");
        Objects.requireNonNull(close, "close");
    }

    /** When the bar closes: the next day's 00:00:00 UTC, in ms (the time of its tick, as {@code PriceCsvSource}). */
    public long closeTimeMs() {
        return day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }
}
