package io.hashwatch.api;

import io.hashwatch.bitcoin.BlockSummary;
import io.hashwatch.bitcoin.DifficultyProjection;
import io.hashwatch.bitcoin.Network;
import io.hashwatch.bitcoin.Subsidy;
import io.hashwatch.bitcoin.Work;
import io.hashwatch.model.BlockRecord;
import io.hashwatch.model.DifficultyAdjustmentRecord;
import io.hashwatch.model.HashrateRecord;
import io.hashwatch.pools.Pool;
import io.hashwatch.pools.PoolList;
import io.hashwatch.topology.StoreViews;
import io.hashwatch.topology.StoreViews.ChainSlice;
import io.hashwatch.topology.StoreViews.PoolBlock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * mempool.space's mining endpoints ({@code backend/src/api/mining/mining-routes.ts}) answered from the app's
 * stores: the same paths, field names, types and interval words. What hashwatch does not know (match rates, fee
 * deltas, audits, block sizes) is left out; docs/api.md lists each difference.
 */
final class MempoolResources {
    /** mempool.space answers ten blocks a page of a pool's blocks. */
    static final int POOL_BLOCKS_PAGE = 10;
    /** The most blocks reward-stats sums (mempool.space's own cap is the chain). */
    static final int MAX_REWARD_BLOCKS = 100_000;
    /** Pool attribution is kept for the pools processor's ring: about 44 days. */
    static final Interval LONGEST_POOLS_INTERVAL = Interval.M1;

    private final StateStores stores;
    private final PoolList pools;

    MempoolResources(StateStores stores, PoolList pools) {
        this.stores = stores;
        this.pools = pools;
    }

    ReadOnlyKeyValueStore<String, Object> bestChain() {
        return stores.store(StoreViews.BEST_CHAIN);
    }

    BlockRecord tip(String network) {
        return StoreViews.tip(bestChain(), network)
                .orElseThrow(() -> ApiException.unavailable("no block of " + network + " yet"));
    }

    /** GET /api/v1/difficulty-adjustment: mempool's calcDifficultyAdjustment with "now" = the tip's time. */
    Map<String, Object> difficultyAdjustment(BlockRecord tip) {
        long h = tip.height();
        ChainSlice chain = StoreViews.view(bestChain(), tip.network(), h);
        long epochStartHeight = h - h % Network.RETARGET_INTERVAL;
        BlockSummary epochStart = chain.at(epochStartHeight);
        BlockSummary lastOfPrevious = chain.at(epochStartHeight - 1);
        if (epochStart == null) {
            throw ApiException.notFound("no projection: the first block of epoch " + h / Network.RETARGET_INTERVAL
                    + " is below the history held");
        }
        Double previousChange = lastOfPrevious != null
                ? Work.difficulty(epochStart.bits()) / Work.difficulty(lastOfPrevious.bits()) - 1 : null;
        BlockSummary quarter = chain.at(h - 504);
        Long quarterTime = quarter != null && previousChange != null ? quarter.time() : null;
        DifficultyProjection p = DifficultyProjection.calculate(epochStart.time(), quarterTime, tip.time(), h,
                previousChange == null ? 0 : previousChange * 100, tip.time());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("progressPercent", p.progressPercent());
        m.put("difficultyChange", p.difficultyChangePercent());
        m.put("estimatedRetargetDate", p.estimatedRetargetDateMs());
        m.put("remainingBlocks", p.remainingBlocks());
        m.put("remainingTime", p.remainingTimeMs());
        m.put("previousRetarget", previousChange == null ? 0 : previousChange * 100);
        m.put("previousTime", epochStart.time());
        m.put("nextRetargetHeight", p.nextRetargetHeight());
        m.put("timeAvg", p.timeAvgMs());
        m.put("adjustedTimeAvg", p.adjustedTimeAvgMs());
        m.put("timeOffset", 0);
        m.put("expectedBlocks", (tip.time() - epochStart.time()) / (double) Network.TARGET_SPACING_SECONDS);
        return m;
    }

