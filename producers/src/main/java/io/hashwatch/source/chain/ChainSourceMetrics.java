package io.hashwatch.source.chain;

import io.hashwatch.source.SourceHealth;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The metrics of one live header source, labelled {@code source=<bitcoind|esplora>}: the {@link SourceHealth} every
 * source exports, and these. Counter names carry no {@code _total}: the Prometheus registry adds it.
 *
 * <ul>
 *   <li>{@code hashwatch_source_errors{kind}}: failures by kind: connect, timeout, http, malformed, rpc_error,
 *   throttled, coinbase_proof,
 *   wrong_chain, unsupported_network, kafka, internal (every kind registered at 0 from the start)</li>
 *   <li>{@code hashwatch_source_tip_height}: tip height the source last reported</li>
 *   <li>{@code hashwatch_source_published_height}: height of the last header published from the source</li>
 *   <li>{@code hashwatch_source_headers}: headers published</li>
 *   <li>{@code hashwatch_source_reorgs}: reorganizations seen at the source (a published block left its chain)</li>
 *   <li>{@code hashwatch_source_fees_available}: 1 while the source gives block fees, 0 after it could not
 *   (fees are then published as null)</li>
 *   <li>{@code hashwatch_source_backfill_remaining_blocks}: blocks of the current walk still to publish (the history
 *   of a first start, or the gap after a restart); 0 while following the tip</li>
 * </ul>
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
            errors.put(kind, Counter.builder("hashwatch_source_errors")
                    .description("Failed exchanges with a header source, by kind")
                    .tag("source", source).tag("kind", kind.label()).register(registry));
        }
        headers = Counter.builder("hashwatch_source_headers").description("Block headers published from the source")
                .tag("source", source).register(registry);
        reorgs = Counter.builder("hashwatch_source_reorgs")
                .description("Reorganizations seen at the source: a published block left its best chain")
                .tag("source", source).register(registry);
        staleBlocks = Counter.builder("hashwatch_source_stale_blocks")
                .description("Blocks of stale branches the node reported (getchaintips) since following started")
                .tag("source", source).register(registry);
        staleDepth = DistributionSummary.builder("hashwatch_source_stale_branch_depth_blocks")
                .description("Depth of each new stale branch the node reported (getchaintips branchlen)")
                .tag("source", source).register(registry);
        Gauge.builder("hashwatch_source_tip_height", tipHeight, v -> v.get() < 0 ? Double.NaN : v.get())
                .description("Tip height the source last reported").tag("source", source).strongReference(true)
                .register(registry);
        Gauge.builder("hashwatch_source_published_height", publishedHeight, v -> v.get() < 0 ? Double.NaN : v.get())
                .description("Height of the last header published from the source").tag("source", source)
                .strongReference(true).register(registry);
        Gauge.builder("hashwatch_source_fees_available", feesAvailable, AtomicInteger::get)
                .description("1 while the source gives block fees, 0 when it cannot (fees published as null)")
                .tag("source", source).strongReference(true).register(registry);
        Gauge.builder("hashwatch_source_backfill_remaining_blocks", backfillRemaining, AtomicLong::get)
                .description("Blocks of the current walk (first-start history, or a restart's gap) still to publish;"
                        + " 0 while following the tip").tag("source", source).strongReference(true)
                .register(registry);
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
