package io.hashwatch.source.price;

import io.hashwatch.model.Json;
import io.hashwatch.model.PriceTick;
import io.hashwatch.model.Topics;
import io.hashwatch.source.KafkaProducers;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@link PriceTick}s to {@link Topics#PRICES}: key the exchange id, value {@link Json#write} of the tick,
 * record timestamp the tick's {@code receiveTimeMs} (the trade time is in the value; a replayed 2013 bar stamped
 * 2013 would fall straight out of the topic's time-based retention). The producer is idempotent with
 * {@code acks=all}, so a retry never duplicates or reorders ticks of one exchange.
 *
 * <p>{@link #accept} is asynchronous; it blocks at most {@code max.block.ms} (10 s unless overridden) when the
 * producer has no metadata or buffer space, then throws. A send that fails later is counted ({@link #failures()}) and logged (the
 * first at error level); a live feed goes on, while {@link #flush()} throws so that a replay fails. Thread-safe.
 */
public final class PricePublisher implements Consumer<PriceTick>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PricePublisher.class);

    private final Producer<String, byte[]> producer;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

    /**
     * @param bootstrapServers Kafka bootstrap servers
     * @param extraProperties  further producer settings (TLS, SASL, tuning), applied over the defaults; the
     *                         serializers, {@code acks} and idempotence are always as described above
     */
    public PricePublisher(String bootstrapServers, Map<String, ?> extraProperties) {
        this(new KafkaProducer<>(producerConfig(bootstrapServers, extraProperties)));
    }

    PricePublisher(Producer<String, byte[]> producer) {
        this.producer = producer;
    }

    /** The producer settings this publisher uses. */
    public static Map<String, Object> producerConfig(String bootstrapServers, Map<String, ?> extraProperties) {
        // A send blocks the websocket reader while Kafka has no metadata: fail (and count) after 10 s instead of 60,
        // well inside a feed's silence timeout.
        return KafkaProducers.idempotent(bootstrapServers, "hashwatch-price-publisher",
                Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000), extraProperties);
    }

    /**
     * Sends one tick (asynchronously).
     *
     * @throws IllegalArgumentException for a tick without exchange or pair, or with a price that is not a positive
     *                                  finite number: such a tick is never written
     * @throws KafkaException           when the producer refuses the record at once (closed, metadata timeout)
     */
    @Override
    public void accept(PriceTick tick) {
        if (tick.exchange() == null || tick.exchange().isBlank() || tick.pair() == null
                || !(tick.price() > 0) || Double.isInfinite(tick.price())) {
            throw new IllegalArgumentException("not a publishable price tick: " + tick);
        }
        producer.send(new ProducerRecord<>(Topics.PRICES.name(), null, tick.receiveTimeMs(), tick.exchange(),
                Json.write(tick)), (metadata, e) -> {
                    if (e != null) {
                        long n = failures.incrementAndGet();
                        if (firstFailure.compareAndSet(null, e)) {
                            log.error("publishing a price tick to topic {} failed: {}", Topics.PRICES.name(),
                                    e.toString());
                        } else {
                            log.debug("publishing a price tick failed ({} failures): {}", n, e.toString());
                        }
                    } else {
                        sent.incrementAndGet();
                    }
                });
    }

    /** Ticks the broker acknowledged. */
    public long sent() {
        return sent.get();
    }

    /** Ticks whose send failed. */
    public long failures() {
        return failures.get();
    }

    /**
     * Waits for every tick sent so far.
     *
     * @throws KafkaException if any send has failed (the first failure)
     */
    public void flush() {
        producer.flush();
        Exception e = firstFailure.get();
        if (e != null) {
            throw new KafkaException("publishing to topic " + Topics.PRICES.name() + " failed for " + failures.get()
                    + " tick(s), first: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
