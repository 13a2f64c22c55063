package io.hashwatch.source.price;

import io.hashwatch.source.SourceHealth;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The metrics of one price source, all labelled {@code source=<exchange id>}: the {@link SourceHealth} every source
 * exports, and these. Meter names carry no {@code _total}: the Prometheus registry adds it to counters.
 *
 * <ul>
 *   <li>{@code hashwatch_source_messages}: websocket messages received (all kinds)</li>
 *   <li>{@code hashwatch_source_parse_failures}: messages that were not of the expected layout</li>
 *   <li>{@code hashwatch_source_reconnects}: connection attempts after the first</li>
 *   <li>{@code hashwatch_source_gaps}: gaps in the exchange's trade sequence</li>
 *   <li>{@code hashwatch_source_stale}: connections closed by the silence watchdog</li>
 *   <li>{@code hashwatch_source_ticks}: price ticks handed to the sink</li>
 *   <li>{@code hashwatch_source_exchange_errors}: error messages from the exchange</li>
 *   <li>{@code hashwatch_source_publish_failures}: ticks the sink refused</li>
 * </ul>
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
        messages = counter(registry, source, "hashwatch_source_messages", "Websocket messages received");
        parseFailures = counter(registry, source, "hashwatch_source_parse_failures",
                "Messages rejected as not of the expected layout");
        reconnects = counter(registry, source, "hashwatch_source_reconnects", "Connection attempts after the first");
        gaps = counter(registry, source, "hashwatch_source_gaps", "Gaps in the exchange's trade sequence");
        stale = counter(registry, source, "hashwatch_source_stale",
                "Connections closed by the silence watchdog");
        ticks = counter(registry, source, "hashwatch_source_ticks", "Price ticks published");
        exchangeErrors = counter(registry, source, "hashwatch_source_exchange_errors",
                "Error messages sent by the exchange");
        publishFailures = counter(registry, source, "hashwatch_source_publish_failures",
                "Price ticks the publisher refused");
        health = new SourceHealth(registry, source);
    }

    private static Counter counter(MeterRegistry registry, String source, String name, String description) {
        return Counter.builder(name).description(description).tag("source", source).register(registry);
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
