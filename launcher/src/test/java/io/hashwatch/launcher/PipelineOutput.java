package io.hashwatch.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hashwatch.config.EconomicsSettings;
import io.hashwatch.config.StreamsSettings;
import io.hashwatch.metrics.ChainMetrics;
import io.hashwatch.metrics.EconomicsMetrics;
import io.hashwatch.model.Topics;
import io.hashwatch.topology.HashwatchTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Reads what the pipeline wrote (as a {@code read_committed} consumer sees it), computes what an uninterrupted run
 * writes for the same input, and checks that every height is there exactly once.
 */
final class PipelineOutput {
    /** One record: key, value (UTF-8 JSON, or the raw bytes of a dead letter), timestamp. */
    record Rec(String key, String value, long timestamp) {
    }

    /** The topics the streams app writes. */
    static final List<String> OUTPUTS = List.of(Topics.BLOCKS.name(), Topics.HASHRATE.name(),
            Topics.DIFFICULTY.name(), Topics.DIFFICULTY_ADJUSTMENTS.name(), Topics.HASHPRICE.name(),
            Topics.ECONOMICS.name(), Topics.REFERENCE_PRICES.name(), Topics.REORGS.name(),
            Topics.DEAD_LETTERS.name());
    /**
     * The per-block topic written last: economics runs a sub-topology behind the chain's, so when it holds a height
     * every per-block topic does.
     */
    static final String LAST_PER_BLOCK = Topics.ECONOMICS.name();
    /** The topics with exactly one record per block (key {@code network:height}). */
    static final List<String> PER_BLOCK = List.of(Topics.BLOCKS.name(), Topics.HASHRATE.name(),
            Topics.DIFFICULTY.name(), Topics.HASHPRICE.name(), Topics.ECONOMICS.name());

    private PipelineOutput() {
    }

    /**
     * Every record of {@code topic} that a {@code read_committed} consumer sees, from the beginning to the last
     * stable offset (records of open or aborted transactions are not returned).
     */
    static List<Rec> readCommitted(String bootstrap, Map<String, String> client, String topic) {
        return read(bootstrap, client, topic, "read_committed");
    }

    /** Every record in the log, aborted transactions included ({@code read_uncommitted}). */
    static List<Rec> readUncommitted(String bootstrap, Map<String, String> client, String topic) {
        return read(bootstrap, client, topic, "read_uncommitted");
    }

