package io.hashwatch.source.price.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.model.PriceTick;
import io.hashwatch.testing.SharedData;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PriceHistoryTest {
    private static final LocalDate TODAY = HistoryClientsTest.TODAY;
    private static final Clock CLOCK = HistoryClientsTest.CLOCK;
    private static final String CSV = "data/prices/btcusd_daily_2020-07-12_2026-01-17.cryptocompare.csv";

    private static long midnightMs(LocalDate d) {
        return d.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    /** A URL nothing listens on: a port bound, then released. */
    private static URI closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + s.getLocalPort());
        }
    }

    @Test
    void eachExchangeDayIsOneTickAtTheNextMidnightWithTheClose() throws Exception {
        TreeMap<LocalDate, FakeExchanges.Ohlc> days = FakeExchanges.synthetic(TODAY.minusDays(20), TODAY);
        try (FakeExchanges fake = new FakeExchanges(days, TODAY);
             PriceHistory h = PriceHistory.create(fake.baseUrls(), HistoryClientsTest.FAST, CLOCK)) {
            List<PriceTick> ticks = h.fetch(List.of("kraken", "coinbase"), TODAY.minusDays(3), TODAY);
            // 3 complete days x 2 exchanges, by time then exchange; today's unfinished bar is not there.
            assertEquals(6, ticks.size(), ticks.toString());
            String[] order = {"coinbase", "kraken"};
            for (int i = 0; i < ticks.size(); i++) {
                PriceTick t = ticks.get(i);
                LocalDate day = TODAY.minusDays(3 - i / 2);
                assertEquals(order[i % 2], t.exchange());
                assertEquals("BTC-USD", t.pair());
                assertEquals(midnightMs(day.plusDays(1)), t.tradeTimeMs(),
                        "day " + day + " closes at the next midnight");
                assertEquals(Double.parseDouble(days.get(day).close()), t.price());
                assertNull(t.size());
                assertNull(t.tradeId());
                assertEquals(CLOCK.millis(), t.receiveTimeMs());
            }
        }
    }

    @Test
    void oneExchangeDownTheOthersStillGiveTheHistory() throws Exception {
        TreeMap<LocalDate, FakeExchanges.Ohlc> days = FakeExchanges.synthetic(TODAY.minusDays(20), TODAY);
        try (FakeExchanges fake = new FakeExchanges(days, TODAY)) {
            URI down = closedPort();
            Map<String, URI> urls = new HashMap<>(fake.baseUrls());
            urls.put("coinbase", down);
            try (PriceHistory h = PriceHistory.create(urls, HistoryClientsTest.FAST, CLOCK)) {
                PriceHistory.Outcome o = h.collect(List.of("coinbase", "bitstamp"), TODAY.minusDays(10), TODAY);
                assertEquals(List.of("bitstamp"), o.ticks().stream().map(PriceTick::exchange).distinct().toList());
                assertEquals(10, o.ticks().size());
                String why = o.failures().get("coinbase");
                assertTrue(why.startsWith("coinbase: GET " + down + "/products/BTC-USD/candles?"), why);
                assertTrue(why.contains("request failed (ConnectException"), why);
                assertTrue(why.endsWith("(gave up after 3 tries)"), why);
                assertEquals(10, h.fetch(List.of("coinbase", "bitstamp"), TODAY.minusDays(10), TODAY).size());
            }
        }
    }

    @Test
    void allExchangesDownIsAnErrorWithEachReason() throws Exception {
        URI down = closedPort();
        Map<String, URI> urls = Map.of("coinbase", down, "kraken", down, "bitstamp", down);
        try (PriceHistory h = PriceHistory.create(urls, HistoryClientsTest.FAST, CLOCK)) {
            HistoryException e = assertThrows(HistoryException.class,
                    () -> h.fetch(List.of("kraken", "bitstamp"), TODAY.minusDays(10), TODAY));
            String m = e.getMessage();
            assertTrue(m.startsWith("no daily price history: every exchange failed; kraken: GET " + down
                    + "/0/public/OHLC?"), m);
            assertTrue(m.contains("; bitstamp: GET " + down + "/api/v2/ohlc/btcusd/?"), m);
        }
    }

    @Test
    void unknownExchangeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PriceHistory.create(Map.of("binance", URI.create("http://127.0.0.1:1")),
                        HistoryClientsTest.FAST, CLOCK));
        assertEquals("no daily history for exchange 'binance': use coinbase, kraken, bitstamp", e.getMessage());
    }

    /**
     * The real daily CSV served by all three fakes in each one's format: 400 complete days (2024-12-13 to
     * 2026-01-16; the CSV's 2026-01-17 row is partial, the clock's unfinished day) come back from each with the
     * CSV's close at each day's next midnight.
     */
    @Test
    void fourHundredRealDaysComeBackWithTheCsvClosesFromEachExchange() throws Exception {
        Path csv = SharedData.require(CSV);
        TreeMap<LocalDate, FakeExchanges.Ohlc> days = FakeExchanges.csv(csv);
        assertEquals(TODAY, days.lastKey(), "the CSV ends on the clock's (unfinished) day");
        LocalDate from = TODAY.minusDays(400);
        try (FakeExchanges fake = new FakeExchanges(days, TODAY);
             PriceHistory h = PriceHistory.create(fake.baseUrls(), HistoryClientsTest.FAST, CLOCK)) {
            List<PriceTick> ticks = h.fetch(PriceHistory.EXCHANGES, from, TODAY);
            Map<String, List<PriceTick>> byExchange = ticks.stream()
                    .collect(Collectors.groupingBy(PriceTick::exchange));
            assertEquals(3, byExchange.size());
            for (Map.Entry<String, List<PriceTick>> e : byExchange.entrySet()) {
                List<PriceTick> list = e.getValue();
                assertEquals(400, list.size(), e.getKey());
                for (int i = 0; i < list.size(); i++) {
                    LocalDate day = from.plusDays(i);
                    PriceTick t = list.get(i);
                    assertEquals(midnightMs(day.plusDays(1)), t.tradeTimeMs(), e.getKey() + " " + day);
                    assertEquals(Double.parseDouble(days.get(day).close()), t.price(), e.getKey() + " " + day);
                }
            }
            // Spot checks straight from the CSV's text: the first and last days served.
            PriceTick first = byExchange.get("bitstamp").get(0);
            assertEquals(LocalDate.of(2024, 12, 13), from);
            assertEquals(Instant.parse("2024-12-14T00:00:00Z").toEpochMilli(), first.tradeTimeMs());
            assertEquals(101429.78, first.price(), "2024-12-13's close in the CSV");
            PriceTick last = byExchange.get("kraken").get(399);
            assertEquals(Instant.parse("2026-01-17T00:00:00Z").toEpochMilli(), last.tradeTimeMs());
            assertEquals(95521.19, last.price(), "2026-01-16's close in the CSV");
            for (int i = 1; i < ticks.size(); i++) {
                assertTrue(ticks.get(i).tradeTimeMs() >= ticks.get(i - 1).tradeTimeMs(), "in time order at " + i);
            }
        }
    }
}
