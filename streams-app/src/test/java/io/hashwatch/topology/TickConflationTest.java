package io.hashwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.config.EconomicsSettings;
import io.hashwatch.metrics.EconomicsMetrics;
import io.hashwatch.model.Json;
import io.hashwatch.model.PriceTick;
import io.hashwatch.model.ReferencePrice;
import io.hashwatch.model.Topics;
import io.hashwatch.testing.Topologies;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conflation of ticks per exchange and minute before the repartition by pair: what crosses the shuffle (read
 * from the repartition topic, which TopologyTestDriver records like any other) and that the reference price is the
 * one every tick would have made. Restart and ordering are driven on the processor itself, with Kafka's
 * {@link MockProcessorContext} and a real in-memory store.
 */
class TickConflationTest {
    /** 2023-11-14 22:13:00 UTC, a minute boundary. */
    private static final long M = 1_700_000_000_000L / 60_000 * 60_000;
    private static final String APP = "tick-conflation-test";
    private static final String REPARTITION = APP + "-prices-by-pair-repartition";

    @TempDir
    Path stateDir;

    private SimpleMeterRegistry registry;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> prices;

    @BeforeEach
    void start() {
        registry = new SimpleMeterRegistry();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(Topologies.withDefaults(registry, () -> 2_000_000_000L), props);
        prices = driver.createInputTopic(Topics.PRICES.name(), Topics.PRICES.keySerde().serializer(),
                Topics.PRICES.valueSerde().serializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static PriceTick tick(String exchange, double price, long timeMs) {
        return new PriceTick(exchange, "BTC-USD", price, 0.1, timeMs, timeMs + 50, null);
    }

    /** Stamped with its trade time: TopologyTestDriver's one task then has the stream time the reference price has. */
    private void send(String exchange, double price, long timeMs) {
        prices.pipeInput(exchange, Json.write(tick(exchange, price, timeMs)), timeMs);
    }

    private List<PriceTick> repartitioned() {
        return driver.createOutputTopic(REPARTITION, Serdes.String().deserializer(),
                Json.serde(PriceTick.class).deserializer()).readValuesToList();
    }

    private Map<String, ReferencePrice> latestPrices() {
        Map<String, ReferencePrice> out = new LinkedHashMap<>();
        driver.createOutputTopic(Topics.REFERENCE_PRICES.name(), Topics.REFERENCE_PRICES.keySerde().deserializer(),
                Topics.REFERENCE_PRICES.valueSerde().deserializer()).readKeyValuesToList()
                .forEach(kv -> out.put(kv.key, kv.value));
        return out;
    }

    private double counter(String name, String... tags) {
        var c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void manyTicksOfAnExchangeInAMinuteCrossTheShuffleAsFewRecordsWithTheSamePrice() {
        String[] exchanges = {"coinbase", "kraken", "bitstamp"};
        double[] base = {100_000, 100_100, 100_050};
        int ticks = 0;
        // Each exchange trades every second for 190 s: minutes M, M + 60 s and M + 120 s; the first two close (end
        // plus 60 s grace), so their final values are out.
        for (int s = 0; s < 190; s++) {
            for (int i = 0; i < 3; i++) {
                send(exchanges[i], base[i] + s, M + s * 1000L + i * 300L);
                ticks++;
            }
        }
        List<PriceTick> shuffled = repartitioned();
        assertEquals(570, ticks);
        List<PriceTick> ofM = shuffled.stream().filter(t -> t.tradeTimeMs() < M + 60_000).toList();
        // At most the first tick, one per 5 s interval after it, and the final value, per exchange.
        assertTrue(ofM.size() <= 3 * (60 / 5 + 2), ofM.size() + " records for minute M's 180 ticks");
        for (int i = 0; i < 3; i++) {
            String exchange = exchanges[i];
            List<PriceTick> mine = ofM.stream().filter(t -> t.exchange().equals(exchange)).toList();
            assertEquals(M + i * 300L, mine.get(0).tradeTimeMs(), exchange + ": the first tick goes at once");
            assertEquals(M + 59_000 + i * 300L, mine.get(mine.size() - 1).tradeTimeMs(),
                    exchange + ": the last tick of the minute goes too");
        }
        // What every tick would make: the median of the exchanges' last trades, at s = 59 and s = 119.
        Map<String, ReferencePrice> published = latestPrices();
        ReferencePrice m = published.get("BTC-USD:" + M);
        assertEquals(100_109, m.price(), 1e-9, "median of 100,059, 100,159, 100,109");
        assertEquals(List.of("bitstamp", "coinbase", "kraken"), m.exchanges());
        assertEquals(100_169, published.get("BTC-USD:" + (M + 60_000)).price(), 1e-9);
        assertEquals(0, counter("hashwatch_prices_late_dropped", "exchange", "coinbase"));
    }

    @Test
    void anOlderTickDoesNotReplaceANewerOne() {
        send("coinbase", 100_000, M + 10_000);     // first: forwarded
        send("coinbase", 100_500, M + 12_000);     // pending
        send("coinbase", 101_000, M + 11_000);     // out of order, older than the pending one: ignored
        send("coinbase", 99_000, M + 9_000);       // older than what was forwarded: ignored
        send("kraken", 100_400, M + 17_000);       // event time passes the interval: coinbase's pending one goes
        List<PriceTick> shuffled = repartitioned();
        assertEquals(List.of(M + 10_000, M + 12_000, M + 17_000),
                shuffled.stream().map(PriceTick::tradeTimeMs).toList());
        assertEquals(100_500, shuffled.get(1).price(), 0.0);
        for (int s = 18; s <= 125; s++) {          // the feed goes on until minute M closes
            send("kraken", 100_400, M + s * 1000L);
        }
        assertEquals(100_450, latestPrices().get("BTC-USD:" + M).price(), 1e-9, "median of 100,500 and 100,400");
    }

    @Test
    void aTickLaterThanTheGraceIsCountedAndDoesNotCrossTheShuffle() {
        send("coinbase", 100_000, M + 10_000);
        send("coinbase", 100_700, M + 200_000);    // event time M + 200 s: minute M closed at M + 120 s
        repartitioned();
        send("bitstamp", 50_000, M + 40_000);
        assertEquals(List.of(), repartitioned());
        assertEquals(1, counter("hashwatch_prices_late_dropped", "exchange", "bitstamp"));
        send("bitstamp", 100_600, M + 80_000);     // minute M + 60 s closed at M + 180 s: late as well
        assertEquals(2, counter("hashwatch_prices_late_dropped", "exchange", "bitstamp"));
        send("bitstamp", 100_600, M + 150_000);    // minute M + 120 s is open: first tick, at once
        assertEquals(List.of(M + 150_000), repartitioned().stream().map(PriceTick::tradeTimeMs).toList());
    }

    @Test
    void whenTheFeedsFallSilentThePendingTickGoesOnByTheWallClock() {
        send("coinbase", 100_000, M + 1_000);
        send("coinbase", 100_700, M + 2_000);      // pending
        assertEquals(100_000, latestPrices().get("BTC-USD:" + M).price(), 1e-9);
        assertEquals(1, repartitioned().size());
        driver.advanceWallClockTime(TickConflationProcessor.SILENCE_CHECK);
        driver.advanceWallClockTime(TickConflationProcessor.SILENCE_CHECK);    // event time stood still
        assertEquals(List.of(M + 2_000), repartitioned().stream().map(PriceTick::tradeTimeMs).toList());
        driver.advanceWallClockTime(Duration.ofSeconds(5));                    // and the reference price's own
        assertEquals(100_700, latestPrices().get("BTC-USD:" + M).price(), 1e-9);
    }

    // ---- the processor alone: restart and ordering ----

    private static final EconomicsSettings SETTINGS = EconomicsSettings.defaults();

    private static KeyValueStore<byte[], byte[]> store(MockProcessorContext<String, PriceTick> ctx) {
        KeyValueStore<byte[], byte[]> s = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(TickConflationProcessor.EXCHANGE_LAST_TICKS_STORE), Serdes.ByteArray(),
                Serdes.ByteArray()).withLoggingDisabled().withCachingDisabled().build();
        s.init(ctx.getStateStoreContext(), s);
        ctx.addStateStore(s);
        return s;
    }

    private static List<Long> forwardedTimes(MockProcessorContext<String, PriceTick> ctx) {
        return ctx.forwarded().stream().map(f -> f.record().value().tradeTimeMs()).toList();
    }

    private static void process(TickConflationProcessor p, PriceTick tick) {
        p.process(new Record<>(tick.pair(), new ValidTick(tick, Json.write(tick)), tick.tradeTimeMs()));
    }

    @Test
    void afterARestartWhatTheStoreHoldsIsForwardedAgainAndClosedMinutesArePurged() {
        EconomicsMetrics metrics = new EconomicsMetrics(new SimpleMeterRegistry(), SETTINGS);
        MockProcessorContext<String, PriceTick> ctx = new MockProcessorContext<>();
        KeyValueStore<byte[], byte[]> store = store(ctx);
        TickConflationProcessor p = new TickConflationProcessor(SETTINGS.referencePrice(), metrics);
        p.init(ctx);
        process(p, tick("coinbase", 100_000, M + 1_000));
        process(p, tick("coinbase", 100_700, M + 2_000));   // pending when the task stops
        process(p, tick("kraken", 100_200, M + 2_500));
        assertEquals(List.of(M + 1_000, M + 2_500), forwardedTimes(ctx));

        // Re-initialized on the same store (a restart, or a revived task on its rolled-back store).
        ctx.resetForwards();
        p.init(ctx);
        process(p, tick("bitstamp", 100_400, M + 3_000));
        assertEquals(List.of(M + 2_000, M + 2_500, M + 3_000), forwardedTimes(ctx),
                "the stored ticks again, in trade-time order, before the new one");

        // A tick that closes minute M: nothing is pending, and M's entries leave the store.
        ctx.resetForwards();
        process(p, tick("bitstamp", 100_500, M + 121_000));
        assertEquals(List.of(M + 121_000), forwardedTimes(ctx));
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<byte[], byte[]> it = store.all()) {
            it.forEachRemaining(kv -> keys.add(new String(kv.key, StandardCharsets.UTF_8)));
        }
        assertEquals(List.of("00" + (M + 120_000) + "/7/BTC-USD/bitstamp"), keys, "only the new minute's entry");

        // A fresh instance on that store derives the event time from it: a tick of closed minute M is late.
        TickConflationProcessor fresh = new TickConflationProcessor(SETTINGS.referencePrice(), metrics);
        ctx.resetForwards();
        fresh.init(ctx);
        process(fresh, tick("kraken", 100_300, M + 50_000));
        assertEquals(List.of(), forwardedTimes(ctx));
    }

    @Test
    void aPendingTickGoesOnBeforeTheTickThatClosesItsMinute() {
        MockProcessorContext<String, PriceTick> ctx = new MockProcessorContext<>();
        store(ctx);
        TickConflationProcessor p = new TickConflationProcessor(SETTINGS.referencePrice(),
                new EconomicsMetrics(new SimpleMeterRegistry(), SETTINGS));
        p.init(ctx);
        process(p, tick("coinbase", 100_000, M + 1_000));
        process(p, tick("coinbase", 100_700, M + 2_000));   // pending
        // Event time jumps past M's close: downstream must see M's final tick before anything that makes it late.
        process(p, tick("kraken", 100_200, M + 200_000));
        var out = ctx.forwarded().stream().map(f -> f.record()).toList();
        assertEquals(List.of(M + 1_000, M + 2_000, M + 200_000), out.stream().map(r -> r.timestamp()).toList());
        assertEquals(100_700, out.get(1).value().price(), 0.0);
        assertEquals("BTC-USD", out.get(1).key());
    }
}