    private static List<Rec> read(String bootstrap, Map<String, String> client, String topic, String isolation) {
        Map<String, Object> c = new HashMap<>(client);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<Rec> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(60))) {
                parts.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            // With read_committed the end offsets are the last stable offsets.
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, Duration.ofSeconds(60));
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (parts.stream().anyMatch(tp -> consumer.position(tp, Duration.ofSeconds(60)) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    fail("could not read " + topic + " to its end " + end + " within 120 s");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(new Rec(r.key(), new String(r.value(), StandardCharsets.UTF_8), r.timestamp()));
                }
            }
        }
        return out;
    }

    /** Every output topic, committed records only. */
    static Map<String, List<Rec>> readAllOutputs(String bootstrap, Map<String, String> client) {
        Map<String, List<Rec>> out = new LinkedHashMap<>();
        for (String t : OUTPUTS) {
            out.put(t, readCommitted(bootstrap, client, t));
        }
        return out;
    }

    /**
     * What an uninterrupted run writes for {@code input} (the records of the {@code headers} topic, in order): the
     * production topology ({@link HashwatchTopology#build}, default economics settings as {@code run} uses) in a
     * {@link TopologyTestDriver}, which processes each record exactly once by construction.
     */
    static Map<String, List<Rec>> reference(List<Rec> input, Path stateDir) {
        EconomicsSettings economics = EconomicsSettings.defaults();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        StreamsSettings settings = new StreamsSettings("reference:9092", "reference", stateDir, 1,
                StreamsSettings.DEFAULT_COMMIT_INTERVAL_MS, Map.of());
        Map<String, List<Rec>> out = new LinkedHashMap<>();
        try (TopologyTestDriver driver = new TopologyTestDriver(HashwatchTopology.build(new ChainMetrics(registry),
                new EconomicsMetrics(registry, economics), economics), settings.toProperties())) {
            TestInputTopic<String, byte[]> headers = driver.createInputTopic(Topics.HEADERS.name(),
                    new StringSerializer(), new ByteArraySerializer());
            for (Rec r : input) {
                headers.pipeInput(new TestRecord<>(r.key(), r.value().getBytes(StandardCharsets.UTF_8), null,
                        Instant.ofEpochMilli(r.timestamp())));
            }
            for (String t : OUTPUTS) {
                List<Rec> records = new ArrayList<>();
                for (TestRecord<String, byte[]> r : driver.createOutputTopic(t, new StringDeserializer(),
                        new ByteArrayDeserializer()).readRecordsToList()) {
                    records.add(new Rec(r.key(), new String(r.value(), StandardCharsets.UTF_8), r.timestamp()));
                }
                out.put(t, records);
            }
        }
        return out;
    }

    /** How often each height occurs among the keys {@code network:height[:...]} ({@code :current} keys left out). */
    static TreeMap<Long, Integer> heightCounts(List<Rec> records) {
        TreeMap<Long, Integer> counts = new TreeMap<>();
        for (Rec r : records) {
            String[] k = r.key().split(":");
            if (k.length < 2 || k[1].equals("current")) {
                continue;
            }
            counts.merge(Long.parseLong(k[1]), 1, Integer::sum);
        }
        return counts;
    }

    /** Fails unless {@code records} hold each height of {@code expected} exactly {@code times} times, and no other. */
    static void assertEachHeight(String topic, List<Rec> records, List<Long> expected, int times) {
        TreeMap<Long, Integer> counts = heightCounts(records);
        List<Long> missing = expected.stream().filter(h -> !counts.containsKey(h)).toList();
        Map<Long, Integer> wrong = counts.entrySet().stream()
                .filter(e -> e.getValue() != times || !expected.contains(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
        if (!missing.isEmpty() || !wrong.isEmpty()) {
            fail(topic + ": each of " + expected.size() + " heights " + times + " time(s) expected; missing "
                    + missing.size() + " " + abbreviate(missing) + ", wrong count " + wrong.size() + " "
                    + abbreviate(new ArrayList<>(wrong.entrySet())));
        }
        Set<String> keys = records.stream().map(Rec::key).collect(Collectors.toSet());
        assertEquals(records.size(), keys.size(), topic + ": no key twice");
    }

    /**
     * Fails unless {@code records} hold each height of {@code from..from + n - 1} exactly once, for some n of at most
     * {@code atMost}: what one sub-topology has committed at a moment (each commits its own prefix).
     *
     * @return n
     */
    static int assertEachHeightOfAPrefix(String topic, List<Rec> records, long from, int atMost) {
        int n = heightCounts(records).size();
        assertTrue(n <= atMost, topic + ": " + n + " heights, more than the " + atMost + " expected at most");
        assertEachHeight(topic, records, LongStream.range(from, from + n).boxed().toList(), 1);
        return n;
    }

    /**
     * Every height of {@code first..last} once in blocks, hashrate, difficulty, hashprice and economics (which holds
     * every cost profile), a difficulty adjustment at each retarget after the first block, nothing dead-lettered.
     */
    static void assertExactlyOnce(Map<String, List<Rec>> out, long first, long last) {
        List<Long> heights = LongStream.rangeClosed(first, last).boxed().toList();
        for (String t : PER_BLOCK) {
            assertEachHeight(t, out.get(t), heights, 1);
        }
        List<Long> retargets = LongStream.rangeClosed(first + 1, last).filter(h -> h % 2016 == 0).boxed().toList();
        assertTrue(!retargets.isEmpty(), "the range should hold a retarget");
        assertEachHeight(Topics.DIFFICULTY_ADJUSTMENTS.name(), out.get(Topics.DIFFICULTY_ADJUSTMENTS.name()),
                retargets, 1);
        assertEquals(List.of(), out.get(Topics.DEAD_LETTERS.name()), "nothing dead-lettered");
        assertEquals(List.of(), out.get(Topics.REORGS.name()), "no reorganization in the real chain");
    }

    /** Record for record (key, value, timestamp, in order), every output topic equals the reference. */
    static void assertSameAsReference(Map<String, List<Rec>> reference, Map<String, List<Rec>> actual) {
        for (String t : OUTPUTS) {
            List<Rec> want = reference.get(t);
            List<Rec> got = actual.get(t);
            for (int i = 0; i < Math.min(want.size(), got.size()); i++) {
                if (!want.get(i).equals(got.get(i))) {
                    fail(t + ": record " + i + " differs from the uninterrupted run:\n  expected " + want.get(i)
                            + "\n  actual   " + got.get(i));
                }
            }
            assertEquals(want.size(), got.size(), t + ": as many records as the uninterrupted run");
        }
    }

    /**
     * Follows one topic as a {@code read_committed} consumer and counts the distinct keys committed so far: how far
     * a running pipeline has got, as its readers see it.
     */
    static final class CommittedKeys implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final Set<String> keys = new java.util.HashSet<>();

        CommittedKeys(String bootstrap, Map<String, String> client, String topic) {
            Map<String, Object> c = new HashMap<>(client);
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(60))) {
                parts.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
        }

        /** Reads everything committed by now (up to the last stable offset); the number of distinct keys seen. */
        int drain() {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())
                    && System.nanoTime() < deadline) {
                count();
            }
            return count();
        }

        /** Reads what was committed since the last call; the number of distinct keys seen. */
        int count() {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                keys.add(r.key());
            }
            return keys.size();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    private static String abbreviate(List<?> list) {
        return list.size() <= 10 ? list.toString() : list.subList(0, 10) + "...";
    }
}
