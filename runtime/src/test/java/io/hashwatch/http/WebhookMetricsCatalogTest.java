package io.hashwatch.http;

import io.hashwatch.testing.CatalogMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The webhook's meters are the catalog's runtime metrics, all of them. */
class WebhookMetricsCatalogTest {
    @Test
    void theRegisteredMetersAreTheCatalogs() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (AlertWebhook ignored = new AlertWebhook(new InetSocketAddress("127.0.0.1", 0), alerts -> true, registry,
                () -> 0L)) {
            CatalogMeters.assertRegisteredAreTheCatalogs(registry, "runtime");
        }
    }
}
