package io.hashwatch.topology;

import io.hashwatch.bitcoin.CompactTarget;
import io.hashwatch.bitcoin.Work;
import io.hashwatch.config.CostProfile;
import io.hashwatch.config.EconomicsSettings;
import io.hashwatch.metrics.EconomicsMetrics;
import io.hashwatch.metrics.MinerStressMetrics;
import io.hashwatch.model.HashpriceRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.MinerDayRecord;
import io.hashwatch.model.MinerSignalRecord;
import io.hashwatch.model.Topics;
import io.hashwatch.stress.DayBlock;
import io.hashwatch.stress.DayIndicators;
import io.hashwatch.stress.DayTotals;
import io.hashwatch.stress.FleetDay;
import io.hashwatch.stress.Fleets;
import io.hashwatch.stress.Halving;
import io.hashwatch.stress.Indicators;
import io.hashwatch.stress.Signals;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The miner-stress daily series: every block of the best chain, with its hashprice, into its UTC day (by block time),
 * the day's totals and indicators republished at each block ({@code miner-days}), final once stream time passes the
 * day's end plus the reference price's grace, and the events of final days ({@code miner-signals}).
 *
 * <p>A block at a height the series already has (a reorganization connects its branch from the fork up) removes the
 * blocks from that height to the old tip first: their days, and every day after them, are recomputed, and events a
 * corrected day no longer has are deleted (tombstones).
 *
 * <p>The days' records are kept in memory for the indicators' windows (the last {@value #CACHED_DAYS} per network,
 * loaded from the store when a task starts), and so are the blocks of the last few days.
 */
final class MinerStressProcessor implements Processor<String, StressBlock, String, Object> {
    static final String NAME = "miner-stress";
    static final String DAY_BLOCKS_STORE = "miner-day-blocks";
    static final String HEIGHTS_STORE = "miner-heights";
    static final String DAYS_STORE = "miner-days";

    static final TopicSink<MinerDayRecord> DAYS = new TopicSink<>("miner-days-sink", Topics.MINER_DAYS);
    static final TopicSink<MinerSignalRecord> SIGNALS = new TopicSink<>("miner-signals-sink", Topics.MINER_SIGNALS);
    static final List<TopicSink<?>> SINKS = List.of(DAYS, SIGNALS);

    /** The longest indicator window plus a margin: a correction reaches back hours, not weeks. */
    static final int CACHED_DAYS = Indicators.MAX_WINDOW + 35;
    /** Days whose blocks stay in memory: the open day and the two before (late blocks). */
    static final int CACHED_BLOCK_DAYS = 3;

    private final EconomicsSettings settings;
    private final EconomicsMetrics metrics;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, StressBlock> dayBlocks;
    private KeyValueStore<String, String> heights;
    private KeyValueStore<String, MinerDayRecord> days;
    private final Map<String, TreeMap<LocalDate, MinerDayRecord>> dayCache = new HashMap<>();
    private final Map<String, TreeMap<LocalDate, DayBlocks>> blockCache = new HashMap<>();
    /** Per network, the open day's indicators base: the days before it change only when they are rewritten. */
    private final Map<String, OpenDayBase> bases = new HashMap<>();
    /** Per network, the highest height in the series (the highest height key), read from the store on first use. */
    private final Map<String, Long> tips = new HashMap<>();
    /** Open days' records not yet published, by key, in the order first held. */
    private final Map<String, Record<String, MinerDayRecord>> openDays = new LinkedHashMap<>();

    MinerStressProcessor(EconomicsSettings settings, EconomicsMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    /**
     * The processor with its stores: the blocks of each day, the day of each height, and the days' records. Not
     * cached: a block's keys are its own (a height, a block), and the open day is held here and stored when it is
     * published, so a cache would only copy each write once more (Kafka Streams' thread cache was 8% of the stream
     * threads' samples, its evictions included).
     */
    static ProcessorSupplier<String, StressBlock, String, Object> supplier(EconomicsSettings settings,
                                                                           EconomicsMetrics metrics) {
        return new StatefulSupplier<>(() -> new MinerStressProcessor(settings, metrics), Set.of(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DAY_BLOCKS_STORE), Serdes.String(),
                        Json.serde(StressBlock.class)),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HEIGHTS_STORE), Serdes.String(),
                        Serdes.String()),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DAYS_STORE), Serdes.String(),
                        Topics.MINER_DAYS.valueSerde())));
    }

    /** What the series takes of a block and its hashprice. */
    static StressBlock block(ConnectedBlock b, HashpriceRecord h) {
        return new StressBlock(b.network(), new DayBlock(b.height(), b.time(),
                Work.blockProof(CompactTarget.decode(b.bits())), b.difficulty(), b.subsidySat(), b.feesSat(),
                h.priceUsd(), h.hashpriceBtcPerPhDay(), h.hashpriceUsdPerPhDay()), b.feesSatAvg144(),
                b.epochMeanIntervalSeconds());
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.dayBlocks = context.getStateStore(DAY_BLOCKS_STORE);
        this.heights = context.getStateStore(HEIGHTS_STORE);
        this.days = context.getStateStore(DAYS_STORE);
        // A revived task's stores are rolled back to the last commit: the memory copies are rebuilt from them.
        dayCache.clear();
        blockCache.clear();
        bases.clear();
        tips.clear();
        openDays.clear();
        HeldAggregates.publishEachCommitInterval(context, this::flushOpenDays);
        // The gauges at once from mainnet's latest final day held here (after a restart or a failover), not NaN
        // until the next day closes.
        try (KeyValueIterator<String, MinerDayRecord> it = days.reverseRange("mainnet:", "mainnet:~")) {
            while (it.hasNext()) {
                MinerDayRecord d = it.next().value;
                if (d.finalized()) {
                    metrics.minerDay(d);
                    break;
                }
            }
        }
        // An open day held when the task last stopped may not have been published: hold the stored ones again (a
        // record published twice is the same record).
        try (KeyValueIterator<String, MinerDayRecord> it = days.all()) {
            it.forEachRemaining(kv -> {
                if (!kv.value.finalized()) {
                    openDays.put(kv.key, new Record<>(kv.key, kv.value,
                            LocalDate.parse(kv.value.day()).atStartOfDay().toEpochSecond(ZoneOffset.UTC) * 1000));
                }
            });
        }
    }

    /** The task closes (it moved to another instance, or the app stops): mainnet's gauges go with it. */
    @Override
    public void close() {
        metrics.releaseMinerStress();
    }

    @Override
    public void process(Record<String, StressBlock> record) {
        StressBlock b = record.value();
        String net = b.network();
        long height = b.block().height();
        LocalDate day = DayTotals.dayOf(b.block().time());
        TreeSet<LocalDate> dirty = new TreeSet<>();
        long tip = tip(net);
        for (long h = height; h <= tip; h++) {
            remove(net, h, dirty);
        }
        heights.put(heightKey(net, height), day.toString());
        tips.put(net, height);
        dayBlocks.put(blockKey(net, day, height), b);
        DayBlocks cached = blocks(net).get(day);
        if (cached != null) {
            cached.add(b);
        }
        dirty.add(day);
        long streamTimeMs = context.currentStreamTimeMs();
        TreeMap<LocalDate, MinerDayRecord> series = series(net);
        TreeSet<LocalDate> redo = new TreeSet<>(dirty);
        redo.addAll(series.tailMap(dirty.first(), true).keySet());
        for (LocalDate d : redo) {
            update(net, d, dirty.contains(d), streamTimeMs, record.timestamp());
        }
        // Days that stream time has now closed (usually the day before the block's), oldest first.
        List<LocalDate> closing = new ArrayList<>();
        for (Map.Entry<LocalDate, MinerDayRecord> open : series.descendingMap().entrySet()) {
            if (open.getValue().finalized()) {
                break;
            }
            if (closed(open.getKey(), streamTimeMs)) {
                closing.add(0, open.getKey());
            }
        }
        closing.forEach(d -> update(net, d, false, streamTimeMs, record.timestamp()));
        NavigableMap<LocalDate, DayBlocks> old = blocks(net).headMap(day.minusDays(CACHED_BLOCK_DAYS - 1),
                false);
        old.clear();
    }

    private void remove(String net, long height, Set<LocalDate> dirty) {
        String key = heightKey(net, height);
        String day = heights.get(key);
        if (day == null) {
            return;
        }
        LocalDate d = LocalDate.parse(day);
        dayBlocks.delete(blockKey(net, d, height));
        heights.delete(key);
        blocks(net).remove(d);
        dirty.add(d);
    }

    /** Recomputes day {@code d} (its totals too when {@code dirty}) from the day before, and publishes it. */
    private void update(String net, LocalDate d, boolean dirty, long streamTimeMs, long timestampMs) {
        TreeMap<LocalDate, MinerDayRecord> series = series(net);
        MinerDayRecord old = series.get(d);
        String key = net + ":" + d;
        DayTotals totals;
        Halving halving;
        Double afterBtc;
        if (dirty || old == null) {
            DayBlocks blocks = blocksOf(net, d);
            if (blocks.isEmpty()) {
                // A reorganization took the day's only blocks.
                series.remove(d);
                publishDay(key, null, timestampMs);
                if (old != null) {
                    publishSignals(net, d, old.signals(), Map.of(), timestampMs);
                }
                return;
            }
            totals = blocks.totals.totals();
            StressBlock top = blocks.top;
            halving = Halving.at(top.block().height(), top.block().time(), top.epochMeanIntervalSeconds());
            afterBtc = halving.hashpriceAfterBtcPerPhDay(top.block().difficulty(),
                    top.feesSatAvg144() == null ? 0 : top.feesSatAvg144());
        } else {
            totals = old.totals();
            halving = old.halving();
            afterBtc = old.hashpriceAfterHalvingBtcPerPhDay();
        }
        MinerDayRecord before = series.get(d.minusDays(1));
        DayIndicators indicators = indicatorsBase(net, series, d, before).next(totals);
        FleetDay fleets = fleets(totals, afterBtc, before);
        boolean finalized = closed(d, streamTimeMs);
        Map<String, Double> signals = finalized ? Signals.of(indicators, before == null ? null : before.indicators(),
                halving, before == null ? null : before.halving(), fleets) : Map.of();
        MinerDayRecord rec = new MinerDayRecord(net, d.toString(), finalized, totals, indicators, halving, afterBtc,
                totals.closePriceUsd() == null ? null : afterBtc * totals.closePriceUsd(), fleets,
                List.copyOf(signals.keySet()));
        series.put(d, rec);
        if (series.size() > CACHED_DAYS) {
            series.pollFirstEntry();
        }
        publishDay(key, rec, timestampMs);
        publishSignals(net, d, old == null ? List.of() : old.signals(), signals, timestampMs);
        if (finalized) {
            // Final days are published oldest first: the gauges end on the latest.
            metrics.minerDay(rec);
        }
    }

    /**
     * The open day changes at every block: its record is held, latest per key, and published at the next flush
     * (every commit interval of wall-clock time: once a day or so in a backfill, each update live). Final days,
     * rewritten days and deletions go out at once, replacing a held record of the same day.
     */
    private void publishDay(String key, MinerDayRecord day, long timestampMs) {
        Record<String, MinerDayRecord> record = new Record<>(key, day, timestampMs);
        if (day != null && !day.finalized()) {
            openDays.put(key, record);
            return;
        }
        openDays.remove(key);
        store(record);
        DAYS.forward(context, record);
    }

    /** Held open days go to the store when they are published: a restart recomputes a newer one from its blocks. */
    private void flushOpenDays() {
        openDays.values().forEach(r -> {
            store(r);
            DAYS.forward(context, r);
        });
        openDays.clear();
    }

    private void store(Record<String, MinerDayRecord> record) {
        if (record.value() == null) {
            days.delete(record.key());
        } else {
            days.put(record.key(), record.value());
        }
    }

    /**
     * The indicators base of day {@code d}: the days before it, made again only when the day or the day before it
     * changes (a rewritten day is a new record, and every later day is rewritten after it).
     */
    private Indicators.Before indicatorsBase(String net, TreeMap<LocalDate, MinerDayRecord> series, LocalDate d,
                                             MinerDayRecord before) {
        OpenDayBase cached = bases.get(net);
        if (cached != null && cached.day().equals(d) && cached.before() == before) {
            return cached.base();
        }
        Indicators.Before base = Indicators.before(earlier(series, d, before),
                before == null ? null : before.indicators());
        bases.put(net, new OpenDayBase(d, before, base));
        return base;
    }

    private record OpenDayBase(LocalDate day, MinerDayRecord before, Indicators.Before base) {
    }

    /** A day's blocks as the series needs them: their running totals, and the highest (for the halving). */
    private static final class DayBlocks {
        private final DayTotals.Accumulator totals;
        private StressBlock top;

        DayBlocks(LocalDate day) {
            totals = new DayTotals.Accumulator(day);
        }

        void add(StressBlock b) {
            totals.add(b.block());
            if (top == null || b.block().height() > top.block().height()) {
                top = b;
            }
        }

        boolean isEmpty() {
            return totals.isEmpty();
        }
    }

    /** The totals of the consecutive days before day {@code d}, as many as its indicators look back over. */
    private static List<DayTotals> earlier(TreeMap<LocalDate, MinerDayRecord> series, LocalDate d,
                                           MinerDayRecord before) {
        int n = before == null ? 1 : Math.min(before.indicators().historyDays() + 1, Indicators.MAX_WINDOW);
        List<DayTotals> out = new ArrayList<>(n);
        for (LocalDate k = d.minusDays(n - 1); k.isBefore(d); k = k.plusDays(1)) {
            MinerDayRecord r = series.get(k);
            if (r == null) {
                throw new IllegalStateException("day " + k + " missing from the series before " + d);
            }
            out.add(r.totals());
        }
        return out;
    }

    private FleetDay fleets(DayTotals totals, Double afterBtc, MinerDayRecord before) {
        Double hashprice = totals.meanHashpriceUsdPerPhDay();
        Map<String, Double> breakeven = new LinkedHashMap<>();
        Map<String, FleetDay.ProfileDay> profiles = new LinkedHashMap<>();
        List<Double> costs = new ArrayList<>();
        for (CostProfile p : settings.profiles()) {
            double price = p.powerPriceUsdPerKwh();
            breakeven.put(MinerStressMetrics.powerPriceLabel(price),
                    hashprice == null || price == 0 ? null : Fleets.breakevenEfficiencyJoulesPerTh(hashprice, price));
            double allIn = p.allInCostUsdPerPhDay();
            costs.add(allIn);
            Double margin = hashprice == null ? null : hashprice - allIn;
            FleetDay.ProfileDay was = before == null ? null : before.fleets().profiles().get(p.name());
            int under = margin != null && margin < 0 ? (was == null ? 0 : was.daysUnderWater()) + 1 : 0;
            profiles.put(p.name(), new FleetDay.ProfileDay(allIn, margin, under,
                    afterBtc == null || afterBtc == 0 ? null : allIn / afterBtc));
        }
        return new FleetDay(breakeven, hashprice == null ? null : Fleets.underWater(hashprice, costs), profiles);
    }

    private void publishSignals(String net, LocalDate d, List<String> old, Map<String, Double> now, long timestampMs) {
        for (String s : old) {
            if (!now.containsKey(s)) {
                SIGNALS.forward(context, new Record<>(signalKey(net, d, s), null, timestampMs));
            }
        }
        now.forEach((s, value) -> {
            int colon = s.indexOf(':');
            SIGNALS.forward(context, new Record<>(signalKey(net, d, s), new MinerSignalRecord(net, d.toString(),
                    colon < 0 ? s : s.substring(0, colon), colon < 0 ? null : s.substring(colon + 1), value),
                    timestampMs));
            if (!old.contains(s)) {
                metrics.minerSignal(colon < 0 ? s : s.substring(0, colon));
            }
        });
    }

    private boolean closed(LocalDate d, long streamTimeMs) {
        long endMs = d.plusDays(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC) * 1000;
        return streamTimeMs >= endMs + settings.referencePrice().graceSeconds() * 1000;
    }

    /** The network's recent days, loaded from the store on first use. */
    private TreeMap<LocalDate, MinerDayRecord> series(String net) {
        return dayCache.computeIfAbsent(net, n -> {
            TreeMap<LocalDate, MinerDayRecord> out = new TreeMap<>();
            try (KeyValueIterator<String, MinerDayRecord> it = days.prefixScan(n + ":", new StringSerializer())) {
                it.forEachRemaining(kv -> {
                    out.put(LocalDate.parse(kv.value.day()), kv.value);
                    if (out.size() > CACHED_DAYS) {
                        out.pollFirstEntry();
                    }
                });
            }
            return out;
        });
    }

    private TreeMap<LocalDate, DayBlocks> blocks(String net) {
        return blockCache.computeIfAbsent(net, n -> new TreeMap<>());
    }

    private DayBlocks blocksOf(String net, LocalDate d) {
        return blocks(net).computeIfAbsent(d, k -> {
            DayBlocks out = new DayBlocks(d);
            try (KeyValueIterator<String, StressBlock> it = dayBlocks.prefixScan(net + "|" + d + "|",
                    new StringSerializer())) {
                it.forEachRemaining(kv -> out.add(kv.value));
            }
            return out;
        });
    }

    /**
     * The network's highest height in the series, -1 if none: its highest height key (a reorganization deletes the
     * heights it replaces). Stores written before this was derived also hold a {@code <network>|tip} key, which
     * sorts after every height key and is left out.
     */
    private long tip(String net) {
        Long tip = tips.get(net);
        if (tip == null) {
            tip = -1L;
            try (KeyValueIterator<String, String> it = heights.reverseRange(heightKey(net, 0),
                    heightKey(net, 9_999_999_999L))) {
                if (it.hasNext()) {
                    String key = it.next().key;
                    tip = Long.parseLong(key.substring(key.lastIndexOf('|') + 1));
                }
            }
            tips.put(net, tip);
        }
        return tip;
    }

    private static String heightKey(String net, long height) {
        return net + "|" + ChainIndex.zeroPadded(height, 10);
    }

    private static String blockKey(String net, LocalDate d, long height) {
        return net + "|" + d + "|" + ChainIndex.zeroPadded(height, 10);
    }

    private static String signalKey(String net, LocalDate d, String signal) {
        return net + ":" + d + ":" + signal;
    }
}
