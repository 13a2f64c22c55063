package io.hashwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.bitcoin.Network;
import io.hashwatch.metrics.PoolMetrics;
import io.hashwatch.model.Json;
import io.hashwatch.model.PoolBlockRecord;
import io.hashwatch.model.PoolWindowsRecord;
import io.hashwatch.pools.PoolList;
import io.hashwatch.testing.RegtestChain;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The pools processor keeps its windows in memory; after a restart (or a dirty close and revival, as
 * {@link ChainProcessorReinitTest} describes) it rebuilds them from its height store. The records after the restart
 * must be those an uninterrupted processor writes.
 */
class PoolsProcessorRestartTest {
    private static final PoolList LIST = PoolList.bundled();
    private static final List<String> TAGS = List.of("/ViaBTC/", "Foundry USA Pool", "/AntPool/", "nothing known");

    private static MockProcessorContext<String, Object> context() {
        MockProcessorContext<String, Object> ctx = new MockProcessorContext<>();
        ctx.setCurrentSystemTimeMs(1_700_000_000_000L); // the anomalies' arrival clock
        for (String name : List.of(PoolsProcessor.BLOCKS_STORE, PoolsProcessor.CANDIDATES_STORE)) {
            KeyValueStore<String, PoolEntry> s = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                    Serdes.String(), Json.serde(PoolEntry.class)).withLoggingDisabled().withCachingDisabled().build();
            s.init(ctx.getStateStoreContext(), s);
            ctx.addStateStore(s);
        }
        return ctx;
    }

    private static void feed(PoolsProcessor p, RegtestChain chain, int from, int to) {
        for (int h = from; h <= to; h++) {
            String tag = HexFormat.of().formatHex(TAGS.get(h * 7 % TAGS.size() == 3 && h % 2 == 0 ? 3
                    : h % 3).getBytes(StandardCharsets.ISO_8859_1));
            String coinbase = h == 0 ? null : PoolsTopologyTest.coinbase(h, new PoolsTopologyTest.Sample(tag,
                    List.of(new long[]{5_000_000_000L}), List.of("51"), -1));
            String hash = chain.at(h).hash();
            p.process(new Record<>("regtest:" + h, new PoolsEvent.Verified("regtest", h, hash, coinbase, null,
                    h % 5 == 0 ? 1 : 100), 0L));
            p.process(new Record<>("regtest:" + h, new PoolsEvent.Connected("regtest", h, hash, chain.at(h).time(),
                    chain.summary(h).chainwork().toString(16)), chain.at(h).time() * 1000));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Record<String, Object>> forwardedTo(MockProcessorContext<String, Object> ctx, String child) {
        return ctx.forwarded().stream().filter(f -> f.childName().orElse("").equals(child))
                .map(f -> (Record<String, Object>) (Record<?, ?>) f.record()).toList();
    }

    /** The windows the processor publishes when its punctuation (the commit interval's) next runs. */
    private static PoolWindowsRecord publishedWindows(MockProcessorContext<String, Object> ctx) {
        List<MockProcessorContext.CapturedPunctuator> scheduled = ctx.scheduledPunctuators();
        scheduled.get(scheduled.size() - 1).getPunctuator().punctuate(0L); // the processor initialized last
        List<Record<String, Object>> published = forwardedTo(ctx, PoolsProcessor.WINDOWS.name());
        return (PoolWindowsRecord) published.get(published.size() - 1).value();
    }

    private static List<PoolBlockRecord> records(MockProcessorContext<String, Object> ctx) {
        return ctx.forwarded().stream().filter(f -> f.childName().orElse("").equals(PoolsProcessor.POOLS.name()))
                .map(f -> (PoolBlockRecord) f.record().value()).toList();
    }

    @Test
    void aRestartedProcessorRebuildsItsWindowsFromTheStore() {
        RegtestChain chain = RegtestChain.fromGenesis(21);
        chain.extend(1_200);
        PoolMetrics metrics = new PoolMetrics(new SimpleMeterRegistry());

        MockProcessorContext<String, Object> uninterrupted = context();
        PoolsProcessor whole = new PoolsProcessor(LIST, metrics);
        whole.init(uninterrupted);
        feed(whole, chain, 0, 1_100);
        uninterrupted.resetForwards();
        feed(whole, chain, 1_101, 1_200);

        MockProcessorContext<String, Object> restarted = context();
        PoolsProcessor before = new PoolsProcessor(LIST, metrics);
        before.init(restarted);
        feed(before, chain, 0, 1_100);
        before.close();
        restarted.resetForwards();
        PoolsProcessor after = new PoolsProcessor(LIST, metrics);
        after.init(restarted);
        feed(after, chain, 1_101, 1_200);

        List<PoolBlockRecord> expected = records(uninterrupted);
        assertEquals(100, expected.size());
        assertEquals(expected, records(restarted));
        PoolWindowsRecord windows = publishedWindows(uninterrupted);
        assertEquals(windows, publishedWindows(restarted));
        // Not a vacuous comparison: the windows hold the blocks from before the restart.
        assertEquals(1_200, windows.height());
        assertEquals(1_008, windows.windows().get(1).blocks());
        assertEquals(1_201, windows.windows().get(2).blocks());
    }

    /** Blocks tagged "/NewPool/" at heights divisible by 4 (no pool of the bundled list), "/ViaBTC/" otherwise. */
    private static void feedNewPool(PoolsProcessor p, RegtestChain chain, int from, int to) {
        for (int h = from; h <= to; h++) {
            String tag = HexFormat.of().formatHex((h % 4 == 0 ? "/NewPool/" : "/ViaBTC/")
                    .getBytes(StandardCharsets.ISO_8859_1));
            String coinbase = h == 0 ? null : PoolsTopologyTest.coinbase(h, new PoolsTopologyTest.Sample(tag,
                    List.of(new long[]{5_000_000_000L}), List.of("51"), -1));
            String hash = chain.at(h).hash();
            p.process(new Record<>("regtest:" + h, new PoolsEvent.Verified("regtest", h, hash, coinbase, null, 2),
                    0L));
            p.process(new Record<>("regtest:" + h, new PoolsEvent.Connected("regtest", h, hash, chain.at(h).time(),
                    chain.summary(h).chainwork().toString(16)), chain.at(h).time() * 1000));
        }
    }

    @Test
    void aNewListReattributesTheKeptBlocksAndEmitsThemAgain() throws java.io.IOException {
        RegtestChain chain = RegtestChain.fromGenesis(22);
        chain.extend(201);
        PoolMetrics metrics = new PoolMetrics(new SimpleMeterRegistry());
        String bundled;
        try (var in = PoolList.class.getResourceAsStream(PoolList.BUNDLED_RESOURCE)) {
            bundled = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        PoolList newer = PoolList.parse((bundled.substring(0, bundled.length() - 1)
                + ",{\"id\":9999,\"name\":\"New Pool\",\"addresses\":[],\"tags\":[\"/NewPool/\"]}]")
                .getBytes(StandardCharsets.UTF_8), "newer.json");

        MockProcessorContext<String, Object> ctx = context();
        PoolsProcessor old = new PoolsProcessor(LIST, metrics);
        old.init(ctx);
        feedNewPool(old, chain, 0, 200);
        assertEquals(0, ((PoolBlockRecord) forwardedTo(ctx, PoolsProcessor.POOLS.name()).get(200).value()).poolId(),
                "unknown at 200");
        old.close();
        ctx.resetForwards();

        PoolsProcessor restarted = new PoolsProcessor(newer, metrics);
        restarted.init(ctx);
        feedNewPool(restarted, chain, 201, 201);
        List<PoolBlockRecord> out = records(ctx);
        // From the first block the new list attributes otherwise (4) to the tip, then the new block 201.
        assertEquals(java.util.stream.LongStream.rangeClosed(4, 201).boxed().toList(),
                out.stream().map(PoolBlockRecord::height).toList());
        for (PoolBlockRecord r : out) {
            boolean tagged = r.height() % 4 == 0;
            assertEquals(tagged ? "newpool" : "viabtc", r.poolSlug(), "at " + r.height());
            assertEquals("attributed", r.attribution());
        }
        PoolWindowsRecord tip = publishedWindows(ctx);
        assertEquals(201, tip.height());
        assertEquals("newer.json", tip.poolList());
        // The last 144 blocks, 58..201: 36 at heights divisible by 4, none unknown.
        assertEquals(0, tip.windows().get(0).unknownBlocks());
        assertEquals(36, tip.windows().get(0).pools().stream().filter(p -> p.slug().equals("newpool"))
                .findFirst().orElseThrow().blocks());

        // The kept blocks are now the new list's: another restart with it emits nothing again.
        restarted.close();
        ctx.resetForwards();
        PoolsProcessor again = new PoolsProcessor(newer, metrics);
        again.init(ctx);
        chain.extend(1);
        feedNewPool(again, chain, 202, 202);
        assertEquals(List.of(202L), records(ctx).stream().map(PoolBlockRecord::height).toList());
    }

    /**
     * A reorganization to a branch with more work but fewer blocks: the chain processor connects the branch, then
     * sends a tombstone for each height the new chain does not reach; the pools processor passes it on and the
     * windows no longer count the old blocks.
     */
    @Test
    void aHeightTombstoneTakesTheOldBlocksOutOfTheWindows() {
        RegtestChain chain = RegtestChain.fromGenesis(23);
        chain.extend(20);
        MockProcessorContext<String, Object> ctx = context();
        PoolsProcessor p = new PoolsProcessor(LIST, new PoolMetrics(new SimpleMeterRegistry()));
        p.init(ctx);
        feedNewPool(p, chain, 0, 20);
        ctx.resetForwards();
        // The new branch: 16 and 17 replace 16..20 (a shorter branch of more work); then 18..20 are tombstoned.
        RegtestChain fork = chain.fork(15);
        fork.extend(2);
        feedNewPool(p, fork, 16, 17);
        for (int h = 18; h <= 20; h++) {
            p.process(new Record<>("regtest:" + h, null, 0L));
        }
        List<Record<String, Object>> pools = forwardedTo(ctx, PoolsProcessor.POOLS.name());
        List<String> keys = pools.stream().map(Record::key).toList();
        assertEquals(List.of("regtest:16", "regtest:17", "regtest:18", "regtest:19", "regtest:20"), keys);
        assertEquals(null, pools.get(4).value(), "a tombstone");
        assertEquals(fork.at(17).hash(), ((PoolBlockRecord) pools.get(1).value()).hash());
        PoolWindowsRecord at17 = publishedWindows(ctx);
        assertEquals(fork.at(17).hash(), at17.hash());
        assertEquals(18, at17.windows().get(0).blocks(), "heights 0..17");
        // Every replaced height's anomalies are deleted, whatever they were, before the new block's own.
        List<Record<String, Object>> anomalies = forwardedTo(ctx, PoolsProcessor.ANOMALIES.name());
        for (long h = 16; h <= 20; h++) {
            for (String kind : BlockAnomalies.KINDS) {
                String key = "regtest:" + h + ":" + kind;
                assertTrue(anomalies.stream().anyMatch(r -> r.key().equals(key) && r.value() == null), key);
            }
        }
        // The next block of the new branch follows 17: the old 18..20 are gone from the windows.
        ctx.resetForwards();
        fork.extend(1);
        feedNewPool(p, fork, 18, 18);
        assertEquals(fork.at(18).hash(), ((PoolBlockRecord) forwardedTo(ctx, PoolsProcessor.POOLS.name()).get(0)
                .value()).hash());
        PoolWindowsRecord at18 = publishedWindows(ctx);
        assertEquals(19, at18.windows().get(0).blocks());
        // Heights 1..18 have coinbases; 4, 8, 12, 16 carry the tag no bundled pool has.
        assertEquals(4, at18.windows().get(0).unknownBlocks());
        assertEquals(18, at18.windows().get(0).withCoinbase());
    }

    private static List<Long> heightsKept(MockProcessorContext<String, Object> ctx) {
        KeyValueStore<String, PoolEntry> heights = ctx.getStateStore(PoolsProcessor.BLOCKS_STORE);
        List<Long> out = new ArrayList<>();
        try (KeyValueIterator<String, PoolEntry> it = heights.all()) {
            it.forEachRemaining(kv -> out.add(kv.value.height()));
        }
        return out;
    }

    @Test
    void theHeightStoreKeepsTheRingAndNoMore() {
        int interval = Network.RETARGET_INTERVAL;
        long firstTip = (PoolsProcessor.KEEP_HEIGHTS / interval + 2) * interval; // two prunes with heights to drop
        long secondTip = firstTip + interval;
        RegtestChain chain = RegtestChain.fromGenesis(31);
        chain.extend((int) secondTip);
        PoolMetrics metrics = new PoolMetrics(new SimpleMeterRegistry());
        MockProcessorContext<String, Object> ctx = context();
        PoolsProcessor first = new PoolsProcessor(LIST, metrics);
        first.init(ctx);
        feed(first, chain, 0, (int) firstTip);
        // The task's first prune scans the store; the next drops the heights since: the ring's heights are left.
        assertEquals(LongStream.rangeClosed(firstTip - PoolsProcessor.KEEP_HEIGHTS, firstTip).boxed().toList(),
                heightsKept(ctx));
        first.close();
        // A restarted task scans again at its first prune.
        PoolsProcessor second = new PoolsProcessor(LIST, metrics);
        second.init(ctx);
        feed(second, chain, (int) firstTip + 1, (int) secondTip);
        assertEquals(LongStream.rangeClosed(secondTip - PoolsProcessor.KEEP_HEIGHTS, secondTip).boxed().toList(),
                heightsKept(ctx));
        KeyValueStore<String, PoolEntry> candidates = ctx.getStateStore(PoolsProcessor.CANDIDATES_STORE);
        try (KeyValueIterator<String, PoolEntry> it = candidates.all()) {
            assertFalse(it.hasNext(), "every candidate connected");
        }
    }

    @Test
    void aChainThatStartsOverBelowThePrunedHeightsIsPrunedAgain() {
        int interval = Network.RETARGET_INTERVAL;
        long tip = (PoolsProcessor.KEEP_HEIGHTS / interval + 2) * interval;
        RegtestChain chain = RegtestChain.fromGenesis(41);
        chain.extend((int) tip);
        MockProcessorContext<String, Object> ctx = context();
        PoolsProcessor p = new PoolsProcessor(LIST, new PoolMetrics(new SimpleMeterRegistry()));
        p.init(ctx);
        feed(p, chain, 0, (int) tip);
        // The chain state starts over from genesis (a source replaying the chain): every height is connected again,
        // below the heights already pruned, and the prune at the retarget before the tip drops them again.
        long again = tip - interval;
        feed(p, chain, 0, (int) again);
        assertEquals(LongStream.rangeClosed(again - PoolsProcessor.KEEP_HEIGHTS, again).boxed().toList(),
                heightsKept(ctx));
    }
}
