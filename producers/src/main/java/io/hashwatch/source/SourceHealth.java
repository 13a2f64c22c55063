package io.hashwatch.source;

import static io.hashwatch.metrics.MetricCatalog.SOURCE_LAST_MESSAGE;
import static io.hashwatch.metrics.MetricCatalog.SOURCE_UP;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The two series every source exports, labelled {@code source=<id>}, so that one alert rule covers header sources
 * and price feeds alike: the catalog's {@link io.hashwatch.metrics.MetricCatalog#SOURCES} section (up, and the
 * "last success" an alert on a stale source watches).
 */
public final class SourceHealth {
    private final AtomicInteger up = new AtomicInteger();
    private final AtomicLong lastMessageMs = new AtomicLong(-1);

    public SourceHealth(MeterRegistry registry, String source) {
        SOURCE_UP.gauge(up, AtomicInteger::get).tag("source", source).strongReference(true).register(registry);
        SOURCE_LAST_MESSAGE.gauge(lastMessageMs, ms -> ms.get() < 0 ? Double.NaN : ms.get() / 1000.0)
                .tag("source", source).strongReference(true).register(registry);
    }

    public void up(boolean isUp) {
        up.set(isUp ? 1 : 0);
    }

    public boolean up() {
        return up.get() == 1;
    }

    public void message(long nowMs) {
        lastMessageMs.set(nowMs);
    }

    /** Wall-clock ms of the last message, -1 before the first. */
    public long lastMessageMs() {
        return lastMessageMs.get();
    }
}
