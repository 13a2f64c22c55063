package io.hashwatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.HashwatchStreams;
import io.hashwatch.config.EconomicsSettings;
import io.hashwatch.config.StreamsSettings;
import io.hashwatch.http.HttpEndpoints;
import io.hashwatch.http.MetricsServer;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.Topics;
import io.hashwatch.pools.PoolList;
import io.hashwatch.testing.EmbeddedCluster;
import io.hashwatch.testing.SharedData;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
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
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
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
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path stateDir;

    /** One instance: its metrics server with the API, its streams app. */
    private record Instance(MetricsServer server, HashwatchStreams streams, String base) implements AutoCloseable {
        @Override
        public void close() {
            streams.close();
            server.close();
        }
    }

    private Instance start(EmbeddedCluster cluster, String name) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HostInfo self = new HostInfo("127.0.0.1", port);
        Api api = new Api(self, PoolList.bundled(), EconomicsSettings.defaults(), registry);
        MetricsServer server = new MetricsServer(new InetSocketAddress("127.0.0.1", port), registry,
                HttpEndpoints.Settings.DEFAULTS, api);
        HashwatchStreams streams = new HashwatchStreams(new StreamsSettings(cluster.bootstrapServers(),
                "hashwatch-api-two", stateDir.resolve(name), 1, 100,
                Map.of(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:" + port)),
                EconomicsSettings.defaults(), registry);
        api.attach(streams.kafkaStreams());
        streams.start();
        return new Instance(server, streams, "http://127.0.0.1:" + port);
    }

    @Test
    void bothAnswerAlikeAndTheSurvivorAnswersAfterTheOwnerCloses() throws Exception {
        Path file = SharedData.requireHeaders("mainnet_586657-589289.dfinity.bin");
        long first = SharedData.firstHeight(file);
        List<byte[]> raw = SharedData.readHeaders(file).subList(0, 2100);
        long tip = first + raw.size() - 1;
        try (EmbeddedCluster cluster = EmbeddedCluster.start(Duration.ofSeconds(90))) {
            cluster.createTopics();
            Instance a = start(cluster, "a");
            Instance b = start(cluster, "b");
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
                awaitTip(a.base(), tip);
                awaitTip(b.base(), tip);
                // The pools' sub-topology follows the chain's, through a repartition topic and a commit (and the
                // rebalances of two instances starting): answers are compared once it has committed every height.
                awaitRecords(cluster, Topics.POOLS.name(), raw.size());
                Map<String, String> fromA = answers(a.base());
                assertSameAnswers(fromA, answers(b.base()), "the instance without mainnet forwards to its owner");
                String owner = Json.MAPPER.readTree(get(b.base() + "/api/v1/hashwatch/status").body())
                        .get("networks").get("mainnet").get("owner").asText();
                assertTrue(a.base().endsWith(owner) || b.base().endsWith(owner), owner);

                Instance ownerInstance = a.base().endsWith(owner) ? a : b;
                Instance survivor = ownerInstance == a ? b : a;
                ownerInstance.close();
                awaitTip(survivor.base(), tip);
                Map<String, String> after = answersOnceEqual(survivor.base(), fromA);
                assertSameAnswers(fromA, after, "the survivor answers the same after the owner left; its status: "
                        + get(survivor.base() + "/api/v1/hashwatch/status").body() + "; its pools: "
                        + get(survivor.base() + "/api/v1/hashwatch/pools").body());
            } finally {
                for (Instance i : List.of(a, b)) {
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

    private Map<String, String> answers(String base) throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        for (String path : PATHS) {
            // 503 with Retry-After is the answer while a rebalance moves or restores a store: retry, 60 s at most.
            HttpResponse<String> r = get(base + path);
            long deadline = System.currentTimeMillis() + 60_000;
            while (r.statusCode() == 503 && System.currentTimeMillis() < deadline) {
                assertTrue(r.headers().firstValue("Retry-After").isPresent());
                Thread.sleep(500);
                r = get(base + path);
            }
            assertEquals(200, r.statusCode(), base + path + ": " + r.body());
            m.put(path, r.body());
        }
        return m;
    }

    /** Waits (90 s at most) until the instance answers the tip height, through a rebalance and a restore. */
    private void awaitTip(String base, long tip) throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            HttpResponse<String> r = get(base + "/api/blocks/tip/height");
            last = r.statusCode() + " " + r.body();
            if (r.statusCode() == 200 && r.body().equals(Long.toString(tip))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(base + " did not reach the tip " + tip + ": " + last);
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
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
    private Map<String, String> answersOnceEqual(String base, Map<String, String> expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Map<String, String> now = answers(base);
        while (!now.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            now = answers(base);
        }
        return now;
    }
}
