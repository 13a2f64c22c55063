package io.hashwatch.bench;

import io.hashwatch.config.StreamsSettings;
import io.hashwatch.launcher.EmbeddedKafka;
import io.hashwatch.launcher.PathChecks;
import io.hashwatch.launcher.TopicSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The fresh embedded broker one run of a throughput step measures on, with hashwatch's topics and the bench's own,
 * and the settings of the streams apps measured on it: their state goes to the same temporary directory.
 */
record BenchBroker(Path dir, String bootstrapServers, Admin admin, Map<String, String> streamsConfig) {
    /** The raw broker rates are measured on this topic: no app reads it. */
    static final String RAW_TOPIC = "bench-raw";

    @FunctionalInterface
    interface Step {
        void run(BenchBroker broker) throws Exception;
    }

    /**
     * Runs {@code step} on a broker of its own, on a temporary directory deleted afterwards.
     *
     * @param streamsConfig the user's settings for every streams app measured on it
     */
    static void withFreshBroker(String dirPrefix, Map<String, String> streamsConfig, Step step) throws Exception {
        Path dir = Files.createTempDirectory(dirPrefix);
        try (EmbeddedKafka broker = EmbeddedKafka.start(dir.resolve("kafka"), 0);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     broker.bootstrapServers()))) {
            TopicSetup.createAll(admin, 1, Optional.of((short) 1), Duration.ofSeconds(60));
            admin.createTopics(List.of(new NewTopic(PassThroughTopology.OUTPUT, 1, (short) 1),
                    new NewTopic(RAW_TOPIC, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
            step.run(new BenchBroker(dir, broker.bootstrapServers(), admin, streamsConfig));
        } finally {
            PathChecks.deleteRecursively(dir);
        }
    }

    /** StreamsSettings' defaults (exactly-once v2, a stream thread per core), the user's settings on top. */
    StreamsSettings streamsSettings(String applicationId, long commitIntervalMs) {
        return new StreamsSettings(bootstrapServers, applicationId, dir.resolve("streams").toAbsolutePath(), 1,
                commitIntervalMs, streamsConfig);
    }

    /** A read_committed consumer assigned every partition of {@code topic}; the caller seeks. */
    KafkaConsumer<byte[], byte[]> readCommittedConsumer(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        consumer.assign(consumer.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList());
        return consumer;
    }
}
