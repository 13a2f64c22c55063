package io.hashwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hashwatch.HashwatchStreams;
import io.hashwatch.config.StreamsSettings;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.Topics;
import io.hashwatch.testing.EmbeddedCluster;
import io.hashwatch.testing.RegtestChain;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of the app, one group, a standby each: a network's gauges are served by the instance that owns
 * its task and by no other; when the owner stops, the other takes the task over and serves them at once, from the
 * restored state (not NaN until the next block), and they advance there. Prometheus scraping both sees one series.
 */
class GaugeOwnershipIntegrationTest {
    private static final String TIP = "hashwatch_tip_height{network=\"regtest\"}";
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

    /** The value of the tip gauge on this registry's scrape, or null when it has no such series. */
    private static Double tip(PrometheusMeterRegistry registry) {
        return registry.scrape().lines().filter(l -> l.startsWith(TIP + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).orElse(null);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static HashwatchStreams instance(String name, PrometheusMeterRegistry registry) {
        return new HashwatchStreams(new StreamsSettings(cluster.bootstrapServers(), "hashwatch-ha",
                stateDir.resolve(name), 1, 100, Map.of(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1")), registry);
    }

    /** Each network's tip series, by instance: {network -> number of instances serving it}. */
    private static Map<String, Integer> servedBy(PrometheusMeterRegistry... registries) {
        Map<String, Integer> n = new java.util.TreeMap<>();
        for (PrometheusMeterRegistry r : registries) {
            r.scrape().lines().filter(l -> l.startsWith("hashwatch_tip_height{")).forEach(l -> n.merge(
                    l.substring(l.indexOf("network=\"") + 9, l.indexOf('"', l.indexOf("network=\"") + 9)), 1,
                    Integer::sum));
        }
        return n;
    }

    /**
     * Several chains in one deployment: mainnet (real headers) and regtest (self-mined) on a headers topic of three
     * partitions, where they land on different ones (partitions 2 and 0 of the key's hash), so on different tasks.
     * Each network's tip is served by exactly one of the two instances; after one stops, the other serves both.
     */
    @Test
    @Timeout(240)
    void severalNetworksOnSeveralPartitionsEachHaveOneOwner() throws Exception {
        java.nio.file.Path file = io.hashwatch.testing.SharedData.requireHeaders("mainnet_586657-589289.dfinity.bin");
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        try (EmbeddedCluster three = EmbeddedCluster.start(Duration.ofSeconds(90))) {
            three.createTopics(3);
            RegtestChain chain = RegtestChain.fromGenesis(33);
            chain.extend(20);
            PrometheusMeterRegistry ra = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            PrometheusMeterRegistry rb = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, three.bootstrapServers());
            java.util.function.Function<String, HashwatchStreams> instance = name -> new HashwatchStreams(
                    new StreamsSettings(three.bootstrapServers(), "hashwatch-multi", stateDir.resolve("multi-" + name),
                            1, 100, Map.of(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1")),
                    name.equals("a") ? ra : rb);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                    new ByteArraySerializer());
                 HashwatchStreams a = instance.apply("a"); HashwatchStreams b = instance.apply("b")) {
                a.start();
                b.start();
                await(() -> a.state() == KafkaStreams.State.RUNNING && b.state() == KafkaStreams.State.RUNNING,
                        "both instances running");
                for (HeaderRecord r : chain.records(0, 20)) {
                    producer.send(new ProducerRecord<>(Topics.HEADERS.name(), r.network(), Json.write(r)));
                }
                for (int i = 0; i < 30; i++) {
                    String hex = java.util.HexFormat.of().formatHex(bytes, i * 80, i * 80 + 80);
                    HeaderRecord r = new HeaderRecord("mainnet", 586_657 + i, hex, null, null, "it", null);
                    producer.send(new ProducerRecord<>(Topics.HEADERS.name(), r.network(), Json.write(r)));
                }
                producer.flush();
                await(() -> servedBy(ra, rb).equals(Map.of("mainnet", 1, "regtest", 1)), "each network served once");
                Map<String, Integer> onA = servedBy(ra);
                System.out.println("GaugeOwnership: instance a serves " + onA.keySet() + ", b " + servedBy(rb)
                        .keySet());
                b.close();
                await(() -> servedBy(ra, rb).equals(Map.of("mainnet", 1, "regtest", 1)) && servedBy(rb).isEmpty(),
                        "a serves both after b stops");
                await(() -> ra.scrape().contains("hashwatch_tip_height{network=\"mainnet\"} 586686.0")
                        && ra.scrape().contains("hashwatch_tip_height{network=\"regtest\"} 20.0"),
                        "both tips at their last heights on a");
            }
        }
    }

    @Test
    @Timeout(240)
    void onlyTheOwnerServesANetworksGaugesAndTheNextOwnerServesThemAtOnce() throws Exception {
        RegtestChain chain = RegtestChain.fromGenesis(21);
        chain.extend(40);
        PrometheusMeterRegistry ra = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PrometheusMeterRegistry rb = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer());
             HashwatchStreams a = instance("a", ra); HashwatchStreams b = instance("b", rb)) {
            a.start();
            b.start();
            await(() -> a.state() == KafkaStreams.State.RUNNING && b.state() == KafkaStreams.State.RUNNING,
                    "both instances running");
            for (HeaderRecord r : chain.records(0, 30)) {
                producer.send(new ProducerRecord<>(Topics.HEADERS.name(), r.network(), Json.write(r)));
            }
            producer.flush();
            await(() -> Double.valueOf(30).equals(tip(ra)) || Double.valueOf(30).equals(tip(rb)), "tip 30");
            boolean aOwns = tip(ra) != null;
            PrometheusMeterRegistry owner = aOwns ? ra : rb;
            PrometheusMeterRegistry other = aOwns ? rb : ra;
            assertEquals(null, tip(other), "the instance without the task serves no tip series");

            // The owner stops: the other one takes the task (from its standby) and serves the tip at once.
            (aOwns ? a : b).close();
            assertEquals(null, tip(owner), "a stopped owner's gauges are gone");
            await(() -> tip(other) != null, "the new owner's tip");
            assertEquals(30.0, tip(other), "restored, before any new block");
            List<HeaderRecord> more = chain.records(31, 40);
            for (HeaderRecord r : more) {
                producer.send(new ProducerRecord<>(Topics.HEADERS.name(), r.network(), Json.write(r)));
            }
            producer.flush();
            await(() -> Double.valueOf(40).equals(tip(other)), "the tip advancing on the new owner");
            assertTrue(other.scrape().contains("hashwatch_hashrate_hashes_per_second{network=\"regtest\""),
                    other.scrape());
        }
    }
}
