package io.hashwatch.source.price;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeedSettingsTest {

    @Test
    void backoffDoublesUpToTheCapWithTheUpperHalfRandom() {
        FeedSettings s = FeedSettings.DEFAULTS.withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(60));
        assertEquals(500, s.backoffMillis(0, 0.0));
        assertEquals(1000, s.backoffMillis(0, 1.0));
        assertEquals(1000, s.backoffMillis(1, 0.0));
        assertEquals(2000, s.backoffMillis(1, 1.0));
        assertEquals(30_000, s.backoffMillis(6, 0.0), "64 s capped to 60 s");
        assertEquals(60_000, s.backoffMillis(6, 1.0));
        assertEquals(60_000, s.backoffMillis(1_000, 1.0), "no overflow for many failures");
        for (int n = 0; n < 40; n++) {
            long lo = s.backoffMillis(n, 0);
            long hi = s.backoffMillis(n, 1);
            assertTrue(lo > 0 && lo <= hi && hi <= 60_000 && hi - lo == hi / 2, n + ": " + lo + ".." + hi);
        }
    }

    @Test
    void settingsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> FeedSettings.DEFAULTS.withBackoff(Duration.ofSeconds(2),
                Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> FeedSettings.DEFAULTS.withSilenceTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> FeedSettings.DEFAULTS.withConnectTimeout(null));
        assertThrows(IllegalArgumentException.class,
                () -> ExchangeFeed.coinbase(URI.create("https://example.invalid"), List.of("BTC-USD")));
        assertThrows(IllegalArgumentException.class, () -> ExchangeFeed.coinbase(ExchangeFeed.COINBASE_URI,
                List.of("btc-usd")));
        assertThrows(IllegalArgumentException.class, () -> ExchangeFeed.byId("binance"));
    }

    @Test
    void theDefaultFeedsSubscribeToBtcUsd() {
        assertEquals(List.of("{\"type\":\"subscribe\",\"product_ids\":[\"BTC-USD\"],"
                + "\"channels\":[\"matches\",\"heartbeat\"]}"), ExchangeFeed.byId("coinbase").subscribeMessages());
        assertEquals(List.of("{\"method\":\"subscribe\",\"params\":{\"channel\":\"trade\",\"symbol\":[\"BTC/USD\"],"
                + "\"snapshot\":false}}"), ExchangeFeed.byId("kraken").subscribeMessages());
        assertEquals(List.of("{\"event\":\"bts:subscribe\",\"data\":{\"channel\":\"live_trades_btcusd\"}}"),
                ExchangeFeed.byId("bitstamp").subscribeMessages());
        assertEquals("{\"event\":\"bts:heartbeat\"}", ExchangeFeed.bitstamp().keepAliveMessage());
        assertEquals(URI.create("wss://ws-feed.exchange.coinbase.com"), ExchangeFeed.coinbase().uri());
        assertEquals(URI.create("wss://ws.kraken.com/v2"), ExchangeFeed.kraken().uri());
        assertEquals(URI.create("wss://ws.bitstamp.net"), ExchangeFeed.bitstamp().uri());
        assertEquals("{\"event\":\"subscribe\",\"pair\":[\"XBT/USD\"],\"subscription\":{\"name\":\"trade\"}}",
                ExchangeFeed.krakenV1(ExchangeFeed.KRAKEN_V1_URI, List.of("BTC-USD")).subscribeMessages().get(0));
    }
}
