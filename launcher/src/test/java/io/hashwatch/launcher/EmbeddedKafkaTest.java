package io.hashwatch.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.model.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker keeps topics, records and committed offsets across a restart on the same directory. */
class EmbeddedKafkaTest {
    private static final String GROUP = "restart-test";
    private static final TopicPartition HEADERS_0 = new TopicPartition(Topics.HEADERS.name(), 0);

    @TempDir
    Path tmp;

    @Test
    @Timeout(120)
    void restartOnTheSameDataDirResumes() throws Exception {
        Path dir = tmp.resolve("kafka");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0);
             Admin admin = admin(kafka)) {
            assertTrue(Files.exists(dir.resolve("logs").resolve("meta.properties")), "storage formatted");
            List<String> created = TopicSetup.createAll(admin, 1, Optional.of((short) 1), Duration.ofSeconds(30));
            assertEquals(Topics.all().size(), created.size());
            assertEquals(List.of(), TopicSetup.createAll(admin, 1, Optional.of((short) 1), Duration.ofSeconds(30)),
                    "idempotent");

            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(
                    new ConfigResource(ConfigResource.Type.TOPIC, Topics.HEADERS.name()),
                    new ConfigResource(ConfigResource.Type.TOPIC, Topics.BLOCKS.name()),
                    new ConfigResource(ConfigResource.Type.TOPIC, Topics.REORGS.name())))
                    .all().get(30, TimeUnit.SECONDS);
            assertEquals("-1", value(configs, Topics.HEADERS.name(), "retention.ms"));
            assertEquals("-1", value(configs, Topics.REORGS.name(), "retention.ms"));
            // Block-time stamps would roll a segment every 7 days of chain time: size only.
            assertEquals(String.valueOf(Duration.ofDays(36_500).toMillis()),
                    value(configs, Topics.HEADERS.name(), "segment.ms"));
            assertEquals("compact", value(configs, Topics.BLOCKS.name(), "cleanup.policy"));

            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 3; i++) {
                    producer.send(new ProducerRecord<>(Topics.HEADERS.name(), "k", "v" + i)).get(30, TimeUnit.SECONDS);
                }
            }
            admin.alterConsumerGroupOffsets(GROUP, Map.of(HEADERS_0, new OffsetAndMetadata(2)))
                    .all().get(30, TimeUnit.SECONDS);
        }

        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0);
             Admin admin = admin(kafka)) {
            Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            for (var t : Topics.all()) {
                assertTrue(topics.contains(t.name()), "topic " + t.name() + " kept: " + topics);
            }
            assertEquals(List.of(), TopicSetup.createAll(admin, 1, Optional.of((short) 1), Duration.ofSeconds(30)));
            assertEquals(2, admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).get(HEADERS_0).offset(), "committed offset kept");
            assertEquals(List.of("v0", "v1", "v2"), readAll(kafka));
        }
    }

    private static Admin admin(EmbeddedKafka kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    private static String value(Map<ConfigResource, Config> configs, String topic, String key) {
        return configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic)).get(key).value();
    }

    private static List<String> readAll(EmbeddedKafka kafka) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(List.of(HEADERS_0));
            consumer.seekToBeginning(List.of(HEADERS_0));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < 3 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }
}
