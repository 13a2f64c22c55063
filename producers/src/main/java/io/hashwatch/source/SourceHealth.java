package io.hashwatch.source;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The two series every source exports, labelled {@code source=<id>}, so that one alert rule covers header sources
 * and price feeds alike:
 * <ul>
 *   <li>{@code hashwatch_source_up}: 1 while the source is connected and answering, else 0</li>
 *   <li>{@code hashwatch_source_last_message_timestamp_seconds}: wall-clock time of the last message or successful
 *   reply, NaN before the first (the "last success" an alert on a stale source watches)</li>
 * </ul>
 */
public final class SourceHealth {
    private final AtomicInteger up = new AtomicInteger();
    private final AtomicLong lastMessageMs = new AtomicLong(-1);

    public SourceHealth(MeterRegistry registry, String source) {
        Gauge.builder("hashwatch_source_up", up, AtomicInteger::get)
                .description("1 while the source is connected and receiving, else 0")
                .tag("source", source).strongReference(true).register(registry);
        Gauge.builder("hashwatch_source_last_message_timestamp_seconds", lastMessageMs,
                        ms -> ms.get() < 0 ? Double.NaN : ms.get() / 1000.0)
                .description("Wall-clock time of the last message from the source")
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
