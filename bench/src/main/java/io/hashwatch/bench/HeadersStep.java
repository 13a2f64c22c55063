package io.hashwatch.bench;

import io.hashwatch.bitcoin.Network;
import io.hashwatch.config.StreamsSettings;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.Topics;
import io.hashwatch.model.Topics.Topic;
import io.hashwatch.source.HeaderFileSource;
import io.hashwatch.source.HeaderPublisher;
import io.hashwatch.source.KafkaProducers;
import io.hashwatch.source.Pacing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The headers step: the file's records through the raw broker, the file source's publisher, the pass-through
 * ceiling and the full topology, on a fresh broker; then, on the same broker, the latency step if it is asked for.
 */
final class HeadersStep {
    private final Report report;
    private final long commitIntervalMs;
    private final Map<String, String> streamsConfig;

    HeadersStep(Report report, long commitIntervalMs, Map<String, String> streamsConfig) {
        this.report = report;
        this.commitIntervalMs = commitIntervalMs;
        this.streamsConfig = streamsConfig;
    }

    /**
     * @param latency run after the throughput figures, on the headers held back for it
     * @param profile whether to measure each sub-topology's cost too (a second run of the full topology)
     */
    void run(HeaderFileSource source, Optional<LatencyStep> latency, boolean profile) throws Exception {
        List<HeaderRecord> all = new ArrayList<>();
        source.forEach(all::add);
        int held = latency.map(l -> l.headersHeldBack(all.size())).orElse(0);
        List<HeaderRecord> bulk = all.subList(0, all.size() - held);
        List<HeaderRecord> live = all.subList(all.size() - held, all.size());
        BenchBroker.withFreshBroker("hashwatch-bench-", streamsConfig, broker -> {
            rawBrokerRates(broker, bulk, source.network());
            publisherRate(broker, bulk);
            Measured ceiling = ThroughputMeter.measure(broker.admin(),
                    broker.streamsSettings(PassThroughTopology.APPLICATION_ID, commitIntervalMs),
                    PassThroughTopology.build(Topics.HEADERS.name(), PassThroughTopology.OUTPUT, HeaderRecord.class),
                    Topics.HEADERS.name(), bulk.size());
            report.line("headers: ceiling, pass-through Streams app (parse JSON, one RocksDB put, emit): sustained"
                            + " %,.0f records/s, end to end %,.0f records/s (%,d in %.2f s after %.1f s start-up); %s",
                    ceiling.sustained(), ceiling.perSecond(), ceiling.records(), ceiling.processing().toNanos() / 1e9,
                    ceiling.startup().toNanos() / 1e9, ceiling.cpu());
            fullTopology(broker, bulk.size(), ceiling, profile);
            signals(bulk, source.network());
            if (latency.isPresent() && !live.isEmpty()) {
                latency.get().run(broker, live);
            }
        });
    }

