package io.hashwatch.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.bitcoin.Ancestors;
import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.bitcoin.BlockSummary;
import io.hashwatch.bitcoin.NetworkHashrate;
import io.hashwatch.model.Json;
import java.math.BigInteger;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The index's shortcuts for the hashrate windows (the known depth from the store's extent, the time spread from
 * per-run extremes) against the plain definitions that read every timestamp, through appends, reorgs of up to 40
 * blocks, ring wrap-around and a reload from the store.
 */
class ChainIndexTest {
    private static final String NETWORK = "mainnet";

    private static KeyValueStore<String, StoredBlock> store() {
        MockProcessorContext<String, Object> ctx = new MockProcessorContext<>();
        KeyValueStore<String, StoredBlock> s = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(ChainProcessor.BEST_CHAIN_STORE), Serdes.String(),
                Json.serde(StoredBlock.class)).withLoggingDisabled().withCachingDisabled().build();
        s.init(ctx.getStateStoreContext(), s);
        return s;
    }

    /** A block whose header carries {@code time}; nothing else of it matters to the index. */
    private static StoredBlock block(long height, long time, SplittableRandom random) {
        byte[] raw = new byte[BlockHeader.SIZE];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) random.nextInt(256);
        }
        for (int i = 0; i < 4; i++) {
            raw[68 + i] = (byte) (time >>> (8 * i));
        }
        return StoredBlock.of(NETWORK, height, BlockHeader.parse(raw), BigInteger.valueOf(1000 + height * 7), false,
                null, null, "test");
    }

    @Test
    void windowShortcutsEqualTheFullScanThroughReorgsAndWrapAround() {
        SplittableRandom random = new SplittableRandom(20261121);
        KeyValueStore<String, StoredBlock> blocks = store();
        ChainIndex index = new ChainIndex(NETWORK, blocks);
        long base = 1_500_000_000L;
        long start = 700_001; // not aligned to a run of 32 or to the ring
        int checks = 0;
        for (int step = 0; step < 7_000; step++) {
            long next = index.isEmpty() ? start : index.tip().height() + 1;
            if (!index.isEmpty() && index.tip().height() > start + 50 && random.nextInt(100) == 0) {
                int depth = 1 + random.nextInt(40);
                for (int i = 0; i < depth && index.tip().height() > start; i++) {
                    index.removeTip();
                }
                continue;
            }
            // Timestamps wander, as real ones do: up to an hour back or two hours ahead of the previous.
            index.append(block(next, base + next * 600 + random.nextInt(-3600, 7200), random));
            if (step % 7 == 0) {
                checks += compare(index, random);
            }
        }
        ChainIndex reloaded = new ChainIndex(NETWORK, blocks);
        for (int i = 0; i < 50; i++) {
            checks += compare(reloaded, random);
        }
        assertTrue(checks > 1_000, "compared " + checks + " windows");
    }

    /** Compares the index against the plain definitions over its own tip and a random range; returns 1. */
    private static int compare(ChainIndex index, SplittableRandom random) {
        Ancestors plain = index::at;
        BlockSummary tip = index.tipSummary();
        int max = 1 + random.nextInt(2100);
        assertEquals(plain.knownDepth(tip.height(), max), index.knownDepth(tip.height(), max), "depth " + max);
        int depth = index.knownDepth(tip.height(), max);
        if (depth > 0) {
            long to = tip.height() - 1 - random.nextInt(depth);
            long from = to - random.nextInt((int) (to - (tip.height() - depth)) + 1);
            long[] expected = {Long.MAX_VALUE, Long.MIN_VALUE};
            long[] actual = {Long.MAX_VALUE, Long.MIN_VALUE};
            plain.foldTimes(from, to, expected);
            index.foldTimes(from, to, actual);
            assertArrayEquals(expected, actual, "times of " + from + ".." + to);
        }
        int epoch = NetworkHashrate.epochLookup(tip.height());
        NetworkHashrate.Estimate[] expected = NetworkHashrate.estimate(tip, plain, 144, 432, 1008, epoch);
        NetworkHashrate.Estimate[] actual = NetworkHashrate.estimate(tip, index, 144, 432, 1008, epoch);
        assertArrayEquals(expected, actual, "windows at " + tip.height());
        return 1;
    }
}
