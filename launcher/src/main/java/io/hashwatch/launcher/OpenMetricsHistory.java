package io.hashwatch.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.model.Json;
import io.hashwatch.model.Topics;
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
    /** A gauge family: its name, help, and how to read labelled values out of a record. */
    private record Family(String name, String help, String topic, List<Series> series) {
    }

    private record Series(String labels, String field) {
    }

    private static final List<Family> FAMILIES = List.of(
            family("hashwatch_tip_height", "Height of the best chain's tip", Topics.BLOCKS.name(),
                    new Series("", "height")),
            family("hashwatch_difficulty", "Difficulty of the tip's bits", Topics.BLOCKS.name(),
                    new Series("", "difficulty")),
            family("hashwatch_hashrate_hashes_per_second", "Network hashrate, getnetworkhashps over the window",
                    Topics.HASHRATE.name(), new Series("window=\"1d\"", "hashrate_1d_hps"),
                    new Series("window=\"3d\"", "hashrate_3d_hps"), new Series("window=\"7d\"", "hashrate_7d_hps"),
                    new Series("window=\"epoch\"", "hashrate_epoch_hps")),
            family("hashwatch_hashrate_lower95_hashes_per_second", "Lower bound of the 95% interval",
                    Topics.HASHRATE.name(), new Series("window=\"1d\"", "hashrate_1d_lower_hps"),
                    new Series("window=\"7d\"", "hashrate_7d_lower_hps")),
            family("hashwatch_hashrate_upper95_hashes_per_second", "Upper bound of the 95% interval",
                    Topics.HASHRATE.name(), new Series("window=\"1d\"", "hashrate_1d_upper_hps"),
                    new Series("window=\"7d\"", "hashrate_7d_upper_hps")),
            family("hashwatch_difficulty_projected_change_ratio", "Projected next difficulty adjustment",
                    Topics.DIFFICULTY.name(), new Series("", "projected_change")),
            family("hashwatch_difficulty_epoch_progress_ratio", "Share of the epoch mined", Topics.DIFFICULTY.name(),
                    new Series("", "progress")),
            family("hashwatch_difficulty_blocks_remaining", "Blocks until the next retarget",
                    Topics.DIFFICULTY.name(), new Series("", "blocks_remaining")),
            family("hashwatch_hashprice_btc_per_ph_day", "Expected BTC per PH/s per day", Topics.HASHPRICE.name(),
                    new Series("", "hashprice_btc_per_ph_day")),
            family("hashwatch_hashprice_usd_per_ph_day", "Expected USD per PH/s per day", Topics.HASHPRICE.name(),
                    new Series("", "hashprice_usd_per_ph_day")),
            family("hashwatch_hashvalue_sats_per_th_day", "Expected satoshis per TH/s per day",
                    Topics.HASHPRICE.name(), new Series("", "hashvalue_sats_per_th_day")),
            family("hashwatch_reference_price_usd", "Reference BTC-USD price at the block", Topics.HASHPRICE.name(),
                    new Series("", "price_usd")),
            family("hashwatch_network_cost_model_usd", "Difficulty-regression model price",
                    Topics.HASHPRICE.name(), new Series("", "network_cost_model_usd")),
            family("hashwatch_energy_cost_usd_per_btc", "Energy cost to produce one BTC", Topics.ECONOMICS.name(),
                    new Series("", "energy_cost_per_btc_usd")),
            family("hashwatch_all_in_cost_usd_per_btc", "All-in cost to produce one BTC", Topics.ECONOMICS.name(),
                    new Series("", "all_in_cost_per_btc_usd")),
            family("hashwatch_cost_gap_ratio", "(price - all-in cost) / all-in cost", Topics.ECONOMICS.name(),
                    new Series("", "gap")),
            family("hashwatch_margin_usd_per_ph_day", "USD hashprice minus all-in cost per PH/s per day",
                    Topics.ECONOMICS.name(), new Series("", "margin_usd_per_ph_day")),
            family("hashwatch_breakeven_power_price_usd_per_kwh", "Breakeven power price", Topics.ECONOMICS.name(),
                    new Series("", "breakeven_power_price_usd_per_kwh")),
            family("hashwatch_mining_revenue_usd_per_mw_day", "Mining revenue per MW per day",
                    Topics.ECONOMICS.name(), new Series("", "mining_revenue_usd_per_mw_day")),
            family("hashwatch_power_opportunity_spread_usd_per_mw_day", "Mining minus hosting revenue per MW per day",
                    Topics.ECONOMICS.name(), new Series("", "power_opportunity_spread_usd_per_mw_day")));

    private OpenMetricsHistory() {
    }

    private static Family family(String name, String help, String topic, Series... series) {
        return new Family(name, help, topic, List.of(series));
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
                w.write("# TYPE " + f.name() + " gauge\n");
                w.write("# HELP " + f.name() + " " + f.help() + "\n");
                // One series per (labels, network, profile), each in height order.
                Map<String, Long> lastTimestamp = new HashMap<>();
                Map<String, List<String>> lines = new LinkedHashMap<>();
                for (JsonNode r : records) {
                    for (Series s : f.series()) {
                        JsonNode v = r.get(s.field());
                        if (v == null || v.isNull() || !v.isNumber()) {
                            continue;
                        }
                        String labels = labels(r, s.labels());
                        long ts = r.path("time").asLong();
                        Long prev = lastTimestamp.get(labels);
                        if (prev != null && ts <= prev) {
                            ts = prev + 1;
                        }
                        lastTimestamp.put(labels, ts);
                        lines.computeIfAbsent(labels, k -> new ArrayList<>())
                                .add(f.name() + "{" + labels + "} " + v.asDouble() + " " + ts + "\n");
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

    private static String labels(JsonNode r, String extra) {
        StringBuilder b = new StringBuilder("network=\"").append(r.path("network").asText()).append('"');
        if (r.hasNonNull("profile")) {
            b.append(",profile=\"").append(r.get("profile").asText()).append('"');
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
                String key = n.path("network").asText() + ":" + n.get("height").asLong() + ":"
                        + n.path("profile").asText("");
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
