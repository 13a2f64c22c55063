package io.hashwatch.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hashwatch.model.Topics;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Writes a topic, from its beginning to its current end, to a JSON-lines file with a {@code read_committed}
 * consumer (no consumer group). One line per record, partition after partition in offset order:
 *
 * <ul>
 *   <li>a record with a value: the value as it is (hashwatch values are one-line JSON);</li>
 *   <li>a tombstone: {@code {"key":"<key>","deleted":true}};</li>
 *   <li>on {@code dead-letters}: {@code {"key","reason","detail","source_topic","value"}} from the
 *   {@code hashwatch.reject.*} headers, {@code value} being the rejected record's value as text (for records
 *   sent by Kafka Streams' own dead-letter handling, reason and detail come from its {@code __streams.errors.*}
 *   headers).</li>
 * </ul>
 */
final class TopicExporter implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final byte[] NEWLINE = {'\n'};

    private final KafkaConsumer<String, byte[]> consumer;

    TopicExporter(String bootstrapServers, Map<String, String> clientOverrides) {
        Map<String, Object> p = new HashMap<>(clientOverrides);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        // A fetch at the end of one topic would otherwise sit 500 ms on the broker before the next topic's is sent.
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "hashwatch-export");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }

    /** Exports {@code topic} to {@code file} (replaced); returns the number of lines written. */
    long export(String topic, Path file, Duration timeout) throws IOException {
        long lines = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("reading topic " + topic + " to its end " + end + " took longer than "
                            + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue;
                    }
                    out.write(line(topic, r));
                    out.write(NEWLINE);
                    lines++;
                }
            }
        } finally {
            consumer.unsubscribe();
        }
        return lines;
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    static byte[] line(String topic, ConsumerRecord<String, byte[]> r) throws IOException {
        if (topic.equals(Topics.DEAD_LETTERS.name())) {
            ObjectNode n = MAPPER.createObjectNode();
            n.put("key", r.key());
            Headers h = r.headers();
            String reason = header(h, Topics.REJECT_REASON_HEADER);
            String detail = header(h, Topics.REJECT_DETAIL_HEADER);
            String sourceTopic = header(h, Topics.REJECT_SOURCE_TOPIC_HEADER);
            if (reason == null) {
                reason = header(h, "__streams.errors.exception");
                detail = header(h, "__streams.errors.message");
                sourceTopic = header(h, "__streams.errors.topic");
            }
            n.put("reason", reason);
            n.put("detail", detail);
            n.put("source_topic", sourceTopic);
            n.put("value", r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8));
            return MAPPER.writeValueAsBytes(n);
        }
        if (r.value() == null) {
            ObjectNode n = MAPPER.createObjectNode();
            n.put("key", r.key());
            n.put("deleted", true);
            return MAPPER.writeValueAsBytes(n);
        }
        return r.value();
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