    /**
     * The same records, serialized beforehand, through a plain producer (the sources' settings: idempotent,
     * acks=all, lz4) and a read_committed consumer.
     */
    private void rawBrokerRates(BenchBroker broker, List<HeaderRecord> bulk, String network) {
        List<byte[]> values = bulk.stream().map(Json::write).toList();
        long bytes = values.stream().mapToLong(v -> v.length).sum();
        long t0 = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                KafkaProducers.idempotent(broker.bootstrapServers(), "hashwatch-bench", Map.of(), Map.of()))) {
            for (byte[] v : values) {
                producer.send(new ProducerRecord<>(BenchBroker.RAW_TOPIC, network, v));
            }
            producer.flush();
        }
        double produceSeconds = (System.nanoTime() - t0) / 1e9;
        report.line("headers: broker produce (idempotent, acks=all, lz4; serialized beforehand): %,.0f records/s,"
                        + " %.1f MB/s (%,d records, %.1f MB of JSON)", bulk.size() / produceSeconds,
                bytes / 1e6 / produceSeconds, bulk.size(), bytes / 1e6);
        double consumeSeconds = consumeAll(broker, BenchBroker.RAW_TOPIC, bulk.size());
        report.line("headers: broker consume (read_committed): %,.0f records/s, %.1f MB/s",
                bulk.size() / consumeSeconds, bytes / 1e6 / consumeSeconds);
    }

    private static double consumeAll(BenchBroker broker, String topic, long expected) {
        try (KafkaConsumer<byte[], byte[]> consumer = broker.readCommittedConsumer(topic)) {
            consumer.seekToBeginning(consumer.assignment());
            long n = 0;
            long t0 = System.nanoTime();
            long deadline = t0 + TimeUnit.MINUTES.toNanos(2);
            while (n < expected && System.nanoTime() < deadline) {
                n += consumer.poll(Duration.ofMillis(200)).count();
            }
            if (n < expected) {
                throw new IllegalStateException("read " + n + " of " + expected + " records of " + topic);
            }
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    /** Fills the headers topic the apps read. */
    private void publisherRate(BenchBroker broker, List<HeaderRecord> bulk) {
        long t0 = System.nanoTime();
        try (HeaderPublisher publisher = new HeaderPublisher(broker.bootstrapServers(), Map.of())) {
            publisher.publish(bulk, Pacing.asFastAsPossible());
        }
        report.line("headers: the file source's publisher (HeaderPublisher: parse, JSON, send) to the headers topic:"
                + " %,.0f headers/s", bulk.size() / ((System.nanoTime() - t0) / 1e9));
    }

    private void fullTopology(BenchBroker broker, int headers, Measured ceiling, boolean profile)
            throws Exception {
        Map<String, SubtopologyCost.Written> written = new HashMap<>();
        ThroughputMeter.measureFullTopology(broker, commitIntervalMs, Topics.HEADERS.name(), headers, m -> {
            long out = outputRecords(broker.admin());
            report.line("headers: full topology, headers/s: %s (%,d headers in %.2f s after %.1f s start-up; %,d"
                            + " records on the output topics, %.1f per header); %s", m.against(ceiling), m.records(),
                    m.processing().toNanos() / 1e9, m.startup().toNanos() / 1e9, out, (double) out / m.records(),
                    m.cpu());
            if (profile) {
                for (String topic : broker.admin().listTopics().names().get(60, TimeUnit.SECONDS)) {
                    if (Topics.outputs().stream().anyMatch(t -> t.name().equals(topic))
                            || (topic.startsWith(StreamsSettings.DEFAULT_APPLICATION_ID + "-")
                            && topic.endsWith("-changelog"))) {
                        written.put(topic, SubtopologyCost.written(broker, topic));
                    }
                }
            }
        });
        if (!profile) {
            return;
        }
        // The same headers again under another application id, each processor's CPU charged to it: the wrapper's
        // clock reads slow this run down, so its rates are not reported.
        ProcessorCpu.reset();
        ThroughputMeter.measureFullTopology(broker, "hashwatch-profile", Map.of(
                        StreamsConfig.PROCESSOR_WRAPPER_CLASS_CONFIG, ProcessorCpu.class.getName()),
                commitIntervalMs, Topics.HEADERS.name(), headers, (m, app) -> {
                    report.line("headers: per sub-topology (a second run, %s; records and bytes from the first):",
                            m.cpu());
                    for (String line : SubtopologyCost.lines(app.describe(), StreamsSettings.DEFAULT_APPLICATION_ID,
                            ProcessorCpu.snapshot(), written, headers, m.streamThreadCpu())) {
                        report.line("headers:   %s", line);
                    }
                });
    }

    /** What the issue-23 signals cost a header, to read beside the full topology's stream-thread CPU a header. */
    private void signals(List<HeaderRecord> bulk, String network) {
        double nanos = SignalsMeter.nanosPerHeader(bulk, Network.byName(network).orElseThrow(), 3);
        report.line("headers: signals (difficulty forecast, droughts, gap, anomalies), in one thread on parsed"
                + " headers: %.2f us a header over %,d headers (ceiling: 15 us; the full topology's stream-thread CPU"
                + " a header is above)",
                nanos / 1000, bulk.size());
    }

    private static long outputRecords(Admin admin) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(Topics.outputs().stream().map(Topic::name).toList()).allTopicNames()
                .get(60, TimeUnit.SECONDS).values().forEach(d -> d.partitions().forEach(p ->
                        latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
        // End offsets count the transaction markers too: one per partition per transaction, a small share.
        return admin.listOffsets(latest).all().get(60, TimeUnit.SECONDS).values().stream()
                .mapToLong(i -> i.offset()).sum();
    }
}
