package io.hashwatch.topology;

import io.hashwatch.bitcoin.Ancestors;
import io.hashwatch.bitcoin.BlockSummary;
import io.hashwatch.bitcoin.Network;
import io.hashwatch.model.BlockRecord;
import io.hashwatch.model.DifficultyAdjustmentRecord;
import io.hashwatch.model.DifficultyRecord;
import io.hashwatch.model.HashrateRecord;
import io.hashwatch.model.MinerDayRecord;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * What the HTTP API ({@code io.hashwatch.api}) reads of the processors' stores, through interactive queries: the
 * stores' names and read-only views of their values. Nothing here writes: the API adds no work to the topology. The
 * per-height hashrate, difficulty and adjustment records are recomputed from the best chain by the very methods
 * the chain processor emits them with, so an answer equals the topic's record at that height.
 */
public final class StoreViews {
    /** The best chain by height ({@code network/height}, zero-padded): every height from the first one held. */
    public static final String BEST_CHAIN = ChainProcessor.BEST_CHAIN_STORE;
    /** The pools processor's attributions of the best chain by height, for its window ring (the last ~6,369). */
    public static final String POOL_BLOCKS = PoolsProcessor.BLOCKS_STORE;
    /** The miner-stress days, under the {@code miner-days} topic's keys ({@code network:YYYY-MM-DD}). */
    public static final String MINER_DAYS = MinerStressProcessor.DAYS_STORE;
    /** Heights the windows of a hashrate, difficulty or adjustment record reach below it (epoch + retarget rule). */
    public static final int WINDOW_BLOCKS = Network.RETARGET_INTERVAL + 8;

    private StoreViews() {
    }

    /** The key of a height in the best-chain and pool-blocks stores. */
    public static String heightKey(String network, long height) {
        return ChainIndex.storeKey(network, height);
    }

    /** A block's pool attribution as the pools processor stores it. */
    public record PoolBlock(long height, String hash, Long time, Integer poolId, Long feesClaimedSat, Integer txCount,
                            String coinbaseTag) {
    }

    /** The tip of a network's best chain, or empty when the store holds none of it. */
    public static Optional<BlockRecord> tip(ReadOnlyKeyValueStore<String, ?> bestChain, String network) {
        try (KeyValueIterator<String, ?> it = bestChain.reverseRange(heightKey(network, 0),
                heightKey(network, Long.MAX_VALUE / 10))) {
            return it.hasNext() ? Optional.of(((StoredBlock) it.next().value).toRecord()) : Optional.empty();
        }
    }

    /** The lowest height of a network the best chain holds, or -1. */
    public static long lowestHeight(ReadOnlyKeyValueStore<String, ?> bestChain, String network) {
        try (KeyValueIterator<String, ?> it = bestChain.range(heightKey(network, 0),
                heightKey(network, Long.MAX_VALUE / 10))) {
            return it.hasNext() ? ((StoredBlock) it.next().value).height() : -1;
        }
    }

    /** The attributions of heights {@code from..to} the pool-blocks store holds, by height. */
    public static List<PoolBlock> poolBlocks(ReadOnlyKeyValueStore<String, ?> poolBlocks, String network, long from,
                                             long to) {
        List<PoolBlock> out = new ArrayList<>();
        try (KeyValueIterator<String, ?> it = poolBlocks.range(heightKey(network, Math.max(0, from)),
                heightKey(network, to))) {
            it.forEachRemaining(kv -> out.add(poolBlock((PoolEntry) kv.value)));
        }
        return out;
    }

    /** The last attribution of a network the pool-blocks store holds: the pools sub-topology's tip. */
    public static Optional<PoolBlock> lastPoolBlock(ReadOnlyKeyValueStore<String, ?> poolBlocks, String network) {
        try (KeyValueIterator<String, ?> it = poolBlocks.reverseRange(heightKey(network, 0),
                heightKey(network, Long.MAX_VALUE / 10))) {
            return it.hasNext() ? Optional.of(poolBlock((PoolEntry) it.next().value)) : Optional.empty();
        }
    }

    private static PoolBlock poolBlock(PoolEntry e) {
        return new PoolBlock(e.height(), e.hash(), e.time(), e.poolId(), e.feesClaimedSat(), e.txCount(),
                e.coinbaseTag());
    }

