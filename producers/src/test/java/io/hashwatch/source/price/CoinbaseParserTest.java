package io.hashwatch.source.price;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.model.PriceTick;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CoinbaseParserTest {
    private static final String FILE = "COINBASE.ws.28.0";
    private static final String MATCH = "\"type\":\"(?:last_)?match\"";

    /** The products the recording subscribed to, read from its subscribe message. */
    static List<String> recordedProducts(List<String> sent) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : sent) {
            String list = Recording.group(s, "\"product_ids\":\\[([^\\]]*)\\]");
            for (String p : list.split(",")) {
                out.add(p.replace("\"", "").trim());
            }
        }
        return new ArrayList<>(out);
    }

    @Test
    void everyRecordedMatchBecomesATickWithTheRecordedValuesAndNothingElseIsRejected() {
        var file = Recording.require(FILE);
        List<Recording.Line> lines = Recording.received(file);
        List<String> products = recordedProducts(Recording.sent(file));
        assertEquals(10, products.size(), products.toString());
        CoinbaseParser parser = new CoinbaseParser(products);

        Map<FeedEvent.Type, Integer> types = new EnumMap<>(FeedEvent.Type.class);
        int expectedTicks = 0;
        long gaps = 0;
        for (Recording.Line line : lines) {
            FeedEvent e = parser.parse(line.raw(), line.receiveMs());
            types.merge(e.type(), 1, Integer::sum);
            gaps += e.gaps();
            if (!line.raw().matches(".*" + MATCH + ".*")) {
                assertTrue(e.ticks().isEmpty(), "line " + line.number() + ": " + e);
                continue;
            }
            expectedTicks++;
            assertEquals(FeedEvent.Type.TRADES, e.type(), "line " + line.number() + ": " + e);
            assertEquals(1, e.ticks().size());
            PriceTick t = e.ticks().get(0);
            String raw = line.raw();
            assertEquals("coinbase", t.exchange());
            assertEquals(Recording.group(raw, "\"product_id\":\"([^\"]+)\""), t.pair());
            assertEquals(Double.parseDouble(Recording.group(raw, "\"price\":\"([^\"]+)\"")), t.price(),
                    "line " + line.number());
            assertEquals(Double.parseDouble(Recording.group(raw, "\"size\":\"([^\"]+)\"")), t.size());
            assertEquals(Recording.group(raw, "\"trade_id\":(\\d+)"), t.tradeId());
            assertEquals(Instant.parse(Recording.group(raw, "\"time\":\"([^\"]+)\"")).toEpochMilli(),
                    t.tradeTimeMs());
            assertEquals(line.receiveMs(), t.receiveTimeMs());
        }
        assertEquals(107, expectedTicks, "97 matches and 10 last_match in the recording");
        assertEquals(expectedTicks, types.get(FeedEvent.Type.TRADES));
        assertEquals(3, types.get(FeedEvent.Type.SUBSCRIBED), "the three 'subscriptions' replies");
        assertNull(types.get(FeedEvent.Type.MALFORMED), "ticker, snapshot and l2update are ignored, not rejected");
        assertEquals(0, gaps, "trade ids of each product step by exactly 1 in the recording");
    }

    @Test
    void sequenceNumbersOfTheMatchesChannelJumpWithoutAGapSoTradeIdsAreUsed() {
        // The recording shows why: consecutive matches of a product have trade ids n, n+1 but sequences far apart.
        List<Recording.Line> lines = Recording.received(Recording.require(FILE));
        Map<String, long[]> last = new HashMap<>();
        int sequenceJumps = 0;
        for (Recording.Line l : lines) {
            if (!l.raw().matches(".*" + MATCH + ".*")) {
                continue;
            }
            String product = Recording.group(l.raw(), "\"product_id\":\"([^\"]+)\"");
            long id = Long.parseLong(Recording.group(l.raw(), "\"trade_id\":(\\d+)"));
            long seq = Long.parseLong(Recording.group(l.raw(), "\"sequence\":(\\d+)"));
            long[] prev = last.put(product, new long[] {id, seq});
            if (prev != null) {
                assertEquals(prev[0] + 1, id, "line " + l.number());
                if (seq > prev[1] + 1) {
                    sequenceJumps++;
                }
            }
        }
        assertTrue(sequenceJumps > 90, "sequence jumps between consecutive trades: " + sequenceJumps);
    }

    @Test
    void aMissingMatchIsAGapAndARepeatedOneIsIgnored() {
        List<Recording.Line> matches = new ArrayList<>();
        for (Recording.Line l : Recording.received(Recording.require(FILE))) {
            if (l.raw().contains("\"type\":\"match\"") && l.raw().contains("\"product_id\":\"SKL-USD\"")) {
                matches.add(l);
            }
        }
        assertTrue(matches.size() >= 4, "SKL-USD matches: " + matches.size());
        CoinbaseParser parser = new CoinbaseParser(List.of("SKL-USD"));
        assertEquals(FeedEvent.Type.TRADES, parser.parse(matches.get(0).raw(), 1).type());
        FeedEvent afterGap = parser.parse(matches.get(2).raw(), 2);
        assertEquals(FeedEvent.Type.TRADES, afterGap.type());
        assertEquals(1, afterGap.gaps());
        String missed = Recording.group(matches.get(1).raw(), "\"trade_id\":(\\d+)");
        assertTrue(afterGap.detail().contains(missed + ".." + missed), afterGap.detail());
        assertTrue(afterGap.detail().contains("1 trades"), afterGap.detail());

        FeedEvent repeat = parser.parse(matches.get(2).raw(), 3);
        assertEquals(FeedEvent.Type.IGNORED, repeat.type());
        assertTrue(repeat.detail().contains("already seen"), repeat.detail());
        FeedEvent late = parser.parse(matches.get(1).raw(), 4);
        assertEquals(FeedEvent.Type.IGNORED, late.type(), "an out-of-order older trade is not published");

        // A new connection: the jump over the outage is not a gap, a repeat of the last trade is still ignored.
        parser.reset();
        assertEquals(FeedEvent.Type.IGNORED, parser.parse(matches.get(2).raw(), 5).type());
        FeedEvent resumed = parser.parse(matches.get(matches.size() - 1).raw(), 6);
        assertEquals(FeedEvent.Type.TRADES, resumed.type());
        assertEquals(0, resumed.gaps());
    }

    @Test
    void oneAbsurdTradeIdDoesNotSilenceTheProduct() {
        List<String> matches = new ArrayList<>();
        for (Recording.Line l : Recording.received(Recording.require(FILE))) {
            if (l.raw().contains("\"type\":\"match\"") && l.raw().contains("\"product_id\":\"SKL-USD\"")) {
                matches.add(l.raw());
            }
        }
        CoinbaseParser parser = new CoinbaseParser(List.of("SKL-USD"));
        assertEquals(FeedEvent.Type.TRADES, parser.parse(matches.get(0), 1).type());
        String absurd = matches.get(1).replaceFirst("\"trade_id\":\\d+", "\"trade_id\":9000000000000000000");
        assertEquals(FeedEvent.Type.TRADES, parser.parse(absurd, 2).type());
        // The real trades that follow are far below it: they restart the ids instead of being taken for repeats.
        FeedEvent next = parser.parse(matches.get(2), 3);
        assertEquals(FeedEvent.Type.TRADES, next.type(), next.detail());
        assertEquals(0, next.gaps());
        assertEquals(FeedEvent.Type.TRADES, parser.parse(matches.get(3), 4).type());
        assertEquals(FeedEvent.Type.IGNORED, parser.parse(matches.get(3), 5).type(), "a repeat is still a repeat");
    }

    @Test
    void onlySubscribedProductsBecomeTicks() {
        CoinbaseParser parser = new CoinbaseParser(List.of("BTC-USD"));
        for (Recording.Line l : Recording.received(Recording.require(FILE))) {
            FeedEvent e = parser.parse(l.raw(), 0);
            assertTrue(e.ticks().isEmpty(), "line " + l.number());
            assertFalse(e.type() == FeedEvent.Type.MALFORMED, "line " + l.number() + ": " + e);
        }
    }

    @Test
    void controlMessagesOfTheDocumentedLayouts() {
        CoinbaseParser parser = new CoinbaseParser(List.of("BTC-USD"));
        assertEquals(FeedEvent.Type.HEARTBEAT, parser.parse("{\"type\":\"heartbeat\",\"sequence\":90,"
                + "\"last_trade_id\":20,\"product_id\":\"BTC-USD\",\"time\":\"2014-11-07T08:19:28.464459Z\"}", 0)
                .type());
        FeedEvent err = parser.parse("{\"type\":\"error\",\"message\":\"Failed to subscribe\","
                + "\"reason\":\"BTC-XYZ is not a valid product\"}", 0);
        assertEquals(FeedEvent.Type.ERROR, err.type());
        assertTrue(err.detail().contains("Failed to subscribe") && err.detail().contains("not a valid product"),
                err.detail());
        assertEquals(FeedEvent.Type.SUBSCRIBED, parser.parse("{\"type\":\"subscriptions\",\"channels\":"
                + "[{\"name\":\"matches\",\"product_ids\":[\"BTC-USD\"]}]}", 0).type());
    }

    @Test
    void garbageAndBrokenMatchesAreRejectedWithAReasonNeverThrown() {
        CoinbaseParser parser = new CoinbaseParser(List.of("BTC-USD"));
        for (String g : Recording.GARBAGE) {
            FeedEvent e = parser.parse(g, 0);
            assertEquals(FeedEvent.Type.MALFORMED, e.type(), "'" + g + "' -> " + e);
            assertFalse(e.detail().isBlank());
        }
        String good = "{\"type\":\"match\",\"trade_id\":10,\"side\":\"sell\",\"size\":\"0.5\",\"price\":\"68000.10\","
                + "\"product_id\":\"BTC-USD\",\"sequence\":50,\"time\":\"2024-04-20T00:09:27.123456Z\"}";
        assertEquals(FeedEvent.Type.TRADES, parser.parse(good, 0).type());
        Map<String, String> broken = Map.of(
                good.replace("\"price\":\"68000.10\"", "\"price\":\"abc\""), "'price' is not a decimal number",
                good.replace("\"price\":\"68000.10\"", "\"price\":\"-1\""), "'price' is not a positive",
                good.replace("\"price\":\"68000.10\"", "\"price\":\"NaN\""), "'price' is not a decimal number",
                good.replace("\"price\":\"68000.10\",", ""), "missing field 'price'",
                good.replace("\"trade_id\":10", "\"trade_id\":1.5"), "'trade_id' is not an integer",
                good.replace("2024-04-20T00:09:27.123456Z", "yesterday"), "'time' is not an ISO-8601",
                good.replace("\"product_id\":\"BTC-USD\"", "\"product_id\":7"), "'product_id' is not a string",
                good.replace("\"type\":\"match\"", "\"type\":null"), "missing field 'type'");
        broken.forEach((msg, reason) -> {
            FeedEvent e = parser.parse(msg, 0);
            assertEquals(FeedEvent.Type.MALFORMED, e.type(), msg);
            assertTrue(e.detail().contains(reason), e.detail() + " should say " + reason);
        });
    }

    @Test
    void anAdvancedTradeMessageIsNotAnExchangeFeedMessage() {
        // The docs fixture is Coinbase's other API (channel market_trades): this parser must not take it for trades.
        String text = Recording.text(Recording.fixture("nautilus_coinbase_ws_market_trades.json"));
        FeedEvent e = new CoinbaseParser(List.of("BTC-USD")).parse(text, 0);
        assertEquals(FeedEvent.Type.MALFORMED, e.type());
        assertTrue(e.detail().contains("missing field 'type'"), e.detail());
    }
}
