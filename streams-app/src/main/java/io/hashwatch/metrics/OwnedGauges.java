package io.hashwatch.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Gauges that exist only while this instance owns the stream task that sets them. With several instances, each
 * serves the gauges of the tasks it runs: the one that lost a task (a rebalance, a failover) removes them, the one
 * that gained it registers them, so that Prometheus sees one series of each fact, from its owner, never a frozen
 * copy. Registered at the owner's first value, removed when its processor closes.
 */
final class OwnedGauges {
    private final MeterRegistry registry;
    private final Consumer<OwnedGauges> registrations;
    private final List<Meter> meters = new ArrayList<>();
    private boolean exported;

    /** @param registrations adds the group's gauges, through {@link #add} */
    OwnedGauges(MeterRegistry registry, Consumer<OwnedGauges> registrations) {
        this.registry = registry;
        this.registrations = registrations;
    }

    <T> void add(Gauge.Builder<T> gauge) {
        meters.add(gauge.strongReference(true).register(registry));
    }

    /** Registers the gauges unless they are. */
    synchronized void export() {
        if (!exported) {
            exported = true;
            registrations.accept(this);
        }
    }

    /** Removes the gauges (a later {@link #export} registers them again). */
    synchronized void withdraw() {
        meters.forEach(registry::remove);
        meters.clear();
        exported = false;
    }

    synchronized boolean exported() {
        return exported;
    }
}
