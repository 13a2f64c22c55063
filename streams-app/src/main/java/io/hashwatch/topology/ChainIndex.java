package io.hashwatch.topology;

import io.hashwatch.bitcoin.Ancestors;
import io.hashwatch.bitcoin.BlockSummary;
import io.hashwatch.bitcoin.Network;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The best chain of one network: the persistent store of blocks by height, fronted by a ring of the most recent
 * summaries so that the per-block windows (up to 2016 blocks back) never touch the store on the hot path, and by
 * their times in a {@link TimeRing}, so that a window's time spread reads about 2016 / 32 extremes instead of 2016
 * timestamps.
 */
final class ChainIndex implements Ancestors {
    /** Enough for the epoch window and the retarget rule, with margin for short reorgs. */
    static final int RING_CAPACITY = Network.RETARGET_INTERVAL + 64;

    private final String network;
    private final KeyValueStore<String, StoredBlock> blocks;
    private final BlockSummary[] ring = new BlockSummary[RING_CAPACITY];
    /** Fees of the blocks in {@link #ring}, null where the source gave none. */
    private final Long[] feeRing = new Long[RING_CAPACITY];
    /** Times of {@link #ring}'s blocks with their runs' extremes: the hashrate windows span up to 2016 per block. */
    private final TimeRing times = new TimeRing(RING_CAPACITY);
    private StoredBlock tip;
    private long lowestHeight = -1;

    ChainIndex(String network, KeyValueStore<String, StoredBlock> blocks) {
        this.network = network;
        this.blocks = blocks;
        load();
    }

    static String storeKey(String network, long height) {
        // Zero-padded so that store order is height order within a network.
        return network + "/" + zeroPadded(height, 12);
    }

    /** Left-padded decimal (String.format would compile a pattern on every call of this hot path). */
    static String zeroPadded(long value, int width) {
        String digits = Long.toString(value);
        return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
    }

    private void load() {
        try (KeyValueIterator<String, StoredBlock> it =
                     blocks.reverseRange(storeKey(network, 0), storeKey(network, Long.MAX_VALUE / 10))) {
            int loaded = 0;
            while (it.hasNext()) {
                StoredBlock b = it.next().value;
                if (tip == null) {
                    tip = b;
                }
                if (loaded < RING_CAPACITY) {
                    remember(b);
                    loaded++;
                }
                lowestHeight = b.height();
            }
        }
    }

    boolean isEmpty() {
        return tip == null;
    }

    StoredBlock tip() {
        return tip;
    }

    BlockSummary tipSummary() {
        return at(tip.height());
    }

    /** Lowest height this chain state holds: the replay's anchor. */
    long lowestHeight() {
        return lowestHeight;
    }

    /** Summary of the best-chain block at a height, or null outside what is known. */
    @Override
    public BlockSummary at(long height) {
        if (tip == null || height > tip.height() || height < lowestHeight || height < 0) {
            return null;
        }
        BlockSummary s = ring[slot(height)];
        if (s != null && s.height() == height) {
            return s;
        }
        StoredBlock b = blocks.get(storeKey(network, height));
        return b == null ? null : b.summary();
    }

    @Override
    public long time(long height) {
        if (tip == null || height > tip.height() || height < lowestHeight || height < 0) {
            return UNKNOWN_TIME;
        }
        long t = times.time(height);
        if (t != UNKNOWN_TIME) {
            return t;
        }
        StoredBlock b = blocks.get(storeKey(network, height));
        return b == null ? UNKNOWN_TIME : b.summary().time();
    }

    @Override
    public int knownDepth(long tipHeight, int max) {
        // The store holds every height from the lowest to the tip.
        if (tip == null || tipHeight - 1 > tip.height()) {
            return 0;
        }
        return (int) Math.max(0, Math.min(max, tipHeight - Math.max(0, lowestHeight)));
    }

    @Override
    public void foldTimes(long from, long to, long[] minMax) {
        times.fold(from, to, minMax, this::time);
    }

    /** Average fees per block over the {@code window} blocks ending at the tip, of those whose fees are known. */
    Double averageFees(int window) {
        long sum = 0;
        int known = 0;
        for (long h = tip.height(); h > tip.height() - window && h >= lowestHeight; h--) {
            BlockSummary s = ring[slot(h)];
            Long fees = s != null && s.height() == h ? feeRing[slot(h)] : blocks.get(storeKey(network, h)).feesSat();
            if (fees != null) {
                sum += fees;
                known++;
            }
        }
        return known == 0 ? null : (double) sum / known;
    }

    void append(StoredBlock block) {
        if (tip == null) {
            lowestHeight = block.height();
        }
        blocks.put(storeKey(network, block.height()), block);
        remember(block);
        tip = block;
    }

    /** Removes the tip and returns it; the ring slot falls back to the store when read. */
    StoredBlock removeTip() {
        StoredBlock removed = tip;
        blocks.delete(storeKey(network, removed.height()));
        ring[slot(removed.height())] = null;
        times.remove(removed.height());
        tip = removed.height() > lowestHeight ? blocks.get(storeKey(network, removed.height() - 1)) : null;
        return removed;
    }

    private void remember(StoredBlock b) {
        int slot = slot(b.height());
        BlockSummary summary = b.summary();
        ring[slot] = summary;
        feeRing[slot] = b.feesSat();
        times.put(b.height(), summary.time());
    }

    private static int slot(long height) {
        return (int) (height % RING_CAPACITY);
    }
}
