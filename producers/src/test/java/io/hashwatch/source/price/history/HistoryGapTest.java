package io.hashwatch.source.price.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.model.PriceTick;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** What a start fetches: the whole history on an empty topic, the rest of it, or only the days it missed. */
class HistoryGapTest {
    private static final LocalDate TODAY = HistoryClientsTest.TODAY;
    private static final Clock CLOCK = HistoryClientsTest.CLOCK;

    private static long midnightMs(LocalDate d) {
        return d.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    @Test
    void firstDayFollowsTheLastTradeOnTheTopic() {
        assertEquals(TODAY.minusDays(400), HistoryGap.firstDay(400, -1, CLOCK), "empty topic: the whole history");
        long midDay = midnightMs(TODAY.minusDays(10)) + Duration.ofHours(13).toMillis();
        // A live trade at 13:00 ten days ago: that day's own close (tick at its end) is the first one missing.
        assertEquals(TODAY.minusDays(10), HistoryGap.firstDay(400, midDay, CLOCK));
        // Stopped mid-history: the last history tick is day D's close at D+1 00:00, so D+1 comes next.
        assertEquals(TODAY.minusDays(99), HistoryGap.firstDay(400, midnightMs(TODAY.minusDays(99)), CLOCK));
        // An old last trade beyond the history: the history window decides.
        assertEquals(TODAY.minusDays(30), HistoryGap.firstDay(30, midnightMs(TODAY.minusDays(300)), CLOCK));
        assertNull(HistoryGap.firstDay(400, midnightMs(TODAY) + 5_000, CLOCK), "a live trade today: nothing");
        assertNull(HistoryGap.firstDay(400, midnightMs(TODAY), CLOCK), "yesterday's close is there: nothing");
    }

    @Test
    void onlyTicksLaterThanTheTopicsLastTradeAreFetched() throws Exception {
        TreeMap<LocalDate, FakeExchanges.Ohlc> days = FakeExchanges.synthetic(TODAY.minusDays(500), TODAY);
        try (FakeExchanges fake = new FakeExchanges(days, TODAY);
             PriceHistory h = PriceHistory.create(fake.baseUrls(), HistoryClientsTest.FAST, CLOCK)) {
            List<String> two = List.of("coinbase", "bitstamp");
            PriceHistory.Outcome all = HistoryGap.fetch(h, two, 400, -1, CLOCK);
            assertEquals(800, all.ticks().size(), "400 complete days of 2 exchanges");
            assertEquals(midnightMs(TODAY.minusDays(399)), all.ticks().get(0).tradeTimeMs());
            assertEquals(midnightMs(TODAY), all.ticks().get(799).tradeTimeMs());

            long stoppedAt = all.ticks().get(401).tradeTimeMs(); // the bitstamp tick of the 201st day
            List<PriceTick> rest = HistoryGap.fetch(h, two, 400, stoppedAt, CLOCK).ticks();
            assertEquals(398, rest.size(), "the 199 days after it, 2 exchanges");
            assertTrue(rest.stream().allMatch(t -> t.tradeTimeMs() > stoppedAt));

            int requests = fake.requests(FakeExchanges.COINBASE).size() + fake.requests(FakeExchanges.BITSTAMP).size();
            assertEquals(0, HistoryGap.fetch(h, two, 400, midnightMs(TODAY) + 1, CLOCK).ticks().size());
            assertEquals(requests, fake.requests(FakeExchanges.COINBASE).size()
                    + fake.requests(FakeExchanges.BITSTAMP).size(), "nothing missing: no request at all");
        }
    }
}
