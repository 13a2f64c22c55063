package io.hashwatch.source.chain;

import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.StaleBranchRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.RejectReason;
import io.hashwatch.model.Topics;
import io.hashwatch.source.HeaderPublisher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Writes a follower's headers to {@link Topics#HEADERS} with the same producer settings as the file replay
 * ({@link HeaderPublisher#producerConfig}: idempotent, {@code acks=all}; key network, value the record as JSON,
 * timestamp the block time but never after the observation). {@link #publish} flushes: when it returns, the records
 * are on the topic.
 */
public final class ChainPublisher implements HeaderSink, ElectrumSource.Rejects, AutoCloseable {
    /** Longest dead-letter detail kept (as the pipeline's dead letters). */
    static final int MAX_DETAIL_CHARS = 500;

    private final Producer<String, byte[]> producer;

    public ChainPublisher(String bootstrapServers, Map<String, ?> extraProperties) {
        Map<String, Object> extra = new HashMap<>();
        extra.put(ProducerConfig.CLIENT_ID_CONFIG, "hashwatch-chain-publisher");
        // A send that cannot complete fails within a minute; the follower then reads the topic back and retries.
        extra.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        extra.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        if (extraProperties != null) {
            extra.putAll(extraProperties);
        }
        this.producer = new KafkaProducer<>(HeaderPublisher.producerConfig(bootstrapServers, extra));
    }

    ChainPublisher(Producer<String, byte[]> producer) {
        this.producer = producer;
    }

    @Override
    public void publish(List<HeaderRecord> records) throws SourceException {
        AtomicReference<Exception> failure = new AtomicReference<>();
        try {
            for (HeaderRecord r : records) {
                producer.send(new ProducerRecord<>(Topics.HEADERS.name(), null, HeaderPublisher.eventTime(r),
                        r.network(), Json.write(r)), (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
            }
            producer.flush();
        } catch (KafkaException | IllegalStateException e) {
            throw new SourceException(SourceException.Kind.KAFKA, "publishing to topic " + Topics.HEADERS.name()
                    + " failed: " + e.getMessage(), e);
        }
        Exception e = failure.get();
        if (e != null) {
            throw new SourceException(SourceException.Kind.KAFKA, "publishing to topic " + Topics.HEADERS.name()
                    + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Dead-letters a record the source itself refused (a coinbase whose proof failed): written to
     * {@link Topics#DEAD_LETTERS} as the pipeline writes its own, the record as JSON with the reason, the detail and
     * {@code headers} as source topic in the {@code hashwatch.reject.*} headers. Returns once it is written.
     */
    @Override
    public void reject(HeaderRecord r, RejectReason reason, String detail) throws SourceException {
        String d = String.valueOf(detail);
        d = d.length() <= MAX_DETAIL_CHARS ? d : d.substring(0, MAX_DETAIL_CHARS) + "... (" + d.length()
                + " characters)";
        ProducerRecord<String, byte[]> dead = new ProducerRecord<>(Topics.DEAD_LETTERS.name(), null,
                HeaderPublisher.eventTime(r), r.network(), Json.write(r));
        dead.headers().add(Topics.REJECT_REASON_HEADER, reason.label().getBytes(StandardCharsets.UTF_8));
        dead.headers().add(Topics.REJECT_DETAIL_HEADER, d.getBytes(StandardCharsets.UTF_8));
        dead.headers().add(Topics.REJECT_SOURCE_TOPIC_HEADER, Topics.HEADERS.name().getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(dead).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceException(SourceException.Kind.KAFKA, "dead-lettering interrupted", e);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            throw new SourceException(SourceException.Kind.KAFKA, "writing to topic " + Topics.DEAD_LETTERS.name()
                    + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void staleBranches(List<StaleBranchRecord> records) throws SourceException {
        try {
            for (StaleBranchRecord r : records) {
                producer.send(new ProducerRecord<>(Topics.STALE_BRANCHES.name(), null, r.seenAtMs(),
                        r.network() + ":" + r.tipHash(), Json.write(r)));
            }
            producer.flush();
        } catch (KafkaException | IllegalStateException e) {
            throw new SourceException(SourceException.Kind.KAFKA, "publishing to topic "
                    + Topics.STALE_BRANCHES.name() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
