package io.hashwatch.topology;

import io.hashwatch.bitcoin.Coinbase;
import io.hashwatch.metrics.PoolMetrics;
import io.hashwatch.model.BlockAnomalyRecord;
import io.hashwatch.model.PoolBlockRecord;
import io.hashwatch.model.PoolWindowsRecord;
import io.hashwatch.model.Topics;
import io.hashwatch.pools.Attribution;
import io.hashwatch.pools.CoinbaseTag;
import io.hashwatch.pools.Pool;
import io.hashwatch.pools.PoolList;
import io.hashwatch.bitcoin.Network;
import io.hashwatch.model.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who mined each block of the best chain (topic {@code pools}, key {@code network:height}), and the pool statistics
 * of the 144, 1,008 and 4,320 blocks ending at the tip (topic {@code pool-windows}, key the network: held, and
 * published once a commit interval, as a cached KTable forwards on commit). Fed by the chain processor: every verified header's coinbase is
 * attributed on arrival and kept by hash until its block joins the best chain (a side-branch block may join it
 * later, in a reorganization); a connected block takes its attribution to the height store, replacing (and keeping
 * by hash again) whatever the old branch had there. A height tombstone from the chain processor deletes the height.
 * Each connected block's anomalies ({@link BlockAnomalies}) go to {@code block-anomalies}.
 *
 * <p>A coinbase filled in for a block already on the best chain (a source filling the history's coinbases in the
 * background) attributes that height again: its {@code pools} record is emitted again, and the windows at the tip are
 * recounted (and published again) when they hold the height. No anomalies: it is history.
 */
final class PoolsProcessor implements Processor<String, PoolsEvent, String, Object> {
    static final String NAME = "pools";
    /** The best chain's attributions by height: what the windows are rebuilt from after a restart. */
    static final String BLOCKS_STORE = "pool-blocks";
    /** Attributions of verified blocks not (or no longer) on the best chain, by hash. */
    static final String CANDIDATES_STORE = "pool-candidates";

    static final TopicSink<PoolBlockRecord> POOLS = new TopicSink<>("pools-sink", Topics.POOLS);
    static final TopicSink<PoolWindowsRecord> WINDOWS = new TopicSink<>("pool-windows-sink", Topics.POOL_WINDOWS);
    static final TopicSink<BlockAnomalyRecord> ANOMALIES = new TopicSink<>("block-anomalies-sink",
            Topics.BLOCK_ANOMALIES);
    static final List<TopicSink<?>> SINKS = List.of(POOLS, WINDOWS, ANOMALIES);

    /** Heights kept in the height store below the tip: the ring, which a restart reloads. */
    static final int KEEP_HEIGHTS = PoolWindows.CAPACITY;
    /** Candidates further below the tip than the chain processor keeps side branches cannot join the chain. */
    static final int KEEP_CANDIDATES = ChainProcessor.SIDE_BRANCH_KEEP_BLOCKS;

    private static final Logger log = LoggerFactory.getLogger(PoolsProcessor.class);

    private final PoolList list;
    private final PoolMetrics metrics;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, PoolEntry> heights;
    private KeyValueStore<String, PoolEntry> candidates;
    private final Map<String, PoolWindows> networks = new HashMap<>();
    /** Per network, the height below which this task has pruned the height store. */
    private final Map<String, Long> prunedBelow = new HashMap<>();
    /** Networks whose windows moved since they were last published, with the timestamp of the last record. */
    private final Map<String, Long> windowsMoved = new LinkedHashMap<>();
    /** Networks whose 144-block fee share is in a shock (its first block has the record), and their unknown tags. */
    private final Set<String> feeShocks = new HashSet<>();
    private final Map<String, UnknownTags> unknownTags = new HashMap<>();
    /** The unknown-tag gauges are refreshed with each unknown block, and this often otherwise (tags age out). */
    static final int UNKNOWN_TAG_GAUGE_BLOCKS = 36;

    PoolsProcessor(PoolList list, PoolMetrics metrics) {
        this.list = list;
        this.metrics = metrics;
    }

