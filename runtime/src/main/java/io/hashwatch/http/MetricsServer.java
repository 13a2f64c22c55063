package io.hashwatch.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Serves the registry in the Prometheus text format on {@code /metrics}. The registry is rendered on a thread of its
 * own, and a scrape waits for a rendering without holding a request thread: those also take the API's requests to
 * its pool (beside {@code /metrics} on the streams role), which concurrent scrapes would otherwise hold up.
 */
public final class MetricsServer implements AutoCloseable {
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    static final String PATH = "/metrics";
    /**
     * Scrapes that may wait for a rendering at once (beyond, 503): Prometheus servers are a handful, the bench's
     * api step has up to 200 clients, and a waiting scrape holds no thread, only its connection.
     */
    static final int MAX_WAITING = 256;

    private final HttpEndpoints server;
    private final PrometheusMeterRegistry registry;
    private final ExecutorService renderer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hashwatch-metrics-render");
        t.setDaemon(true);
        return t;
    });
    private final Object lock = new Object();
    /** The rendering under way, which scrapes arriving meanwhile wait for; null when none. Guarded by lock. */
    private CompletableFuture<byte[]> rendering;
    private final AtomicInteger waiting = new AtomicInteger();
    /** The size of the last rendering (the renderer thread's alone). */
    private int lastRenderingBytes = 16 * 1024;

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
        try {
            server = HttpEndpoints.start(address, "hashwatch-metrics-http", Map.of(), new Scrapes(api), settings);
        } catch (IOException | RuntimeException e) {
            renderer.shutdownNow();
            throw e;
        }
    }

    /**
     * The rendering a scrape arriving now gets: the one under way (begun at most one rendering earlier), else a new
     * one. Concurrent scrapers (several Prometheus servers, a load test) share it rather than each render a few
     * thousand series again.
     */
    private CompletableFuture<byte[]> rendering() {
        synchronized (lock) {
            CompletableFuture<byte[]> current = rendering;
            if (current == null) {
                CompletableFuture<byte[]> next = CompletableFuture.supplyAsync(this::render, renderer);
                rendering = next;
                // Runs at once, on this thread, if the rendering is already done: the local is returned regardless.
                next.whenComplete((body, error) -> {
                    synchronized (lock) {
                        if (rendering == next) {
                            rendering = null;
                        }
                    }
                });
                current = next;
            }
            return current;
        }
    }

    /**
     * The registry in the text format, written straight to bytes, in a buffer sized by the last rendering: through a
     * String it was copied twice more (renderings made 8% of the API bench's garbage at 1,300 scrapes a second, a
     * third of it those copies). Runs on the renderer thread only.
     */
    private byte[] render() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(lastRenderingBytes + lastRenderingBytes / 8);
        try {
            registry.scrape(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        lastRenderingBytes = out.size();
        return out.toByteArray();
    }

    /** Scrapes waiting for a rendering now. */
    int waiting() {
        return waiting.get();
    }

    /** {@code /metrics}, answered when its rendering is done; every other path goes to the API, if any. */
    private final class Scrapes extends Handler.Wrapper {
        Scrapes(Handler api) {
            super(api);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (!PATH.equals(Request.getPathInContext(request))) {
                return super.handle(request, response, callback);
            }
            String method = request.getMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                write(response, callback, 405, "text/plain; charset=utf-8", "GET /metrics\n".getBytes(
                        StandardCharsets.UTF_8));
                return true;
            }
            if (waiting.incrementAndGet() > MAX_WAITING) {
                waiting.decrementAndGet();
                response.getHeaders().put(HttpHeader.RETRY_AFTER, 1);
                write(response, callback, 503, "text/plain; charset=utf-8", "too many scrapes at once\n".getBytes(
                        StandardCharsets.UTF_8));
                return true;
            }
            CompletableFuture<byte[]> body;
            try {
                body = rendering();
            } catch (RuntimeException e) { // the renderer stopped: the server is closing
                waiting.decrementAndGet();
                throw e;
            }
            body.whenComplete((bytes, error) -> {
                waiting.decrementAndGet();
                if (error != null) {
                    write(response, callback, 500, "text/plain; charset=utf-8", "scrape failed\n".getBytes(
                            StandardCharsets.UTF_8));
                } else {
                    write(response, callback, 200, CONTENT_TYPE, bytes);
                }
            });
            return true;
        }

        private void write(Response response, Callback callback, int status, String contentType, byte[] body) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, ByteBuffer.wrap(body), callback);
        }
    }

    /** The bound address (the port is the real one when 0 was asked for). */
    public InetSocketAddress address() {
        return server.address();
    }

    @Override
    public void close() {
        server.close();
        renderer.shutdownNow();
    }
}
