package io.hashwatch.source.price.history;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * A bar as an exchange's reply states it, before it is known to be a daily one: the recorded replies of the tests
 * are hourly, and a reply whose bars do not start at UTC midnights is refused rather than dated wrongly.
 *
 * @param openTime bar start, Unix seconds
 */
record Candle(long openTime, BigDecimal open, BigDecimal high, BigDecimal low, BigDecimal close) {
    private static final long DAY_SECONDS = 86_400;

    /** This bar as the day it starts, if it starts at a UTC midnight. */
    DailyBar daily() throws HistoryException {
        if (Math.floorMod(openTime, DAY_SECONDS) != 0) {
            throw new HistoryException("bar at " + openTime + " (" + java.time.Instant.ofEpochSecond(openTime)
                    + ") does not start at a UTC midnight: not a daily bar");
        }
        return new DailyBar(LocalDate.ofEpochDay(Math.floorDiv(openTime, DAY_SECONDS)), open, high, low, close);
    }

    static long epochSecond(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    }
}
