package io.hashwatch.source.price.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each exchange's client against a local server playing its documented endpoint and limits. */
class HistoryClientsTest {
    static final LocalDate TODAY = LocalDate.of(2026, 1, 17);
    /** Midday of TODAY: TODAY is unfinished, the day before is the last complete one. */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-17T12:00:00Z"), ZoneOffset.UTC);
    /** Fast settings: no spacing beyond 5 ms, 3 tries 10 ms apart. */
    static final HistorySettings FAST = HistorySettings.defaults().withSpacing(Duration.ofMillis(5))
            .withBackoff(3, Duration.ofMillis(10), Duration.ofMillis(50)).withRequestTimeout(Duration.ofSeconds(5));

    private TreeMap<LocalDate, FakeExchanges.Ohlc> days;
    private FakeExchanges fake;

    @BeforeEach
    void start() throws Exception {
        days = FakeExchanges.synthetic(LocalDate.of(2018, 1, 1), TODAY);
        fake = new FakeExchanges(days, TODAY);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private RestHistory client(String id) {
        return (RestHistory) PriceHistory.client(id, fake.baseUrl(), FAST, CLOCK);
    }

    /** Every day of from..to is there, once, in order, with the served values exactly. */
    private void assertDays(LocalDate from, LocalDate to, List<DailyBar> bars) {
        assertEquals(ChronoUnit.DAYS.between(from, to) + 1, bars.size(), "days " + from + ".." + to);
        LocalDate d = from;
        for (DailyBar b : bars) {
            assertEquals(d, b.day());
            FakeExchanges.Ohlc o = days.get(d);
            assertEquals(new BigDecimal(o.open()), b.open(), d + " open");
            assertEquals(new BigDecimal(o.high()), b.high(), d + " high");
            assertEquals(new BigDecimal(o.low()), b.low(), d + " low");
            assertEquals(new BigDecimal(o.close()), b.close(), d + " close");
            d = d.plusDays(1);
        }
    }

    @Test
    void coinbasePagesOf300CandlesAndSendsAUserAgent() throws Exception {
        LocalDate from = LocalDate.of(2024, 3, 1);
        LocalDate to = from.plusDays(649);
        try (RestHistory c = client("coinbase")) {
            assertDays(from, to, c.fetch(from, to));
        }
        // The fake rejects a range of more than 300 candles: three pages of at most 300, overlapping by a day.
        List<FakeExchanges.Request> reqs = fake.requests(FakeExchanges.COINBASE);
        assertEquals(3, reqs.size(), reqs.toString());
        assertEquals("2024-03-01T00:00:00Z", reqs.get(0).query().get("start"));
        assertEquals("2024-12-25T00:00:00Z", reqs.get(0).query().get("end"));
        assertEquals("2024-12-25T00:00:00Z", reqs.get(1).query().get("start"));
        assertEquals(to.plusDays(1) + "T00:00:00Z", reqs.get(2).query().get("end"));
        for (FakeExchanges.Request r : reqs) {
            assertEquals("86400", r.query().get("granularity"));
            assertEquals(HistorySettings.USER_AGENT, r.userAgent());
        }
    }

    @Test
    void bitstampPagesOf1000Bars() throws Exception {
        LocalDate from = LocalDate.of(2018, 6, 1);
        LocalDate to = from.plusDays(2499);
        try (RestHistory c = client("bitstamp")) {
            assertDays(from, to, c.fetch(from, to));
        }
        List<FakeExchanges.Request> reqs = fake.requests(FakeExchanges.BITSTAMP);
        assertEquals(List.of("1000", "1000", "500"), reqs.stream().map(r -> r.query().get("limit")).toList());
        assertEquals(String.valueOf(from.atStartOfDay(ZoneOffset.UTC).toEpochSecond()),
                reqs.get(0).query().get("start"));
        assertEquals(String.valueOf(from.plusDays(1000).atStartOfDay(ZoneOffset.UTC).toEpochSecond()),
                reqs.get(1).query().get("start"));
    }

    @Test
    void krakenHasOnlyTheMostRecent719CompleteDays() throws Exception {
        LocalDate from = TODAY.minusDays(800);
        try (RestHistory c = client("kraken")) {
            List<DailyBar> bars = c.fetch(from, TODAY.minusDays(1));
            // 720 entries: 719 complete days and today's unfinished one, which is dropped.
            assertDays(TODAY.minusDays(719), TODAY.minusDays(1), bars);
        }
        assertEquals(1, fake.requests(FakeExchanges.KRAKEN).size(), "one request: nothing older can be had");
        assertEquals(String.valueOf(from.atStartOfDay(ZoneOffset.UTC).toEpochSecond() - 1),
                fake.requests(FakeExchanges.KRAKEN).get(0).query().get("since"));
    }

    @Test
    void theUnfinishedDayIsNeverReturned() throws Exception {
        for (String id : PriceHistory.EXCHANGES) {
            try (RestHistory c = client(id)) {
                List<DailyBar> bars = c.fetch(TODAY.minusDays(9), TODAY.plusDays(30));
                assertDays(TODAY.minusDays(9), TODAY.minusDays(1), bars);
                assertEquals(List.of(), c.fetch(TODAY, TODAY.plusDays(3)), id);
            }
        }
        // Kraken's last entry is dropped as the unfinished one even when the clock would call it complete.
        Clock tomorrow = Clock.fixed(Instant.parse("2026-01-18T12:00:00Z"), ZoneOffset.UTC);
        try (DailyHistory k = PriceHistory.client("kraken", fake.baseUrl(), FAST, tomorrow)) {
            List<DailyBar> bars = k.fetch(TODAY.minusDays(3), TODAY);
            assertEquals(TODAY.minusDays(1), bars.get(bars.size() - 1).day());
        }
    }

    @Test
    void retryAfterIsWaitedUpToTheBackoffCap() throws Exception {
        fake.queue(FakeExchanges.KRAKEN, 429, "", Map.of("Retry-After", "1"));
        HistorySettings s = FAST.withBackoff(2, Duration.ofMillis(10), Duration.ofSeconds(5));
        try (DailyHistory k = PriceHistory.client("kraken", fake.baseUrl(), s, CLOCK)) {
            long t0 = System.nanoTime();
            assertDays(TODAY.minusDays(2), TODAY.minusDays(1), k.fetch(TODAY.minusDays(2), TODAY));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 1000, "Retry-After: 1 waited " + ms + " ms, not the 10 ms backoff");
        }
        assertEquals(2, fake.requests(FakeExchanges.KRAKEN).size());
    }

