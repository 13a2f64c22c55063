package io.hashwatch.launcher;

import io.hashwatch.model.Json;
import io.hashwatch.model.PriceTick;
import io.hashwatch.model.ReferencePrice;
import io.hashwatch.model.Topics;
import io.hashwatch.source.TopicEnds;
import io.hashwatch.source.price.PricePublisher;
import io.hashwatch.source.price.history.HistoryGap;
import io.hashwatch.source.price.history.HistorySettings;
import io.hashwatch.source.price.history.PriceHistory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a start with live sources does before its price feeds: publishes the daily closes the prices topic lacks
 * ({@link HistoryGap}: the whole history on a first start, the missed days after a stop), then waits until the
 * streams app has made them into reference prices. Only then do the live feeds and the header history start: the
 * economics task takes each partition's records in time order only among records already on its topics, so a block
 * of the history must not get there before the price of its day.
 */
final class PriceBootstrap {
    private static final Logger log = LoggerFactory.getLogger(PriceBootstrap.class);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);
    /** How long the streams app may take over the history's reference prices (a second or two when it runs). */
    private static final Duration REFERENCE_PRICES_WAIT = Duration.ofSeconds(60);

    private final String bootstrap;
    private final Map<String, String> kafka;
    private final Clock clock;

    PriceBootstrap(String bootstrap, Map<String, String> kafka, Clock clock) {
        this.bootstrap = bootstrap;
        this.kafka = kafka;
        this.clock = clock;
    }

    /** Publishes the missing daily closes of {@code exchanges} (those with a REST history) over {@code days}. */
    void run(List<String> exchanges, int days, PricePublisher publisher, PriceHistory history) {
        List<String> withHistory = exchanges.stream().filter(PriceHistory.EXCHANGES::contains).toList();
        long lastTrade = latest(Topics.PRICES.name(), PriceTick.class, PriceTick::tradeTimeMs);
        long started = clock.millis();
        PriceHistory.Outcome o = HistoryGap.fetch(history, withHistory, days, lastTrade, clock);
        if (o.ticks().isEmpty()) {
            log.info("price history: nothing to add ({}{})", lastTrade < 0 ? "the prices topic is empty"
                    : "the last trade on the prices topic is at " + Instant.ofEpochMilli(lastTrade),
                    o.failures().isEmpty() ? "" : "; failed: " + String.join(", ", o.failures().keySet()));
            return;
        }
        o.ticks().forEach(publisher);
        publisher.flush();
        long last = o.ticks().get(o.ticks().size() - 1).tradeTimeMs();
        log.info("price history: published {} daily closes of {} ({} .. {}) in {} s", o.ticks().size(),
                String.join(", ", o.ticks().stream().map(PriceTick::exchange).distinct().sorted().toList()),
                Instant.ofEpochMilli(o.ticks().get(0).tradeTimeMs()), Instant.ofEpochMilli(last),
                (clock.millis() - started) / 1000);
        awaitReferencePrices(last);
    }

    private void awaitReferencePrices(long lastTickMs) {
        long minute = Math.floorDiv(lastTickMs, 60_000) * 60_000;
        long deadline = System.nanoTime() + REFERENCE_PRICES_WAIT.toNanos();
        while (latest(Topics.REFERENCE_PRICES.name(), ReferencePrice.class, ReferencePrice::minuteStartMs) < minute) {
            if (System.nanoTime() > deadline) {
                log.warn("price history: no reference price for {} after {} s (is the streams app running?);"
                        + " blocks of the history that reach it first get no price", Instant.ofEpochMilli(minute),
                        REFERENCE_PRICES_WAIT.toSeconds());
                return;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.info("price history: reference prices made up to {}", Instant.ofEpochMilli(minute));
    }

    /** The largest time among the last records of the topic's partitions, -1 when none is readable. */
    private <T> long latest(String topic, Class<T> type, ToLongFunction<T> time) {
        List<byte[]> values;
        try {
            values = new TopicEnds(bootstrap, kafka, TOPIC_TIMEOUT).lastValues(topic);
        } catch (KafkaException e) {
            log.warn("reading the end of topic {} failed ({}): taking it as empty", topic, e.getMessage());
            return -1;
        }
        long latest = -1;
        for (byte[] v : values) {
            try {
                latest = Math.max(latest, time.applyAsLong(Json.read(v, type)));
            } catch (SerializationException e) {
                // not a record of ours: the pipeline dead-letters it; it says nothing about the history
            }
        }
        return latest;
    }
}
