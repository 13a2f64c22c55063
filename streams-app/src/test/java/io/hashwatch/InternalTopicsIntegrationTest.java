package io.hashwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hashwatch.config.StreamsSettings;
import io.hashwatch.testing.EmbeddedCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HashwatchStreams#internalTopics}, which backfill creates beside the app's own topics on its fresh broker,
 * names the topics Kafka Streams creates in its first rebalance, each with the partitions and the configs Streams
 * gives it: the app runs here on a cluster where nothing made them, and the topics it made are compared.
 */
class InternalTopicsIntegrationTest {
    private static final int PARTITIONS = 2;

    @TempDir
    Path stateDir;

    @Test
    @Timeout(180)
    void internalTopicsAreThoseKafkaStreamsCreates() throws Exception {
        try (EmbeddedCluster cluster = EmbeddedCluster.start(Duration.ofSeconds(90));
             Admin admin = cluster.admin()) {
            cluster.createTopics(PARTITIONS);
            String app = "hashwatch-internal-topics";
            try (HashwatchStreams streams = new HashwatchStreams(new StreamsSettings(cluster.bootstrapServers(), app,
                    stateDir, 1, 100, Map.of()), new SimpleMeterRegistry())) {
                Map<String, NewTopic> expected = streams.internalTopics(PARTITIONS, (short) 1).stream()
                        .collect(Collectors.toMap(NewTopic::name, t -> t, (a, b) -> a, TreeMap::new));
                assertFalse(expected.isEmpty(), "the topology has repartition and changelog topics");
                assertTrue(streams.firstRunningNanos().isEmpty(), "not started yet");
                long started = System.nanoTime();
                streams.start();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (streams.state() != KafkaStreams.State.RUNNING) {
                    if (System.nanoTime() > deadline) {
                        fail("the app did not reach RUNNING: " + streams.state());
                    }
                    Thread.sleep(100);
                }
                // Where its start-up ends (backfill's rate beyond start-up is measured from it).
                long running = streams.firstRunningNanos().orElseThrow();
                assertTrue(running > started && running <= System.nanoTime(), "first RUNNING during the wait");

                Map<String, TopicDescription> made = admin.describeTopics(admin.listTopics().names()
                                .get(30, TimeUnit.SECONDS).stream().filter(n -> n.startsWith(app + "-")).toList())
                        .allTopicNames().get(30, TimeUnit.SECONDS);
                assertEquals(expected.keySet(), new TreeMap<>(made).keySet(), "the internal topics' names");
                for (NewTopic want : expected.values()) {
                    assertEquals(want.numPartitions(), made.get(want.name()).partitions().size(),
                            want.name() + "'s partitions");
                    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, want.name());
                    Map<String, String> set = admin.describeConfigs(java.util.List.of(resource)).all()
                            .get(30, TimeUnit.SECONDS).get(resource).entries().stream()
                            .filter(e -> e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG)
                            .collect(Collectors.toMap(ConfigEntry::name, ConfigEntry::value, (a, b) -> a,
                                    TreeMap::new));
                    assertEquals(new TreeMap<>(want.configs()), set, want.name() + "'s configs");
                }
            }
        }
    }
}
