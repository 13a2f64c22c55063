package io.hashwatch.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.metrics.MetricCatalog;
import io.hashwatch.metrics.MetricCatalog.Metric;
import io.hashwatch.model.Json;
import io.hashwatch.model.Topics;
import io.hashwatch.model.Topics.Topic;
import io.micrometer.core.instrument.Meter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes a backfill's results as OpenMetrics with the blocks' own timestamps, under the names of the live gauges,
 * so that {@code promtool tsdb create-blocks-from openmetrics} loads years of history into Prometheus and the
 * dashboards show real dates. Built from the JSON-lines files backfill wrote, keeping the latest record per key
 * (the compacted view: a reorg's corrected values win).
 */
final class OpenMetricsHistory {
    /** A gauge of the live app, and how to read its labelled values out of a topic's records. */
    private record Family(Metric metric, String topic, List<Series> series) {
    }

    private record Series(String labels, String field) {
    }

    private static final List<Family> FAMILIES = List.of(
            family(MetricCatalog.TIP_HEIGHT, Topics.BLOCKS, new Series("", "height")),
            family(MetricCatalog.DIFFICULTY, Topics.BLOCKS, new Series("", "difficulty")),
            family(MetricCatalog.HASHRATE, Topics.HASHRATE, new Series("window=\"1d\"", "hashrate_1d_hps"),
                    new Series("window=\"3d\"", "hashrate_3d_hps"), new Series("window=\"7d\"", "hashrate_7d_hps"),
                    new Series("window=\"epoch\"", "hashrate_epoch_hps")),
            family(MetricCatalog.HASHRATE_LOWER95, Topics.HASHRATE,
                    new Series("window=\"1d\"", "hashrate_1d_lower_hps"),
                    new Series("window=\"7d\"", "hashrate_7d_lower_hps")),
            family(MetricCatalog.HASHRATE_UPPER95, Topics.HASHRATE,
                    new Series("window=\"1d\"", "hashrate_1d_upper_hps"),
                    new Series("window=\"7d\"", "hashrate_7d_upper_hps")),
            family(MetricCatalog.DIFFICULTY_PROJECTED_CHANGE, Topics.DIFFICULTY, new Series("", "projected_change")),
            family(MetricCatalog.DIFFICULTY_EPOCH_PROGRESS, Topics.DIFFICULTY, new Series("", "progress")),
            family(MetricCatalog.DIFFICULTY_BLOCKS_REMAINING, Topics.DIFFICULTY, new Series("", "blocks_remaining")),
            family(MetricCatalog.HASHPRICE_BTC, Topics.HASHPRICE, new Series("", "hashprice_btc_per_ph_day")),
            family(MetricCatalog.HASHPRICE_USD, Topics.HASHPRICE, new Series("", "hashprice_usd_per_ph_day")),
            family(MetricCatalog.HASHVALUE, Topics.HASHPRICE, new Series("", "hashvalue_sats_per_th_day")),
            // The price each block's hashprice was figured at: the history of the live reference price.
            family(MetricCatalog.REFERENCE_PRICE, Topics.HASHPRICE, new Series("", "price_usd")),
            family(MetricCatalog.NETWORK_COST_MODEL, Topics.HASHPRICE, new Series("", "network_cost_model_usd")),
            family(MetricCatalog.ENERGY_COST, Topics.ECONOMICS, new Series("", "energy_cost_per_btc_usd")),
            family(MetricCatalog.ALL_IN_COST, Topics.ECONOMICS, new Series("", "all_in_cost_per_btc_usd")),
            family(MetricCatalog.COST_GAP, Topics.ECONOMICS, new Series("", "gap")),
            family(MetricCatalog.MARGIN, Topics.ECONOMICS, new Series("", "margin_usd_per_ph_day")),
            family(MetricCatalog.BREAKEVEN_POWER_PRICE, Topics.ECONOMICS,
                    new Series("", "breakeven_power_price_usd_per_kwh")),
            family(MetricCatalog.MINING_REVENUE, Topics.ECONOMICS, new Series("", "mining_revenue_usd_per_mw_day")),
            family(MetricCatalog.POWER_OPPORTUNITY_SPREAD, Topics.ECONOMICS,
                    new Series("", "power_opportunity_spread_usd_per_mw_day")));

    private OpenMetricsHistory() {
    }

    private static Family family(Metric metric, Topic<String, ?> topic, Series... series) {
        if (metric.type() != Meter.Type.GAUGE) {
            throw new IllegalArgumentException(metric.name() + " is not a gauge");
        }
        return new Family(metric, topic.name(), List.of(series));
    }

    /**
     * Writes {@code file} from the JSON-lines files in {@code dir}; returns the number of samples. Within a series
     * timestamps must increase: a block stamped no later than the previous sample (block times are not monotonic)
     * is written one second after it.
     */
    static long write(Path dir, Path file) throws IOException {
        Map<String, List<JsonNode>> byTopic = new HashMap<>();
        long samples = 0;
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            for (Family f : FAMILIES) {
                List<JsonNode> records = byTopic.computeIfAbsent(f.topic(), t -> latestPerKey(dir.resolve(t + ".jsonl")));
                String name = f.metric().name();
                w.write("# TYPE " + name + " gauge\n");
                w.write("# HELP " + name + " " + f.metric().help() + "\n");
                // One series per (labels, network, profile), each in height order.
                Map<String, Long> lastTimestamp = new HashMap<>();
                Map<String, List<String>> lines = new LinkedHashMap<>();
                for (JsonNode r : records) {
                    for (Map.Entry<String, JsonNode> view : views(r)) {
                    for (Series s : f.series()) {
                        JsonNode v = view.getValue().get(s.field());
                        if (v == null || v.isNull() || !v.isNumber()) {
                            continue;
                        }
                        String labels = labels(r, view.getKey(), s.labels());
                        long ts = r.path("time").asLong();
                        Long prev = lastTimestamp.get(labels);
                        if (prev != null && ts <= prev) {
                            ts = prev + 1;
                        }
                        lastTimestamp.put(labels, ts);
                        lines.computeIfAbsent(labels, k -> new ArrayList<>())
                                .add(name + "{" + labels + "} " + v.asDouble() + " " + ts + "\n");
                    }
                    }
                }
                for (List<String> series : lines.values()) {
                    for (String line : series) {
                        w.write(line);
                        samples++;
                    }
                }
            }
            w.write("# EOF\n");
        }
        return samples;
    }

    /**
     * Where a record's values are: the record itself, or, on {@code economics}, each entry of its {@code profiles}
     * (keyed by profile name, which becomes the {@code profile} label).
     */
    private static List<Map.Entry<String, JsonNode>> views(JsonNode r) {
        JsonNode profiles = r.get("profiles");
        if (profiles == null || !profiles.isObject()) {
            return List.of(new java.util.AbstractMap.SimpleImmutableEntry<>(null, r));
        }
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        profiles.fields().forEachRemaining(out::add);
        return out;
    }

    private static String labels(JsonNode r, String profile, String extra) {
        StringBuilder b = new StringBuilder("network=\"").append(r.path("network").asText()).append('"');
        if (profile != null) {
            b.append(",profile=\"").append(profile).append('"');
        }
        if (!extra.isEmpty()) {
            b.append(',').append(extra);
        }
        return b.toString();
    }

    /** Records of per-height keys only (not the live {@code current} view), the last one per key, by height. */
    private static List<JsonNode> latestPerKey(Path jsonl) {
        TreeMap<String, JsonNode> latest = new TreeMap<>();
        TreeMap<Long, List<String>> byHeight = new TreeMap<>();
        try (Stream<String> lines = Files.lines(jsonl)) {
            lines.forEach(line -> {
                JsonNode n;
                try {
                    n = Json.MAPPER.readTree(line);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (n.path("deleted").asBoolean(false)) {
                    // A tombstone: the height left the best chain (a reorg to a shorter branch with more work).
                    latest.remove(n.path("key").asText() + ":");
                    return;
                }
                if (!n.has("height")) {
                    return;
                }
                String key = n.path("network").asText() + ":" + n.get("height").asLong() + ":";
                if (latest.put(key, n) == null) {
                    byHeight.computeIfAbsent(n.get("height").asLong(), h -> new ArrayList<>()).add(key);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<JsonNode> out = new ArrayList<>(latest.size());
        byHeight.values().forEach(keys -> keys.stream().map(latest::get).filter(java.util.Objects::nonNull)
                .forEach(out::add));
        return out;
    }
}
