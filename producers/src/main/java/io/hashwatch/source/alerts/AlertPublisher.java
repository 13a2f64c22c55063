package io.hashwatch.source.alerts;

import io.hashwatch.model.AlertRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.Topics;
import io.hashwatch.source.KafkaProducers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Publishes alert records to the {@code alerts} topic with an idempotent producer and waits for the acks. */
public final class AlertPublisher implements Function<List<AlertRecord>, Boolean>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AlertPublisher.class);

    private final KafkaProducer<String, byte[]> producer;

    public AlertPublisher(String bootstrapServers, Map<String, ?> extraProperties) {
        producer = new KafkaProducer<>(KafkaProducers.idempotent(bootstrapServers, "hashwatch-alert-publisher",
                Map.of(), extraProperties));
    }

    @Override
    public Boolean apply(List<AlertRecord> alerts) {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (AlertRecord a : alerts) {
            acks.add(producer.send(new ProducerRecord<>(Topics.ALERTS.name(), null, a.receivedAtMs(), a.key(),
                    Json.write(a))));
        }
        try {
            for (Future<RecordMetadata> f : acks) {
                f.get(30, TimeUnit.SECONDS);
            }
            return true;
        } catch (Exception e) {
            log.warn("publishing {} alerts failed: {}", alerts.size(), e.toString());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
