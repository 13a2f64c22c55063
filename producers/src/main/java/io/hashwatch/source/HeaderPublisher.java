package io.hashwatch.source;

import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@link HeaderRecord}s to {@link Topics#HEADERS} (key: network, value: {@link Json#write} of the record)
 * with an idempotent producer ({@code acks=all}, {@code enable.idempotence=true}), so a retry never duplicates or
 * reorders a header. Paced by a {@link Pacing}; logs a progress line about every 2 s; flushes before returning.
 *
 * <p>{@link #stop()} (from another thread, e.g. a shutdown hook) ends a running {@link #publish} after the current
 * header; what was sent is flushed.
 */
public final class HeaderPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeaderPublisher.class);
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(2);

    /** Waits up to a time unless stopped; a seam for tests. */
    interface Sleeper {
        /** Waits {@code millis} or until {@code stopSignal} opens; true if it opened. */
        boolean sleep(long millis, CountDownLatch stopSignal) throws InterruptedException;
    }

    /** What one {@link #publish} call did. */
    public record Result(long published, long firstHeight, long lastHeight, Duration elapsed, boolean stopped) {
        public double headersPerSecond() {
            double s = elapsed.toNanos() / 1e9;
            return s > 0 ? published / s : 0;
        }
    }

    private final Producer<String, byte[]> producer;
    private final Sleeper sleeper;
    private final LongSupplier nanoClock;
    private final Duration progressInterval;
    private final CountDownLatch stopSignal = new CountDownLatch(1);

    /**
     * @param bootstrapServers Kafka bootstrap servers
     * @param extraProperties  further producer settings (TLS, SASL, tuning), applied over the defaults; the
     *                         serializers, {@code acks} and idempotence are always as described above
     */
    public HeaderPublisher(String bootstrapServers, Map<String, ?> extraProperties) {
        this(new KafkaProducer<>(producerConfig(bootstrapServers, extraProperties)),
                (millis, stop) -> stop.await(millis, TimeUnit.MILLISECONDS), System::nanoTime,
                DEFAULT_PROGRESS_INTERVAL);
    }

    HeaderPublisher(Producer<String, byte[]> producer, Sleeper sleeper, LongSupplier nanoClock,
                    Duration progressInterval) {
        this.producer = producer;
        this.sleeper = sleeper;
        this.nanoClock = nanoClock;
        this.progressInterval = progressInterval;
    }

    /**
     * The producer settings this publisher uses: one request in flight ({@link KafkaProducers#ONE_REQUEST_IN_FLIGHT};
     * headers come a block every ten minutes, or a backfill's batches of thousands).
     */
    public static Map<String, Object> producerConfig(String bootstrapServers, Map<String, ?> extraProperties) {
        return KafkaProducers.idempotent(bootstrapServers, "hashwatch-header-publisher",
                KafkaProducers.ONE_REQUEST_IN_FLIGHT, extraProperties);
    }

    /**
     * Sends every record in order, pacing as asked, then flushes.
     *
     * @throws KafkaException if a send failed (the first failure); what was sent before may be in the topic
     */
    public Result publish(Iterable<HeaderRecord> records, Pacing pacing) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        long start = nanoClock.getAsLong();
        long lastProgress = start;
        long lastProgressCount = 0;
        long count = 0;
        long first = -1;
        long last = -1;
        long prevTime = -1;
        for (HeaderRecord r : records) {
            if (stopped()) {
                break;
            }
            if (pacing.paced()) {
                long time = blockTime(r);
                long sleep = prevTime < 0 || time < 0 ? 0 : pacing.sleepMillis(prevTime, time);
                if (time >= 0) {
                    prevTime = time;
                }
                try {
                    if (sleep > 0 && sleeper.sleep(sleep, stopSignal)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new KafkaException("interrupted while pacing headers", e);
                }
            }
            throwIfFailed(failure);
            producer.send(new ProducerRecord<>(Topics.HEADERS.name(), null, eventTime(r), r.network(),
                    Json.write(r)), (metadata, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        }
                    });
            count++;
            if (first < 0) {
                first = r.height();
            }
            last = r.height();
            long now = nanoClock.getAsLong();
            if (now - lastProgress >= progressInterval.toNanos()) {
                double rate = (count - lastProgressCount) * 1e9 / (now - lastProgress);
                log.info("published {} headers, height {} reached, {} blocks/s", count, last,
                        String.format("%.0f", rate));
                lastProgress = now;
                lastProgressCount = count;
            }
        }
        producer.flush();
        throwIfFailed(failure);
        Duration elapsed = Duration.ofNanos(nanoClock.getAsLong() - start);
        Result result = new Result(count, first, last, elapsed, stopped());
        if (count > 0) {
            log.info("published {} headers ({}..{}) in {} s, {} headers/s{}", count, first, last,
                    String.format("%.1f", elapsed.toMillis() / 1000.0), String.format("%.0f",
                            result.headersPerSecond()), stopped() ? " (stopped)" : "");
        }
        return result;
    }

    /** Makes a running (or the next) {@link #publish} end after the current header, cutting a pacing sleep short. */
    public void stop() {
        stopSignal.countDown();
    }

    public boolean stopped() {
        return stopSignal.getCount() == 0;
    }

    /**
     * The record's timestamp: the block's own time, so that Kafka Streams interleaves headers with price ticks in
     * event time, but never ahead of the observation (brokers refuse timestamps far in the future, and a header
     * from the future is for the pipeline to dead-letter, not for the producer to fail on).
     */
    public static long eventTime(HeaderRecord r) {
        long observed = r.observedTimeMs() != null ? r.observedTimeMs() : System.currentTimeMillis();
        long block = blockTime(r);
        return block < 0 ? observed : Math.min(block * 1000, observed);
    }

    /** The header's own timestamp, or -1 when the hex is not a header (the pipeline dead-letters it; no pacing). */
    private static long blockTime(HeaderRecord r) {
        try {
            return BlockHeader.fromHex(r.headerHex()).time();
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    private static void throwIfFailed(AtomicReference<Exception> failure) {
        Exception e = failure.get();
        if (e != null) {
            throw new KafkaException("publishing a header to topic " + Topics.HEADERS.name() + " failed: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
