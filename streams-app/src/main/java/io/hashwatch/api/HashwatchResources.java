package io.hashwatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hashwatch.config.CostProfile;
import io.hashwatch.config.EconomicsSettings;
import io.hashwatch.economics.MiningEconomics;
import io.hashwatch.metrics.MetricCatalog;
import io.hashwatch.model.BlockRecord;
import io.hashwatch.model.HashrateRecord;
import io.hashwatch.topology.StoreViews;
import io.hashwatch.topology.StoreViews.ChainSlice;
import io.hashwatch.topology.StoreViews.PoolBlock;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;

/**
 * hashwatch's own resources under {@code /api/v1/hashwatch/}: the topics' records (snake_case, as on the topics,
 * docs/topics.md) over a range, and what no topic holds (the instance's view of the cluster). Every answer has
 * {@code as_of}: the height, hash and time of the tip it was read at.
 */
final class HashwatchResources {
    /** The most heights one hashrate request covers. */
    static final int MAX_HEIGHTS = 10_000;
    /** The most days one miner-days request covers. */
    static final int MAX_DAYS = 4_000;
    /** The pool windows of the pools topic, in blocks. */
    static final List<Integer> POOL_WINDOWS = List.of(144, 1008, 4320);

    private final StateStores stores;
    private final MempoolResources chain;
    private final MeterRegistry registry;

    HashwatchResources(StateStores stores, MempoolResources chain, MeterRegistry registry) {
        this.stores = stores;
        this.chain = chain;
        this.registry = registry;
    }