    @Test
    void http429And5xxAreRetried() throws Exception {
        fake.queue(FakeExchanges.BITSTAMP, 429, "{\"message\":\"rate limited\"}", Map.of("Retry-After", "0"));
        fake.queue(FakeExchanges.BITSTAMP, 429, "", Map.of());
        fake.queue(FakeExchanges.COINBASE, 503, "upstream busy", Map.of());
        try (RestHistory b = client("bitstamp"); RestHistory c = client("coinbase")) {
            assertDays(TODAY.minusDays(30), TODAY.minusDays(1), b.fetch(TODAY.minusDays(30), TODAY));
            assertEquals(3, b.requests());
            assertDays(TODAY.minusDays(30), TODAY.minusDays(1), c.fetch(TODAY.minusDays(30), TODAY));
            assertEquals(2, c.requests());
        }
    }

    @Test
    void retriesAreBoundedAndTheErrorNamesExchangeUrlAndStatus() throws Exception {
        for (int i = 0; i < 3; i++) {
            fake.queue(FakeExchanges.BITSTAMP, 503, "<html>503 Service Unavailable</html>", Map.of());
        }
        try (RestHistory b = client("bitstamp")) {
            HistoryException e = assertThrows(HistoryException.class, () -> b.fetch(TODAY.minusDays(5), TODAY));
            String m = e.getMessage();
            assertTrue(m.startsWith("bitstamp: GET " + fake.baseUrl()
                    + "/api/v2/ohlc/btcusd/?step=86400&limit=5&start="), m);
            assertTrue(m.contains("HTTP 503 (<html>503 Service Unavailable</html>)"), m);
            assertTrue(m.endsWith("(gave up after 3 tries)"), m);
            assertEquals(3, b.requests());
        }
    }

