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
