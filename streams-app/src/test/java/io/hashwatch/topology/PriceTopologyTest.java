package io.hashwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.model.HashpriceRecord;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.PriceTick;
import io.hashwatch.model.ReferencePrice;
import io.hashwatch.model.Topics;
import io.hashwatch.testing.SharedData;
import io.hashwatch.testing.Topologies;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reference price (outliers, staleness, lateness, rejects) and the event-time join of blocks with it. */
class PriceTopologyTest {
    /** 2023-11-14 22:13:00 UTC, a minute boundary. */
    private static final long M = 1_700_000_000_000L / 60_000 * 60_000;

    @TempDir
    Path stateDir;

    private SimpleMeterRegistry registry;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> prices;
    private TestInputTopic<String, byte[]> headers;

    @BeforeEach
    void start() {
        registry = new SimpleMeterRegistry();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "price-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(Topologies.withDefaults(registry, () -> 2_000_000_000L), props);
        prices = driver.createInputTopic(Topics.PRICES.name(), Topics.PRICES.keySerde().serializer(),
                Topics.PRICES.valueSerde().serializer());
        headers = driver.createInputTopic(Topics.HEADERS.name(), Topics.HEADERS.keySerde().serializer(),
                Topics.HEADERS.valueSerde().serializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void tick(String exchange, double price, long timeMs) {
        PriceTick t = new PriceTick(exchange, "BTC-USD", price, 0.1, timeMs, timeMs + 50, null);
        prices.pipeInput(exchange, Json.write(t), timeMs);
    }

    private List<KeyValue<String, ReferencePrice>> referencePrices() {
        return driver.createOutputTopic(Topics.REFERENCE_PRICES.name(),
                Topics.REFERENCE_PRICES.keySerde().deserializer(), Topics.REFERENCE_PRICES.valueSerde().deserializer())
                .readKeyValuesToList();
    }

    private static Map<String, ReferencePrice> latest(List<KeyValue<String, ReferencePrice>> records) {
        Map<String, ReferencePrice> out = new LinkedHashMap<>();
        records.forEach(kv -> out.put(kv.key, kv.value));
        return out;
    }

    private double counter(String name, String... tags) {
        var c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void anOutlierAndAStaleExchangeAreLeftOut() {
        tick("oldex", 99_000, M - 400_000);        // last trade 400 s before the minute: stale at its end
        tick("coinbase", 100_000, M + 10_000);
        tick("kraken", 100_100, M + 20_000);
        tick("bitstamp", 114_000, M + 30_000);     // 14% off
        ReferencePrice p = latest(referencePrices()).get("BTC-USD:" + M);
        assertEquals(100_050, p.price(), 1e-9);
        assertEquals(2, p.sources());
        assertEquals(List.of("coinbase", "kraken"), p.exchanges());
        assertEquals(List.of("bitstamp"), p.excludedOutliers());
        assertEquals(List.of("oldex"), p.excludedStale());
        assertEquals(1, counter("hashwatch_reference_price_outliers", "exchange", "bitstamp"));
        assertEquals(100_050.0, registry.find("hashwatch_reference_price_usd").gauge().value());
    }

    @Test
    void anExchangeWithoutATradeInTheMinuteContributesItsRecentLastTrade() {
        tick("kraken", 100_000, M - 100_000);      // 160 s before the minute's end: fresh
        tick("coinbase", 100_400, M + 5_000);
        ReferencePrice p = latest(referencePrices()).get("BTC-USD:" + M);
        assertEquals(100_200, p.price(), 1e-9);
        assertEquals(List.of("coinbase", "kraken"), p.exchanges());
    }

    @Test
    void aLateTickWithinGraceChangesItsMinuteOneBeyondGraceDoesNot() {
        tick("coinbase", 100_000, M + 10_000);
        tick("coinbase", 100_500, M + 100_000);    // stream time M + 100 s
        tick("kraken", 100_200, M + 30_000);       // minute M closes at M + 60 s + 60 s grace: still open
        Map<String, ReferencePrice> afterGrace = latest(referencePrices());
        assertEquals(100_100, afterGrace.get("BTC-USD:" + M).price(), 1e-9);
        assertEquals(2, afterGrace.get("BTC-USD:" + M).sources());

        tick("coinbase", 100_700, M + 200_000);    // stream time M + 200 s
        tick("bitstamp", 50_000, M + 40_000);      // too late for minute M
        List<KeyValue<String, ReferencePrice>> later = referencePrices();
        assertTrue(later.stream().noneMatch(kv -> kv.key.equals("BTC-USD:" + M)), "minute M is closed");
        assertEquals(1, counter("hashwatch_prices_late_dropped", "exchange", "bitstamp"));
    }

    @Test
    void aMinuteIsPublishedAtItsFirstTickThenAtMostOncePerIntervalAndWithItsFinalValue() {
        tick("coinbase", 100_000, M + 1_000);      // the minute's first tick: published at once
        tick("kraken", 100_200, M + 2_000);        // within the 5 s interval: pending
        tick("bitstamp", 100_400, M + 3_000);
        List<KeyValue<String, ReferencePrice>> first = referencePrices();
        assertEquals(1, first.size(), "one record for three ticks within the interval");
        assertEquals(100_000, first.get(0).value.price(), 1e-9);

        // Stream time moves 5.5 s past the publication: the pending minute goes out (the punctuation runs as the
        // record's time advances stream time, before the record itself), and this tick is pending in its turn.
        tick("coinbase", 100_600, M + 6_500);
        List<KeyValue<String, ReferencePrice>> second = referencePrices();
        assertEquals(1, second.size());
        assertEquals(100_200, second.get(0).value.price(), 1e-9, "median of 100,000, 100,200, 100,400");
        assertEquals(3, second.get(0).value.sources());

        tick("kraken", 100_900, M + 8_000);        // pending when the minute closes
        assertEquals(List.of(), referencePrices());
        tick("coinbase", 100_500, M + 125_000);    // stream time passes M's end plus grace: its final value goes out
        Map<String, ReferencePrice> closing = latest(referencePrices());
        assertEquals(100_600, closing.get("BTC-USD:" + M).price(), 1e-9, "median of 100,600, 100,900, 100,400");
        assertEquals(100_500, closing.get("BTC-USD:" + (M + 120_000)).price(), 1e-9);

        tick("kraken", 100_300, M + 126_000);      // pending; the feeds then fall silent
        assertEquals(List.of(), referencePrices());
        driver.advanceWallClockTime(java.time.Duration.ofSeconds(5));
        assertEquals(100_400, latest(referencePrices()).get("BTC-USD:" + (M + 120_000)).price(), 1e-9,
                "published by the wall-clock punctuation: median of 100,500, 100,300 and bitstamp's fresh 100,400");
    }

    @Test
    void absurdAndMalformedTicksAreDeadLettered() {
        tick("coinbase", 0, M);
        tick("coinbase", -5, M);
        tick("coinbase", 1e12, M);
        // (TopologyTestDriver runs the whole topology as one task: explicit timestamps keep stream time at M.)
        prices.pipeInput("kraken", Json.write(new PriceTick("kraken", "ETH-USD", 3000, null, M, M, null)), M);
        prices.pipeInput("kraken", "{\"exchange\":\"kraken\",\"pair\":\"BTC-USD\",\"price\":NaN,\"trade_time_ms\":1}"
                .getBytes(StandardCharsets.UTF_8), M);
        prices.pipeInput("kraken", "{bad".getBytes(StandardCharsets.UTF_8), M);
        tick("coinbase", 100_000, M);

        List<TestRecord<String, byte[]>> dead = driver.createOutputTopic(Topics.DEAD_LETTERS.name(),
                Topics.DEAD_LETTERS.keySerde().deserializer(), Topics.DEAD_LETTERS.valueSerde().deserializer())
                .readRecordsToList();
        assertEquals(List.of("price_out_of_range", "price_out_of_range", "price_out_of_range", "unknown_pair",
                "malformed", "malformed"), dead.stream().map(r -> new String(
                        r.headers().lastHeader(Topics.REJECT_REASON_HEADER).value(), StandardCharsets.UTF_8)).toList());
        assertEquals("prices", new String(dead.get(0).headers().lastHeader(Topics.REJECT_SOURCE_TOPIC_HEADER).value(),
                StandardCharsets.UTF_8));
        assertEquals(3, counter("hashwatch_prices_rejected", "reason", "price_out_of_range"));
        assertEquals(100_000, latest(referencePrices()).get("BTC-USD:" + M).price(), 1e-9, "and it goes on");
    }

    /**
     * Prices are all known before the blocks are processed (as in a backfill), yet each block takes the price of
     * its own time, not the latest one.
     */
    @Test
    void aBlockTakesTheReferencePriceAtItsOwnTimestamp() {
        Path file = SharedData.requireHeaders("mainnet_80001-100000.btcrelay.bin");
        List<BlockHeader> real = SharedData.readParsedHeaders(file).subList(0, 20);
        long t0 = real.get(0).time() * 1000;
        long t10 = real.get(10).time() * 1000;
        tick("cmc", 6_100, t0 - 3_600_000);
        tick("cmc", 6_200, t10 - 1_000);
        tick("cmc", 99_999, t10 + 86_400_000L);    // the latest price at processing time, a day later
        for (int i = 0; i < real.size(); i++) {
            // Header records carry their block's time, as the producers write them.
            headers.pipeInput("mainnet", Json.write(new HeaderRecord("mainnet", 80_001 + i, real.get(i).hex(), null,
                    null, "test", null)), real.get(i).time() * 1000);
        }
        Map<String, HashpriceRecord> byKey = new LinkedHashMap<>();
        driver.createOutputTopic(Topics.HASHPRICE.name(), Topics.HASHPRICE.keySerde().deserializer(),
                Topics.HASHPRICE.valueSerde().deserializer()).readKeyValuesToList()
                .forEach(kv -> byKey.put(kv.key, kv.value));
        long priceBMinute = (t10 - 1_000) / 60_000 * 60_000;
        for (int i = 0; i < real.size(); i++) {
            HashpriceRecord h = byKey.get("mainnet:" + (80_001 + i));
            long blockMs = real.get(i).time() * 1000;
            double expected = blockMs >= priceBMinute ? 6_200 : 6_100;
            assertEquals(expected, h.priceUsd(), 0.0, "height " + (80_001 + i));
            assertEquals(h.hashpriceBtcPerPhDay() * expected, h.hashpriceUsdPerPhDay(), 1e-9);
        }
        assertNull(byKey.get("mainnet:current"), "no price update came after the tip");
        tick("cmc", 6_300, t10 + 86_400_000L + 60_000);     // a live update after the tip: the current view
        HashpriceRecord current = driver.createOutputTopic(Topics.HASHPRICE.name(),
                Topics.HASHPRICE.keySerde().deserializer(), Topics.HASHPRICE.valueSerde().deserializer())
                .readKeyValuesToMap().get("mainnet:current");
        assertEquals(80_020, current.height());
        assertEquals(6_300, current.priceUsd(), 0.0);
    }
}
