package io.hashwatch.topology;

import io.hashwatch.bitcoin.Ancestors;
import io.hashwatch.bitcoin.BlockGaps;
import io.hashwatch.bitcoin.BlockSummary;
import io.hashwatch.bitcoin.NetworkHashrate;
import io.hashwatch.bitcoin.Subsidy;
import io.hashwatch.model.PoolWindowsRecord;
import io.hashwatch.model.PoolWindowsRecord.PoolDrought;
import io.hashwatch.model.PoolWindowsRecord.PoolShare;
import io.hashwatch.model.PoolWindowsRecord.PoolWindow;
import io.hashwatch.pools.Pool;
import io.hashwatch.pools.PoolList;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One network's best chain as the pools processor sees it: the attributions of the most recent blocks, in a ring,
 * with running per-pool counts for each window, so that a block costs a few counter updates and not a scan of 4,320
 * blocks. A block connected at or below the tip (a reorganization) rewinds the ring to below it first, and the
 * counts are then recounted from the ring (rare, and at most {@link #CAPACITY} entries).
 */
final class PoolWindows implements Ancestors {
    static final int[] WINDOWS = {144, 1008, 4320};
    /**
     * The longest window and the block before it (its hashrate needs chainwork at h - n), plus reorg margin, rounded
     * up to whole runs of the time ring.
     */
    static final int CAPACITY = (4321 + 2048 + TimeRing.CHUNK - 1) / TimeRing.CHUNK * TimeRing.CHUNK;
    /** The droughts' shares are of the 1,008-block window. */
    static final int DROUGHT_WINDOW = 1;

    private final PoolList list;
    private final int unknown;
    private final int unattributed;
    private final PoolEntry[] ring = new PoolEntry[CAPACITY];
    /** The blocks' times with their runs' extremes: the 4,320-block window's span in about 135 steps. */
    private final TimeRing times = new TimeRing(CAPACITY);
    private long lowest = -1;
    private long tip = -1;
    /** Per window, per pool index (the list's pools, then unknown, then unattributed). */
    private final int[][] blocks;
    private final int[][] empty;
    private final int[][] withTxCount;
    /** Per window: claimed fees and rewards (subsidy + fees) of its blocks whose fees are known, and how many. */
    private final long[] feesSat = new long[WINDOWS.length];
    private final long[] rewardSat = new long[WINDOWS.length];
    private final int[] withFees = new int[WINDOWS.length];
    /** Per pool index, the height of its latest block on the best chain (-1: none held): droughts in O(1). */
    private final long[] lastHeight;

    PoolWindows(PoolList list) {
        this.list = list;
        this.unknown = list.pools().size();
        this.unattributed = unknown + 1;
        blocks = new int[WINDOWS.length][unattributed + 1];
        empty = new int[WINDOWS.length][unattributed + 1];
        withTxCount = new int[WINDOWS.length][unattributed + 1];
        lastHeight = new long[unattributed + 1];
        Arrays.fill(lastHeight, -1);
    }

    boolean isEmpty() {
        return tip < 0;
    }

    long tip() {
        return tip;
    }

    long lowest() {
        return lowest;
    }

    PoolEntry entry(long height) {
        return height < lowest || height > tip || tip < 0 ? null : ring[slot(height)];
    }

    /**
     * Appends the best chain's block at {@code e.height()}: the next height, or a height at or below the tip after
     * {@link #rewindTo}. A height that does not follow (a chain state that starts over) resets the ring.
     */
    void append(PoolEntry e) {
        if (tip >= 0 && e.height() != tip + 1) {
            clear();
        }
        if (tip < 0) {
            lowest = e.height();
        }
        tip = e.height();
        lastHeight[index(e)] = tip;
        ring[slot(tip)] = e;
        times.put(tip, e.time());
        if (tip - lowest + 1 > CAPACITY) {
            lowest = tip - CAPACITY + 1; // the overwritten slot held lowest - 1, outside every window
        }
        for (int w = 0; w < WINDOWS.length; w++) {
            add(w, e, 1);
            PoolEntry leaving = entry(tip - WINDOWS[w]);
            if (leaving != null) {
                add(w, leaving, -1);
            }
        }
    }

    /**
     * Puts {@code e} in place of the held block at its height (the same block, attributed otherwise: a coinbase
     * filled in later), moving it between pools in each window that holds the height.
     */
    void replace(PoolEntry e) {
        long h = e.height();
        PoolEntry old = entry(h);
        if (old == null) {
            throw new IllegalArgumentException("height " + h + " is not held (" + lowest + ".." + tip + ")");
        }
        for (int w = 0; w < WINDOWS.length; w++) {
            if (h > tip - WINDOWS[w]) {
                add(w, old, -1);
                add(w, e, 1);
            }
        }
        ring[slot(h)] = e;
        int p = index(e);
        lastHeight[p] = Math.max(lastHeight[p], h);
        int was = index(old);
        if (was != p && lastHeight[was] == h) {
            lastHeight[was] = -1;
            for (long k = h - 1; k >= lowest; k--) {
                if (index(ring[slot(k)]) == was) {
                    lastHeight[was] = k;
                    break;
                }
            }
        }
    }

    /** Removes the blocks at {@code height} and above, returning them (lowest first), and recounts the windows. */
    List<PoolEntry> rewindTo(long height) {
        List<PoolEntry> removed = new ArrayList<>();
        if (tip < 0 || height > tip) {
            return removed;
        }
        for (long h = Math.max(height, lowest); h <= tip; h++) {
            removed.add(ring[slot(h)]);
            times.remove(h);
        }
        if (height <= lowest) {
            clear();
            return removed;
        }
        tip = height - 1;
        // Pools whose latest block went: their latest one below (rare, at most the ring's length).
        for (int p = 0; p < lastHeight.length; p++) {
            if (lastHeight[p] > tip) {
                lastHeight[p] = -1;
            }
        }
        for (long h = lowest; h <= tip; h++) {
            int p = index(ring[slot(h)]);
            lastHeight[p] = Math.max(lastHeight[p], h);
        }
        Arrays.fill(feesSat, 0);
        Arrays.fill(rewardSat, 0);
        Arrays.fill(withFees, 0);
        for (int w = 0; w < WINDOWS.length; w++) {
            Arrays.fill(blocks[w], 0);
            Arrays.fill(empty[w], 0);
            Arrays.fill(withTxCount[w], 0);
            for (long h = Math.max(lowest, tip - WINDOWS[w] + 1); h <= tip; h++) {
                add(w, ring[slot(h)], 1);
            }
        }
        return removed;
    }

    private void clear() {
        Arrays.fill(ring, null);
        times.clear();
        for (int w = 0; w < WINDOWS.length; w++) {
            Arrays.fill(blocks[w], 0);
            Arrays.fill(empty[w], 0);
            Arrays.fill(withTxCount[w], 0);
        }
        Arrays.fill(lastHeight, -1);
        Arrays.fill(feesSat, 0);
        Arrays.fill(rewardSat, 0);
        Arrays.fill(withFees, 0);
        tip = -1;
        lowest = -1;
    }

    private void add(int w, PoolEntry e, int sign) {
        int p = index(e);
        blocks[w][p] += sign;
        if (e.feesClaimedSat() != null) {
            feesSat[w] += sign * e.feesClaimedSat();
            rewardSat[w] += sign * (Subsidy.subsidySat(e.height()) + e.feesClaimedSat());
            withFees[w] += sign;
        }
        if (e.txCount() != null) {
            withTxCount[w][p] += sign;
            if (e.txCount() == 1) {
                empty[w][p] += sign;
            }
        }
    }

    /** The pool index of an entry; a pool id the list does not have (another list's) counts as unknown. */
    int index(PoolEntry e) {
        if (e.poolId() == null) {
            return unattributed;
        }
        if (e.poolId() == 0) {
            return unknown;
        }
        int i = list.indexOf(e.poolId());
        return i < 0 ? unknown : i;
    }

    /** The windows ending at the tip, in {@link #WINDOWS} order. */
    List<PoolWindow> windows() {
        NetworkHashrate.Estimate[] hashrate = NetworkHashrate.estimate(at(tip), this, WINDOWS);
        List<PoolWindow> out = new ArrayList<>(WINDOWS.length);
        for (int w = 0; w < WINDOWS.length; w++) {
            out.add(window(w, hashrate[w].hashesPerSecond()));
        }
        return out;
    }

    private PoolWindow window(int w, Double networkHashrate) {
        int n = WINDOWS[w];
        int held = (int) Math.min(n, tip - lowest + 1);
        int[] b = blocks[w];
        int withCoinbase = held - b[unattributed];
        int identified = withCoinbase - b[unknown];
        int[] longer = w + 1 < WINDOWS.length ? blocks[w + 1] : null;
        int longerWithCoinbase = longer == null ? 0 : (int) Math.min(WINDOWS[w + 1], tip - lowest + 1)
                - longer[unattributed];
        List<PoolShare> shares = new ArrayList<>();
        double hhi = 0;
        int[] counts = new int[unknown];
        for (int p = 0; p < unknown; p++) {
            counts[p] = b[p];
            if (b[p] == 0 && (longer == null || longer[p] == 0)) {
                continue;
            }
            double share = withCoinbase == 0 ? 0 : (double) b[p] / withCoinbase;
            hhi += share * share;
            Double luck = null;
            if (longer != null && longer[p] > 0 && longerWithCoinbase > 0) {
                double expected = (double) longer[p] / longerWithCoinbase * withCoinbase;
                luck = b[p] / expected;
            }
            Pool pool = list.pools().get(p);
            shares.add(new PoolShare(pool.id(), pool.slug(), pool.name(), b[p], share,
                    networkHashrate == null ? null : share * networkHashrate, luck, empty[w][p],
                    withTxCount[w][p]));
        }
        shares.sort((x, y) -> x.blocks() != y.blocks() ? Integer.compare(y.blocks(), x.blocks())
                : Integer.compare(x.id(), y.id()));
        PoolShare top = shares.isEmpty() || shares.get(0).blocks() == 0 ? null : shares.get(0);
        int emptyBlocks = 0;
        int txKnown = 0;
        for (int p = 0; p <= unattributed; p++) {
            emptyBlocks += empty[w][p];
            txKnown += withTxCount[w][p];
        }
        return new PoolWindow(n, held, held == n, withCoinbase, b[unknown], b[unattributed],
                withCoinbase == 0 ? null : (double) b[unknown] / withCoinbase, networkHashrate,
                top == null ? null : top.slug(), top == null ? null : top.share(),
                withCoinbase == 0 ? null : hhi, nakamoto(counts, withCoinbase, identified), emptyBlocks, txKnown,
                shares);
    }

    /**
     * The droughts of the identified pools with at least {@link PoolWindowsRecord#DROUGHT_MIN_SHARE} of the 1,008-block
     * window: such a pool has a block in the window, so its latest block is always held.
     */
    List<PoolDrought> droughts() {
        int w = DROUGHT_WINDOW;
        int held = (int) Math.min(WINDOWS[w], tip - lowest + 1);
        int withCoinbase = held - blocks[w][unattributed];
        List<PoolDrought> out = new ArrayList<>();
        if (withCoinbase <= 0) {
            return out;
        }
        for (int p = 0; p < unknown; p++) {
            int b = blocks[w][p];
            if (b == 0 || b < PoolWindowsRecord.DROUGHT_MIN_SHARE * withCoinbase) {
                continue;
            }
            double share = (double) b / withCoinbase;
            long gap = tip - lastHeight[p];
            Pool pool = list.pools().get(p);
            out.add(new PoolDrought(pool.id(), pool.slug(), share, WINDOWS[w], gap,
                    BlockGaps.poolGapProbability(share, gap)));
        }
        out.sort((x, y) -> x.share() != y.share() ? Double.compare(y.share(), x.share())
                : Integer.compare(x.id(), y.id()));
        return out;
    }

    /**
     * Fees / (subsidy + fees) over the blocks of window {@code w} whose claimed fees are known, or null when fewer
     * than {@code minBlocks} of them are.
     */
    Double feeShare(int w, int minBlocks) {
        return withFees[w] < minBlocks || rewardSat[w] <= 0 ? null : (double) feesSat[w] / rewardSat[w];
    }

    /** The fewest pools whose blocks add up to more than half of {@code total}; null when all of them do not. */
    static Integer nakamoto(int[] counts, int total, int identified) {
        if (total == 0 || 2L * identified <= total) {
            return null;
        }
        int[] sorted = counts.clone();
        Arrays.sort(sorted);
        long sum = 0;
        int k = 0;
        for (int i = sorted.length - 1; i >= 0; i--) {
            sum += sorted[i];
            k++;
            if (2 * sum > total) {
                return k;
            }
        }
        return null;
    }

    int blocks(int window, int poolIndex) {
        return blocks[window][poolIndex];
    }

    @Override
    public BlockSummary at(long height) {
        PoolEntry e = entry(height);
        return e == null ? null : new BlockSummary(height, e.hash(), e.time(), 0, new BigInteger(e.chainworkHex(), 16));
    }

    @Override
    public long time(long height) {
        return height < lowest || height > tip || tip < 0 ? UNKNOWN_TIME : times.time(height);
    }

    @Override
    public int knownDepth(long tipHeight, int max) {
        // The ring holds every height from the lowest to the tip.
        if (tip < 0 || tipHeight - 1 > tip) {
            return 0;
        }
        return (int) Math.max(0, Math.min(max, tipHeight - lowest));
    }

    @Override
    public void foldTimes(long from, long to, long[] minMax) {
        times.fold(from, to, minMax, this::time);
    }

    private static int slot(long height) {
        return (int) (height % CAPACITY);
    }
}
