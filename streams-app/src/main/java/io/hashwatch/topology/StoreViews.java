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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
     * {@code to} in one range read: the records of heights {@code from..to}, with the history their windows read.
     */
    public static ChainSlice load(ReadOnlyKeyValueStore<String, ?> bestChain, String network, long from, long to) {
        ChainSlice slice = view(bestChain, network, to);
        slice.prefetch(from - WINDOW_BLOCKS, to);
        return slice;
    }

    /**
     * The best chain of {@code network} up to {@code to}, read a height at a time as it is asked for (and kept): for
     * answers that read a few heights spread over a long range (a year's difficulty adjustments read three blocks
     * an epoch), where loading the range would read every block of it.
     */
    public static ChainSlice view(ReadOnlyKeyValueStore<String, ?> bestChain, String network, long to) {
        return new ChainSlice(bestChain, network, lowestHeight(bestChain, network), to);
    }

    /**
     * The best chain of one network from the store's lowest height to a given one, as {@link Ancestors}: what the
     * chain processor's record methods read, answered as the chain index would have at each height (every height
     * from the store's lowest one is known, so the windows reach as deep as they did when the block connected).
     * Blocks are read from the store when first asked for, or ahead by {@link #prefetch}, and kept; one request's.
     */
    public static final class ChainSlice implements Ancestors {
        private final ReadOnlyKeyValueStore<String, ?> store;
        private final String network;
        private final long storeLowest;
        private final long last;
        private final Map<Long, StoredBlock> blocks = new HashMap<>();
        private final Map<Long, BlockSummary> summaries = new HashMap<>();

        ChainSlice(ReadOnlyKeyValueStore<String, ?> store, String network, long storeLowest, long last) {
            this.store = store;
            this.network = network;
            this.storeLowest = storeLowest;
            this.last = last;
        }

        public boolean isEmpty() {
            return storeLowest < 0 || last < storeLowest;
        }

        /** Lowest height held. */
        public long first() {
            return isEmpty() ? 0 : storeLowest;
        }

        /** Highest height of the slice, or -1. */
        public long last() {
            return isEmpty() ? -1 : last;
        }

        public boolean holds(long height) {
            return !isEmpty() && height >= storeLowest && height <= last;
        }

        /** Reads heights {@code from..to} (within the slice) in one range read. */
        public void prefetch(long from, long to) {
            if (isEmpty()) {
                return;
            }
            long a = Math.max(storeLowest, from);
            long b = Math.min(last, to);
            if (a > b) {
                return;
            }
            try (KeyValueIterator<String, ?> it = store.range(heightKey(network, a), heightKey(network, b))) {
                it.forEachRemaining(kv -> {
                    StoredBlock block = (StoredBlock) kv.value;
                    blocks.put(block.height(), block);
                });
            }
        }

        private StoredBlock stored(long height) {
            if (!holds(height)) {
                return null;
            }
            StoredBlock b = blocks.get(height);
            if (b == null) {
                b = (StoredBlock) store.get(heightKey(network, height));
                if (b != null) {
                    blocks.put(height, b);
                }
            }
            return b;
        }

        @Override
        public BlockSummary at(long height) {
            BlockSummary s = summaries.get(height);
            if (s == null) {
                StoredBlock b = stored(height);
                if (b == null) {
                    return null;
                }
                s = b.summary();
                summaries.put(height, s);
            }
            return s;
        }

        @Override
        public int knownDepth(long tipHeight, int max) {
            // As ChainIndex: the store holds every height from its lowest to the tip.
            if (isEmpty() || tipHeight - 1 > last) {
                return 0;
            }
            return (int) Math.max(0, Math.min(max, tipHeight - Math.max(0, storeLowest)));
        }

        public BlockRecord block(long height) {
            StoredBlock b = stored(height);
            return b == null ? null : b.toRecord();
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
