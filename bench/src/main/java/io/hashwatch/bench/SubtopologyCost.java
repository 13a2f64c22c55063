package io.hashwatch.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.streams.TopologyDescription;

/**
 * The full topology's cost per header, by sub-topology: the stream-thread CPU its processors took (from {@link
 * ProcessorCpu}), and the records and bytes of JSON it wrote per header to each topic (its output topics, its
 * stores' changelogs), read back from the broker.
 */
final class SubtopologyCost {
    private SubtopologyCost() {
    }

    /** The JSON records and bytes (keys and values) of a topic, read_committed from the start. */
    record Written(long records, long bytes) {
    }

    static Written written(BenchBroker broker, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = broker.readCommittedConsumer(topic)) {
            consumer.seekToBeginning(consumer.assignment());
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            long records = 0;
            long bytes = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (System.nanoTime() < deadline && end.entrySet().stream()
                    .anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    records++;
                    bytes += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
                }
            }
            return new Written(records, bytes);
        }
    }

    /**
     * One line per sub-topology: its processors' CPU per header and what it wrote per header, topic by topic.
     *
     * @param cpu     {@link ProcessorCpu#snapshot()} of a run over {@code headers} headers
     * @param written what each topic holds after the measured run (outputs and changelogs)
     */
    static List<String> lines(TopologyDescription topology, String applicationId, Map<String, long[]> cpu,
                              Map<String, Written> written, long headers, Duration streamThreadCpu) {
        List<String> out = new ArrayList<>();
        double charged = 0;
        for (TopologyDescription.Subtopology s : topology.subtopologies().stream()
                .sorted(Comparator.comparingInt(TopologyDescription.Subtopology::id)).toList()) {
            double us = 0;
            List<String> processors = new ArrayList<>();
            Map<String, Written> topics = new TreeMap<>();
            for (TopologyDescription.Node n : s.nodes()) {
                long[] c = cpu.get(n.name());
                if (c != null) {
                    us += c[0] / 1e3 / headers;
                    if (n instanceof TopologyDescription.Processor && !n.name().endsWith("-repartition-filter")) {
                        processors.add(String.format("%s %.1f", n.name(), c[0] / 1e3 / headers));
                    }
                }
                if (n instanceof TopologyDescription.Sink sink && written.containsKey(sink.topic())) {
                    topics.put(sink.topic(), written.get(sink.topic()));
                }
                if (n instanceof TopologyDescription.Processor p) {
                    for (String store : p.stores()) {
                        String changelog = applicationId + "-" + store + "-changelog";
                        if (written.containsKey(changelog)) {
                            topics.put(changelog, written.get(changelog));
                        }
                    }
                }
            }
            charged += us;
            long records = topics.values().stream().mapToLong(Written::records).sum();
            long bytes = topics.values().stream().mapToLong(Written::bytes).sum();
            List<String> perTopic = new ArrayList<>();
            topics.forEach((t, w) -> perTopic.add(String.format("%s %.2f/%,.0f B", t.replace(applicationId + "-", ""),
                    (double) w.records() / headers, (double) w.bytes() / headers)));
            out.add(String.format("sub-topology %d: %.1f us of CPU a header (%s); %.2f records, %,.0f B of JSON a"
                            + " header written [%s]", s.id(), us, String.join(", ", processors),
                    (double) records / headers, (double) bytes / headers, String.join("; ", perTopic)));
        }
        out.add(String.format("stream threads outside the processors (poll, deserialization, commits, punctuation):"
                + " %.1f us a header", streamThreadCpu.toNanos() / 1e3 / headers - charged));
        return out;
    }
}
