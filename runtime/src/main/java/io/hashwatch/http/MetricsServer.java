package io.hashwatch.http;

import io.hashwatch.http.HttpEndpoints.Reply;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.Handler;

/** Serves the registry in the Prometheus text format on {@code /metrics}. */
public final class MetricsServer implements AutoCloseable {
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpEndpoints server;
    private final PrometheusMeterRegistry registry;
    /** The rendering under way, which scrapes arriving meanwhile wait for. */
    private final AtomicReference<CompletableFuture<byte[]>> rendering = new AtomicReference<>();

    public MetricsServer(InetSocketAddress address, PrometheusMeterRegistry registry) throws IOException {
        this(address, registry, HttpEndpoints.Settings.DEFAULTS);
    }

    public MetricsServer(InetSocketAddress address, PrometheusMeterRegistry registry, HttpEndpoints.Settings settings)
            throws IOException {
        this(address, registry, settings, null);
    }

    /**
     * @param api answers every path but {@code /metrics} (the streams role's HTTP API), null for none; it runs its
     *            requests on its own pool, so a flood of API requests leaves these threads to Prometheus
     */
    public MetricsServer(InetSocketAddress address, PrometheusMeterRegistry registry, HttpEndpoints.Settings settings,
                         Handler api) throws IOException {
        this.registry = registry;
        server = HttpEndpoints.start(address, "hashwatch-metrics-http", Map.of("/metrics", (method, body) ->
                "GET".equals(method) || "HEAD".equals(method)
                        ? new Reply(200, CONTENT_TYPE, scrape())
                        : Reply.text(405, "GET /metrics\n")), api, settings);
    }

    /**
     * The registry in the text format. Scrapes that arrive while one renders share its rendering, begun at most one
     * rendering earlier, rather than each render again: a streams app has a few thousand series, and concurrent
     * scrapers (several Prometheus servers, a load test) would otherwise take every request thread and the CPU.
     */
    private byte[] scrape() {
        CompletableFuture<byte[]> mine = new CompletableFuture<>();
        CompletableFuture<byte[]> running = rendering.compareAndExchange(null, mine);
        if (running != null) {
            return running.join();
        }
        try {
            mine.complete(registry.scrape().getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
        } finally {
            rendering.set(null);
        }
        return mine.join();
    }

    /** The bound address (the port is the real one when 0 was asked for). */
    public InetSocketAddress address() {
        return server.address();
    }

    @Override
    public void close() {
        server.close();
    }
}