    static ProcessorSupplier<String, PoolsEvent, String, Object> supplier(PoolList list, PoolMetrics metrics) {
        return new StatefulSupplier<>(() -> new PoolsProcessor(list, metrics), Set.of(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BLOCKS_STORE), Serdes.String(),
                        Json.serde(PoolEntry.class)),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CANDIDATES_STORE), Serdes.String(),
                        Json.serde(PoolEntry.class))));
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.heights = context.getStateStore(BLOCKS_STORE);
        this.candidates = context.getStateStore(CANDIDATES_STORE);
        // As the chain processor: a processor revived after a dirty close sees stores rolled back to the last commit.
        networks.clear();
        prunedBelow.clear();
        windowsMoved.clear();
        feeShocks.clear();
        unknownTags.clear();
        HeldAggregates.publishEachCommitInterval(context, this::publishWindows);
    }

    /** The task closes (it moved to another instance, or the app stops): its networks' pool gauges go with it. */
    @Override
    public void close() {
        networks.keySet().forEach(metrics::release);
    }

    @Override
    public void process(Record<String, PoolsEvent> record) {
        PoolsEvent v = record.value();
        if (v instanceof PoolsEvent.Verified verified) {
            PoolEntry e = attribute(verified);
            candidates.put(candidateKey(verified.network(), verified.hash()), e);
        } else if (v instanceof PoolsEvent.Connected connected) {
            connect(connected, record.timestamp());
        } else if (v instanceof PoolsEvent.Filled filled) {
            fill(filled, record.timestamp());
        } else {
            // A height's tombstone: the best chain no longer reaches it.
            String key = record.key();
            int colon = key.lastIndexOf(':');
            String net = key.substring(0, colon);
            long height = Long.parseLong(key.substring(colon + 1));
            rewind(net, windows(net), height);
            POOLS.forward(context, new Record<>(key, null, record.timestamp()));
            windowsMoved.put(net, record.timestamp());
        }
    }

    /**
     * The attribution of a verified header: by its coinbase, or by the coinbase's parts a source gave instead
     * (mempool.space's bulk blocks: the input script and the paid addresses), or unattributed without either.
     */
    PoolEntry attribute(PoolsEvent.Verified v) {
        if (v.coinbaseHex() == null && v.coinbaseScriptSigHex() != null) {
            List<String> paid = v.coinbasePayoutAddresses() == null ? List.of() : v.coinbasePayoutAddresses();
            Attribution a = list.attributeByAddresses(v.coinbaseScriptSigHex(), paid);
            return new PoolEntry(v.height(), v.hash(), null, null, a.pool().id(), a.match().label(), a.matched(),
                    v.feesClaimedSat(), CoinbaseTag.of(v.coinbaseScriptSigHex()), v.txCount(),
                    v.coinbaseScriptSigHex(), paid, list.digest());
        }
        if (v.coinbaseHex() == null) {
            return PoolEntry.unattributed(v.height(), v.hash(), v.txCount());
        }
        // The chain processor has parsed it already (a coinbase that does not parse is dead-lettered there).
        Coinbase c = Coinbase.parseHex(v.coinbaseHex());
        // The list's addresses are mainnet's; on other networks the same scripts get the same (mainnet) spelling.
        List<String> paid = PoolList.paidAddresses(c.outputs());
        Attribution a = list.attributeByAddresses(c.scriptSigHex(), paid);
        return new PoolEntry(v.height(), v.hash(), null, null, a.pool().id(), a.match().label(), a.matched(),
                v.feesClaimedSat(), CoinbaseTag.of(c.scriptSigHex()), v.txCount(), c.scriptSigHex(), paid,
                list.digest());
    }

    private void connect(PoolsEvent.Connected b, long timestampMs) {
        String net = b.network();
        PoolWindows w = windows(net);
        PoolEntry e;
        if (b.verified() != null) {
            e = attribute(b.verified()); // verified as it connected: never a candidate
        } else {
            String hashKey = candidateKey(net, b.hash());
            e = candidates.get(hashKey);
            if (e == null) {
                // Not seen verified (state lost): the block still counts, without attribution.
                log.warn("{}: block {} at height {} connected without its attribution; counted unattributed", net,
                        b.hash(), b.height());
                e = PoolEntry.unattributed(b.height(), b.hash(), null);
            } else {
                candidates.delete(hashKey);
            }
        }
        e = e.by(list).onBestChain(b.time(), b.chainworkHex()); // a candidate kept over a change of list
        if (!w.isEmpty() && b.height() <= w.tip()) {
            rewind(net, w, b.height());
        }
        w.append(e);
        heights.put(ChainIndex.storeKey(net, b.height()), e);
        Long pruned = prunedBelow.get(net);
        if (pruned != null && b.height() < pruned) {
            prunedBelow.remove(net); // a chain that starts over below the pruned heights: the next prune scans
        }
        if (b.height() % Network.RETARGET_INTERVAL == 0) {
            prune(net, b.height());
        }
        PoolBlockRecord out = record(net, e);
        POOLS.forward(context, new Record<>(Topics.blockKey(net, b.height()), out, timestampMs));
        metrics.block(net, out);
        windowsMoved.put(net, timestampMs);
        String slug = out.poolSlug() == null ? "unattributed" : out.poolSlug();
        List<BlockAnomalyRecord> anomalies = new ArrayList<>(BlockAnomalies.detect(net, e, slug, w,
                context.currentSystemTimeMs() / 1000));
        Double day = w.feeShare(0, BlockAnomalies.FEE_DAY_MIN_BLOCKS);
        Double month = w.feeShare(2, BlockAnomalies.FEE_MONTH_MIN_BLOCKS);
        metrics.feeShares(net, day, month);
        boolean shock = day != null && month != null && day > BlockAnomalies.FEE_SHOCK_FACTOR * month;
        if (shock && !feeShocks.contains(net)) {
            anomalies.add(BlockAnomalies.feeShock(net, e, slug, day, month));
        }
        if (shock) {
            feeShocks.add(net);
        } else {
            feeShocks.remove(net);
        }
        UnknownTags tags = unknownTags.computeIfAbsent(net, n -> new UnknownTags());
        boolean unknownTagged = e.poolId() != null && e.poolId() == 0 && e.coinbaseTag() != null
                && !e.coinbaseTag().isEmpty();
        if (unknownTagged) {
            int count = tags.add(e.coinbaseTag(), e.time());
            if (count >= UnknownTags.MIN_BLOCKS) {
                anomalies.add(BlockAnomalies.unknownTag(net, e, count));
            }
        }
        if (unknownTagged || b.height() % UNKNOWN_TAG_GAUGE_BLOCKS == 0) {
            metrics.unknownTags(net, tags.frequent(e.time()));
        }
        for (BlockAnomalyRecord a : anomalies) {
            ANOMALIES.forward(context, new Record<>(BlockAnomalies.key(net, a.height(), a.kind()), a, timestampMs));
            metrics.anomaly(net, a.kind(), a.poolSlug());
        }
    }

    /**
     * A coinbase filled in for the best chain's block at its height. A height already attributed (or given no
     * coinbase again) emits nothing.
     */
    private void fill(PoolsEvent.Filled f, long timestampMs) {
        PoolsEvent.Verified v = f.verified();
        String net = v.network();
        PoolWindows tipWindows = windows(net);
        PoolEntry e = attribute(v).onBestChain(f.time(), f.chainworkHex());
        PoolEntry held = tipWindows.entry(v.height());
        if (held != null && !held.hash().equals(v.hash())) {
            return; // the chain processor sent it for the block on its best chain: only a tombstone in flight differs
        }
        if (e.poolId() == null || (held != null && held.poolId() != null)) {
            return;
        }
        if (held != null) {
            tipWindows.replace(e);
            heights.put(ChainIndex.storeKey(net, v.height()), e);
            // The tip's windows changed: published again, stamped as the tip's (not the filled block's) time.
            windowsMoved.putIfAbsent(net, tipWindows.entry(tipWindows.tip()).time() * 1000);
        }
        POOLS.forward(context, new Record<>(Topics.blockKey(net, v.height()), record(net, e), timestampMs));
    }

    /** Takes heights {@code height} and above off the best chain, keeping their attributions by hash. */
    private void rewind(String net, PoolWindows w, long height) {
        for (PoolEntry old : w.rewindTo(height)) {
            heights.delete(ChainIndex.storeKey(net, old.height()));
            candidates.put(candidateKey(net, old.hash()), old);
            // Whatever the replaced block's anomalies were, they are no longer the chain's.
            for (String kind : BlockAnomalies.KINDS) {
                ANOMALIES.forward(context, new Record<>(BlockAnomalies.key(net, old.height(), kind), null,
                        context.currentSystemTimeMs()));
            }
        }
    }

    /** The windows of the networks whose tip moved, once a commit interval: to their topic and the gauges. */
    private void publishWindows() {
        windowsMoved.forEach((net, timestampMs) -> {
            PoolWindows w = networks.get(net);
            if (w != null && !w.isEmpty()) {
                PoolWindowsRecord r = windowsRecord(net, w);
                WINDOWS.forward(context, new Record<>(net, r, timestampMs));
                metrics.windows(net, r);
            }
        });
        windowsMoved.clear();
    }

    PoolWindowsRecord windowsRecord(String net, PoolWindows w) {
        PoolEntry tip = w.entry(w.tip());
        return new PoolWindowsRecord(net, tip.height(), tip.hash(), tip.time(), list.origin(), w.windows(),
                w.droughts());
    }

    PoolBlockRecord record(String net, PoolEntry e) {
        Pool pool = e.poolId() == null ? null : list.byId(e.poolId()).orElse(Pool.UNKNOWN);
        String attribution = e.poolId() == null ? "unattributed" : pool.id() == 0 ? "unknown" : "attributed";
        return new PoolBlockRecord(net, e.height(), e.hash(), e.time(), attribution,
                pool == null ? null : pool.id(), pool == null ? null : pool.name(),
                pool == null ? null : pool.slug(), e.match(), e.matched(), e.feesClaimedSat(), e.coinbaseTag(),
                e.txCount(), e.txCount() == null ? null : e.txCount() == 1);
    }

    private PoolWindows windows(String net) {
        PoolWindows w = networks.get(net);
        return w != null ? w : load(net);
    }

    /**
     * The network's windows from the height store. Blocks a different list attributed (another {@code --pools}, or
     * a new bundled list) are attributed again; from the first whose pool changed, every height is emitted again,
     * its windows recounted with the corrected attributions (windows reaching below the oldest kept block, {@link
     * #KEEP_HEIGHTS} below the tip, hold only the kept blocks).
     */
    private PoolWindows load(String net) {
        List<PoolEntry> recent = new ArrayList<>();
        try (KeyValueIterator<String, PoolEntry> it = heights.reverseRange(ChainIndex.storeKey(net, 0),
                ChainIndex.storeKey(net, Long.MAX_VALUE / 10))) {
            while (it.hasNext() && recent.size() < PoolWindows.CAPACITY) {
                recent.add(0, it.next().value);
            }
        }
        int firstChanged = -1;
        int changed = 0;
        for (int i = 0; i < recent.size(); i++) {
            PoolEntry old = recent.get(i);
            PoolEntry now = old.by(list);
            if (now != old) {
                recent.set(i, now);
                heights.put(ChainIndex.storeKey(net, now.height()), now); // attributed by this list from now on
                if (now.attributedOtherwise(old)) {
                    changed++;
                    firstChanged = firstChanged < 0 ? i : firstChanged;
                }
            }
        }
        PoolWindows w = new PoolWindows(list);
        for (int i = 0; i < recent.size(); i++) {
            PoolEntry e = recent.get(i);
            w.append(e);
            if (firstChanged >= 0 && i >= firstChanged) {
                POOLS.forward(context, new Record<>(Topics.blockKey(net, e.height()), record(net, e),
                        e.time() * 1000));
            }
        }
        if (firstChanged >= 0) {
            windowsMoved.put(net, w.entry(w.tip()).time() * 1000);
            log.info("{}: pool list {} attributes {} of the {} kept blocks otherwise; heights {}..{} emitted again",
                    net, list.origin(), changed, recent.size(), recent.get(firstChanged).height(), w.tip());
        }
        networks.put(net, w);
        return w;
    }

    /**
     * Drops height entries the ring no longer holds and candidates too deep to join the chain. The heights below the
     * ring are those since the last prune, a retarget interval's; the first prune of a task scans for them, and so
     * does a prune after a gap or after the chain started over below the pruned heights. They are
     * deleted by writing null: {@code delete} reads and parses each old value to return it, and that was most of the
     * pools processor's time at a retarget.
     */
    private void prune(String net, long tipHeight) {
        long lowestHeight = tipHeight - KEEP_HEIGHTS;
        if (lowestHeight > 0) {
            Long from = prunedBelow.get(net);
            if (from == null || lowestHeight - from > Network.RETARGET_INTERVAL) {
                List<String> stale = new ArrayList<>();
                try (KeyValueIterator<String, PoolEntry> it = heights.range(ChainIndex.storeKey(net, 0),
                        ChainIndex.storeKey(net, lowestHeight - 1))) {
                    it.forEachRemaining(kv -> stale.add(kv.key));
                }
                stale.forEach(key -> heights.put(key, null));
            } else {
                for (long h = from; h < lowestHeight; h++) {
                    heights.put(ChainIndex.storeKey(net, h), null);
                }
            }
            prunedBelow.merge(net, lowestHeight, Math::max);
        }
        List<String> stale = new ArrayList<>();
        try (KeyValueIterator<String, PoolEntry> it = candidates.prefixScan(net + "/", new StringSerializer())) {
            it.forEachRemaining(kv -> {
                if (kv.value.height() < tipHeight - KEEP_CANDIDATES) {
                    stale.add(kv.key);
                }
            });
        }
        stale.forEach(key -> candidates.put(key, null));
    }

    private static String candidateKey(String net, String hash) {
        return net + "/" + hash;
    }
}
