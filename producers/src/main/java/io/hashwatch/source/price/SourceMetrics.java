package io.hashwatch.source.price;

import static io.hashwatch.metrics.MetricCatalog.SOURCE_EXCHANGE_ERRORS;
import static io.hashwatch.metrics.MetricCatalog.SOURCE_GAPS;
import static io.hashwatch.metrics.MetricCatalog.SOURCE_MESSAGES;
import static io.hashwatch.metrics.MetricCatalog.SOURCE_PARSE_FAILURES;
import static io.hashwatch.metrics.MetricCatalog.SOURCE_PUBLISH_FAILURES;
import static io.hashwatch.metrics.MetricCatalog.SOURCE_RECONNECTS;
import static io.hashwatch.metrics.MetricCatalog.SOURCE_STALE;
import static io.hashwatch.metrics.MetricCatalog.SOURCE_TICKS;

import io.hashwatch.metrics.MetricCatalog;
import io.hashwatch.metrics.MetricCatalog.Metric;
import io.hashwatch.source.SourceHealth;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The metrics of one price source, all labelled {@code source=<exchange id>}: the {@link SourceHealth} every source
 * exports, and the catalog's price-source section ({@link MetricCatalog#PRICE_SOURCES}).
 */
public final class SourceMetrics {
    private final Counter messages;
    private final Counter parseFailures;
    private final Counter reconnects;
    private final Counter gaps;
    private final Counter stale;
    private final Counter ticks;
    private final Counter exchangeErrors;
    private final Counter publishFailures;
    private final SourceHealth health;

    public SourceMetrics(MeterRegistry registry, String source) {
        messages = counter(registry, source, SOURCE_MESSAGES);
        parseFailures = counter(registry, source, SOURCE_PARSE_FAILURES);
        reconnects = counter(registry, source, SOURCE_RECONNECTS);
        gaps = counter(registry, source, SOURCE_GAPS);
        stale = counter(registry, source, SOURCE_STALE);
        ticks = counter(registry, source, SOURCE_TICKS);
        exchangeErrors = counter(registry, source, SOURCE_EXCHANGE_ERRORS);
        publishFailures = counter(registry, source, SOURCE_PUBLISH_FAILURES);
        health = new SourceHealth(registry, source);
    }

    private static Counter counter(MeterRegistry registry, String source, Metric metric) {
        return metric.counter().tag("source", source).register(registry);
    }

    void message(long nowMs) {
        messages.increment();
        health.message(nowMs);
    }

    void parseFailure() {
        parseFailures.increment();
    }

    void reconnect() {
        reconnects.increment();
    }

    void gaps(long n) {
        gaps.increment(n);
    }

    void markStale() {
        stale.increment();
    }

    void tick() {
        ticks.increment();
    }

    void exchangeError() {
        exchangeErrors.increment();
    }

    void publishFailure() {
        publishFailures.increment();
    }

    void up(boolean isUp) {
        health.up(isUp);
    }

    public long messages() {
        return (long) messages.count();
    }

    public long parseFailures() {
        return (long) parseFailures.count();
    }

    public long reconnects() {
        return (long) reconnects.count();
    }

    public long gaps() {
        return (long) gaps.count();
    }

    public long stale() {
        return (long) stale.count();
    }

    public long ticks() {
        return (long) ticks.count();
    }

    public long exchangeErrors() {
        return (long) exchangeErrors.count();
    }

    public long publishFailures() {
        return (long) publishFailures.count();
    }

    public boolean up() {
        return health.up();
    }

    /** Wall-clock ms of the last message, -1 before the first. */
    public long lastMessageMs() {
        return health.lastMessageMs();
    }
}
