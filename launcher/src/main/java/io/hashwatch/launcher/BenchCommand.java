package io.hashwatch.launcher;

import io.hashwatch.HashwatchStreams;
import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.bitcoin.HeaderVerifier;
import io.hashwatch.bitcoin.Network;
import io.hashwatch.config.EconomicsSettings;
import io.hashwatch.config.StreamsSettings;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.PriceTick;
import io.hashwatch.model.Topics;
import io.hashwatch.model.Topics.Topic;
import io.hashwatch.http.MetricsServer;
import io.hashwatch.source.HeaderFileSource;
import io.hashwatch.source.HeaderPublisher;
import io.hashwatch.source.KafkaProducers;
import io.hashwatch.source.Pacing;
import io.hashwatch.source.price.PricePublisher;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hashwatch bench}: measures the pipeline on this machine and prints each figure beside its ceiling measured
 * in the same run (a pass-through Streams app over the same records, the raw broker rates), so that the ratios hold
 * on a noisy machine. Run by hand; nothing here is a test.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure throughput, latency, memory and header hashing on this machine, each beside its"
                + " ceiling measured in the same run, and print the figures.",
            "Steps: sha (SHA-256d per second, one thread), headers (raw produce and consume rates, a pass-through"
                + " Streams app, the full topology), latency (header to read_committed hashrate record and to the"
                + " /metrics gauge, at a live-like rate, against the pass-through app), ticks (price ticks through"
                + " the reference price against the pass-through app), memory (peak RSS of `run` with its embedded"
                + " broker after the whole header file, and its state on disk)."})
