package io.hashwatch.launcher;

import io.hashwatch.HashwatchStreams;
import io.hashwatch.config.StreamsSettings;
import io.hashwatch.model.Topics;
import io.hashwatch.model.Topics.Topic;
import io.hashwatch.source.HeaderReplay;
import io.hashwatch.source.HeaderPublisher;
import io.hashwatch.source.KafkaProducers;
import io.hashwatch.source.Pacing;
import io.hashwatch.source.price.PriceCsvSource;
import io.hashwatch.source.price.PricePublisher;
import io.hashwatch.source.price.PriceReplay;
import io.hashwatch.config.EconomicsSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import io.hashwatch.model.PriceTick;
import io.hashwatch.pools.PoolList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hashwatch backfill}: the same topology as {@code run}, over a header file, to JSON-lines files. Starts an
 * embedded broker on a fresh data dir, publishes every header as fast as possible, waits until the streams app has
 * committed the whole headers topic; each output topic is written to {@code OUT/<topic>.jsonl} meanwhile (see
 * {@link TopicExporter} for the line format) and prints a summary.
 */
@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = {"Run the hashwatch topology over a header file and write every output topic to"
                + " OUT/<topic>.jsonl.",
            "Uses an embedded Kafka broker on a fresh temporary directory (deleted afterwards) unless --data-dir is"
                + " given (then it must not hold a broker yet, and it is kept)."})
