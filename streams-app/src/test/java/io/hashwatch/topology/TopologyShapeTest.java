package io.hashwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hashwatch.model.Json;
import io.hashwatch.testing.Topologies;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyDescription.Node;
import org.junit.jupiter.api.Test;

/**
 * What the state of a deployed application depends on, beyond what the outputs show: the sub-topology ids (task and
 * state directory names), the stores in each (changelog topic names), the repartition topic, and the stored JSON of
 * the economics tips.
 */
class TopologyShapeTest {
    private static final TopologyDescription DESCRIPTION =
            Topologies.withDefaults(new SimpleMeterRegistry(), () -> 0L).describe();

    private static Map<Integer, Set<String>> bySubtopology(Function<Node, Stream<String>> names) {
        Map<Integer, Set<String>> out = new TreeMap<>();
        for (TopologyDescription.Subtopology s : DESCRIPTION.subtopologies()) {
            out.put(s.id(), new TreeSet<>(s.nodes().stream().flatMap(names).toList()));
        }
        return out;
    }

    @Test
    void eachSubtopologyKeepsItsIdStoresAndTopics() {
        assertEquals(Map.of(
                0, Set.of("exchange-last-ticks"),
                1, Set.of("price-minutes"),
                2, Set.of("best-chain", "side-branches"),
                3, Set.of("price-history", "economics-tips"),
                4, Set.of("pool-blocks", "pool-candidates"),
                5, Set.of("miner-day-blocks", "miner-heights", "miner-days")),
                bySubtopology(n -> n instanceof TopologyDescription.Processor p ? p.stores().stream() : Stream.empty()));
        assertEquals(Map.of(
                0, Set.of("prices"),
                1, Set.of("prices-by-pair-repartition"),
                2, Set.of("headers"),
                3, Set.of("economics-blocks-repartition", "reference-prices"),
                4, Set.of("pools-events-repartition"),
                5, Set.of("stress-blocks-repartition")),
                bySubtopology(n -> n instanceof TopologyDescription.Source s ? s.topicSet().stream() : Stream.empty()));
        assertEquals(Map.of(
                0, Set.of("prices-by-pair-repartition", "dead-letters"),
                1, Set.of("reference-prices"),
                2, Set.of("blocks", "hashrate", "difficulty", "difficulty-adjustments", "reorgs", "dead-letters",
                        "economics-blocks-repartition", "pools-events-repartition"),
                3, Set.of("hashprice", "economics", "stress-blocks-repartition"),
                4, Set.of("pools", "pool-windows", "block-anomalies"),
                5, Set.of("miner-days", "miner-signals")),
                bySubtopology(n -> n instanceof TopologyDescription.Sink s ? Stream.of(s.topic()) : Stream.empty()));
    }

    /**
     * The economics tips as the store holds them: stored before the sub-topologies were split (without the
     * miner-stress components), they still read; written now, with them.
     */
    @Test
    void economicsTipsKeepTheirStoredJson() {
        String stored = "{\"network\":\"mainnet\",\"height\":840000,\"hash\":\"h\",\"time\":1713571767,"
                + "\"difficulty\":8.6E13,\"subsidy_sat\":312500000,\"fees_sat_avg_144\":5.0E7,\"fees_included\":true}";
        ConnectedBlock block = new ConnectedBlock("mainnet", 840_000, "h", 1_713_571_767L, 8.6e13, 312_500_000L,
                50_000_000.0, true, 0x17034219L, null, null);
        assertEquals(new ConnectedBlock("mainnet", 840_000, "h", 1_713_571_767L, 8.6e13, 312_500_000L, 50_000_000.0,
                true, null, null, null), Json.read(stored.getBytes(StandardCharsets.UTF_8), ConnectedBlock.class));
        String written = stored.substring(0, stored.length() - 1)
                + ",\"bits\":386089497,\"fees_sat\":null,\"epoch_mean_interval_seconds\":null}";
        assertEquals(written, new String(Json.write(block), StandardCharsets.UTF_8));
        assertEquals(block, Json.read(written.getBytes(StandardCharsets.UTF_8), ConnectedBlock.class));
    }
}
