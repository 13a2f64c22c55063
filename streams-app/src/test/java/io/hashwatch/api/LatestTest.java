package io.hashwatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.model.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the economics, pool-shares and alerts resources answer from the records read, in the order they came. */
class LatestTest {
    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String hashprice(long height, double btc) {
        return "{\"network\":\"mainnet\",\"height\":" + height + ",\"hashprice_btc_per_ph_day\":" + btc + "}";
    }

    @Test
    void aPriceUpdateOfTheTipReplacesItsBlocksRecordButAnOlderBlockDoesNot() {
        Latest l = new Latest();
        l.add(Topics.ECONOMICS.name(), "mainnet:100", json(hashprice(100, 1)));
        l.add(Topics.ECONOMICS.name(), "mainnet:current", json(hashprice(100, 2)));
        // A reorganization re-sends a lower height after: the tip's record stays.
        l.add(Topics.ECONOMICS.name(), "mainnet:99", json(hashprice(99, 3)));
        l.add(Topics.ECONOMICS.name(), "mainnet:98", null);
        l.add(Topics.ECONOMICS.name(), "mainnet:97", json("not json"));
        JsonNode e = (JsonNode) l.economics("mainnet", 0).get("economics");
        assertEquals(2.0, e.get("hashprice_btc_per_ph_day").asDouble());
        assertNull(l.economics("testnet4", 0).get("economics"));
        assertNull(l.economics("mainnet", 0).get("reference_price"));
    }

    @Test
    void theHashpriceHistoryKeepsTheLastHeightsPerBlockOnly() {
        Latest l = new Latest();
        for (long h = 1; h <= Latest.HASHPRICE_HEIGHTS + 10; h++) {
            l.add(Topics.HASHPRICE.name(), "mainnet:" + h, json(hashprice(h, h)));
            l.add(Topics.HASHPRICE.name(), "mainnet:current", json(hashprice(h, -h)));
        }
        @SuppressWarnings("unchecked")
        List<JsonNode> all = (List<JsonNode>) l.economics("mainnet", 0).get("hashprice_history");
        assertEquals(Latest.HASHPRICE_HEIGHTS, all.size());
        assertEquals(11, all.get(0).get("height").asLong());
        assertEquals(Latest.HASHPRICE_HEIGHTS + 10, all.get(all.size() - 1).get("hashprice_btc_per_ph_day").asLong());
        Map<String, Object> m = l.economics("mainnet", Latest.HASHPRICE_HEIGHTS + 8);
        assertEquals(3, ((List<?>) m.get("hashprice_history")).size());
        assertEquals(-(Latest.HASHPRICE_HEIGHTS + 10.0),
                ((JsonNode) m.get("hashprice")).get("hashprice_btc_per_ph_day").asDouble());
    }

    @Test
    void alertsAreTheLastTwentyNewestFirst() {
        Latest l = new Latest();
        for (int i = 0; i < 25; i++) {
            l.add(Topics.ALERTS.name(), "k" + i, json("{\"fingerprint\":\"f" + i + "\"}"));
        }
        List<JsonNode> a = l.alerts();
        assertEquals(Latest.ALERTS, a.size());
        assertEquals("f24", a.get(0).get("fingerprint").asText());
        assertEquals("f5", a.get(a.size() - 1).get("fingerprint").asText());
    }

    @Test
    void theReferencePriceIsTheLatestMinuteWhateverTheOrder() {
        Latest l = new Latest();
        l.add(Topics.REFERENCE_PRICES.name(), "BTC-USD:120000", json("{\"minute_start_ms\":120000,\"price\":2}"));
        l.add(Topics.REFERENCE_PRICES.name(), "BTC-USD:60000", json("{\"minute_start_ms\":60000,\"price\":1}"));
        assertEquals(2, ((JsonNode) l.economics("mainnet", 0).get("reference_price")).get("price").asInt());
    }
}
