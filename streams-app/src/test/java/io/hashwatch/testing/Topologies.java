package io.hashwatch.testing;

import io.hashwatch.config.EconomicsSettings;
import io.hashwatch.metrics.ChainMetrics;
import io.hashwatch.metrics.EconomicsMetrics;
import io.hashwatch.topology.HashwatchTopology;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.Topology;

/** The production topology with the default economics settings and a given clock. */
public final class Topologies {
    private Topologies() {
    }

    public static Topology withDefaults(MeterRegistry registry, LongSupplier nowSeconds) {
        return with(registry, EconomicsSettings.defaults(), nowSeconds);
    }

    public static Topology with(MeterRegistry registry, EconomicsSettings settings, LongSupplier nowSeconds) {
        return HashwatchTopology.build(new ChainMetrics(registry, nowSeconds), new EconomicsMetrics(registry, settings),
                settings, nowSeconds);
    }
}
