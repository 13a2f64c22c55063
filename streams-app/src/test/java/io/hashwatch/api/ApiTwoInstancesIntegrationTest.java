package io.hashwatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.Topics;
import io.hashwatch.testing.EmbeddedCluster;
import io.hashwatch.testing.SharedData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two streams instances of one application on a real broker, each with its API on its metrics server and
 * {@code application.server} set: the one that does not own mainnet forwards to the owner, so both answer alike;
 * once the owner is closed (a clean close: it leaves the group), the survivor takes the task over, restores its
 * stores from the changelogs and answers the same.
 */
class ApiTwoInstancesIntegrationTest {
    private static final List<String> PATHS = List.of("/api/blocks/tip/hash", "/api/v1/difficulty-adjustment",
            "/api/v1/mining/hashrate/1w", "/api/v1/mining/difficulty-adjustments/all", "/api/v1/mining/pools/24h",
            "/api/v1/mining/reward-stats/100", "/api/v1/hashwatch/hashrate?from=587000&to=587010");

    @TempDir
    Path stateDir;

    @Test
    void bothAnswerAlikeAndTheSurvivorAnswersAfterTheOwnerCloses() throws Exception {
        Path file = SharedData.requireHeaders("mainnet_586657-589289.dfinity.bin");
        long first = SharedData.firstHeight(file);
        List<byte[]> raw = SharedData.readHeaders(file).subList(0, 2100);
        long tip = first + raw.size() - 1;
        try (EmbeddedCluster cluster = EmbeddedCluster.start(Duration.ofSeconds(90))) {
            cluster.createTopics();
            ApiInstance a = ApiInstance.start(cluster, "hashwatch-api-two", stateDir.resolve("a"), false);
            ApiInstance b = ApiInstance.start(cluster, "hashwatch-api-two", stateDir.resolve("b"), false);
            try {
                Properties p = new Properties();
                p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
                try (KafkaProducer<String, byte[]> producer =
                             new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
                    for (int i = 0; i < raw.size(); i++) {
                        HeaderRecord r = new HeaderRecord("mainnet", first + i, HexFormat.of().formatHex(raw.get(i)),
                                1_000L * i, 1000 + i, "api-two", null);
                        producer.send(new ProducerRecord<>(Topics.HEADERS.name(), "mainnet", Json.write(r)));
                    }
                }
                a.awaitTip(tip, Duration.ofSeconds(90));
                b.awaitTip(tip, Duration.ofSeconds(90));
                // The pools' sub-topology follows the chain's, through a repartition topic and a commit (and the
                // rebalances of two instances starting): answers are compared once it has committed every height.
                awaitRecords(cluster, Topics.POOLS.name(), raw.size());
                Map<String, String> fromA = a.answers(PATHS);
                assertSameAnswers(fromA, b.answers(PATHS), "the instance without mainnet forwards to its owner");
                String owner = Json.MAPPER.readTree(b.get("/api/v1/hashwatch/status").body())
                        .get("networks").get("mainnet").get("owner").asText();
                assertTrue(a.base().endsWith(owner) || b.base().endsWith(owner), owner);

                ApiInstance ownerInstance = a.base().endsWith(owner) ? a : b;
                ApiInstance survivor = ownerInstance == a ? b : a;
                ownerInstance.close();
                survivor.awaitTip(tip, Duration.ofSeconds(90));
                Map<String, String> after = answersOnceEqual(survivor, fromA);
                assertSameAnswers(fromA, after, "the survivor answers the same after the owner left; its status: "
                        + survivor.get("/api/v1/hashwatch/status").body() + "; its pools: "
                        + survivor.get("/api/v1/hashwatch/pools").body());
            } finally {
                for (ApiInstance i : List.of(a, b)) {
                    try {
                        i.close();
                    } catch (RuntimeException e) {
                        // closed already
                    }
                }
            }
        }
    }

    /** Path by path, so that a failure names the resource that differs. */
    private static void assertSameAnswers(Map<String, String> expected, Map<String, String> actual, String what) {
        for (String path : PATHS) {
            assertEquals(expected.get(path), actual.get(path), what + ": " + path);
        }
    }

    /** Waits (90 s at most) until {@code topic} holds {@code count} committed records. */
    private static void awaitRecords(EmbeddedCluster cluster, String topic, int count) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        int seen = 0;
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (seen < count && System.nanoTime() < deadline) {
                seen += consumer.poll(Duration.ofMillis(200)).count();
            }
        }
        assertTrue(seen >= count, topic + " holds " + seen + " records of " + count);
    }

    /** The answers once they equal {@code expected} (the failover moves the tasks: at most 90 s), else the last. */
    private static Map<String, String> answersOnceEqual(ApiInstance at, Map<String, String> expected)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Map<String, String> now = at.answers(PATHS);
        while (!now.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            now = at.answers(PATHS);
        }
        return now;
    }
}
