package io.hashwatch.source.price;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.model.Json;
import io.hashwatch.model.PriceTick;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class KrakenParserTest {

    // ---- v2 (wss://ws.kraken.com/v2): the documented layouts ----

    @Test
    void v2TradeUpdateFixtureBecomesOneTickPerTrade() throws Exception {
        String text = Recording.text(Recording.fixture("nautilus_kraken_ws_trade_update.json"));
        JsonNode expected = Json.MAPPER.readTree(text).get("data");
        FeedEvent e = new KrakenParser(List.of("BTC-USD")).parse(text, 77);
        assertEquals(FeedEvent.Type.TRADES, e.type(), e.toString());
        assertEquals(expected.size(), e.ticks().size());
        for (int i = 0; i < expected.size(); i++) {
            JsonNode x = expected.get(i);
            PriceTick t = e.ticks().get(i);
            assertEquals("kraken", t.exchange());
            assertEquals("BTC-USD", t.pair(), "BTC/USD is BTC-USD");
            assertEquals(new BigDecimal(x.get("price").asText()).doubleValue(), t.price());
            assertEquals(new BigDecimal(x.get("qty").asText()).doubleValue(), t.size());
            assertEquals(x.get("trade_id").asText(), t.tradeId());
            assertEquals(Instant.parse(x.get("timestamp").asText()).toEpochMilli(), t.tradeTimeMs());
            assertEquals(77, t.receiveTimeMs());
        }
    }

    @Test
    void v2SnapshotTickerAndControlMessages() {
        KrakenParser p = new KrakenParser(List.of("BTC-USD"));
        String update = Recording.text(Recording.fixture("nautilus_kraken_ws_trade_update.json"));
        FeedEvent snapshot = p.parse(update.replace("\"update\"", "\"snapshot\""), 0);
        assertEquals(FeedEvent.Type.TRADES, snapshot.type());
        assertEquals(FeedEvent.Type.IGNORED,
                p.parse(Recording.text(Recording.fixture("nautilus_kraken_ws_ticker_snapshot.json")), 0).type(),
                "the ticker channel is not trades");
        assertEquals(FeedEvent.Type.IGNORED, p.parse(update.replace("BTC/USD", "ETH/USD"), 0).type(),
                "another symbol");
        assertEquals(FeedEvent.Type.HEARTBEAT, p.parse("{\"channel\":\"heartbeat\"}", 0).type());
        assertEquals(FeedEvent.Type.HEARTBEAT, p.parse("{\"method\":\"pong\",\"req_id\":1,"
                + "\"time_in\":\"2023-09-24T14:10:23.799685Z\",\"time_out\":\"2023-09-24T14:10:23.799703Z\"}", 0).type());
        FeedEvent status = p.parse("{\"channel\":\"status\",\"data\":[{\"api_version\":\"v2\",\"connection_id\":"
                + "12893948786829353280,\"system\":\"online\",\"version\":\"2.0.0\"}],\"type\":\"update\"}", 0);
        assertEquals(FeedEvent.Type.IGNORED, status.type());
        assertTrue(status.detail().contains("online"), status.detail());
        assertEquals(FeedEvent.Type.SUBSCRIBED, p.parse("{\"method\":\"subscribe\",\"result\":{\"channel\":\"trade\","
                + "\"snapshot\":false,\"symbol\":\"BTC/USD\"},\"success\":true,"
                + "\"time_in\":\"2023-09-25T09:04:31.742599Z\",\"time_out\":\"2023-09-25T09:04:31.742648Z\"}", 0)
                .type());
        FeedEvent err = p.parse("{\"error\":\"Currency pair not supported BTC/XYZ\",\"method\":\"subscribe\","
                + "\"success\":false,\"time_in\":\"2023-09-25T09:04:31.742599Z\"}", 0);
        assertEquals(FeedEvent.Type.ERROR, err.type());
        assertTrue(err.detail().contains("Currency pair not supported"), err.detail());
    }

    @Test
    void v2GarbageAndBrokenTradesAreRejected() {
        KrakenParser p = new KrakenParser(List.of("BTC-USD"));
        for (String g : Recording.GARBAGE) {
            assertEquals(FeedEvent.Type.MALFORMED, p.parse(g, 0).type(), "'" + g + "'");
        }
        String update = Recording.text(Recording.fixture("nautilus_kraken_ws_trade_update.json"));
        Map<String, String> broken = Map.of(
                update.replace("\"update\"", "\"partial\""), "expected snapshot or update",
                update.replaceFirst("\"price\": 105944.20", "\"price\": 0"), "'price' is not a positive",
                update.replaceFirst("\"qty\": 0.00027625,", ""), "missing field 'qty'",
                update.replaceFirst("\"timestamp\": \"2023-10-06T17:35:55.440295Z\"", "\"timestamp\": 1696613755"),
                "'timestamp' is not a string",
                "{\"channel\":\"trade\",\"type\":\"update\",\"data\":{}}", "'data' is not an array");
        broken.forEach((msg, reason) -> {
            FeedEvent e = p.parse(msg, 0);
            assertEquals(FeedEvent.Type.MALFORMED, e.type(), msg);
            assertTrue(e.detail().contains(reason), e.detail() + " should say " + reason);
        });
    }

    // ---- v1 (wss://ws.kraken.com): the real recordings ----

    private static final Pattern V1_TRADE = Pattern.compile("\\[\"([0-9.]+)\",\"([0-9.]+)\",\"([0-9.]+)\",\"[bs]\"");

    @Test
    void v1RecordedTradesBecomeTicksWithTheRecordedValues() {
        var file = Recording.require("KRAKEN.ws.48.0");
        // Every pair of the recording, named as hashwatch names them (XBT is BTC).
        List<String> pairs = new ArrayList<>();
        String sub = Recording.sent(file).get(0);
        for (String p : Recording.group(sub, "\"pair\":\\[([^\\]]*)\\]").split(",")) {
            pairs.add(p.replace("\"", "").replace("XBT", "BTC").replace('/', '-'));
        }
        KrakenV1Parser parser = new KrakenV1Parser(pairs);
        Map<FeedEvent.Type, Integer> types = new EnumMap<>(FeedEvent.Type.class);
        int ticks = 0;
        for (Recording.Line l : Recording.received(file)) {
            FeedEvent e = parser.parse(l.raw(), l.receiveMs());
            types.merge(e.type(), 1, Integer::sum);
            if (!l.raw().startsWith("[")) {
                assertTrue(e.ticks().isEmpty());
                continue;
            }
            assertEquals(FeedEvent.Type.TRADES, e.type(), "line " + l.number() + ": " + e);
            String pair = Recording.group(l.raw(), ",\"trade\",\"([^\"]+)\"\\]$");
            Matcher m = V1_TRADE.matcher(l.raw());
            int i = 0;
            while (m.find()) {
                PriceTick t = e.ticks().get(i++);
                assertEquals(pair.replace("XBT", "BTC").replace('/', '-'), t.pair());
                assertEquals(Double.parseDouble(m.group(1)), t.price(), "line " + l.number());
                assertEquals(Double.parseDouble(m.group(2)), t.size());
                assertEquals(new BigDecimal(m.group(3)).movePointRight(3).longValue(), t.tradeTimeMs());
                assertEquals(l.receiveMs(), t.receiveTimeMs());
                assertNull(t.tradeId());
            }
            assertEquals(i, e.ticks().size());
            ticks += i;
        }
        assertEquals(10, ticks, "ten trades in eight messages");
        assertEquals(8, types.get(FeedEvent.Type.TRADES));
        assertEquals(10, types.get(FeedEvent.Type.SUBSCRIBED));
        assertTrue(types.get(FeedEvent.Type.HEARTBEAT) > 20);
        assertNull(types.get(FeedEvent.Type.MALFORMED));
    }

    @Test
    void v1TickerAndBookRecordingsAreIgnoredNotRejected() {
        KrakenV1Parser parser = new KrakenV1Parser(List.of("XMR-USD", "BTC-CHF"));
        for (String name : List.of("KRAKEN.ws.49.0", "KRAKEN.ws.50.0")) {
            List<Recording.Line> lines = Recording.received(Recording.require(name));
            assertTrue(lines.size() > 50, name);
            for (Recording.Line l : lines) {
                FeedEvent e = parser.parse(l.raw(), 0);
                assertTrue(e.ticks().isEmpty(), name + " line " + l.number());
                assertFalse(e.type() == FeedEvent.Type.MALFORMED, name + " line " + l.number() + ": " + e);
            }
        }
        assertEquals("XBT/USD", KrakenV1Parser.symbol("BTC-USD"));
        assertEquals("XDG/USD", KrakenV1Parser.symbol("DOGE-USD"));
        assertEquals("BTC/USD", KrakenParser.symbol("BTC-USD"));
    }

    @Test
    void v1GarbageIsRejected() {
        KrakenV1Parser p = new KrakenV1Parser(List.of("BTC-USD"));
        for (String g : Recording.GARBAGE) {
            assertEquals(FeedEvent.Type.MALFORMED, p.parse(g, 0).type(), "'" + g + "'");
        }
        FeedEvent e = p.parse("[993,[[\"abc\",\"0.89594024\",\"1618678142.557535\",\"s\",\"l\",\"\"]],\"trade\","
                + "\"XBT/USD\"]", 0);
        assertEquals(FeedEvent.Type.MALFORMED, e.type());
        assertTrue(e.detail().contains("trade price is not a decimal number"), e.detail());
        FeedEvent err = p.parse("{\"errorMessage\":\"Currency pair not supported\",\"event\":\"subscriptionStatus\","
                + "\"pair\":\"XBT/XYZ\",\"status\":\"error\",\"subscription\":{\"name\":\"trade\"}}", 0);
        assertEquals(FeedEvent.Type.ERROR, err.type());
    }
}