public final class BackfillCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(BackfillCommand.class);
    static final String APPLICATION_ID = "hashwatch-backfill";
    /** Partitions of every topic on backfill's broker, the app's internal ones too (their counts must agree). */
    private static final int PARTITIONS = 1;
    /**
     * A long backfill's commit interval: fewer, larger transactions than run's, since nobody watches its latency (the
     * 190,000 real headers: about 30% more headers/s than at 100 ms).
     */
    public static final long COMMIT_INTERVAL_MS = 1000;
    /**
     * Up to this many headers a backfill commits as often as run does: a short one waits on its commits, not on the
     * work (a header crosses three repartition topics, each read after the commit that wrote it).
     */
    static final long SHORT_BACKFILL_HEADERS = 20_000;
    private static final List<String> INPUT_TOPICS = Topics.inputs().stream().map(Topic::name).toList();
    private static final Duration POLL = Duration.ofMillis(100);

    @Spec
    CommandSpec spec;

    @Mixin
    HeaderFileOptions file;

    @Mixin
    LogOptions logging;

    @Option(names = "--prices", paramLabel = "FILE",
            description = "BTC-USD OHLC price file (CSV: daily, hourly or minute bars), one tick per bar close;"
                    + " repeat for several sources (the reference price is their median). Prices are processed"
                    + " before the headers, so every block finds the price of its own time.")
    List<Path> prices = new ArrayList<>();

    @Mixin
    EconomicsOption economics;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "Directory for the <topic>.jsonl files (created; files there are replaced).")
    Path out;

    @Option(names = "--openmetrics", paramLabel = "FILE",
            description = "Also write the history of the gauges as OpenMetrics with the blocks' own timestamps, for"
                    + " promtool tsdb create-blocks-from openmetrics FILE DIR.")
    Path openMetrics;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep the broker and streams state here instead of a temporary directory.")
    Path dataDir;

    @Option(names = "--commit-interval-ms", paramLabel = "MS", hidden = true,
            description = "Streams commit interval (default: run's for up to " + SHORT_BACKFILL_HEADERS + " headers, "
                    + COMMIT_INTERVAL_MS + " ms beyond).")
    Long commitIntervalMs;

    /** The commit interval for a backfill of {@code headers} headers, unless one is given. */
    static long commitIntervalMs(long headers) {
        return headers <= SHORT_BACKFILL_HEADERS ? StreamsSettings.DEFAULT_COMMIT_INTERVAL_MS : COMMIT_INTERVAL_MS;
    }

    /**
     * Client settings for a backfill of {@code headers} headers. A short one waits on each repartition hop: a
     * read_committed fetch that found nothing waits up to {@code fetch.max.wait.ms} (500 ms) even once a commit made
     * records readable, so its three hops are read at 50 ms (a 1,000-header backfill: about 1 s less,
     * docs/performance.md). A long one always finds records waiting, and its producers linger for the commit
     * interval: with exactly-once nothing is read before the commit, which flushes what lingers, so the batches fill
     * (the 190,000 headers: about 5% shorter than at run's 20 ms). Not for {@code run}: its broker-outage test lost
     * records once with it (docs/performance.md).
     */
    static Map<String, String> streamsOverrides(long headers, long commitIntervalMs) {
        return headers <= SHORT_BACKFILL_HEADERS ? Map.of(StreamsConfig.MAIN_CONSUMER_PREFIX
                + ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50")
                : Map.of(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG),
                        String.valueOf(commitIntervalMs));
    }

    /**
     * What a backfill did.
     *
     * @param pipeline   from the first header published until the streams app had committed them all
     * @param processing the part of it after the app's start-up (its first RUNNING; it starts while the headers
     *                   are published): the rate beyond start-up
     */
    record Summary(long headersIn, Map<String, Long> recordsOut, Duration elapsed, Duration pipeline,
                   Duration processing) {
        /** Over the whole command: broker start, topics, publish, processing, export. */
        double headersPerSecond() {
            return rate(elapsed);
        }

        double pipelineHeadersPerSecond() {
            return rate(pipeline);
        }

        double processingHeadersPerSecond() {
            return rate(processing);
        }

        private double rate(Duration d) {
            double s = d.toNanos() / 1e9;
            return s > 0 ? headersIn / s : 0;
        }
    }

    @Override
    public Integer call() throws Exception {
        HeaderReplay source = file.open();
        List<PriceCsvSource> priceSources = new ArrayList<>();
        for (Path file : prices) {
            PathChecks.checkReadableFile(file, "--prices");
            try {
                priceSources.add(PriceCsvSource.read(file));
            } catch (IllegalArgumentException | UncheckedIOException e) {
                throw new UsageException("--prices " + file + ": " + e.getMessage());
            }
        }
        EconomicsSettings economicsSettings = economics.settings();
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UsageException("--out " + out + " is a file, not a directory");
        }
        boolean temporary = dataDir == null;
        Path data;
        if (temporary) {
            data = Files.createTempDirectory("hashwatch-backfill-");
        } else {
            if (Files.exists(dataDir.resolve("kafka").resolve("logs").resolve("meta.properties"))) {
                throw new UsageException("--data-dir " + dataDir + " already holds a Kafka broker; backfill needs a"
                        + " fresh directory (remove it or choose another)");
            }
            data = dataDir;
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UsageException("cannot create --out directory " + out + ": " + e.getMessage());
        }
        // A temporary data directory is deleted at the end: Kafka's log is kept beside the outputs then.
        logging.sendKafkaLogsTo(temporary ? out : data.resolve("logs"));
        try {
            Summary summary = backfill(source, priceSources, economicsSettings, data);
            print(summary, source);
            if (openMetrics != null) {
                long samples = OpenMetricsHistory.write(out, openMetrics);
                spec.commandLine().getOut().printf("  %-24s %8d samples -> %s%n", "openmetrics", samples,
                        openMetrics);
                spec.commandLine().getOut().flush();
            }
            return 0;
        } finally {
            if (temporary) {
                PathChecks.deleteRecursively(data);
            }
        }
    }

    private Summary backfill(HeaderReplay source, List<PriceCsvSource> priceSources,
                             EconomicsSettings economicsSettings, Path data) throws Exception {
        long t0 = System.nanoTime();
        log.info("backfill of {} headers {}..{} from {}", source.count(), source.startHeight(), source.lastHeight(),
                source.file());
        List<String> outputs = Topics.outputs().stream().map(Topic::name).toList();
        PoolList pools = PoolList.bundled();
        HashwatchStreams.warmUpInBackground(economicsSettings, pools);
        try (EmbeddedKafka broker = EmbeddedKafka.start(data.resolve("kafka"), 0);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     broker.bootstrapServers()))) {
            String bootstrap = broker.bootstrapServers();
            // The group and transaction coordinators' topics are created on their first lookup: looked up now, they
            // load while the topics are created, not during the streams app's first rebalance and commit.
            admin.describeConsumerGroups(List.of(APPLICATION_ID));
            admin.describeTransactions(List.of(APPLICATION_ID));
            long commitMs = commitIntervalMs != null ? commitIntervalMs : commitIntervalMs(source.count());
            StreamsSettings settings = new StreamsSettings(bootstrap, APPLICATION_ID,
                    data.resolve("streams").toAbsolutePath(), 1, commitMs, streamsOverrides(source.count(), commitMs));
            AtomicReference<Throwable> streamsFailure = new AtomicReference<>();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            HashwatchStreams streams = new HashwatchStreams(settings, economicsSettings, pools, registry);
            try {
                // The broker is fresh: the app's internal topics are created with its own, not in its first
                // rebalance.
                TopicSetup.createAll(admin, PARTITIONS, Optional.of((short) 1), Duration.ofSeconds(60),
                        streams.internalTopics(PARTITIONS, (short) 1));
                // Following the outputs from the start, the export is done soon after the last commit.
                try (TopicExporter exporter = new TopicExporter(bootstrap, Map.of(), out, outputs)) {
                    streams.kafkaStreams().setUncaughtExceptionHandler(e -> {
                        streamsFailure.compareAndSet(null, e);
                        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
                    });
                    streams.start();
                    Runnable awaitCommitted = () -> awaitCommitted(admin, streams, streamsFailure);
                    if (!priceSources.isEmpty()) {
                        replayPrices(priceSources, bootstrap);
                        awaitCommitted.run();
                    }
                    long publishStart = System.nanoTime();
                    long published;
                    try (HeaderPublisher publisher = new HeaderPublisher(bootstrap, Map.of())) {
                        published = publisher.publish(source, Pacing.asFastAsPossible()).published();
                    }
                    awaitCommitted.run();
                    long processed = System.nanoTime();
                    Duration pipeline = Duration.ofNanos(processed - publishStart);
                    Duration processing = Duration.ofNanos(processed - Math.max(publishStart,
                            streams.firstRunningNanos().orElse(publishStart)));
                    long exportStart = System.nanoTime();
                    Map<String, Long> exported = exporter.finish(Duration.ofMinutes(2));
                    log.info("streams app processed all {} headers {} s after the first was published, {} s after its"
                            + " start-up; the export to {} was done {} ms later", published, String.format("%.1f",
                            pipeline.toMillis() / 1000.0), String.format("%.1f", processing.toMillis() / 1000.0),
                            out, (System.nanoTime() - exportStart) / 1_000_000);
                    Map<String, Long> counts = new LinkedHashMap<>();
                    outputs.forEach(t -> counts.put(t, exported.get(t)));
                    return new Summary(published, counts, Duration.ofNanos(System.nanoTime() - t0), pipeline,
                            processing);
                }
            } finally {
                streams.close();
                registry.close();
            }
        }
    }

    /**
     * Publishes every price file's ticks, merged in trade-time order: the reference price works in event time, and
     * a second file replayed after the first would be late for every one of its minutes.
     */
    private static void replayPrices(List<PriceCsvSource> priceSources, String bootstrap) {
        List<PriceTick> merged = new ArrayList<>();
        priceSources.forEach(p -> p.forEach(merged::add));
        merged.sort(Comparator.comparingLong(PriceTick::tradeTimeMs));
        // The prices topic was just created: the replay once lost a tick as the header publisher did (its batch
        // expired unsent after 120 s; BackfillIntegrationTest in CI, 2026-12-07), and the backfill failed.
        try (PricePublisher publisher = new PricePublisher(bootstrap, KafkaProducers.ONE_REQUEST_IN_FLIGHT)) {
            long ticks = new PriceReplay().replay(merged, publisher, Pacing.asFastAsPossible()).published();
            publisher.flush();
            log.info("{} price ticks from {} file(s) published", ticks, priceSources.size());
        }
    }

    private static void awaitCommitted(Admin admin, HashwatchStreams streams, AtomicReference<Throwable> failure) {
        try {
            CommittedOffsets.await(admin, APPLICATION_ID, streams.kafkaStreams(), INPUT_TOPICS, failure, POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the streams app", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the streams app's progress: " + e.getMessage(), e);
        }
    }

    private void print(Summary s, HeaderReplay source) {
        PrintWriter w = spec.commandLine().getOut();
        w.printf("backfill of %s (%s %d..%d): %d headers in %.1f s, %.0f headers/s"
                        + " (publish to all processed: %.1f s, %.0f headers/s; beyond the streams app's start-up:"
                        + " %.1f s, %.0f headers/s)%n", source.file(), source.network(), source.startHeight(),
                source.lastHeight(), s.headersIn(), s.elapsed().toMillis() / 1000.0, s.headersPerSecond(),
                s.pipeline().toMillis() / 1000.0, s.pipelineHeadersPerSecond(), s.processing().toMillis() / 1000.0,
                s.processingHeadersPerSecond());
        for (Map.Entry<String, Long> e : s.recordsOut().entrySet()) {
            w.printf("  %-24s %8d records -> %s%n", e.getKey(), e.getValue(), out.resolve(e.getKey() + ".jsonl"));
        }
        w.flush();
    }
}
