package io.hashwatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.HashwatchStreams;
import io.hashwatch.config.EconomicsSettings;
import io.hashwatch.config.StreamsSettings;
import io.hashwatch.http.HttpEndpoints;
import io.hashwatch.http.MetricsServer;
import io.hashwatch.pools.PoolList;
import io.hashwatch.testing.EmbeddedCluster;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;

/**
 * One streams instance of a multi-instance test: its metrics server with the API (its {@code application.server}
 * set to the server's port), its streams app, and the HTTP reads the tests make of it.
 */
record ApiInstance(MetricsServer server, HashwatchStreams streams, String base) implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Starts an instance of {@code applicationId}, its state under {@code stateDir}; with the event reader or not. */
    static ApiInstance start(EmbeddedCluster cluster, String applicationId, Path stateDir, boolean events)
            throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Api api = new Api(new HostInfo("127.0.0.1", port), PoolList.bundled(), EconomicsSettings.defaults(), registry);
        MetricsServer server = new MetricsServer(new InetSocketAddress("127.0.0.1", port), registry,
                HttpEndpoints.Settings.DEFAULTS, api);
        HashwatchStreams streams = new HashwatchStreams(new StreamsSettings(cluster.bootstrapServers(), applicationId,
                stateDir, 1, 100, Map.of(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:" + port)),
                EconomicsSettings.defaults(), registry);
        api.attach(streams.kafkaStreams());
        if (events) {
            api.startEvents(Map.of("bootstrap.servers", cluster.bootstrapServers()));
        }
        streams.start();
        return new ApiInstance(server, streams, "http://127.0.0.1:" + port);
    }

    @Override
    public void close() {
        streams.close();
        server.close();
    }

    HttpResponse<String> get(String pathAndQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A GET, retried while it answers 503 with Retry-After (a store restoring or moving), 60 s at most. */
    HttpResponse<String> getRetrying(String pathAndQuery) throws Exception {
        HttpResponse<String> r = get(pathAndQuery);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (r.statusCode() == 503 && System.nanoTime() < deadline) {
            assertTrue(r.headers().firstValue("Retry-After").isPresent(), r.body());
            Thread.sleep(500);
            r = get(pathAndQuery);
        }
        return r;
    }

    /** Each path's body, every one answered 200 (after a rebalance's 503s). */
    Map<String, String> answers(List<String> paths) throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        for (String path : paths) {
            HttpResponse<String> r = getRetrying(path);
            assertEquals(200, r.statusCode(), base + path + ": " + r.body());
            m.put(path, r.body());
        }
        return m;
    }

    /** Waits ({@code timeout} at most) until the instance answers the tip height, through a rebalance and a restore. */
    void awaitTip(long tip, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = get("/api/blocks/tip/height");
            last = r.statusCode() + " " + r.body();
            if (r.statusCode() == 200 && r.body().equals(Long.toString(tip))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(base + " did not reach the tip " + tip + ": " + last);
    }
}