    /**
     * GET /api/v1/mining/hashrate/{interval}: a point a UTC day (the day's last block's 1-day estimate) and every
     * difficulty adjustment of the interval.
     */
    Map<String, Object> hashrate(BlockRecord tip, Interval interval) {
        long since = interval.since(tip.time());
        ChainSlice chain = StoreViews.view(bestChain(), tip.network(), tip.height());
        List<Map<String, Object>> hashrates = new ArrayList<>();
        long from = firstAtOrAfter(chain, since, tip.height());
        // Every height's time (the days' last blocks), and the windows' history below the first.
        chain.prefetch(from - StoreViews.WINDOW_BLOCKS, tip.height());
        for (long h = from; h <= tip.height(); h++) {
            long day = Math.floorDiv(chain.at(h).time(), 86_400L);
            boolean lastOfDay = h == tip.height() || Math.floorDiv(chain.at(h + 1).time(), 86_400L) != day;
            if (lastOfDay) {
                HashrateRecord r = chain.hashrate(h);
                if (r.hashrate1dHps() != null) {
                    Map<String, Object> point = new LinkedHashMap<>();
                    point.put("timestamp", day * 86_400L);
                    point.put("avgHashrate", r.hashrate1dHps());
                    hashrates.add(point);
                }
            }
        }
        List<Map<String, Object>> difficulty = new ArrayList<>();
        for (DifficultyAdjustmentRecord a : adjustments(chain, from, tip.height())) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("time", a.time());
            d.put("height", a.height());
            d.put("difficulty", a.newDifficulty());
            d.put("adjustment", 1 + a.change());
            difficulty.add(d);
        }
        HashrateRecord current = chain.hashrate(tip.height());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hashrates", hashrates);
        m.put("difficulty", difficulty);
        m.put("currentHashrate", current.hashrate7dHps());
        m.put("currentDifficulty", tip.difficulty());
        return m;
    }

    /** GET /api/v1/mining/difficulty-adjustments/{interval}: [time, height, difficulty, ratio], newest first. */
    List<List<Object>> difficultyAdjustments(BlockRecord tip, Interval interval) {
        long since = interval.since(tip.time());
        ChainSlice chain = StoreViews.view(bestChain(), tip.network(), tip.height());
        List<DifficultyAdjustmentRecord> all = adjustments(chain, firstAtOrAfter(chain, since, tip.height()),
                tip.height());
        List<List<Object>> out = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            DifficultyAdjustmentRecord a = all.get(i);
            out.add(List.of(a.time(), a.height(), a.newDifficulty(), 1 + a.change()));
        }
        return out;
    }

    private static List<DifficultyAdjustmentRecord> adjustments(ChainSlice chain, long from, long to) {
        List<DifficultyAdjustmentRecord> out = new ArrayList<>();
        long first = (from + Network.RETARGET_INTERVAL - 1) / Network.RETARGET_INTERVAL * Network.RETARGET_INTERVAL;
        for (long h = Math.max(first, Network.RETARGET_INTERVAL); h <= to; h += Network.RETARGET_INTERVAL) {
            DifficultyAdjustmentRecord a = chain.adjustment(h);
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    /** GET /api/v1/mining/pools/{interval}. */
    Map<String, Object> pools(BlockRecord tip, Interval interval) {
        List<PoolBlock> blocks = poolBlocks(tip, interval);
        Map<Integer, int[]> counts = new HashMap<>(); // pool id -> blocks, empty blocks
        for (PoolBlock b : blocks) {
            if (b.poolId() != null) {
                int[] c = counts.computeIfAbsent(b.poolId(), k -> new int[2]);
                c[0]++;
                if (b.txCount() != null && b.txCount() == 1) {
                    c[1]++;
                }
            }
        }
        List<Map.Entry<Integer, int[]>> ranked = new ArrayList<>(counts.entrySet());
        ranked.sort(Comparator.<Map.Entry<Integer, int[]>>comparingInt(e -> -e.getValue()[0])
                .thenComparingInt(Map.Entry::getKey));
        List<Map<String, Object>> out = new ArrayList<>();
        int rank = 0;
        for (Map.Entry<Integer, int[]> e : ranked) {
            Pool pool = pool(e.getKey());
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("poolId", pool.id());
            p.put("name", pool.name());
            p.put("link", pool.link() == null ? "" : pool.link());
            p.put("blockCount", e.getValue()[0]);
            p.put("rank", ++rank);
            p.put("emptyBlocks", e.getValue()[1]);
            p.put("slug", pool.slug());
            out.add(p);
        }
        HashrateRecord current = StoreViews.load(bestChain(), tip.network(), tip.height(), tip.height())
                .hashrate(tip.height());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pools", out);
        m.put("blockCount", blocks.size());
        m.put("lastEstimatedHashrate", current.hashrate1dHps());
        m.put("lastEstimatedHashrate3d", current.hashrate3dHps());
        m.put("lastEstimatedHashrate1w", current.hashrate7dHps());
        return m;
    }

    /** GET /api/v1/mining/pool/{slug}. */
    Map<String, Object> pool(BlockRecord tip, String slug) {
        Pool pool = poolBySlug(slug);
        List<PoolBlock> held = poolBlocks(tip, LONGEST_POOLS_INTERVAL);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("id", pool.id());
        info.put("name", pool.name());
        info.put("link", pool.link() == null ? "" : pool.link());
        info.put("addresses", pool.addresses());
        info.put("regexes", pool.tags());
        info.put("slug", pool.slug());
        Map<String, Object> count = new LinkedHashMap<>();
        Map<String, Object> share = new LinkedHashMap<>();
        for (Interval i : List.of(LONGEST_POOLS_INTERVAL, Interval.H24, Interval.W1)) {
            long since = i.since(tip.time());
            long all = held.stream().filter(b -> b.time() != null && b.time() >= since).count();
            long mine = held.stream().filter(b -> b.time() != null && b.time() >= since
                    && b.poolId() != null && b.poolId() == pool.id()).count();
            String key = i == LONGEST_POOLS_INTERVAL ? "all" : i.word();
            count.put(key, mine);
            share.put(key, all == 0 ? 0.0 : (double) mine / all);
        }
        HashrateRecord current = StoreViews.load(bestChain(), tip.network(), tip.height(), tip.height())
                .hashrate(tip.height());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pool", info);
        m.put("blockCount", count);
        m.put("blockShare", share);
        m.put("estimatedHashrate", current.hashrate7dHps() == null ? null
                : current.hashrate7dHps() * (double) share.get(Interval.W1.word()));
        return m;
    }

    /** GET /api/v1/mining/pool/{slug}/blocks[/{height}]: the pool's ten blocks below {@code before}, newest first. */
    List<Map<String, Object>> poolBlocks(BlockRecord tip, String slug, Long before) {
        Pool pool = poolBySlug(slug);
        if (before != null && before < 0) {
            throw ApiException.badRequest("height must be >= 0");
        }
        long top = before == null ? tip.height() : Math.min(tip.height(), before);
        List<PoolBlock> held = stores.poolBlocks(tip.network(), 0, top);
        ChainSlice chain = StoreViews.view(bestChain(), tip.network(), tip.height());
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = held.size() - 1; i >= 0 && out.size() < POOL_BLOCKS_PAGE; i--) {
            PoolBlock b = held.get(i);
            if (b.poolId() == null || b.poolId() != pool.id()) {
                continue;
            }
            BlockRecord r = chain.block(b.height());
            if (r == null) {
                continue;
            }
            out.add(block(r, pool, b));
        }
        return out;
    }

    /** A block as mempool.space's v1 block, with the fields hashwatch has. */
    private static Map<String, Object> block(BlockRecord r, Pool pool, PoolBlock b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.hash());
        m.put("height", r.height());
        m.put("version", r.version());
        m.put("timestamp", r.time());
        m.put("bits", Long.parseLong(r.bits(), 16));
        m.put("nonce", r.nonce());
        m.put("difficulty", r.difficulty());
        if (r.txCount() != null) {
            m.put("tx_count", r.txCount());
        }
        m.put("previousblockhash", r.prevHash());
        Map<String, Object> extras = new LinkedHashMap<>();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("id", pool.id());
        p.put("name", pool.name());
        p.put("slug", pool.slug());
        extras.put("pool", p);
        Long fees = r.feesSat() != null ? r.feesSat() : b.feesClaimedSat();
        if (fees != null) {
            extras.put("totalFees", fees);
            extras.put("reward", fees + Subsidy.subsidySat(r.height()));
        }
        if (b.coinbaseTag() != null) {
            extras.put("coinbaseTag", b.coinbaseTag());
        }
        m.put("extras", extras);
        return m;
    }

    /** GET /api/v1/mining/reward-stats/{blockCount}: sums over the last blocks; amounts are strings, as mempool's. */
    Map<String, Object> rewardStats(BlockRecord tip, String blockCount) {
        int n = Api.parseInt(blockCount, "blockCount");
        if (n < 1 || n > MAX_REWARD_BLOCKS) {
            throw ApiException.badRequest("blockCount must be 1.." + MAX_REWARD_BLOCKS);
        }
        long start = Math.max(0, tip.height() - n + 1);
        ChainSlice chain = StoreViews.load(bestChain(), tip.network(), start + StoreViews.WINDOW_BLOCKS,
                tip.height());
        if (!chain.holds(start)) {
            throw ApiException.badRequest("the history held starts at height " + chain.first() + ": at most "
                    + (tip.height() - chain.first() + 1) + " blocks");
        }
        long subsidy = 0;
        long fees = 0;
        long txs = 0;
        boolean feesKnown = true;
        boolean txKnown = true;
        for (long h = start; h <= tip.height(); h++) {
            BlockRecord r = chain.block(h);
            subsidy += Subsidy.subsidySat(h);
            if (r.feesSat() == null) {
                feesKnown = false;
            } else {
                fees += r.feesSat();
            }
            if (r.txCount() == null) {
                txKnown = false;
            } else {
                txs += r.txCount();
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("startBlock", start);
        m.put("endBlock", tip.height());
        if (feesKnown) {
            m.put("totalReward", Long.toString(subsidy + fees));
            m.put("totalFee", Long.toString(fees));
        }
        if (txKnown) {
            m.put("totalTx", Long.toString(txs));
        }
        return m;
    }

    private List<PoolBlock> poolBlocks(BlockRecord tip, Interval interval) {
        if (interval.seconds() > LONGEST_POOLS_INTERVAL.seconds()) {
            throw ApiException.badRequest("pool attribution is kept for about 44 days: intervals 24h 3d 1w 1m"
                    + " (the pools topic has every block)");
        }
        long since = interval.since(tip.time());
        // A day holds ~144 blocks; a margin for slow days, then filtered by time.
        long from = tip.height() - interval.seconds() / 600 * 2 - 144;
        List<PoolBlock> held = stores.poolBlocks(tip.network(), from, tip.height());
        return held.stream().filter(b -> b.time() != null && b.time() >= since).toList();
    }

    private Pool pool(int id) {
        return id == 0 ? Pool.UNKNOWN : pools.byId(id).orElse(Pool.UNKNOWN);
    }

    private Pool poolBySlug(String slug) {
        if (Pool.UNKNOWN.slug().equals(slug)) {
            return Pool.UNKNOWN;
        }
        return pools.pools().stream().filter(p -> p.slug().equals(slug)).findFirst()
                .orElseThrow(() -> ApiException.notFound("no pool '" + Api.clip(slug) + "' in " + pools.origin()));
    }

    /**
     * The first height at or below the tip from which every block's time is at or after {@code since} (the slice's
     * lowest height at most). The median time past of eleven blocks never decreases and each block's time is above
     * its parent's (consensus), so every block after the first height whose median is at or after {@code since} is
     * too: a binary search over the medians, then a walk down of a few blocks, reads some hundred blocks, not the
     * interval's every block.
     */
    static long firstAtOrAfter(ChainSlice chain, long since, long tipHeight) {
        long lowest = chain.first();
        long lo = lowest + MEDIAN_SPAN - 1;
        long hi = tipHeight;
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (medianTimePast(chain, mid) >= since) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        // Blocks above max(lo, lowest + 10) have times after their parent's median, at or after since when it is.
        long h = Math.min(Math.max(lo, lowest), tipHeight - 1);
        while (h >= lowest && chain.time(h) >= since) {
            h--;
        }
        return Math.min(h + 1, tipHeight);
    }

    /** Blocks the median time past is taken over. */
    static final int MEDIAN_SPAN = 11;

    private static long medianTimePast(ChainSlice chain, long height) {
        long[] t = new long[MEDIAN_SPAN];
        for (int i = 0; i < MEDIAN_SPAN; i++) {
            t[i] = chain.time(height - i);
        }
        java.util.Arrays.sort(t);
        return t[MEDIAN_SPAN / 2];
    }

    static LocalDate day(long epochSeconds) {
        return LocalDate.ofEpochDay(Math.floorDiv(epochSeconds, 86_400L));
    }

    static final ZoneOffset UTC = ZoneOffset.UTC;
}
