package io.hashwatch.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hashwatch.model.HeaderRecord;
import io.hashwatch.testing.TopologyHarness;
import io.micrometer.core.instrument.Meter;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A network has series once its first header is accepted, and a network the app is not fed has none. */
class NetworkSeriesTest {
    /** Block 0 of mainnet (2009-01-03). */
    private static final String MAINNET_GENESIS = "0100000000000000000000000000000000000000000000000000000000000000"
            + "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c";

    @TempDir
    Path state;

    private static Set<String> networksWithSeries(TopologyHarness t) {
        Set<String> networks = new TreeSet<>();
        for (Meter m : t.registry.getMeters()) {
            String network = m.getId().getTag("network");
            if (network != null) {
                networks.add(network);
            }
        }
        return networks;
    }

    @Test
    void aMainnetRunHasNoRegtestSeries() {
        try (TopologyHarness t = new TopologyHarness(state, "network-series-test", 1_700_000_000L)) {
            assertEquals(Set.of(), networksWithSeries(t), "no network before its first header");
            t.send(new HeaderRecord("mainnet", 0, MAINNET_GENESIS, null, null, "test", null));
            assertEquals(0.0, t.gauge("hashwatch_tip_height", "network", "mainnet"));
            assertEquals(Set.of("mainnet"), networksWithSeries(t));
        }
    }
}