    @Test
    void aClientErrorIsNotRetried() throws Exception {
        try (RestHistory c = client("coinbase")) {
            // The fake rejects more than 300 candles like Coinbase: a request no retry can fix.
            fake.queue(FakeExchanges.COINBASE, 400, "{\"message\":\"granularity too small for the requested time"
                    + " range. Count of aggregations requested exceeds 300\"}", Map.of());
            HistoryException e = assertThrows(HistoryException.class, () -> c.fetch(TODAY.minusDays(5), TODAY));
            assertTrue(e.getMessage().contains("coinbase: GET " + fake.baseUrl() + "/products/BTC-USD/candles?"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("HTTP 400 ({\"message\":\"granularity too small"), e.getMessage());
            assertEquals(1, c.requests());
        }
    }

    @Test
    void krakenBusyInAnOkReplyIsRetriedItsOtherErrorsAreNot() throws Exception {
        fake.queue(FakeExchanges.KRAKEN, 200, "{\"error\":[\"EService:Unavailable\"]}", Map.of());
        try (RestHistory k = client("kraken")) {
            assertDays(TODAY.minusDays(10), TODAY.minusDays(1), k.fetch(TODAY.minusDays(10), TODAY));
            assertEquals(2, k.requests());
            fake.queue(FakeExchanges.KRAKEN, 200, "{\"error\":[\"EQuery:Unknown asset pair\"]}", Map.of());
            HistoryException e = assertThrows(HistoryException.class, () -> k.fetch(TODAY.minusDays(10), TODAY));
            assertTrue(e.getMessage().startsWith("kraken: GET " + fake.baseUrl() + "/0/public/OHLC?pair=XBTUSD"),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith(": error reply: EQuery:Unknown asset pair"), e.getMessage());
            assertEquals(3, k.requests());
        }
    }

    @Test
    void malformedRepliesGiveAClearError() throws Exception {
        record Case(String id, String path, String body, String expected) {
        }
        List<Case> cases = List.of(
                new Case("coinbase", FakeExchanges.COINBASE, "<html>maintenance</html>",
                        "malformed reply: not JSON (<html>maintenance</html>)"),
                new Case("coinbase", FakeExchanges.COINBASE, "[[1768521600, 1, 2, 3]]",
                        "malformed reply: candle 0 is not [time, low, high, open, close, volume]: [1768521600,1,2,3]"),
                new Case("coinbase", FakeExchanges.COINBASE, "[[1768525200, 1, 2, 3, 4, 5]]",
                        "bar at 1768525200 (2026-01-16T01:00:00Z) does not start at a UTC midnight"),
                new Case("bitstamp", FakeExchanges.BITSTAMP, "{\"data\":{\"pair\":\"BTC/USD\"}}",
                        "malformed reply: no data.ohlc array"),
                new Case("bitstamp", FakeExchanges.BITSTAMP, "{\"data\":{\"ohlc\":[{\"timestamp\":\"1768521600\","
                        + "\"open\":\"1\",\"high\":\"2\",\"low\":\"0.5\",\"close\":\"n/a\"}]}}",
                        "malformed reply: bar 0 close is not a number: \"n/a\""),
                new Case("kraken", FakeExchanges.KRAKEN, "{\"error\":[],\"result\":{\"last\":1}}",
                        "malformed reply: no bar array in result"),
                new Case("kraken", FakeExchanges.KRAKEN, "{\"error\":[],\"result\":{\"XXBTZUSD\":[[\"x\",\"1\",\"2\","
                        + "\"0.5\",\"1\",\"1\",\"1\",1],"
                        + "[1768608000,\"1\",\"1\",\"1\",\"1\",\"1\",\"1\",1]],\"last\":0}}",
                        "malformed reply: entry 0 time is not a Unix time in seconds: \"x\""));
        for (Case k : cases) {
            fake.queue(k.path(), 200, k.body(), Map.of());
            try (RestHistory c = client(k.id())) {
                HistoryException e = assertThrows(HistoryException.class, () -> c.fetch(TODAY.minusDays(3), TODAY),
                        k.body());
                String m = e.getMessage();
                assertTrue(m.startsWith(k.id() + ": GET " + fake.baseUrl() + k.path()), m);
                assertTrue(m.contains(k.expected()), m + "\n expected to contain: " + k.expected());
                assertEquals(1, c.requests(), "a malformed reply is not retried: " + k.body());
            }
        }
    }

    @Test
    void daysTheExchangeLacksAreAbsent() throws Exception {
        TreeMap<LocalDate, FakeExchanges.Ohlc> gappy = new TreeMap<>(days);
        gappy.remove(TODAY.minusDays(5));
        gappy.remove(TODAY.minusDays(6));
        try (FakeExchanges f = new FakeExchanges(gappy, TODAY)) {
            for (String id : PriceHistory.EXCHANGES) {
                try (DailyHistory c = PriceHistory.client(id, f.baseUrl(), FAST, CLOCK)) {
                    List<LocalDate> got = c.fetch(TODAY.minusDays(8), TODAY).stream().map(DailyBar::day).toList();
                    assertEquals(List.of(TODAY.minusDays(8), TODAY.minusDays(7), TODAY.minusDays(4),
                            TODAY.minusDays(3), TODAY.minusDays(2), TODAY.minusDays(1)), got, id);
                }
            }
        }
    }

    @Test
    void requestsAreSpaced() throws Exception {
        HistorySettings spaced = FAST.withSpacing(Duration.ofMillis(300));
        try (DailyHistory c = PriceHistory.client("coinbase", fake.baseUrl(), spaced, CLOCK)) {
            long t0 = System.nanoTime();
            c.fetch(TODAY.minusDays(700), TODAY); // three pages
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 600, "3 requests 300 ms apart took " + ms + " ms");
        }
        assertFalse(fake.requests(FakeExchanges.COINBASE).isEmpty());
    }
}
