package io.hashwatch.source;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The last record of every partition of a topic, read without a consumer group (nothing is committed): where a
 * start finds how far a bootstrap got before it stopped.
 */
public final class TopicEnds {
    private final Map<String, Object> config;
    private final Duration timeout;

    /** @param extraProperties further consumer settings (TLS, SASL), applied over the defaults */
    public TopicEnds(String bootstrapServers, Map<String, ?> extraProperties, Duration timeout) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "hashwatch-topic-ends");
        if (extraProperties != null) {
            c.putAll(extraProperties);
        }
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.config = c;
        this.timeout = timeout;
    }

    /**
     * The values of the last record of each non-empty partition (a partition whose last record is a tombstone or
     * a transaction marker gives nothing).
     *
     * @throws org.apache.kafka.common.KafkaException the topic cannot be read within the timeout
     */
    public List<byte[]> lastValues(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic, timeout)) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, timeout);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, byte[]> last = new HashMap<>();
            List<TopicPartition> pending = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                if (end.get(tp) > begin.get(tp)) {
                    consumer.seek(tp, end.get(tp) - 1);
                    pending.add(tp);
                } else {
                    consumer.pause(List.of(tp));
                }
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!pending.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null) {
                        last.put(new TopicPartition(r.topic(), r.partition()), r.value());
                    }
                }
                pending.removeIf(tp -> consumer.position(tp, timeout) >= end.get(tp));
            }
            if (!pending.isEmpty()) {
                throw new org.apache.kafka.common.errors.TimeoutException("reading the last records of " + pending
                        + " took longer than " + timeout.toSeconds() + " s");
            }
            return List.copyOf(last.values());
        }
    }
}