public final class BenchCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(BenchCommand.class);
    private static final Duration OFFSET_POLL = Duration.ofMillis(20);
    private static final String PASSTHROUGH_OUT = "bench-passthrough-out";
    private static final String RAW = "bench-raw";
    private static final Pattern TIP_HEIGHT = Pattern.compile(
            "^hashwatch_tip_height\\{[^}]*network=\"([^\"]+)\"[^}]*} ([0-9.eE+]+)$", Pattern.MULTILINE);

    @Spec
    CommandSpec spec;

    @Mixin
    HeaderFileOptions file;

    @Option(names = "--steps", paramLabel = "LIST", split = ",", defaultValue = "sha,headers,latency,ticks,memory",
            description = "Steps to run (default: ${DEFAULT-VALUE}).")
    List<String> steps;

    @Option(names = "--ticks", paramLabel = "N", defaultValue = "1500000",
            description = "Price ticks for the ticks step (default: ${DEFAULT-VALUE}).")
    int ticks;

    @Option(names = "--latency-headers", paramLabel = "N", defaultValue = "400",
            description = "Headers held back from the headers step and sent one by one for the latency step"
                    + " (default: ${DEFAULT-VALUE}).")
    int latencyHeaders;

    @Option(names = "--latency-rate", paramLabel = "PER_SECOND", defaultValue = "20",
            description = "Rate of the latency step's headers (default: ${DEFAULT-VALUE}/s).")
    double latencyRate;

    @Option(names = "--throughput-commit-interval-ms", paramLabel = "MS",
            defaultValue = "" + BackfillCommand.COMMIT_INTERVAL_MS,
            description = "Streams commit interval of the throughput steps, for the ceiling and the full topology"
                    + " alike (default: backfill's, ${DEFAULT-VALUE}).")
    long throughputCommitMs;

    @Option(names = "--latency-commit-interval-ms", paramLabel = "MS",
            defaultValue = "" + StreamsSettings.DEFAULT_COMMIT_INTERVAL_MS,
            description = "Streams commit interval of the latency step (default: run's, ${DEFAULT-VALUE}).")
    long latencyCommitMs;

    @Option(names = "--streams-config", paramLabel = "KEY=VALUE",
            description = "A Kafka Streams or client setting for every app measured, e.g."
                    + " producer.linger.ms=20 (repeatable).")
    Map<String, String> streamsConfig = new java.util.LinkedHashMap<>();

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "3",
            description = "Runs of the headers and ticks steps, each on a fresh broker; the last is reported, the"
                    + " earlier ones warm up (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--memory-java-opts", paramLabel = "OPTS", defaultValue = "-Xmx768m",
            description = "JVM options of the memory step's `run` (default: ${DEFAULT-VALUE}, as ./hashwatch).")
    String memoryJavaOpts;

    private final List<String> report = new ArrayList<>();
    private volatile byte digestSink;
    /** The headers' network, for the record keys and gauge labels the latency step reads. */
    private String network;
    private int iteration = 1;

    @Override
    public Integer call() throws Exception {
        List<String> known = List.of("sha", "headers", "latency", "ticks", "memory");
        for (String s : steps) {
            if (!known.contains(s)) {
                throw new UsageException("unknown step '" + s + "' in --steps; known: " + String.join(",", known));
            }
        }
        if (iterations < 1) {
            throw new UsageException("--iterations must be at least 1, got " + iterations);
        }
        if (steps.contains("latency") && !steps.contains("headers")) {
            throw new UsageException("the latency step continues the headers step's chain: add headers to --steps");
        }
        HeaderFileSource source = file.openHeaders();
        network = source.network();
        line("hashwatch bench: %s, %d headers %d..%d; %d cores, Java %s (%s), max heap %d MiB; streams apps with"
                        + " exactly_once_v2, commit interval %d ms (throughput) and %d ms (latency)%s",
                source.file(), source.count(), source.startHeight(), source.lastHeight(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("java.vm.name"), Runtime.getRuntime().maxMemory() >> 20, throughputCommitMs,
                latencyCommitMs, streamsConfig.isEmpty() ? "" : ", " + streamsConfig);
        if (steps.contains("sha")) {
            sha(source);
        }
        // Each throughput step runs --iterations times on a fresh broker; the earlier runs warm the JIT up (on two
        // cores the C2 compiler still took half a core through the second run of ten seconds), the last one counts.
        for (int i = 1; i <= iterations; i++) {
            iteration = i;
            if (steps.contains("headers")) {
                headersAndLatency(source, steps.contains("latency") && i == iterations);
            }
            if (steps.contains("ticks")) {
                ticks();
            }
        }
        if (steps.contains("memory")) {
            memory(source);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println();
        out.println("== summary");
        report.forEach(out::println);
        out.flush();
        return 0;
    }

    private void line(String format, Object... args) {
        String s = String.format(format, args);
        boolean warmUp = iteration < iterations && (s.startsWith("headers:") || s.startsWith("ticks:"));
        if (warmUp) {
            s = "(warm-up " + iteration + ") " + s;
        } else {
            report.add(s);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(s);
        out.flush();
    }

    // ---------------------------------------------------------------- sha

    private void sha(HeaderFileSource source) throws Exception {
        List<byte[]> raw = new ArrayList<>();
        for (HeaderRecord r : source) {
            raw.add(BlockHeader.fromHex(r.headerHex()).raw());
            if (raw.size() == 100_000) {
                break;
            }
        }
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        Network net = Network.byName(network).orElseThrow();
        // Warm up both loops, then measure each for 3 s.
        for (int round = 0; round < 2; round++) {
            long duration = round == 0 ? 1_000_000_000L : 3_000_000_000L;
            long n = 0;
            long t0 = System.nanoTime();
            byte sink = 0;
            while (System.nanoTime() - t0 < duration) {
                for (int i = 0; i < 1000; i++) {
                    sha256.update(raw.get((int) (n++ % raw.size())));
                    sink ^= sha256.digest(sha256.digest())[0];
                }
            }
            double digestRate = n * 1e9 / (System.nanoTime() - t0);
            n = 0;
            int accepted = 0;
            t0 = System.nanoTime();
            while (System.nanoTime() - t0 < duration) {
                for (int i = 0; i < 1000; i++) {
                    if (HeaderVerifier.checkProofOfWork(net, BlockHeader.parse(raw.get((int) (n++ % raw.size()))))
                            .accepted()) {
                        accepted++;
                    }
                }
            }
            double powRate = n * 1e9 / (System.nanoTime() - t0);
            digestSink = sink; // read by nothing: it keeps the JIT from dropping the digests
            if (accepted == 0) {
                throw new IllegalStateException("no header passed the proof-of-work check");
            }
            if (round == 1) {
                line("sha: SHA-256d of 80-byte headers, one thread (MessageDigest %s): %,.0f /s; parse + proof-of-work"
                        + " check (HeaderVerifier.checkProofOfWork): %,.0f /s", sha256.getProvider().getName(),
                        digestRate, powRate);
            }
        }
    }

    // ---------------------------------------------------------------- headers and latency

    /**
     * @param processCpu CPU time of this whole JVM (broker, streams app, JIT, GC) while processing
     * @param streamThreadCpu CPU time of the app's stream threads while processing
     */
    private record Measured(Duration startup, Duration processing, long records, Duration processCpu,
                            Duration streamThreadCpu, double sustainedPerSecond) {
        /** End to end: from RUNNING until every input record and everything it led to is committed. */
        double perSecond() {
            return records * 1e9 / processing.toNanos();
        }

        /**
         * The sustained rate: the main input's committed offset from 10% to 90% of the records. It leaves out the
         * start and, at the end, the commit interval each read_committed hop adds (the full topology's prices cross
         * three, the ceiling's one) - latency, which a finite run would otherwise count as throughput. End to end
         * when fewer than two commits fall in between.
         */
        double sustained() {
            return Double.isNaN(sustainedPerSecond) ? perSecond() : sustainedPerSecond;
        }

        /** The rates, each beside the ceiling's same rate. */
        String against(Measured ceiling) {
            return String.format("sustained %,.0f/s = %.0f%% of the ceiling's %,.0f/s; end to end %,.0f/s = %.0f%% of"
                            + " the ceiling's %,.0f/s", sustained(), 100 * sustained() / ceiling.sustained(),
                    ceiling.sustained(), perSecond(), 100 * perSecond() / ceiling.perSecond(), ceiling.perSecond());
        }

        /** Where the time went: CPU per record of the whole JVM and of the stream threads, and cores busy. */
        String cpu() {
            return String.format("CPU per record: %.1f us in the JVM (%.0f%% of %d cores busy), %.1f us in the stream"
                            + " thread(s)", processCpu.toNanos() / 1e3 / records,
                    100.0 * processCpu.toNanos() / processing.toNanos() / Runtime.getRuntime().availableProcessors(),
                    Runtime.getRuntime().availableProcessors(), streamThreadCpu.toNanos() / 1e3 / records);
        }
    }

    private void headersAndLatency(HeaderFileSource source, boolean latency) throws Exception {
        List<HeaderRecord> all = new ArrayList<>();
        source.forEach(all::add);
        int held = latency ? Math.min(latencyHeaders, all.size() / 2) : 0;
        List<HeaderRecord> bulk = all.subList(0, all.size() - held);
        List<HeaderRecord> live = all.subList(all.size() - held, all.size());
        long bytes = bulk.stream().mapToLong(r -> Json.write(r).length).sum();
        Path dir = Files.createTempDirectory("hashwatch-bench-");
        try (EmbeddedKafka broker = EmbeddedKafka.start(dir.resolve("kafka"), 0);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     broker.bootstrapServers()))) {
            String bootstrap = broker.bootstrapServers();
            createTopics(admin);

            // Raw broker rates: the same records, serialized beforehand, through a plain producer (the sources'
            // settings: idempotent, acks=all, lz4) and a read_committed consumer.
            List<byte[]> values = bulk.stream().map(Json::write).toList();
            long t0 = System.nanoTime();
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                    KafkaProducers.idempotent(bootstrap, "hashwatch-bench", Map.of(), Map.of()))) {
                for (byte[] v : values) {
                    producer.send(new ProducerRecord<>(RAW, network, v));
                }
                producer.flush();
            }
            double produceSeconds = (System.nanoTime() - t0) / 1e9;
            line("headers: broker produce (idempotent, acks=all, lz4; serialized beforehand): %,.0f records/s, %.1f MB/s"
                    + " (%,d records, %.1f MB of JSON)", bulk.size() / produceSeconds, bytes / 1e6 / produceSeconds,
                    bulk.size(), bytes / 1e6);
            double consumeSeconds = consumeAll(bootstrap, RAW, bulk.size());
            line("headers: broker consume (read_committed): %,.0f records/s, %.1f MB/s",
                    bulk.size() / consumeSeconds, bytes / 1e6 / consumeSeconds);
            t0 = System.nanoTime();
            try (HeaderPublisher publisher = new HeaderPublisher(bootstrap, Map.of())) {
                publisher.publish(bulk, Pacing.asFastAsPossible());
            }
            line("headers: the file source's publisher (HeaderPublisher: parse, JSON, send) to the headers topic:"
                    + " %,.0f headers/s", bulk.size() / ((System.nanoTime() - t0) / 1e9));

            Measured ceiling = measure(admin, settings(bootstrap, "bench-passthrough", dir, throughputCommitMs),
                    PassThroughTopology.build(Topics.HEADERS.name(), PASSTHROUGH_OUT, HeaderRecord.class),
                    Topics.HEADERS.name(), bulk.size());
            line("headers: ceiling, pass-through Streams app (parse JSON, one RocksDB put, emit): sustained %,.0f"
                            + " records/s, end to end %,.0f records/s (%,d in %.2f s after %.1f s start-up); %s",
                    ceiling.sustained(), ceiling.perSecond(), ceiling.records(), ceiling.processing().toNanos() / 1e9,
                    ceiling.startup().toNanos() / 1e9, ceiling.cpu());

            StreamsSettings fullSettings = settings(bootstrap, StreamsSettings.DEFAULT_APPLICATION_ID, dir,
                    throughputCommitMs);
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            try (HashwatchStreams full = new HashwatchStreams(fullSettings, EconomicsSettings.defaults(), registry)) {
                Measured m = measure(admin, full.kafkaStreams(), fullSettings.applicationId(),
                        Topics.inputs().stream().map(Topic::name).toList(), Topics.HEADERS.name(), bulk.size());
                long out = outputRecords(admin);
                line("headers: full topology, headers/s: %s (%,d headers in %.2f s after %.1f s start-up; %,d records"
                                + " on the output topics, %.1f per header); %s", m.against(ceiling), m.records(),
                        m.processing().toNanos() / 1e9, m.startup().toNanos() / 1e9, out, (double) out / m.records(),
                        m.cpu());
            }
            if (latency && !live.isEmpty()) {
                // Both apps again, resuming from their committed state, with run's commit interval.
                latency(bootstrap, settings(bootstrap, "bench-passthrough", dir, latencyCommitMs),
                        settings(bootstrap, StreamsSettings.DEFAULT_APPLICATION_ID, dir, latencyCommitMs), live);
            }
        } finally {
            PathChecks.deleteRecursively(dir);
        }
    }

    private static void createTopics(Admin admin) throws Exception {
        TopicSetup.createAll(admin, 1, Optional.of((short) 1), Duration.ofSeconds(60));
        admin.createTopics(List.of(new NewTopic(PASSTHROUGH_OUT, 1, (short) 1), new NewTopic(RAW, 1, (short) 1)))
                .all().get(60, TimeUnit.SECONDS);
    }

    private StreamsSettings settings(String bootstrap, String applicationId, Path dir, long commitMs) {
        return new StreamsSettings(bootstrap, applicationId, dir.resolve("streams").toAbsolutePath(), 1, commitMs,
                streamsConfig);
    }

    private static long outputRecords(Admin admin) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        admin.describeTopics(Topics.outputs().stream().map(Topic::name).toList()).allTopicNames()
                .get(60, TimeUnit.SECONDS).values().forEach(d -> d.partitions().forEach(p ->
                        latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
        // End offsets count the transaction markers too: one per partition per transaction, a small share.
        return admin.listOffsets(latest).all().get(60, TimeUnit.SECONDS).values().stream()
                .mapToLong(i -> i.offset()).sum();
    }

    private static double consumeAll(String bootstrap, String topic, long expected) {
        Properties p = consumerProperties(bootstrap);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
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

    private static Properties consumerProperties(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return p;
    }

    private static Measured measure(Admin admin, StreamsSettings settings, Topology topology, String input,
                                    long records) throws Exception {
        try (KafkaStreams streams = new KafkaStreams(topology, settings.toProperties())) {
            return measure(admin, streams, settings.applicationId(), List.of(input), input, records);
        }
    }

    /** From start to RUNNING (start-up), then until every input record is committed (processing). */
    /**
     * @param main the input whose committed progress gives the sustained rate; it holds {@code records} records
     */
    private static Measured measure(Admin admin, KafkaStreams streams, String applicationId, List<String> inputs,
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
        CommittedOffsets.await(admin, applicationId, streams, inputs, failure, OFFSET_POLL, (t, offsets) ->
                progress.add(new long[] {t, offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(main))
                        .mapToLong(Map.Entry::getValue).sum()}));
        long t2 = System.nanoTime();
        return new Measured(Duration.ofNanos(t1 - t0), Duration.ofNanos(t2 - t1), records,
                Duration.ofNanos(processCpuNanos() - cpu0), Duration.ofNanos(threadCpuNanos(streamThreads) - threadCpu0),
                rateBetween(progress, records / 10, records - records / 10));
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

    private static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("the streams app did not reach RUNNING: " + streams.state());
            }
            Thread.sleep(5);
        }
    }

    /**
     * Sends the held-back headers one at a time (each flushed, as a live source does) at the given rate, and times
     * each until (a) its record is on the pass-through app's output, (b) its hashrate record is, both seen by
     * read_committed consumers, and (c) the tip-height gauge on a real /metrics endpoint shows it.
     */
    private void latency(String bootstrap, StreamsSettings ceilingSettings, StreamsSettings fullSettings,
                         List<HeaderRecord> live) throws Exception {
        Map<Long, Long> sent = new ConcurrentHashMap<>();
        Map<Long, Long> ceilingSeen = new ConcurrentHashMap<>();
        Map<Long, Long> hashrateSeen = new ConcurrentHashMap<>();
        Map<Long, Long> gaugeSeen = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Long> scrapeNanos = new ArrayList<>();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (KafkaStreams ceiling = new KafkaStreams(PassThroughTopology.build(Topics.HEADERS.name(),
                PASSTHROUGH_OUT, HeaderRecord.class), ceilingSettings.toProperties());
             HashwatchStreams full = new HashwatchStreams(fullSettings, EconomicsSettings.defaults(), registry);
             MetricsServer server = new MetricsServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                     registry)) {
            ceiling.start();
            full.start();
            awaitRunning(ceiling);
            awaitRunning(full.kafkaStreams());
            List<Thread> threads = new ArrayList<>();
            threads.add(tail(bootstrap, PASSTHROUGH_OUT, stop, ceilingSeen,
                    r -> Json.read(r.value(), HeaderRecord.class).height()));
            threads.add(tail(bootstrap, Topics.HASHRATE.name(), stop, hashrateSeen,
                    r -> Long.parseLong(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8)
                            .substring(network.length() + 1))));
            URI metrics = URI.create("http://127.0.0.1:" + server.address().getPort() + "/metrics");
            long before = live.get(0).height() - 1;
            Thread scraper = new Thread(() -> scrape(metrics, before, stop, gaugeSeen, scrapeNanos),
                    "bench-scraper");
            threads.add(scraper);
            threads.forEach(Thread::start);
            Thread.sleep(2_000); // consumers assigned and at the end, scraper warm

            Map<String, Object> producerConfig = HeaderPublisher.producerConfig(bootstrap, Map.of());
            long intervalNanos = (long) (1e9 / latencyRate);
            // The first tenth warms up the apps just restarted (JIT, first transactions) and is not counted.
            int warmUp = live.size() / 10;
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig)) {
                long start = System.nanoTime();
                for (int i = 0; i < live.size(); i++) {
                    long due = start + i * intervalNanos;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    HeaderRecord r = live.get(i);
                    long blockTimeMs = BlockHeader.fromHex(r.headerHex()).time() * 1000;
                    if (i >= warmUp) {
                        sent.put(r.height(), System.nanoTime());
                    }
                    producer.send(new ProducerRecord<>(Topics.HEADERS.name(), null, blockTimeMs, r.network(),
                            Json.write(r)));
                    producer.flush();
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(ceilingSeen.keySet().containsAll(sent.keySet()) && hashrateSeen.keySet().containsAll(sent.keySet())
                    && gaugeSeen.keySet().containsAll(sent.keySet())) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            stop.set(true);
            for (Thread t : threads) {
                t.join(5_000);
            }
        }
        double meanScrapeMs = scrapeNanos.stream().mapToLong(Long::longValue).average().orElse(0) / 1e6;
        line("latency: %d headers at %.0f/s (the first %d not counted: warm-up), each sent and flushed alone; streams"
                        + " commit interval %d ms, producer linger.ms %s, caching only on the stores rewritten under"
                        + " one key",
                live.size(), latencyRate, live.size() / 10,
                ceilingSettings.commitIntervalMs(), ceilingSettings.toProperties().get("producer.linger.ms"));
        line("latency: ceiling, pass-through app -> read_committed consumer: %s", percentiles(sent, ceilingSeen));
        line("latency: full topology -> hashrate record, read_committed consumer: %s",
                percentiles(sent, hashrateSeen));
        line("latency: full topology -> hashwatch_tip_height on /metrics: %s (scraped every %.1f ms on average)",
                percentiles(sent, gaugeSeen), meanScrapeMs + 2);
    }

    private static Thread tail(String bootstrap, String topic, AtomicBoolean stop, Map<Long, Long> seen,
                               Function<ConsumerRecord<byte[], byte[]>, Long> height) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(bootstrap),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return new Thread(() -> {
            try (consumer) {
                while (!stop.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        seen.putIfAbsent(height.apply(r), System.nanoTime());
                    }
                }
            }
        }, "bench-tail-" + topic);
    }

    private void scrape(URI metrics, long highestBefore, AtomicBoolean stop, Map<Long, Long> seen,
                        List<Long> scrapeNanos) {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(metrics).GET().build();
        long highest = highestBefore;
        while (!stop.get()) {
            try {
                long t0 = System.nanoTime();
                String body = client.send(request, HttpResponse.BodyHandlers.ofString()).body();
                long now = System.nanoTime();
                scrapeNanos.add(now - t0);
                Matcher m = TIP_HEIGHT.matcher(body);
                while (m.find()) {
                    if (m.group(1).equals(network)) {
                        long tip = (long) Double.parseDouble(m.group(2));
                        for (long h = highest + 1; h <= tip; h++) {
                            seen.putIfAbsent(h, now);
                        }
                        highest = Math.max(highest, tip);
                    }
                }
                Thread.sleep(2);
            } catch (IOException e) {
                log.warn("scraping {} failed: {}", metrics, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String percentiles(Map<Long, Long> sent, Map<Long, Long> seen) {
        long[] ms = sent.entrySet().stream().filter(e -> seen.containsKey(e.getKey()))
                .mapToLong(e -> seen.get(e.getKey()) - e.getValue()).sorted().toArray();
        if (ms.length == 0) {
            return "no record seen";
        }
        return String.format("p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d of %d seen)", pct(ms, 0.50) / 1e6,
                pct(ms, 0.99) / 1e6, ms[ms.length - 1] / 1e6, ms.length, sent.size());
    }

    private static double pct(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    // ---------------------------------------------------------------- ticks

    private void ticks() throws Exception {
        List<PriceTick> generated = generateTicks(ticks);
        Path dir = Files.createTempDirectory("hashwatch-bench-ticks-");
        try (EmbeddedKafka broker = EmbeddedKafka.start(dir.resolve("kafka"), 0);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     broker.bootstrapServers()))) {
            String bootstrap = broker.bootstrapServers();
            createTopics(admin);
            long t0 = System.nanoTime();
            try (PricePublisher publisher = new PricePublisher(bootstrap, Map.of())) {
                generated.forEach(publisher);
                publisher.flush();
            }
            double produceSeconds = (System.nanoTime() - t0) / 1e9;
            line("ticks: broker produce (PricePublisher): %,.0f ticks/s", generated.size() / produceSeconds);
            Measured ceiling = measure(admin, settings(bootstrap, "bench-passthrough", dir, throughputCommitMs),
                    PassThroughTopology.build(Topics.PRICES.name(), PASSTHROUGH_OUT, PriceTick.class),
                    Topics.PRICES.name(), generated.size());
            line("ticks: ceiling, pass-through Streams app: sustained %,.0f ticks/s, end to end %,.0f ticks/s (%,d in"
                            + " %.2f s); %s", ceiling.sustained(), ceiling.perSecond(), ceiling.records(),
                    ceiling.processing().toNanos() / 1e9, ceiling.cpu());
            StreamsSettings fullSettings = settings(bootstrap, StreamsSettings.DEFAULT_APPLICATION_ID, dir,
                    throughputCommitMs);
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            try (HashwatchStreams full = new HashwatchStreams(fullSettings, EconomicsSettings.defaults(), registry)) {
                Measured m = measure(admin, full.kafkaStreams(), fullSettings.applicationId(),
                        Topics.inputs().stream().map(Topic::name).toList(), Topics.PRICES.name(), generated.size());
                line("ticks: full topology (validation, conflation per exchange and minute, repartition by pair,"
                                + " one-minute reference price, economics price history), ticks/s: %s (%,d in %.2f s;"
                                + " %,d reference prices); %s", m.against(ceiling), m.records(),
                        m.processing().toNanos() / 1e9, endOffset(admin, Topics.REFERENCE_PRICES.name()), m.cpu());
            }
        } finally {
            PathChecks.deleteRecursively(dir);
        }
    }

    private static long endOffset(Admin admin, String topic) throws Exception {
        return admin.listOffsets(Map.of(new TopicPartition(topic, 0), OffsetSpec.latest())).all()
                .get(60, TimeUnit.SECONDS).values().iterator().next().offset();
    }

    /**
     * Three exchanges taking turns, one trade each about every second, around a common random walk with a little
     * noise per exchange: what a live feed of BTC-USD looks like, only faster.
     */
    static List<PriceTick> generateTicks(int count) {
        SplittableRandom random = new SplittableRandom(42);
        String[] exchanges = {"coinbase", "kraken", "bitstamp"};
        long start = 1_735_689_600_000L; // 2025-01-01T00:00Z
        double price = 95_000;
        List<PriceTick> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            price *= 1 + (random.nextDouble() - 0.5) * 0.0004;
            double quote = Math.round(price * (1 + (random.nextDouble() - 0.5) * 0.001) * 100) / 100.0;
            long trade = start + i * 333L;
            out.add(new PriceTick(exchanges[i % 3], "BTC-USD", quote, 0.01, trade, trade + 40,
                    Integer.toString(i)));
        }
        return out;
    }

    // ---------------------------------------------------------------- memory

    private void memory(HeaderFileSource source) throws Exception {
        Path dir = Files.createTempDirectory("hashwatch-bench-run-");
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(memoryJavaOpts.trim().split("\\s+")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Hashwatch.class.getName(), "run",
                "--headers", source.file().toAbsolutePath().toString(), "--start-height",
                Long.toString(source.startHeight()), "--network", network, "--exchanges", "none",
                "--alerts-port", "-1", "--metrics-port", Integer.toString(port), "--data-dir", dir.toString()));
        Path logFile = dir.resolve("run.log");
        Process run = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
        long t0 = System.nanoTime();
        try {
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build();
            long deadline = t0 + TimeUnit.MINUTES.toNanos(10);
            long tip = -1;
            while (tip < source.lastHeight()) {
                if (!run.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("`run` " + (run.isAlive() ? "did not reach the last header"
                            : "exited with " + run.exitValue()) + "; its log: " + logFile);
                }
                Thread.sleep(500);
                try {
                    Matcher m = TIP_HEIGHT.matcher(client.send(request, HttpResponse.BodyHandlers.ofString()).body());
                    while (m.find()) {
                        tip = Math.max(tip, (long) Double.parseDouble(m.group(2)));
                    }
                } catch (IOException e) {
                    // not listening yet
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(5_000); // let the last commit, flushes and compactions settle before reading RSS and sizes
            Map<String, String> status = procStatus(run.pid());
            line("memory: `run` (%s, embedded broker, file replay) reached height %d %.1f s after start: peak RSS"
                            + " %s, RSS now %s; on disk: streams state %s, broker %s", memoryJavaOpts,
                    source.lastHeight(), seconds, status.getOrDefault("VmHWM", "?"),
                    status.getOrDefault("VmRSS", "?"), mib(size(dir.resolve("streams"))),
                    mib(size(dir.resolve("kafka"))));
        } finally {
            run.destroy();
            if (!run.waitFor(60, TimeUnit.SECONDS)) {
                run.destroyForcibly();
            }
            PathChecks.deleteRecursively(dir);
        }
    }

    private static Map<String, String> procStatus(long pid) throws IOException {
        Map<String, String> out = new java.util.HashMap<>();
        Path status = Path.of("/proc", Long.toString(pid), "status");
        if (!Files.exists(status)) {
            return out;
        }
        for (String l : Files.readAllLines(status)) {
            int colon = l.indexOf(':');
            if (colon > 0) {
                String kb = l.substring(colon + 1).trim();
                if (kb.endsWith(" kB")) {
                    out.put(l.substring(0, colon), mib(Long.parseLong(kb.substring(0, kb.length() - 3).trim())
                            * 1024));
                }
            }
        }
        return out;
    }

    private static long size(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    private static String mib(long bytes) {
        return String.format("%.0f MiB", bytes / 1048576.0);
    }
}
