package io.hashwatch.bench;

import io.hashwatch.HashwatchStreams;
import io.hashwatch.api.Api;
import io.hashwatch.config.EconomicsSettings;
import io.hashwatch.config.StreamsSettings;
import io.hashwatch.http.HttpEndpoints;
import io.hashwatch.http.MetricsServer;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.pools.PoolList;
import io.hashwatch.source.HeaderFileSource;
import io.hashwatch.source.HeaderPublisher;
import io.hashwatch.source.Pacing;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.StreamSupport;
import org.HdrHistogram.AtomicHistogram;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The api step: concurrent clients on loopback against the HTTP API's mempool.space endpoints and {@code /metrics}
 * of one streams instance, while that instance backfills the rest of the header file. The first
 * {@link #PRELOAD_SHARE} of the file is processed first, so that the API has a chain to answer from; the clients
 * then run for a bounded time with nothing else running (the ceiling, in the same run), and again while the remaining
 * headers are published and processed. Prints requests/s, p50 and p99 per kind, and every answer other than 200 as
 * an error.
 */
final class ApiStep {
    static final double PRELOAD_SHARE = 0.2;
    private static final List<String> MEMPOOL_PATHS = List.of("/api/blocks/tip/height", "/api/blocks/tip/hash",
            "/api/v1/difficulty-adjustment", "/api/v1/mining/hashrate/1m", "/api/v1/mining/difficulty-adjustments/1y",
            "/api/v1/mining/pools/1w", "/api/v1/mining/reward-stats/144");

    private final Report report;
    private final int clients;
    private final Duration duration;
    private final long commitIntervalMs;

    ApiStep(Report report, int clients, Duration duration, long commitIntervalMs) {
        this.report = report;
        this.clients = clients;
        this.duration = duration;
        this.commitIntervalMs = commitIntervalMs;
    }

    void run(HeaderFileSource source, Map<String, String> streamsConfig) throws Exception {
        // The file is read as it is published, not held: 190,000 header records on the heap made the server's
        // collector work for the bench (a full collection of 1.3 s in a 768 MiB heap).
        long count = source.count();
        long preload = (long) (count * PRELOAD_SHARE);
        long preloadTip = source.startHeight() + preload - 1;
        long lastHeight = source.startHeight() + count - 1;
        BenchBroker.withFreshBroker("hashwatch-bench-api-", streamsConfig, broker -> {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            Api api = new Api(null, PoolList.bundled(), EconomicsSettings.defaults(), registry);
            StreamsSettings settings = broker.streamsSettings(StreamsSettings.DEFAULT_APPLICATION_ID,
                    commitIntervalMs);
            try (MetricsServer server = new MetricsServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    registry, HttpEndpoints.Settings.DEFAULTS, api);
                 HashwatchStreams streams = new HashwatchStreams(settings, EconomicsSettings.defaults(), registry)) {
                api.attach(streams.kafkaStreams());
                streams.start();
                String base = "http://127.0.0.1:" + server.address().getPort();
                HttpClient http = HttpClient.newHttpClient();
                Iterable<HeaderRecord> first = () -> StreamSupport.stream(source.spliterator(), false).limit(preload)
                        .iterator();
                try (HeaderPublisher publisher = new HeaderPublisher(broker.bootstrapServers(), Map.of())) {
                    publisher.publish(first, Pacing.asFastAsPossible());
                }
                awaitTip(http, base, preloadTip, Duration.ofMinutes(5));
                // The ceiling, in the same run: the same clients and paths on the preloaded chain, nothing else
                // running.
                Load idleMempool = new Load();
                Load idleMetrics = new Load();
                long idle0 = System.nanoTime();
                load(base, idleMempool, idleMetrics);
                double idleSeconds = (System.nanoTime() - idle0) / 1e9;
                report.line("api: ceiling, no backfill: mempool endpoints: %s", idleMempool.summary(idleSeconds));
                report.line("api: ceiling, no backfill: /metrics beside them: %s", idleMetrics.summary(idleSeconds));
                // The backfill of the rest runs while the clients do.
                AtomicLong backfillDoneNanos = new AtomicLong();
                ExecutorService backfill = Executors.newSingleThreadExecutor();
                long t0 = System.nanoTime();
                Future<?> publishing = backfill.submit(() -> {
                    try (HeaderPublisher publisher = new HeaderPublisher(broker.bootstrapServers(), Map.of())) {
                        publisher.publish(source.after(preloadTip), Pacing.asFastAsPossible());
                    }
                    awaitTip(http, base, lastHeight, Duration.ofMinutes(10));
                    backfillDoneNanos.set(System.nanoTime());
                    return null;
                });
                Load mempool = new Load();
                Load metrics = new Load();
                load(base, mempool, metrics);
                double seconds = (System.nanoTime() - t0) / 1e9;
                String tipAtEnd = get(http, base + "/api/blocks/tip/height").body();
                report.line("api: during the backfill: mempool endpoints: %s", mempool.summary(seconds));
                report.line("api: during the backfill: /metrics beside them: %s", metrics.summary(seconds));
                publishing.get(15, TimeUnit.MINUTES);
                backfill.shutdownNow();
                double backfillSeconds = (backfillDoneNanos.get() - t0) / 1e9;
                report.line("api: %d clients for %.0f s on loopback, while %,d headers were backfilled from height"
                                + " %,d (all processed after %.1f s; the API's tip was %s when the clients stopped)",
                        clients, duration.toSeconds() * 1.0, count - preload, preloadTip + 1, backfillSeconds,
                        tipAtEnd);
            }
        });
    }

    /**
     * Requests and their latencies of one kind, in one histogram the clients share (microseconds, 3 significant
     * digits: a p99 within 0.1%). A copy of every latency a client took made 125 MB of arrays a phase, on the heap
     * the server measured shares.
     */
    private static final class Load {
        final AtomicHistogram latencyMicros = new AtomicHistogram(TimeUnit.MINUTES.toMicros(2), 3);
        final AtomicLong errors = new AtomicLong();
        final AtomicLong requests = new AtomicLong();

        void add(long nanos) {
            latencyMicros.recordValue(Math.min(TimeUnit.NANOSECONDS.toMicros(nanos),
                    latencyMicros.getHighestTrackableValue()));
        }

        String summary(double seconds) {
            if (latencyMicros.getTotalCount() == 0) {
                return "no requests";
            }
            return String.format("%,.0f requests/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d errors (of %,d)",
                    requests.get() / seconds, latencyMicros.getValueAtPercentile(50) / 1e3,
                    latencyMicros.getValueAtPercentile(99) / 1e3, latencyMicros.getMaxValue() / 1e3, errors.get(),
                    requests.get());
        }
    }

    /**
     * {@link #clients} loops, one in ten on /metrics, the others round the mempool endpoints, until the time is up.
     * Each client keeps one request in flight on its own connection and sends the next when the answer is in. The
     * loops run on Jetty's asynchronous client, one selector and a few threads: with a blocking thread per client,
     * 200 runnable client threads took the two cores in turn with the server's handful (the server waited for the
     * scheduler), and the JDK's asynchronous client spent more CPU a request than the server.
     */
    private void load(String base, Load mempool, Load metrics) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(4, 2);
        threads.setName("bench-api-client");
        threads.setDaemon(true);
        threads.setReservedThreads(0);
        org.eclipse.jetty.client.HttpClient http = new org.eclipse.jetty.client.HttpClient();
        http.setExecutor(threads);
        http.setMaxConnectionsPerDestination(clients);
        http.setMaxRequestsQueuedPerDestination(clients);
        http.setIdleTimeout(0);
        http.start();
        try {
            long end = System.nanoTime() + duration.toNanos();
            List<URI> mempoolUris = MEMPOOL_PATHS.stream().map(p -> URI.create(base + p)).toList();
            URI metricsUri = URI.create(base + "/metrics");
            List<CompletableFuture<Void>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                running.add(done);
                new Client(http, mempoolUris, metricsUri, end, mempool, metrics, done).send(c);
            }
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
                    .get(duration.toSeconds() + 120, TimeUnit.SECONDS);
        } finally {
            http.stop();
        }
    }

    /** One client's loop: a request, its answer timed and counted, the next request. */
    private record Client(org.eclipse.jetty.client.HttpClient http, List<URI> mempoolUris, URI metricsUri, long end,
                          Load mempool, Load metrics, CompletableFuture<Void> done) {
        void send(int i) {
            send(i, -1);
        }

        /**
         * @param firstTry when the first try of a retried request started (a second try on a new connection, after a
         *                 pooled one turned out closed), or -1
         */
        private void send(int i, long firstTry) {
            if (firstTry < 0 && System.nanoTime() >= end) {
                done.complete(null);
                return;
            }
            boolean scrape = i % 10 == 0;
            URI uri = scrape ? metricsUri : mempoolUris.get(i % mempoolUris.size());
            Load kind = scrape ? metrics : mempool;
            long t = firstTry < 0 ? System.nanoTime() : firstTry;
            // No content listener: the body is read and dropped, as a load generator does (only the status counts).
            http.newRequest(uri).timeout(30, TimeUnit.SECONDS).send(result -> {
                if (result.isFailed() && firstTry < 0) {
                    next(() -> send(i, t));
                    return;
                }
                kind.requests.incrementAndGet();
                if (result.isFailed() || result.getResponse().getStatus() != 200) {
                    kind.errors.incrementAndGet();
                }
                kind.add(System.nanoTime() - t);
                if (result.isFailed()) {
                    next(() -> send(i + 1));
                } else {
                    send(i + 1);
                }
            });
        }

        /**
         * The next request after a failure, on the client's pool: a request that fails at once (a refused connection,
         * a full queue) completes on the sending thread, and sending the next from there would nest without end.
         */
        private void next(Runnable send) {
            http.getExecutor().execute(send);
        }
    }

    /**
     * One GET, retried once on a new connection when a pooled one turns out closed (the server closes a connection
     * idle for 10 s, and the JDK client may reuse it: PITFALLS); a second failure is the answer.
     */
    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return get(http, url, HttpResponse.BodyHandlers.ofString());
    }

    /** The load's requests read the body and drop it, as a load generator does (only the status is checked). */
    private static <T> HttpResponse<T> get(HttpClient http, String url, HttpResponse.BodyHandler<T> body)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build();
        try {
            return http.send(request, body);
        } catch (java.io.IOException e) {
            return http.send(request, body);
        }
    }

    private static void awaitTip(HttpClient http, String base, long tip, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = get(http, base + "/api/blocks/tip/height");
            if (r.statusCode() == 200 && Long.parseLong(r.body()) >= tip) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the API did not reach height " + tip + " within " + timeout);
    }
}
