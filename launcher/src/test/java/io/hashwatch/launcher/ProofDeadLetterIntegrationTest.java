package io.hashwatch.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.RejectReason;
import io.hashwatch.model.Topics;
import io.hashwatch.source.chain.ChainPublisher;
import io.hashwatch.testing.RegtestChain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coinbase whose proof failed at the source (Electrum) reaches the dead-letters topic of a real broker as the
 * pipeline's own dead letters do: the record as JSON, the reason, the detail and the source topic in the headers.
 */
class ProofDeadLetterIntegrationTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(120)
    void aFailedProofIsADeadLetterWithItsReason() throws Exception {
        RegtestChain chain = RegtestChain.fromGenesis(5);
        chain.extend(3);
        HeaderRecord record = new HeaderRecord("regtest", 3, chain.at(3).hex(), null, null, "electrum", 1L,
                "01000000", null);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(tmp.resolve("kafka"), 0);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     kafka.bootstrapServers()))) {
            TopicSetup.createAll(admin, 1, Optional.of((short) 1), Duration.ofSeconds(60));
            try (ChainPublisher publisher = new ChainPublisher(kafka.bootstrapServers(), Map.of())) {
                publisher.reject(record, RejectReason.COINBASE_PROOF_FAILED, "the merkle branch leads elsewhere");
            }
            Map<String, Object> c = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            List<ConsumerRecord<String, byte[]>> dead = new ArrayList<>();
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c)) {
                TopicPartition tp = new TopicPartition(Topics.DEAD_LETTERS.name(), 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long end = consumer.endOffsets(List.of(tp)).get(tp);
                while (consumer.position(tp) < end) {
                    consumer.poll(Duration.ofMillis(200)).forEach(dead::add);
                }
            }
            assertEquals(1, dead.size());
            ConsumerRecord<String, byte[]> d = dead.get(0);
            assertEquals("regtest", d.key());
            assertEquals(record, Json.read(d.value(), HeaderRecord.class));
            assertEquals("coinbase_proof_failed", header(d, Topics.REJECT_REASON_HEADER));
            assertEquals("the merkle branch leads elsewhere", header(d, Topics.REJECT_DETAIL_HEADER));
            assertEquals(Topics.HEADERS.name(), header(d, Topics.REJECT_SOURCE_TOPIC_HEADER));
        }
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
