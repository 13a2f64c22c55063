package io.hashwatch.source.chain;

import static io.hashwatch.metrics.MetricCatalog.SOURCE_BACKFILL_REMAINING;
import static io.hashwatch.metrics.MetricCatalog.SOURCE_ERRORS;
import static io.hashwatch.metrics.MetricCatalog.SOURCE_FEES_AVAILABLE;
import static io.hashwatch.metrics.MetricCatalog.SOURCE_HEADERS;
import static io.hashwatch.metrics.MetricCatalog.SOURCE_PUBLISHED_HEIGHT;
import static io.hashwatch.metrics.MetricCatalog.SOURCE_REORGS;
import static io.hashwatch.metrics.MetricCatalog.SOURCE_STALE_BLOCKS;
import static io.hashwatch.metrics.MetricCatalog.SOURCE_STALE_BRANCH_DEPTH;
import static io.hashwatch.metrics.MetricCatalog.SOURCE_TIP_HEIGHT;

import io.hashwatch.source.SourceHealth;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The metrics of one live header source, labelled {@code source=<bitcoind|esplora>}: the {@link SourceHealth} every
 * source exports, and the catalog's header-source section ({@link io.hashwatch.metrics.MetricCatalog#HEADER_SOURCES}):
 * errors by kind (every kind registered at 0 from the start), heights, headers, reorganizations, whether fees are
 * available (fees are published as null when not), the blocks a walk still has to publish, and a node's stale
 * branches (getchaintips).
 */
public final class ChainSourceMetrics {
    private final String source;
    private final Map<SourceException.Kind, Counter> errors = new EnumMap<>(SourceException.Kind.class);
    private final Counter headers;
    private final Counter reorgs;
    private final Counter staleBlocks;
    private final DistributionSummary staleDepth;
    private final SourceHealth health;
    private final AtomicLong tipHeight = new AtomicLong(-1);
    private final AtomicLong publishedHeight = new AtomicLong(-1);
    private final AtomicInteger feesAvailable = new AtomicInteger(1);
    private final AtomicLong backfillRemaining = new AtomicLong();

    public ChainSourceMetrics(MeterRegistry registry, String source) {
        this.source = source;
        health = new SourceHealth(registry, source);
        for (SourceException.Kind kind : SourceException.Kind.values()) {
            errors.put(kind, SOURCE_ERRORS.counter().tag("source", source).tag("kind", kind.label())
                    .register(registry));
        }
        headers = SOURCE_HEADERS.counter().tag("source", source).register(registry);
        reorgs = SOURCE_REORGS.counter().tag("source", source).register(registry);
        staleBlocks = SOURCE_STALE_BLOCKS.counter().tag("source", source).register(registry);
        staleDepth = SOURCE_STALE_BRANCH_DEPTH.summary().tag("source", source).register(registry);
        SOURCE_TIP_HEIGHT.gauge(tipHeight, v -> v.get() < 0 ? Double.NaN : v.get()).tag("source", source)
                .strongReference(true).register(registry);
        SOURCE_PUBLISHED_HEIGHT.gauge(publishedHeight, v -> v.get() < 0 ? Double.NaN : v.get()).tag("source", source)
                .strongReference(true).register(registry);
        SOURCE_FEES_AVAILABLE.gauge(feesAvailable, AtomicInteger::get).tag("source", source).strongReference(true)
                .register(registry);
        SOURCE_BACKFILL_REMAINING.gauge(backfillRemaining, AtomicLong::get).tag("source", source)
                .strongReference(true).register(registry);
    }

    public String source() {
        return source;
    }

    void success(long nowMs) {
        health.message(nowMs);
    }

    void error(SourceException.Kind kind) {
        errors.get(kind).increment();
    }

    void up(boolean isUp) {
        health.up(isUp);
    }

    void tip(long height) {
        tipHeight.set(height);
    }

    void published(long height, int count) {
        // Count first: whoever sees the new height sees the headers that took it there.
        headers.increment(count);
        publishedHeight.set(height);
    }

    void backfillRemaining(long blocks) {
        backfillRemaining.set(blocks);
    }

    public long backfillRemaining() {
        return backfillRemaining.get();
    }

    void reorg() {
        reorgs.increment();
    }

    /** A stale branch seen at the node for the first time (not one it listed when following started). */
    void staleBranch(int depth) {
        staleBlocks.increment(depth);
        staleDepth.record(depth);
    }

    void feesAvailable(boolean available) {
        feesAvailable.set(available ? 1 : 0);
    }

    public boolean up() {
        return health.up();
    }

    public long errors(SourceException.Kind kind) {
        return (long) errors.get(kind).count();
    }

    public long errors() {
        return (long) errors.values().stream().mapToDouble(Counter::count).sum();
    }

    /** Wall-clock ms of the last successful reply, -1 before the first. */
    public long lastMessageMs() {
        return health.lastMessageMs();
    }

    public long tipHeight() {
        return tipHeight.get();
    }

    public long publishedHeight() {
        return publishedHeight.get();
    }

    public long headers() {
        return (long) headers.count();
    }

    public long reorgs() {
        return (long) reorgs.count();
    }

    public boolean feesAvailable() {
        return feesAvailable.get() == 1;
    }
}
