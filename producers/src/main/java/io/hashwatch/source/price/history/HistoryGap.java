package io.hashwatch.source.price.history;

import io.hashwatch.model.PriceTick;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The daily closes a start publishes before its live feeds: those of the last {@code days} complete UTC days whose
 * tick (at the day's end) is later than the last trade already on the prices topic. On a first start that is the
 * whole history; after a stop, the days the monitor missed (live ticks since then would make any earlier day late
 * for the price stage); after a stop mid-history, the rest of it. Live feeds start after, so nothing is late.
 */
public final class HistoryGap {
    private HistoryGap() {
    }

    /**
     * The first day to fetch, or null when no complete day is missing.
     *
     * @param lastTradeMs the latest trade time on the prices topic, or -1 for an empty topic
     */
    public static LocalDate firstDay(int days, long lastTradeMs, Clock clock) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        LocalDate from = today.minusDays(days);
        if (lastTradeMs >= 0) {
            // Day D's tick is at D+1 00:00: later than the last trade from the last trade's own day on.
            LocalDate lastDay = Instant.ofEpochMilli(lastTradeMs).atZone(ZoneOffset.UTC).toLocalDate();
            if (lastDay.isAfter(from)) {
                from = lastDay;
            }
        }
        return from.isBefore(today) ? from : null;
    }

    /** The missing ticks, in time order, and which exchanges failed (empty when nothing is missing). */
    public static PriceHistory.Outcome fetch(PriceHistory history, List<String> exchanges, int days,
                                             long lastTradeMs, Clock clock) {
        LocalDate from = firstDay(days, lastTradeMs, clock);
        if (from == null || exchanges.isEmpty()) {
            return new PriceHistory.Outcome(List.of(), java.util.Map.of());
        }
        LocalDate yesterday = LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(1);
        PriceHistory.Outcome o = history.collect(exchanges, from, yesterday);
        List<PriceTick> later = o.ticks().stream().filter(t -> t.tradeTimeMs() > lastTradeMs).toList();
        return new PriceHistory.Outcome(later, o.failures());
    }
}
