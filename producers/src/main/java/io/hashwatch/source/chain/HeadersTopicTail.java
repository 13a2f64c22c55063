package io.hashwatch.source.chain;

import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Reads the end of the headers topic back for one network: the partition its key goes to (the default
 * partitioner's choice for the key), from the end backwards in growing steps until {@code window} of its records
 * were seen or the partition's start is reached. No consumer group: nothing is committed.
 */
public final class HeadersTopicTail implements PublishedChain.Loader {
    private final Map<String, Object> config;
    private final Duration timeout;

    /**
     * @param extraProperties further consumer settings (TLS, SASL), applied over the defaults
     */
    public HeadersTopicTail(String bootstrapServers, Map<String, ?> extraProperties, Duration timeout) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "hashwatch-headers-tail");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        if (extraProperties != null) {
            c.putAll(extraProperties);
        }
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.config = c;
        this.timeout = timeout;
    }

    /** The partition the default partitioner sends a key to. */
    static int partitionFor(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    @Override
    public PublishedChain load(String network, int window) throws SourceException {
        String topic = Topics.HEADERS.name();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
            List<PartitionInfo> parts = consumer.partitionsFor(topic, timeout);
            if (parts == null || parts.isEmpty()) {
                throw new SourceException(SourceException.Kind.KAFKA, "topic " + topic + " does not exist");
            }
            TopicPartition tp = new TopicPartition(topic, partitionFor(network, parts.size()));
            consumer.assign(List.of(tp));
            long begin = consumer.beginningOffsets(List.of(tp), timeout).get(tp);
            long end = consumer.endOffsets(List.of(tp), timeout).get(tp);
            long span = Math.max(64, 2L * window);
            List<HeaderRecord> mine = new ArrayList<>();
            while (true) {
                long from = Math.max(begin, end - span);
                mine.clear();
                read(consumer, tp, from, end, network, mine);
                if (mine.size() >= window || from == begin) {
                    break;
                }
                span *= 4;
            }
            return PublishedChain.fold(network, window, mine);
        } catch (KafkaException e) {
            throw new SourceException(SourceException.Kind.KAFKA, "reading the end of topic " + topic + " back"
                    + " failed: " + e.getMessage(), e);
        }
    }

    private void read(KafkaConsumer<String, byte[]> consumer, TopicPartition tp, long from, long end, String network,
                      List<HeaderRecord> out) throws SourceException {
        consumer.seek(tp, from);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (consumer.position(tp, timeout) < end) {
            if (System.nanoTime() > deadline) {
                throw new SourceException(SourceException.Kind.KAFKA, "reading topic " + tp + " from offset "
                        + from + " to " + end + " took longer than " + timeout.toSeconds() + " s");
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.offset() >= end || !network.equals(r.key()) || r.value() == null) {
                    continue;
                }
                try {
                    HeaderRecord h = Json.read(r.value(), HeaderRecord.class);
                    if (!h.fillsCoinbase()) { // a coinbase fill says nothing of the chain's end
                        out.add(h);
                    }
                } catch (SerializationException e) {
                    // not a header record: the pipeline dead-letters it; it says nothing about the chain
                }
            }
        }
    }
}
