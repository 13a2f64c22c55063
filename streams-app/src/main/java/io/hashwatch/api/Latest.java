package io.hashwatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.model.Json;
import io.hashwatch.model.Topics;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the event reader keeps beside its buffer for the resources no state store holds: each network's latest
 * hashprice, economics, pools and pool-windows record (per block or {@code network:current}, whichever is newer), the
 * per-block hashprice of the
 * last {@link #HASHPRICE_HEIGHTS} heights read, the latest reference price, and the last {@link #ALERTS} alerts.
 * Filled from the topics' records as they are read (at start, the last records of each partition), so every instance
 * answers alike once its reader has caught up.
 */
final class Latest {
    static final int ALERTS = 20;
    static final int HASHPRICE_HEIGHTS = 2_016;

    private final Map<String, JsonNode> hashprice = new HashMap<>();
    private final Map<String, JsonNode> economics = new HashMap<>();
    private final Map<String, TreeMap<Long, JsonNode>> hashpriceByHeight = new HashMap<>();
    private final Map<String, JsonNode> pools = new HashMap<>();
    private final Map<String, JsonNode> poolWindows = new HashMap<>();
    private JsonNode referencePrice;
    private final ArrayDeque<JsonNode> alerts = new ArrayDeque<>();

    /** Takes one record of a topic the events stream; a tombstone or an unreadable value changes nothing. */
    synchronized void add(String topic, String key, byte[] value) {
        if (value == null) {
            return;
        }
        JsonNode v;
        try {
            v = Json.MAPPER.readTree(value);
        } catch (IOException e) {
            return;
        }
        if (topic.equals(Topics.HASHPRICE.name())) {
            newer(hashprice, v);
            if (key != null && !key.endsWith(":current") && v.hasNonNull("height")) {
                TreeMap<Long, JsonNode> h = hashpriceByHeight.computeIfAbsent(v.path("network").asText(),
                        n -> new TreeMap<>());
                h.put(v.get("height").asLong(), v);
                while (h.size() > HASHPRICE_HEIGHTS) {
                    h.pollFirstEntry();
                }
            }
        } else if (topic.equals(Topics.POOLS.name())) {
            newer(pools, v);
        } else if (topic.equals(Topics.POOL_WINDOWS.name())) {
            newer(poolWindows, v);
        } else if (topic.equals(Topics.ECONOMICS.name())) {
            newer(economics, v);
        } else if (topic.equals(Topics.REFERENCE_PRICES.name())) {
            if (referencePrice == null
                    || v.path("minute_start_ms").asLong() >= referencePrice.path("minute_start_ms").asLong()) {
                referencePrice = v;
            }
        } else if (topic.equals(Topics.ALERTS.name())) {
            alerts.addFirst(v);
            while (alerts.size() > ALERTS) {
                alerts.removeLast();
            }
        }
    }

    /** Keeps the record with the highest height, the later of equal heights (a price update for the tip). */
    private static void newer(Map<String, JsonNode> latest, JsonNode v) {
        String network = v.path("network").asText();
        JsonNode old = latest.get(network);
        if (old == null || v.path("height").asLong() >= old.path("height").asLong()) {
            latest.put(network, v);
        }
    }

    /** The economics resource's body (without {@code as_of}): nulls where nothing was read yet. */
    synchronized Map<String, Object> economics(String network, long fromHeight) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hashprice", hashprice.get(network));
        m.put("economics", economics.get(network));
        m.put("reference_price", referencePrice);
        TreeMap<Long, JsonNode> h = hashpriceByHeight.getOrDefault(network, new TreeMap<>());
        m.put("hashprice_history", new ArrayList<>(h.tailMap(fromHeight, true).values()));
        return m;
    }

    /** The latest pools record of the network (who mined its highest block read), or null. */
    synchronized JsonNode pools(String network) {
        return pools.get(network);
    }

    /** The latest pool-windows record of the network (its windows with each pool's share and luck), or null. */
    synchronized JsonNode poolWindows(String network) {
        return poolWindows.get(network);
    }

    /** The last alerts read, newest first. */
    synchronized List<JsonNode> alerts() {
        return new ArrayList<>(alerts);
    }
}