    /** The miner-days records of a network from day {@code from} to {@code to}, by day. */
    public static List<MinerDayRecord> minerDays(ReadOnlyKeyValueStore<String, ?> minerDays, String network,
                                                 LocalDate from, LocalDate to) {
        List<MinerDayRecord> out = new ArrayList<>();
        // Keys network:YYYY-MM-DD sort by day; the bound after the last day is its next day's key.
        try (KeyValueIterator<String, ?> it = minerDays.range(network + ":" + from, network + ":" + to + "~")) {
            it.forEachRemaining(kv -> out.add((MinerDayRecord) kv.value));
        }
        return out;
    }

    /**
     * Loads the best chain of {@code network} from {@code from - WINDOW_BLOCKS} (or the first height held) to
     * {@code to}: the records of heights {@code from..to}, with the history their windows read.
     */
    public static ChainSlice load(ReadOnlyKeyValueStore<String, ?> bestChain, String network, long from, long to) {
        long lowest = lowestHeight(bestChain, network);
        long start = Math.max(Math.max(0, lowest), from - WINDOW_BLOCKS);
        List<StoredBlock> blocks = new ArrayList<>();
        if (lowest >= 0 && to >= start) {
            try (KeyValueIterator<String, ?> it = bestChain.range(heightKey(network, start), heightKey(network, to))) {
                it.forEachRemaining(kv -> blocks.add((StoredBlock) kv.value));
            }
        }
        return new ChainSlice(network, lowest, blocks);
    }

    /**
     * Consecutive best-chain blocks of one network in memory, as {@link Ancestors}: what the chain processor's
     * record methods read, answered as the chain index would have at each height (every height from the store's
     * lowest one is known, so the windows reach as deep as they did when the block connected).
     */
    public static final class ChainSlice implements Ancestors {
        private final String network;
        private final long storeLowest;
        private final long first;
        private final List<StoredBlock> blocks;
        private final BlockSummary[] summaries;

        ChainSlice(String network, long storeLowest, List<StoredBlock> blocks) {
            this.network = network;
            this.storeLowest = storeLowest;
            this.blocks = blocks;
            this.first = blocks.isEmpty() ? 0 : blocks.get(0).height();
            this.summaries = new BlockSummary[blocks.size()];
        }

        public boolean isEmpty() {
            return blocks.isEmpty();
        }

        /** Lowest height loaded. */
        public long first() {
            return first;
        }

        /** Highest height loaded, or -1. */
        public long last() {
            return blocks.isEmpty() ? -1 : first + blocks.size() - 1;
        }

        public boolean holds(long height) {
            return !blocks.isEmpty() && height >= first && height <= last();
        }

        @Override
        public BlockSummary at(long height) {
            if (!holds(height)) {
                return null;
            }
            int i = (int) (height - first);
            BlockSummary s = summaries[i];
            if (s == null) {
                s = blocks.get(i).summary();
                summaries[i] = s;
            }
            return s;
        }

        @Override
        public int knownDepth(long tipHeight, int max) {
            // As ChainIndex: the store holds every height from its lowest to the tip.
            if (blocks.isEmpty() || tipHeight - 1 > last()) {
                return 0;
            }
            return (int) Math.max(0, Math.min(max, tipHeight - Math.max(0, storeLowest)));
        }

        public BlockRecord block(long height) {
            return holds(height) ? blocks.get((int) (height - first)).toRecord() : null;
        }

        /** The {@code hashrate} topic's record at {@code height}, or null outside the slice. */
        public HashrateRecord hashrate(long height) {
            BlockSummary tip = at(height);
            return tip == null ? null : ChainProcessor.hashrate(network, tip, this);
        }

        /** The {@code difficulty} topic's record at {@code height}, or null outside the slice. */
        public DifficultyRecord difficulty(long height) {
            BlockSummary tip = at(height);
            return tip == null ? null : ChainProcessor.difficulty(network, tip, this);
        }

        /** The {@code difficulty-adjustments} record at {@code height}, null outside the slice or off a retarget. */
        public DifficultyAdjustmentRecord adjustment(long height) {
            BlockSummary tip = at(height);
            return tip == null ? null : ChainProcessor.adjustment(network, tip, this);
        }
    }
}
