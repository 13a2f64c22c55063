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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * Writes output topics to JSON-lines files, {@code DIR/<topic>.jsonl}, while the topology writes them: a
 * {@code read_committed} consumer (no consumer group) on a thread of its own follows every partition of the topics
 * from the beginning, so that the export is done a moment after the last commit instead of starting then. One line
 * per record, partition after partition in offset order within a topic:
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
    private static final Duration POLL = Duration.ofMillis(50);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, OutputStream> files = new LinkedHashMap<>();
    private final Map<String, Long> lines = new LinkedHashMap<>();
    /** How long a transaction's markers may take to reach every partition it wrote (milliseconds, normally). */
    private static final Duration MARKERS_WAIT = Duration.ofSeconds(30);
    private final Map<String, Object> uncommittedConfig;
    private final Thread thread;
    /** Set by {@link #finish}: export up to the committed end as of then, and stop. */
    private final CompletableFuture<Void> finishRequested = new CompletableFuture<>();
    private final CompletableFuture<Map<String, Long>> finished = new CompletableFuture<>();

    /** Opens (replacing) one file a topic in {@code dir} and starts following the topics. */
    TopicExporter(String bootstrapServers, Map<String, String> clientOverrides, Path dir, List<String> topics)
            throws IOException {
        Map<String, Object> p = new HashMap<>(clientOverrides);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "hashwatch-export");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        uncommittedConfig = new HashMap<>(p);
        uncommittedConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        uncommittedConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, "hashwatch-export-ends");
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic, Duration.ofSeconds(60)).forEach(i ->
                    partitions.add(new TopicPartition(i.topic(), i.partition())));
            files.put(topic, new BufferedOutputStream(Files.newOutputStream(dir.resolve(topic + ".jsonl")), 1 << 16));
            lines.put(topic, 0L);
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(this::follow, "hashwatch-export");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Exports what is committed on the topics now, closes the files and returns the lines written per topic.
     *
     * @throws IOException if writing failed or the export takes longer than {@code timeout}
     */
    Map<String, Long> finish(Duration timeout) throws IOException, InterruptedException {
        finishRequested.complete(null);
        try {
            return finished.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("exporting the topics took longer than " + timeout.toSeconds() + " s after the"
                    + " last commit");
        }
    }

    private void follow() {
        try {
            Map<TopicPartition, Long> end = null;
            while (end == null || !reached(end)) {
                if (end == null && finishRequested.isDone()) {
                    end = committedEnd();
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                    files.get(r.topic()).write(line(r.topic(), r));
                    files.get(r.topic()).write(NEWLINE);
                    lines.merge(r.topic(), 1L, Long::sum);
                }
            }
            for (OutputStream out : files.values()) {
                out.close();
            }
            finished.complete(Map.copyOf(lines));
        } catch (IOException | RuntimeException e) {
            finished.completeExceptionally(e);
        }
    }

    /**
     * The end of the committed records (read_committed: the last stable offset) once it covers everything written
     * when the export was asked to finish. A transaction's commit markers reach its partitions one by one, after the
     * group offsets it commits are visible: a partition's stable offset can trail its last committed records for a
     * moment, and exporting up to it then would leave them out (seen: a whole topic's six records).
     */
    private Map<TopicPartition, Long> committedEnd() {
        Map<TopicPartition, Long> written;
        try (KafkaConsumer<String, byte[]> uncommitted = new KafkaConsumer<>(uncommittedConfig,
                new StringDeserializer(), new ByteArrayDeserializer())) {
            written = uncommitted.endOffsets(consumer.assignment(), Duration.ofSeconds(60));
        }
        long deadline = System.nanoTime() + MARKERS_WAIT.toNanos();
        while (true) {
            Map<TopicPartition, Long> stable = consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(60));
            boolean covered = written.entrySet().stream().allMatch(e -> stable.get(e.getKey()) >= e.getValue());
            if (covered || System.nanoTime() > deadline) {
                return stable;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return stable;
            }
        }
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Stops following (if {@link #finish} was not called, the files hold what was exported so far). */
    @Override
    public void close() throws InterruptedException {
        finishRequested.complete(null);
        thread.join(TimeUnit.SECONDS.toMillis(70));
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        for (OutputStream out : files.values()) {
            try {
                out.close();
            } catch (IOException e) {
                // already reported by finish(), or nothing more to write
            }
        }
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
