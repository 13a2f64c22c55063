package io.hashwatch.source.price;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.model.PriceTick;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BitstampParserTest {
    private static final String FILE = "BITSTAMP.ws.1.0";

    @Test
    void recordedLiveTradesBecomeTicksWithTheRecordedValues() {
        var file = Recording.require(FILE);
        BitstampParser parser = new BitstampParser(List.of("ETH-USD"));
        Map<FeedEvent.Type, Integer> types = new EnumMap<>(FeedEvent.Type.class);
        int ticks = 0;
        for (Recording.Line l : Recording.received(file)) {
            FeedEvent e = parser.parse(l.raw(), l.receiveMs());
            types.merge(e.type(), 1, Integer::sum);
            if (!l.raw().contains("\"channel\":\"live_trades_ethusd\",\"event\":\"trade\"")) {
                assertTrue(e.ticks().isEmpty(), "line " + l.number());
                continue;
            }
            assertEquals(FeedEvent.Type.TRADES, e.type(), "line " + l.number() + ": " + e);
            PriceTick t = e.ticks().get(0);
            String raw = l.raw();
            assertEquals("bitstamp", t.exchange());
            assertEquals("ETH-USD", t.pair());
            assertEquals(Double.parseDouble(Recording.group(raw, "\"price_str\":\"([^\"]+)\"")), t.price());
            assertEquals(Double.parseDouble(Recording.group(raw, "\"price\":([0-9.]+)")), t.price());
            assertEquals(Double.parseDouble(Recording.group(raw, "\"amount_str\":\"([^\"]+)\"")), t.size());
            assertEquals(Long.parseLong(Recording.group(raw, "\"microtimestamp\":\"(\\d+)\"")) / 1000,
                    t.tradeTimeMs());
            assertEquals(Long.parseLong(Recording.group(raw, "\"timestamp\":\"(\\d+)\"")), t.tradeTimeMs() / 1000);
            assertEquals(Recording.group(raw, "\"id\":(\\d+)"), t.tradeId());
            assertEquals(l.receiveMs(), t.receiveTimeMs());
            ticks++;
        }
        assertEquals(10, ticks);
        assertEquals(20, types.get(FeedEvent.Type.SUBSCRIBED));
        assertEquals(717, types.get(FeedEvent.Type.IGNORED), "order book 'data' events");
        assertNull(types.get(FeedEvent.Type.MALFORMED));
    }

    @Test
    void controlEventsOfTheDocumentedLayouts() {
        BitstampParser p = new BitstampParser(List.of("BTC-USD"));
        assertEquals("live_trades_btcusd", BitstampParser.channel("BTC-USD"));
        assertEquals(FeedEvent.Type.RECONNECT,
                p.parse("{\"event\":\"bts:request_reconnect\",\"channel\":\"\",\"data\":\"\"}", 0).type());
        FeedEvent err = p.parse("{\"event\":\"bts:error\",\"channel\":\"\",\"data\":{\"code\":null,"
                + "\"message\":\"Bad subscription string.\"}}", 0);
        assertEquals(FeedEvent.Type.ERROR, err.type());
        assertEquals("Bad subscription string.", err.detail());
        assertEquals(FeedEvent.Type.HEARTBEAT,
                p.parse("{\"event\":\"bts:heartbeat\",\"channel\":\"\",\"data\":{\"status\":\"success\"}}", 0).type());
        assertEquals(FeedEvent.Type.SUBSCRIBED, p.parse("{\"event\":\"bts:subscription_succeeded\","
                + "\"channel\":\"live_trades_btcusd\",\"data\":{}}", 0).type());
    }

    @Test
    void garbageAndBrokenTradesAreRejected() {
        BitstampParser p = new BitstampParser(List.of("ETH-USD"));
        for (String g : Recording.GARBAGE) {
            assertEquals(FeedEvent.Type.MALFORMED, p.parse(g, 0).type(), "'" + g + "'");
        }
        String trade = Recording.received(Recording.require(FILE)).stream()
                .filter(l -> l.raw().contains("\"event\":\"trade\"")).findFirst().orElseThrow().raw();
        assertEquals(FeedEvent.Type.TRADES, p.parse(trade, 0).type());
        Map<String, String> broken = Map.of(
                trade.replaceFirst("\"price_str\":\"[^\"]+\"", "\"price_str\":\"x\""), "'price_str' is not a decimal",
                trade.replaceFirst("\"microtimestamp\":\"\\d+\"", "\"microtimestamp\":\"soon\""),
                "'microtimestamp' is not an integer",
                trade.replaceFirst("\"id\":\\d+,", ""), "missing field 'id'",
                "{\"event\":\"trade\",\"channel\":\"live_trades_ethusd\",\"data\":[]}", "'data' is not an object");
        broken.forEach((msg, reason) -> {
            FeedEvent e = p.parse(msg, 0);
            assertEquals(FeedEvent.Type.MALFORMED, e.type(), msg);
            assertTrue(e.detail().contains(reason), e.detail() + " should say " + reason);
        });
    }
}
