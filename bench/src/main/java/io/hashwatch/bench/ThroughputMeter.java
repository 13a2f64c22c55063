package io.hashwatch.bench;

import io.hashwatch.HashwatchStreams;
import io.hashwatch.config.EconomicsSettings;
import io.hashwatch.config.StreamsSettings;
import io.hashwatch.launcher.CommittedOffsets;
import io.hashwatch.model.Topics;
import io.hashwatch.model.Topics.Topic;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Metric;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/** Times a streams app over input already on the broker: start-up, processing, CPU, the sustained rate. */
final class ThroughputMeter {
    /** How often committed offsets are read: the resolution of the processing time. */
    private static final Duration OFFSET_POLL = Duration.ofMillis(20);

    private ThroughputMeter() {
    }

    /** Told the figures of the full topology while it still runs, so that its outputs are as it left them. */
    @FunctionalInterface
    interface WhileRunning {
        void measured(Measured measured) throws Exception;
    }

    /**
     * The full topology, as run starts it, over every input topic.
     *
     * @param main the input under test; it holds {@code records} records
     */
    static void measureFullTopology(BenchBroker broker, long commitIntervalMs, String main, long records,
                                    WhileRunning whileRunning) throws Exception {
        measureFullTopology(broker, StreamsSettings.DEFAULT_APPLICATION_ID, Map.of(), commitIntervalMs, main, records,
                (m, app) -> whileRunning.measured(m));
    }

    /** Told the figures and the app, while it still runs. */
    @FunctionalInterface
    interface WhileAppRuns {
        void measured(Measured measured, HashwatchStreams app) throws Exception;
    }

    /** The full topology under its own application id, with {@code extra} settings on top of the user's. */
    static void measureFullTopology(BenchBroker broker, String applicationId, Map<String, String> extra,
                                    long commitIntervalMs, String main, long records, WhileAppRuns whileRunning)
            throws Exception {
        StreamsSettings base = broker.streamsSettings(applicationId, commitIntervalMs);
        Map<String, String> config = new java.util.LinkedHashMap<>(base.kafkaOverrides());
        config.putAll(extra);
        StreamsSettings settings = new StreamsSettings(base.bootstrapServers(), applicationId, base.stateDir(),
                base.replicationFactor(), commitIntervalMs, config);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (HashwatchStreams full = new HashwatchStreams(settings, EconomicsSettings.defaults(), registry)) {
            whileRunning.measured(measure(broker.admin(), full.kafkaStreams(), settings.applicationId(),
                    Topics.inputs().stream().map(Topic::name).toList(), main, records), full);
        }
    }

    /** A single-input app, such as the pass-through ceiling; closed afterwards. */
    static Measured measure(Admin admin, StreamsSettings settings, Topology topology, String input, long records)
            throws Exception {
        try (KafkaStreams streams = new KafkaStreams(topology, settings.toProperties())) {
            return measure(admin, streams, settings.applicationId(), List.of(input), input, records);
        }
    }

    /**
     * From start to RUNNING (start-up), then until every input record is committed (processing).
     *
     * @param main the input whose consumption gives the sustained rate; it holds {@code records} records
     */
    static Measured measure(Admin admin, KafkaStreams streams, String applicationId, List<String> inputs,
                            String main, long records) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        streams.setUncaughtExceptionHandler(e -> {
            failure.compareAndSet(null, e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        long t0 = System.nanoTime();
        streams.start();
        awaitRunning(streams);
        List<Long> streamThreads = streamThreadIds(applicationId);
        long cpu0 = processCpuNanos();
        long threadCpu0 = threadCpuNanos(streamThreads);
        long t1 = System.nanoTime();
        List<long[]> progress = new ArrayList<>();
        ConsumedRecords consumed = new ConsumedRecords(streams, main);
        CommittedOffsets.await(admin, applicationId, streams, inputs, failure, OFFSET_POLL,
                (t, offsets) -> progress.add(new long[] {t, consumed.total()}));
        long t2 = System.nanoTime();
        return new Measured(Duration.ofNanos(t1 - t0), Duration.ofNanos(t2 - t1), records,
                Duration.ofNanos(processCpuNanos() - cpu0), Duration.ofNanos(threadCpuNanos(streamThreads) - threadCpu0),
                rateBetween(progress, records / 10, records - records / 10));
    }

    static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("the streams app did not reach RUNNING: " + streams.state());
            }
            Thread.sleep(5);
        }
    }

    /**
     * Records of one input topic that the app's stream threads have taken from their consumers
     * ({@code records-consumed-total} of the topic). A thread takes more only while its queue of a partition holds
     * fewer than {@code buffered.records.per.partition} (1,000), so this runs at most that and one poll (1,000
     * records) ahead of processing. Committed offsets, by contrast, move once a commit interval.
     */
    private static final class ConsumedRecords {
        private final KafkaStreams streams;
        private final String topicTag;
        /** The threads' per-topic counters, once their consumers made them (at their first records of it). */
        private List<Metric> counters = List.of();
        private long resolvedAt;

        ConsumedRecords(KafkaStreams streams, String topic) {
            this.streams = streams;
            // The consumer's metrics tag a topic with its dots as underscores.
            this.topicTag = topic.replace('.', '_');
        }

        long total() {
            // Looked up again each second (all the app's metrics are copied to find them): a thread that takes
            // the topic's partition over makes its counter then.
            long now = System.nanoTime();
            if (counters.isEmpty() || now - resolvedAt > TimeUnit.SECONDS.toNanos(1)) {
                counters = streams.metrics().entrySet().stream()
                        .filter(e -> e.getKey().group().equals("consumer-fetch-manager-metrics")
                                && e.getKey().name().equals("records-consumed-total")
                                && topicTag.equals(e.getKey().tags().get("topic"))
                                && !e.getKey().tags().getOrDefault("client-id", "").endsWith("-restore-consumer"))
                        .map(e -> (Metric) e.getValue()).toList();
                resolvedAt = now;
            }
            return counters.stream().mapToLong(m -> (long) ((Number) m.metricValue()).doubleValue()).sum();
        }
    }

    /** Records per second between the first observations of at least {@code from} and {@code to}; NaN if the same. */
    private static double rateBetween(List<long[]> progress, long from, long to) {
        long[] a = progress.stream().filter(p -> p[1] >= from).findFirst().orElse(null);
        long[] b = progress.stream().filter(p -> p[1] >= to).findFirst().orElse(null);
        if (a == null || b == null || b[0] == a[0]) {
            return Double.NaN;
        }
        return (b[1] - a[1]) * 1e9 / (b[0] - a[0]);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The stream threads of the app (Kafka Streams names them {@code <application.id>-<uuid>-StreamThread-N}). */
    private static List<Long> streamThreadIds(String applicationId) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(applicationId + "-") && t.getName().contains("-StreamThread-"))
                .map(Thread::getId).toList();
    }

    private static long threadCpuNanos(List<Long> threadIds) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return threadIds.stream().mapToLong(threads::getThreadCpuTime).filter(n -> n > 0).sum();
    }
}
