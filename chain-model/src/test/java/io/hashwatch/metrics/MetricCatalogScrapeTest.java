package io.hashwatch.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hashwatch.metrics.MetricCatalog.Metric;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Every catalog meter, registered by its builder (help and unit included) in a real Prometheus registry, is scraped
 * under exactly the names {@link Metric#prometheusNames()} lists, those of prometheus/known-metrics.txt and the
 * dashboards: the base unit reaches Micrometer without renaming a series.
 */
class MetricCatalogScrapeTest {
    @Test
    void everyMeterScrapesUnderItsCatalogNamesWithItsUnit() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AtomicLong state = new AtomicLong(1); // held here: gauges keep weak references
        Set<String> expected = new TreeSet<>();
        Map<String, String> units = new HashMap<>();
        for (Metric m : MetricCatalog.all()) {
            Tags tags = Tags.empty();
            for (String label : m.labels()) {
                tags = tags.and(label, "x");
            }
            Meter meter = switch (m.type()) {
                case COUNTER -> m.counter().tags(tags).register(registry);
                case DISTRIBUTION_SUMMARY -> m.summary().tags(tags).register(registry);
                default -> m.gauge(state, AtomicLong::get).tags(tags).register(registry);
            };
            expected.addAll(m.prometheusNames());
            units.put(m.name(), m.unit());
            assertEquals(m.unit().isEmpty() ? null : m.unit(), meter.getId().getBaseUnit(), m.name());
        }
        Set<String> scraped = new TreeSet<>();
        registry.scrape().lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .forEach(l -> scraped.add(l.split("[{ ]", 2)[0]));
        assertEquals(expected, scraped);
        assertEquals(MetricCatalog.all().size(), units.size());
        registry.close();
    }
}
