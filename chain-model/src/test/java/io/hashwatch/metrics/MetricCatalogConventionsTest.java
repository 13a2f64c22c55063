package io.hashwatch.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.metrics.MetricCatalog.Metric;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Prometheus' naming conventions, for every metric of the catalog. */
class MetricCatalogConventionsTest {
    /** Labels whose values are unbounded (one series per block, tick, address...) have no place on a metric. */
    private static final Set<String> HIGH_CARDINALITY = Set.of("hash", "height", "txid", "address", "key", "id",
            "instance", "job");

    @Test
    void everyPublicConstantIsListedOnceInAll() throws IllegalAccessException {
        Set<Metric> constants = new HashSet<>();
        for (Field f : MetricCatalog.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == Metric.class) {
                constants.add((Metric) f.get(null));
            }
        }
        assertEquals(constants, new HashSet<>(MetricCatalog.all()));
        assertEquals(MetricCatalog.all().size(), MetricCatalog.all().stream().map(Metric::name).distinct().count(),
                "one entry per name");
    }

    @Test
    void namesFollowPrometheusConventions() {
        for (Metric m : MetricCatalog.all()) {
            assertTrue(m.name().matches("hashwatch_[a-z][a-z0-9_]*[a-z0-9]"), m.name() + ": hashwatch_, snake case");
            assertFalse(m.name().endsWith("_total"), m.name() + ": Micrometer adds _total to counters");
            assertFalse(m.name().matches(".*_(count|sum|max|bucket)$"), m.name() + ": a suffix Micrometer adds");
            assertFalse(m.help().isBlank(), m.name() + " has help");
            assertTrue(m.section() != null, m.name() + " is under a section");
            for (String label : m.labels()) {
                assertTrue(label.matches("[a-z][a-z0-9_]*"), m.name() + " label " + label);
                assertFalse(HIGH_CARDINALITY.contains(label), m.name() + ": " + label + " is unbounded");
            }
            assertEquals(m.labels().size(), new HashSet<>(m.labels()).size(), m.name() + ": labels once each");
        }
    }

    @Test
    void theUnitIsTheNamesSuffix() {
        assertEquals("seconds", MetricCatalog.TIP_AGE.unit());
        assertEquals("hashes_per_second", MetricCatalog.HASHRATE_LOWER95.unit());
        assertEquals("usd_per_ph_day", MetricCatalog.HASHPRICE_USD.unit());
        assertEquals("ratio", MetricCatalog.COST_GAP.unit());
        assertEquals("", MetricCatalog.TIP_HEIGHT.unit());
        assertEquals("", MetricCatalog.DIFFICULTY_BLOCKS_REMAINING.unit());
    }
}
