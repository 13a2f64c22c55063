package io.hashwatch.source;

import io.hashwatch.source.chain.ChainSourceMetrics;
import io.hashwatch.source.price.SourceMetrics;
import io.hashwatch.testing.CatalogMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The sources' meters (a price feed's and a header source's) are the catalog's producer metrics, all of them. */
class SourceMetricsCatalogTest {
    @Test
    void theRegisteredMetersAreTheCatalogs() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new SourceMetrics(registry, "coinbase");
        new ChainSourceMetrics(registry, "esplora");
        CatalogMeters.assertRegisteredAreTheCatalogs(registry, "producers");
    }
}