    static Map<String, Object> asOf(BlockRecord tip) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("network", tip.network());
        m.put("height", tip.height());
        m.put("hash", tip.hash());
        m.put("time", tip.time());
        return m;
    }

    private static Map<String, Object> answer(BlockRecord tip, String name, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("as_of", asOf(tip));
        m.put(name, value);
        return m;
    }

    /**
     * GET /api/v1/hashwatch/hashrate?from=H&to=H[&every=N]: the hashrate topic's records (95% intervals) of the
     * heights, or of every Nth height from {@code from} and of {@code to} (a chart over the whole history held).
     */
    Map<String, Object> hashrate(BlockRecord tip, Map<String, String> query) {
        long to = query.containsKey("to") ? Api.parseLong(query.get("to"), "to") : tip.height();
        long from = query.containsKey("from") ? Api.parseLong(query.get("from"), "from") : to;
        long every = query.containsKey("every") ? Api.parseLong(query.get("every"), "every") : 1;
        if (from < 0 || to < from || to > tip.height()) {
            throw ApiException.badRequest("need 0 <= from <= to <= tip height " + tip.height());
        }
        if (every < 1) {
            throw ApiException.badRequest("need every >= 1");
        }
        if ((to - from) / every + 1 > MAX_HEIGHTS) {
            throw ApiException.badRequest("at most " + MAX_HEIGHTS + " heights a request (a larger every= spaces"
                    + " them out)");
        }
        ChainSlice slice = StoreViews.load(chain.bestChain(), tip.network(), from, to);
        if (!slice.holds(from)) {
            throw ApiException.badRequest("the history held starts at height " + slice.first());
        }
        List<HashrateRecord> out = new ArrayList<>();
        for (long h = from; h <= to; h += every) {
            out.add(slice.hashrate(h));
        }
        if ((to - from) % every != 0) {
            out.add(slice.hashrate(to));
        }
        return answer(tip, "hashrate", out);
    }

    /**
     * GET /api/v1/hashwatch/difficulty: the difficulty topic's record of the tip (progress, projection, forecast),
     * and the blocks topic's, which holds the tip's bits and difficulty.
     */
    Map<String, Object> difficulty(BlockRecord tip) {
        ChainSlice slice = StoreViews.load(chain.bestChain(), tip.network(), tip.height(), tip.height());
        Map<String, Object> m = answer(tip, "difficulty", slice.difficulty(tip.height()));
        m.put("block", tip);
        return m;
    }

    /**
     * The economics record with each profile's all-in cost per BTC and margin after the next halving added to its
     * {@code next_halving} (keyed by profile name, as the record's {@code profiles}): the per-block record leaves out
     * what its hashprice after the halving and the settings give.
     */
    static JsonNode withProfilesAfterHalving(JsonNode economics, EconomicsSettings settings) {
        JsonNode halving = economics.get("next_halving");
        if (halving == null || !halving.isObject()) {
            return economics;
        }
        double btc = halving.path("hashprice_btc_per_ph_day").asDouble();
        JsonNode usdNode = halving.get("hashprice_usd_per_ph_day");
        Double usd = usdNode != null && usdNode.isNumber() ? usdNode.asDouble() : null;
        ObjectNode copy = economics.deepCopy();
        ObjectNode cost = ((ObjectNode) copy.get("next_halving")).putObject("all_in_cost_per_btc_usd");
        ObjectNode margin = ((ObjectNode) copy.get("next_halving")).putObject("margin_usd_per_ph_day");
        for (CostProfile p : settings.profiles()) {
            MiningEconomics.AfterHalving after = MiningEconomics.afterHalving(btc, usd, p.allInCostUsdPerPhDay());
            cost.put(p.name(), after.allInCostPerBtcUsd());
            margin.put(p.name(), after.marginUsdPerPhDay());
        }
        return copy;
    }

    /** GET /api/v1/hashwatch/miner-days?from=YYYY-MM-DD&to=YYYY-MM-DD: the miner-days records, with signals. */
    Map<String, Object> minerDays(BlockRecord tip, Map<String, String> query) {
        LocalDate last = MempoolResources.day(tip.time());
        LocalDate to = query.containsKey("to") ? date(query.get("to"), "to") : last;
        LocalDate from = query.containsKey("from") ? date(query.get("from"), "from") : to.minusDays(29);
        if (to.isBefore(from)) {
            throw ApiException.badRequest("from must not be after to");
        }
        if (to.toEpochDay() - from.toEpochDay() + 1 > MAX_DAYS) {
            throw ApiException.badRequest("at most " + MAX_DAYS + " days a request");
        }
        return answer(tip, "miner_days", stores.minerDays(tip.network(), from, to));
    }

    /**
     * GET /api/v1/hashwatch/pools: the windows of the last 144, 1008 and 4320 blocks, with the pools topic's
     * measures (shares of the blocks with a coinbase, HHI of the identified pools, Nakamoto coefficient).
     */
    Map<String, Object> pools(BlockRecord tip) {
        List<PoolBlock> held = stores.poolBlocks(tip.network(),
                tip.height() - POOL_WINDOWS.get(POOL_WINDOWS.size() - 1) + 1, tip.height());
        List<Map<String, Object>> windows = new ArrayList<>();
        for (int size : POOL_WINDOWS) {
            List<PoolBlock> w = held.subList(Math.max(0, held.size() - size), held.size());
            windows.add(window(size, w));
        }
        return answer(tip, "windows", windows);
    }

    private static Map<String, Object> window(int size, List<PoolBlock> blocks) {
        int withCoinbase = 0;
        int unknown = 0;
        Map<Integer, Integer> byPool = new HashMap<>();
        for (PoolBlock b : blocks) {
            if (b.poolId() == null) {
                continue;
            }
            withCoinbase++;
            if (b.poolId() == 0) {
                unknown++;
            } else {
                byPool.merge(b.poolId(), 1, Integer::sum);
            }
        }
        double hhi = 0;
        for (int n : byPool.values()) {
            double share = (double) n / withCoinbase;
            hhi += share * share;
        }
        List<Integer> counts = new ArrayList<>(byPool.values());
        counts.sort((a, b) -> b - a);
        Integer nakamoto = null;
        int sum = 0;
        for (int i = 0; i < counts.size(); i++) {
            sum += counts.get(i);
            if (2L * sum > withCoinbase) {
                nakamoto = i + 1;
                break;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("window_blocks", size);
        m.put("blocks", blocks.size());
        m.put("with_coinbase", withCoinbase);
        m.put("unknown_blocks", unknown);
        m.put("hhi", withCoinbase == 0 ? null : hhi);
        m.put("nakamoto_coefficient", nakamoto);
        return m;
    }

    /** GET /api/v1/hashwatch/status: this instance, who owns which network, tips, store lags and the sources. */
    Map<String, Object> status(List<String> networks) {
        KafkaStreams streams = stores.streams();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", streams.state().name());
        m.put("instance", stores.self() == null ? null : stores.self().host() + ":" + stores.self().port());
        Map<String, Object> nets = new TreeMap<>();
        for (String n : networks) {
            Map<String, Object> v = new LinkedHashMap<>();
            try {
                var meta = streams.queryMetadataForKey(StoreViews.BEST_CHAIN, n,
                        new io.hashwatch.topology.NetworkPartitioner<>());
                if (meta != null && meta.activeHost() != null && meta.activeHost().port() >= 0) {
                    v.put("owner", meta.activeHost().host() + ":" + meta.activeHost().port());
                    v.put("standbys", meta.standbyHosts().stream().map(h -> h.host() + ":" + h.port()).toList());
                    v.put("partition", meta.partition());
                    // The pools' and the days' tasks are sub-topologies of their own: their owners may differ.
                    Map<String, Object> owners = new LinkedHashMap<>();
                    for (String store : List.of(StoreViews.BEST_CHAIN, StoreViews.POOL_BLOCKS,
                            StoreViews.MINER_DAYS)) {
                        var o = streams.queryMetadataForKey(store, n, new io.hashwatch.topology.NetworkPartitioner<>());
                        if (o != null && o.activeHost() != null && o.activeHost().port() >= 0) {
                            owners.put(store, o.activeHost().host() + ":" + o.activeHost().port());
                        }
                    }
                    v.put("store_owners", owners);
                }
                StoreViews.tip(chain.bestChain(), n).ifPresent(t -> {
                    v.put("tip", asOf(t));
                    // Where a range may start: the page asks for the history held without a 400 to learn it.
                    v.put("first_height", StoreViews.lowestHeight(chain.bestChain(), n));
                });
            } catch (ApiException | org.apache.kafka.streams.errors.InvalidStateStoreException e) {
                v.put("error", e.getMessage());
            }
            if (!v.isEmpty()) {
                nets.put(n, v);
            }
        }
        m.put("networks", nets);
        List<Map<String, Object>> instances = new ArrayList<>();
        for (StreamsMetadata sm : streams.metadataForAllStreamsClients()) {
            Map<String, Object> i = new LinkedHashMap<>();
            i.put("instance", sm.host() + ":" + sm.port());
            i.put("active_partitions", sm.topicPartitions().stream().map(Object::toString).sorted().toList());
            i.put("standby_partitions", sm.standbyTopicPartitions().stream().map(Object::toString).sorted()
                    .toList());
            instances.add(i);
        }
        m.put("instances", instances);
        Map<String, Object> lags = new TreeMap<>();
        try {
            streams.allLocalStorePartitionLags().forEach((store, byPartition) -> byPartition.forEach((p, lag) ->
                    lags.put(store + "-" + p, lag.offsetLag())));
        } catch (RuntimeException e) {
            lags.put("error", e.getMessage());
        }
        m.put("store_offset_lags", lags);
        m.put("sources", sources());
        m.put("now", System.currentTimeMillis() / 1000);
        return m;
    }

    /** The sources of this JVM (role all), from their gauges: up or down and the age of their last message. */
    private List<Map<String, Object>> sources() {
        long now = System.currentTimeMillis() / 1000;
        Map<String, Map<String, Object>> out = new TreeMap<>();
        for (Gauge g : registry.find(MetricCatalog.SOURCE_UP.name()).gauges()) {
            source(out, g).put("up", g.value() >= 1);
        }
        for (Gauge g : registry.find(MetricCatalog.SOURCE_LAST_MESSAGE.name()).gauges()) {
            double t = g.value();
            if (Double.isFinite(t) && t > 0) {
                source(out, g).put("last_message_age_seconds", now - (long) t);
            }
        }
        // A chain source's history still to load: the page's "history loading" banner.
        for (Gauge g : registry.find(MetricCatalog.SOURCE_BACKFILL_REMAINING.name()).gauges()) {
            double v = g.value();
            if (Double.isFinite(v)) {
                source(out, g).put("backfill_remaining_blocks", (long) v);
            }
        }
        return new ArrayList<>(out.values());
    }

    private static Map<String, Object> source(Map<String, Map<String, Object>> out, Gauge g) {
        Map<String, String> tags = new TreeMap<>();
        for (Tag t : g.getId().getTags()) {
            tags.put(t.getKey(), t.getValue());
        }
        return out.computeIfAbsent(tags.toString(), k -> {
            Map<String, Object> m = new LinkedHashMap<>(tags);
            return m;
        });
    }

    static LocalDate date(String s, String name) {
        try {
            return LocalDate.parse(s == null ? "" : s);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name + " must be a date YYYY-MM-DD");
        }
    }
}
