package io.hashwatch.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.hashwatch.metrics.MetricCatalog;
import io.hashwatch.metrics.MetricCatalog.Metric;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/** What every module's catalog test asserts of the meters it registered: they are the catalog's, as written there. */
public final class CatalogMeters {
    private CatalogMeters() {
    }

    /**
     * Every hashwatch meter of the registry is in the catalog with its help, type and label names, and every catalog
     * metric of the module was registered.
     */
    public static void assertRegisteredAreTheCatalogs(MeterRegistry registry, String module) {
        Map<String, Metric> catalog = MetricCatalog.all().stream()
                .collect(Collectors.toMap(Metric::name, Function.identity()));
        Set<String> registered = new TreeSet<>();
        for (Meter meter : registry.getMeters()) {
            String name = meter.getId().getName();
            if (!name.startsWith("hashwatch_")) {
                continue;
            }
            Metric m = catalog.get(name);
            assertNotNull(m, name + " is in the catalog");
            assertEquals(m.help(), meter.getId().getDescription(), name);
            assertEquals(m.type(), meter.getId().getType(), name);
            assertEquals(new TreeSet<>(m.labels()),
                    meter.getId().getTags().stream().map(Tag::getKey).collect(Collectors.toCollection(TreeSet::new)),
                    name + "'s labels");
            assertEquals(module, m.section().module(), name + " is registered by the module of its catalog section");
            registered.add(name);
        }
        assertEquals(MetricCatalog.ofModule(module).stream().map(Metric::name)
                .collect(Collectors.toCollection(TreeSet::new)), registered, "the catalog's " + module + " metrics");
    }
}
