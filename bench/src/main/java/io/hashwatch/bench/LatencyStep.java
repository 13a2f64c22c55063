package io.hashwatch.bench;

import io.hashwatch.HashwatchStreams;
import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.config.EconomicsSettings;
import io.hashwatch.config.StreamsSettings;
import io.hashwatch.http.MetricsServer;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.Topics;
import io.hashwatch.source.HeaderPublisher;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latency step: the headers held back from the headers step, sent one at a time (each flushed, as a live source
 * does) at a live-like rate, each timed until (a) its record is on the pass-through app's output, (b) its hashrate
 * record is, both seen by read_committed consumers, and (c) the tip-height gauge on a real /metrics endpoint shows
 * it. Both apps resume from the state the headers step committed, with run's commit interval.
 */
final class LatencyStep {
    private static final Logger log = LoggerFactory.getLogger(LatencyStep.class);

    private final Report report;
    private final int headers;
    private final double perSecond;
    private final long commitIntervalMs;

    LatencyStep(Report report, int headers, double perSecond, long commitIntervalMs) {
        this.report = report;
        this.headers = headers;
        this.perSecond = perSecond;
        this.commitIntervalMs = commitIntervalMs;
    }

    /** How many of the file's last headers to hold back from the headers step: at most half of them. */
    int headersHeldBack(int fileHeaders) {
        return Math.min(headers, fileHeaders / 2);
    }

    void run(BenchBroker broker, List<HeaderRecord> live) throws Exception {
        String network = live.get(0).network();
        StreamsSettings ceilingSettings = broker.streamsSettings(PassThroughTopology.APPLICATION_ID, commitIntervalMs);
        StreamsSettings fullSettings = broker.streamsSettings(StreamsSettings.DEFAULT_APPLICATION_ID,
                commitIntervalMs);
        Map<Long, Long> sent = new ConcurrentHashMap<>();
        Map<Long, Long> ceilingSeen = new ConcurrentHashMap<>();
        Map<Long, Long> hashrateSeen = new ConcurrentHashMap<>();
        Map<Long, Long> gaugeSeen = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Long> scrapeNanos = new ArrayList<>();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (KafkaStreams ceiling = new KafkaStreams(PassThroughTopology.build(Topics.HEADERS.name(),
                PassThroughTopology.OUTPUT, HeaderRecord.class), ceilingSettings.toProperties());
             HashwatchStreams full = new HashwatchStreams(fullSettings, EconomicsSettings.defaults(), registry);
             MetricsServer server = new MetricsServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                     registry)) {
            ceiling.start();
            full.start();
            ThroughputMeter.awaitRunning(ceiling);
            ThroughputMeter.awaitRunning(full.kafkaStreams());
            List<Thread> threads = new ArrayList<>();
            threads.add(tail(broker, PassThroughTopology.OUTPUT, stop, ceilingSeen,
                    r -> Json.read(r.value(), HeaderRecord.class).height()));
            threads.add(tail(broker, Topics.HASHRATE.name(), stop, hashrateSeen,
                    r -> Long.parseLong(new String(r.key(), StandardCharsets.UTF_8).substring(network.length() + 1))));
            URI metrics = URI.create("http://127.0.0.1:" + server.address().getPort() + "/metrics");
            long before = live.get(0).height() - 1;
            threads.add(new Thread(() -> scrape(metrics, network, before, stop, gaugeSeen, scrapeNanos),
                    "bench-scraper"));
            threads.forEach(Thread::start);
            Thread.sleep(2_000); // consumers assigned and at the end, scraper warm

            send(broker, live, sent);
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
        report.line("latency: %d headers at %.0f/s (the first %d not counted: warm-up), each sent and flushed alone;"
                        + " streams commit interval %d ms, producer linger.ms %s, caching only on the stores rewritten"
                        + " under one key", live.size(), perSecond, live.size() / 10,
                ceilingSettings.commitIntervalMs(), ceilingSettings.toProperties().get("producer.linger.ms"));
        report.line("latency: ceiling, pass-through app -> read_committed consumer: %s", percentiles(sent, ceilingSeen));
        report.line("latency: full topology -> hashrate record, read_committed consumer: %s",
                percentiles(sent, hashrateSeen));
        // The scraper sleeps 2 ms between scrapes.
        report.line("latency: full topology -> hashwatch_tip_height on /metrics: %s (scraped every %.1f ms on"
                + " average)", percentiles(sent, gaugeSeen), meanScrapeMs + 2);
    }

    /** Sends at the step's rate, noting when each header after the warm-up went out. */
    private void send(BenchBroker broker, List<HeaderRecord> live, Map<Long, Long> sent) throws Exception {
        long intervalNanos = (long) (1e9 / perSecond);
        // The first tenth warms up the apps just restarted (JIT, first transactions) and is not counted.
        int warmUp = live.size() / 10;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                HeaderPublisher.producerConfig(broker.bootstrapServers(), Map.of()))) {
            long start = System.nanoTime();
            for (int i = 0; i < live.size(); i++) {
                long wait = start + i * intervalNanos - System.nanoTime();
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
    }

    /** A thread noting when each height first shows up on {@code topic}, from its current end on. */
    private static Thread tail(BenchBroker broker, String topic, AtomicBoolean stop, Map<Long, Long> seen,
                               ToLongFunction<ConsumerRecord<byte[], byte[]>> height) {
        KafkaConsumer<byte[], byte[]> consumer = broker.readCommittedConsumer(topic);
        consumer.seekToEnd(consumer.assignment());
        // Resolve the end now, not at the first poll: what is sent from here on is what gets timed.
        consumer.assignment().forEach(consumer::position);
        return new Thread(() -> {
            try (consumer) {
                while (!stop.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        seen.putIfAbsent(height.applyAsLong(r), System.nanoTime());
                    }
                }
            }
        }, "bench-tail-" + topic);
    }

    /** Scrapes /metrics until stopped, noting when the tip height first reached each height above {@code from}. */
    private static void scrape(URI metrics, String network, long from, AtomicBoolean stop, Map<Long, Long> seen,
                               List<Long> scrapeNanos) {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(metrics).GET().build();
        long highest = from;
        while (!stop.get()) {
            try {
                long t0 = System.nanoTime();
                String body = client.send(request, HttpResponse.BodyHandlers.ofString()).body();
                long now = System.nanoTime();
                scrapeNanos.add(now - t0);
                long tip = TipHeightGauge.of(body, network);
                for (long h = highest + 1; h <= tip; h++) {
                    seen.putIfAbsent(h, now);
                }
                highest = Math.max(highest, tip);
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
        long[] nanos = sent.entrySet().stream().filter(e -> seen.containsKey(e.getKey()))
                .mapToLong(e -> seen.get(e.getKey()) - e.getValue()).sorted().toArray();
        if (nanos.length == 0) {
            return "no record seen";
        }
        return String.format("p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d of %d seen)", percentile(nanos, 0.50) / 1e6,
                percentile(nanos, 0.99) / 1e6, nanos[nanos.length - 1] / 1e6, nanos.length, sent.size());
    }

    private static double percentile(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
