package io.hashwatch.source.price.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The parsers over real recorded replies (CCXT's static response tests, see the README beside the files); the
 * expected values are CCXT's own parse of the same replies.
 */
class RecordedRepliesTest {
    private static String resource(String name) throws IOException {
        try (InputStream in = RecordedRepliesTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void assertCandle(Candle c, long time, String open, String high, String low, String close) {
        assertEquals(time, c.openTime());
        assertEquals(0, new BigDecimal(open).compareTo(c.open()), "open " + c);
        assertEquals(0, new BigDecimal(high).compareTo(c.high()), "high " + c);
        assertEquals(0, new BigDecimal(low).compareTo(c.low()), "low " + c);
        assertEquals(0, new BigDecimal(close).compareTo(c.close()), "close " + c);
    }

    @Test
    void coinbaseCandleIsTimeLowHighOpenClose() throws Exception {
        List<Candle> c = CoinbaseHistory.parse(resource("coinbase_candles.ccxt.json"));
        assertEquals(1, c.size());
        // CCXT: [1710327600000, 73243.33, 73402.47, 73241.5, 73370.65, 1.56794406] as [t, o, h, l, c, v]
        assertCandle(c.get(0), 1710327600L, "73243.33", "73402.47", "73241.5", "73370.65");
    }

    @Test
    void bitstampBarsAreStrings() throws Exception {
        List<Candle> c = BitstampHistory.parse(resource("bitstamp_ohlc.ccxt.json"));
        assertEquals(1, c.size());
        assertCandle(c.get(0), 1710327600L, "73241", "73293", "73240", "73285");
    }

    @Test
    void krakenDropsTheCurrentEntryAndReadsAStringLast() throws Exception {
        KrakenHistory.Page p = KrakenHistory.parse(resource("kraken_ohlc.ccxt.json"));
        assertEquals(1706796000L, p.last());
        assertEquals(5, p.committed().size(), "6 entries, the last one (1706799600) unfinished");
        assertCandle(p.committed().get(1), 1706630400L, "43366.3", "43529.2", "43234.2", "43485");
        assertCandle(p.committed().get(3), 1706637600L, "43398.3", "43500.5", "42983.1", "43386.6");
        assertEquals(1706641200L, p.committed().get(4).openTime());
    }

    @Test
    void hourlyBarsAreNotTakenForDays() throws Exception {
        Candle hourly = CoinbaseHistory.parse(resource("coinbase_candles.ccxt.json")).get(0);
        HistoryException e = assertThrows(HistoryException.class, () -> hourly.daily());
        assertTrue(e.getMessage().contains("2024-03-13T11:00:00Z) does not start at a UTC midnight"), e.getMessage());
    }
}
