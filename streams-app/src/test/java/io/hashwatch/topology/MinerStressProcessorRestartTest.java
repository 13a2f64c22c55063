package io.hashwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.config.EconomicsSettings;
import io.hashwatch.metrics.EconomicsMetrics;
import io.hashwatch.model.Json;
import io.hashwatch.model.MinerDayRecord;
import io.hashwatch.model.Topics;
import io.hashwatch.stress.DayBlock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * A miner-stress processor started again on its stores (a restart, a task moved here) takes its tip from them: a
 * reorganization after the restart removes the blocks it replaces, as an uninterrupted processor does.
 */
class MinerStressProcessorRestartTest {
    private static final long START = 1_700_006_400L; // 2023-11-15 00:00 UTC
    private static final EconomicsSettings SETTINGS = EconomicsSettings.defaults();
    /** Each context's stream time: the latest record timestamp it has seen. */
    private final Map<MockProcessorContext<String, Object>, Long> streamTime = new HashMap<>();

    private static MockProcessorContext<String, Object> context() {
        MockProcessorContext<String, Object> ctx = new MockProcessorContext<>();
        store(ctx, MinerStressProcessor.DAY_BLOCKS_STORE, Json.serde(StressBlock.class));
        store(ctx, MinerStressProcessor.HEIGHTS_STORE, Serdes.String());
        store(ctx, MinerStressProcessor.DAYS_STORE, Topics.MINER_DAYS.valueSerde());
        return ctx;
    }

    private static <V> void store(MockProcessorContext<String, Object> ctx, String name, Serde<V> serde) {
        KeyValueStore<String, V> s = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                Serdes.String(), serde).withLoggingDisabled().withCachingDisabled().build();
        s.init(ctx.getStateStoreContext(), s);
        ctx.addStateStore(s);
    }

    /** Block {@code height}, 10 minutes apart; {@code branch} changes its fees (another block at that height). */
    private static Record<String, StressBlock> block(long height, int branch) {
        long time = START + height * 600;
        DayBlock b = new DayBlock(height, time, BigInteger.valueOf(1L << 40), 1e12, 312_500_000L,
                20_000_000L + branch * 7_000_000L, 37_000.0, 5e-5, 1.9);
        return new Record<>("regtest:" + height, new StressBlock("regtest", b, 2e7, 600.0), time * 1000);
    }

    private static MinerStressProcessor processor(MockProcessorContext<String, Object> ctx) {
        MinerStressProcessor p = new MinerStressProcessor(SETTINGS,
                new EconomicsMetrics(new SimpleMeterRegistry(), SETTINGS));
        p.init(ctx);
        return p;
    }

    /**
     * Blocks {@code from..to} of {@code branch}; stream time is the latest timestamp seen, as Kafka Streams keeps it
     * (a branch's first blocks are older than the tip they replace).
     */
    private void feed(MockProcessorContext<String, Object> ctx, MinerStressProcessor p, long from, long to,
                      int branch) {
        for (long h = from; h <= to; h++) {
            Record<String, StressBlock> r = block(h, branch);
            streamTime.merge(ctx, r.timestamp(), Math::max);
            ctx.setCurrentStreamTimeMs(streamTime.get(ctx));
            p.process(r);
        }
    }


    private static Map<String, MinerDayRecord> days(MockProcessorContext<String, Object> ctx) {
        KeyValueStore<String, MinerDayRecord> days = ctx.getStateStore(MinerStressProcessor.DAYS_STORE);
        Map<String, MinerDayRecord> out = new TreeMap<>();
        try (KeyValueIterator<String, MinerDayRecord> it = days.all()) {
            it.forEachRemaining(kv -> out.put(kv.key, kv.value));
        }
        return out;
    }

    private static List<String> heights(MockProcessorContext<String, Object> ctx) {
        KeyValueStore<String, String> heights = ctx.getStateStore(MinerStressProcessor.HEIGHTS_STORE);
        List<String> out = new ArrayList<>();
        try (KeyValueIterator<String, String> it = heights.all()) {
            it.forEachRemaining(kv -> out.add(kv.key));
        }
        return out;
    }

    private static void publish(MockProcessorContext<String, Object> ctx) {
        List<MockProcessorContext.CapturedPunctuator> scheduled = ctx.scheduledPunctuators();
        scheduled.get(scheduled.size() - 1).getPunctuator().punctuate(0L);
    }

    @Test
    void aRestartedProcessorTakesItsTipFromTheStoreAndAReorganizationReplacesTheBlocksAboveIt() {
        MockProcessorContext<String, Object> uninterrupted = context();
        MinerStressProcessor whole = processor(uninterrupted);
        feed(uninterrupted, whole, 0, 299, 0);
        feed(uninterrupted, whole, 290, 302, 1);
        publish(uninterrupted);

        MockProcessorContext<String, Object> restarted = context();
        MinerStressProcessor before = processor(restarted);
        feed(restarted, before, 0, 299, 0);
        publish(restarted);
        before.close();
        MinerStressProcessor after = processor(restarted);
        feed(restarted, after, 290, 302, 1);
        publish(restarted);

        assertEquals(days(uninterrupted), days(restarted));
        assertEquals(heights(uninterrupted), heights(restarted));
        // Not vacuous: the heights end at the branch's tip, and the open day counts each height once, with the
        // branch's fees.
        List<String> kept = heights(restarted);
        assertEquals(303, kept.size());
        assertTrue(kept.get(kept.size() - 1).endsWith("|0000000302"), kept.get(kept.size() - 1));
        MinerDayRecord open = days(restarted).get("regtest:2023-11-17");
        assertEquals(303 - 288, open.totals().blocks(), "" + open.totals());
    }
}
