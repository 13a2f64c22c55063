package io.hashwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.HashwatchStreams;
import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.bitcoin.CompactTarget;
import io.hashwatch.config.StreamsSettings;
import io.hashwatch.model.BlockRecord;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.ReorgRecord;
import io.hashwatch.model.Topics;
import io.hashwatch.testing.EmbeddedCluster;
import io.hashwatch.testing.RegtestChain;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Producer -> real in-process KRaft broker -> the topology with exactly-once -> output topics read with
 * read_committed: a reorg, a duplicate, an invalid header and a malformed record, nothing lost or double-counted,
 * and a restart of the streams app that resumes from its committed state.
 */
class ChainPipelineIntegrationTest {
    private static EmbeddedCluster cluster;

    @TempDir
    static Path stateDir;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = EmbeddedCluster.start(Duration.ofSeconds(90));
        cluster.createTopics();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void headersFlowThroughTheBrokerWithReorgDuplicateAndBadInput() throws Exception {
        RegtestChain main = RegtestChain.fromGenesis(11);
        main.extend(30);
        RegtestChain fork = main.fork(25);
        fork.extend(15);                          // heights 26..40
        BlockHeader tip = main.at(30);
        BlockHeader highHash = null;
        for (long nonce = 0; highHash == null; nonce++) {
            BlockHeader h = BlockHeader.parse(RegtestChain.serialize(RegtestChain.VERSION, tip.hash(),
                    new byte[32], tip.time() + 600, RegtestChain.BITS, nonce));
            if (h.hashValue().compareTo(CompactTarget.decode(RegtestChain.BITS)) > 0) {
                highHash = h;
            }
        }

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        StreamsSettings settings = new StreamsSettings(cluster.bootstrapServers(), "hashwatch-it",
                stateDir.resolve("streams"), 1, 100, Map.of());
        try (KafkaProducer<String, byte[]> producer = producer()) {
            try (HashwatchStreams streams = new HashwatchStreams(settings, registry)) {
                streams.start();
                for (HeaderRecord r : main.records(0, 30)) {
                    send(producer, r);
                }
                send(producer, main.record(10));                                    // duplicate
                send(producer, new HeaderRecord("regtest", 31, highHash.hex(), null, null, "it", null));
                producer.send(new ProducerRecord<>(Topics.HEADERS.name(), "regtest",
                        "{\"network\":\"regtest\",\"height\":31".getBytes(StandardCharsets.UTF_8)));  // truncated
                for (HeaderRecord r : fork.records(26, 32)) {                        // more work from 31 on
                    send(producer, r);
                }
                producer.flush();

                List<ConsumerRecord<String, byte[]>> blocks = readUntil(Topics.BLOCKS.name(), 31 + 7);
                List<ConsumerRecord<String, byte[]>> dead = readUntil(Topics.DEAD_LETTERS.name(), 2);
                List<ConsumerRecord<String, byte[]>> reorgs = readUntil(Topics.REORGS.name(), 1);

                assertEquals(List.of("high_hash", "malformed"), dead.stream()
                        .map(r -> new String(r.headers().lastHeader(Topics.REJECT_REASON_HEADER).value(),
                                StandardCharsets.UTF_8)).toList());
                ReorgRecord reorg = Json.read(reorgs.get(0).value(), ReorgRecord.class);
                assertEquals(25, reorg.forkHeight());
                assertEquals(5, reorg.depth());
                assertEquals(6, reorg.added());

                Map<String, String> latest = latestHashes(blocks);
                assertEquals(33, latest.size());
                for (int h = 0; h <= 32; h++) {
                    String expected = h <= 25 ? main.at(h).hash() : fork.at(h).hash();
                    assertEquals(expected, latest.get("regtest:" + h), "height " + h);
                }
                assertTrue(registry.scrape().contains("hashwatch_headers_duplicate_total{network=\"regtest\"} 1.0"),
                        "duplicate counted once");
                assertTrue(registry.scrape().contains("hashwatch_reorgs_total{network=\"regtest\"} 1.0"));
                assertTrue(registry.scrape().contains("hashwatch_tip_height{network=\"regtest\"} 32.0"));
                assertTrue(registry.scrape().contains("kafka_stream_"), "Kafka Streams metrics are bound");
            }

            // A restart of the app on the same state: it resumes where it committed, no reprocessing.
            PrometheusMeterRegistry second = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            try (HashwatchStreams streams = new HashwatchStreams(settings, second)) {
                streams.start();
                for (HeaderRecord r : fork.records(33, 40)) {
                    send(producer, r);
                }
                producer.flush();
                List<ConsumerRecord<String, byte[]>> blocks = readUntil(Topics.BLOCKS.name(), 31 + 7 + 8);
                assertEquals(46, blocks.size(), "every height exactly once after the reorg, none repeated");
                Map<String, String> latest = latestHashes(blocks);
                assertEquals(fork.at(40).hash(), latest.get("regtest:40"));
                assertEquals(2, readUntil(Topics.DEAD_LETTERS.name(), 2).size(), "nothing reprocessed");
                // Tasks process while the group settles (the internal topics' metadata brings a second, short
                // rebalance): the app is running once it has, within a bound.
                long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
                while (streams.state() == KafkaStreams.State.REBALANCING && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(KafkaStreams.State.RUNNING, streams.state());
                assertTrue(second.scrape().contains("hashwatch_headers_verified_total{network=\"regtest\","
                        + "verification=\"full\"} 8.0"));
            }
        }
    }

    private static Map<String, String> latestHashes(List<ConsumerRecord<String, byte[]>> blocks) {
        Map<String, String> latest = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : blocks) {
            latest.put(r.key(), Json.read(r.value(), BlockRecord.class).hash());
        }
        return latest;
    }

    private static void send(KafkaProducer<String, byte[]> producer, HeaderRecord r) {
        producer.send(new ProducerRecord<>(Topics.HEADERS.name(), r.network(), Json.write(r)));
    }

    private static KafkaProducer<String, byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Reads a topic from the beginning with read_committed until {@code expected} records are there (60 s at
     * most), then a little longer to catch any record too many.
     */
    private static List<ConsumerRecord<String, byte[]>> readUntil(String topic, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.currentTimeMillis() + 60_000;
            long settleUntil = Long.MAX_VALUE;
            while (System.currentTimeMillis() < Math.min(deadline, settleUntil)) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                if (out.size() >= expected && settleUntil == Long.MAX_VALUE) {
                    settleUntil = System.currentTimeMillis() + 1_000;
                }
            }
        }
        return out;
    }
}
