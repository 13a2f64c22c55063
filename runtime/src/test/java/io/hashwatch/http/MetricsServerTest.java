package io.hashwatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A scraper cannot be locked out of {@code /metrics} by clients that open connections and stall. */
class MetricsServerTest {
    private static final byte[] HALF_A_REQUEST = "GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.UTF_8);

    private static HttpResponse<String> scrape(MetricsServer server, Duration timeout) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort()
                + "/metrics")).timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Socket stalled(MetricsServer server) throws IOException {
        Socket s = new Socket("127.0.0.1", server.address().getPort());
        s.getOutputStream().write(HALF_A_REQUEST);
        s.getOutputStream().flush();
        return s;
    }

    @Test
    void aStalledClientDoesNotHoldUpScrapes() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Counter.builder("hashwatch_test_events").register(registry).increment();
        try (MetricsServer server = new MetricsServer(new InetSocketAddress("127.0.0.1", 0), registry);
             Socket stalled = stalled(server)) {
            Thread.sleep(200); // the stalled request is being read before the scrape arrives
            HttpResponse<String> response = scrape(server, Duration.ofSeconds(10));
            assertEquals(200, response.statusCode());
            assertTrue(response.body().contains("hashwatch_test_events_total 1.0"), response.body());
        }
    }

    @Test
    void scrapesWaitForOneRenderingWithoutHoldingTheRequestThreadsAndTheNextRendersAgain() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Counter events = Counter.builder("hashwatch_test_events").register(registry);
        AtomicInteger renderings = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        // The first rendering waits inside this gauge until the test has seen the scrapes wait for it.
        Gauge.builder("hashwatch_test_renderings", () -> {
            if (renderings.incrementAndGet() == 1) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return renderings.get();
        }).register(registry);
        events.increment();
        try (MetricsServer server = new MetricsServer(new InetSocketAddress("127.0.0.1", 0), registry)) {
            String base = "http://127.0.0.1:" + server.address().getPort();
            HttpClient client = HttpClient.newHttpClient();
            List<CompletableFuture<HttpResponse<String>>> scrapes = new ArrayList<>();
            int n = HttpEndpoints.THREADS + 2;
            for (int i = 0; i < n; i++) {
                scrapes.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (server.waiting() < n && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(n, server.waiting(), "every scrape waits for the one rendering");
            // More scrapes wait than there are request threads, and another path is still answered.
            assertEquals(404, client.send(HttpRequest.newBuilder(URI.create(base + "/other"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            release.countDown();
            for (CompletableFuture<HttpResponse<String>> f : scrapes) {
                HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode());
                assertTrue(r.body().contains("hashwatch_test_events_total 1.0"), r.body());
                assertTrue(r.body().contains("hashwatch_test_renderings 1.0"), r.body());
            }
            events.increment();
            HttpResponse<String> next = scrape(server, Duration.ofSeconds(10));
            assertTrue(next.body().contains("hashwatch_test_events_total 2.0"), "rendered again: " + next.body());
            assertTrue(next.body().contains("hashwatch_test_renderings 2.0"), next.body());
            assertEquals(405, client.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    @Test
    void stalledConnectionsAreClosedSoThatMoreThanThePoolCannotHoldItUp() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (MetricsServer server = new MetricsServer(new InetSocketAddress("127.0.0.1", 0), registry)) {
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < HttpEndpoints.THREADS + 2; i++) {
                    stalled.add(stalled(server));
                }
                // Every handler thread is now stuck on a request; the server closes them after its request limit.
                Socket first = stalled.get(0);
                first.setSoTimeout((HttpEndpoints.MAX_REQUEST_SECONDS + 20) * 1000);
                try (InputStream in = first.getInputStream()) {
                    assertEquals(-1, in.read(), "the server closes a connection that never finishes its request");
                } catch (java.net.SocketException reset) {
                    // closed by the server: a reset is as good as an end of stream
                }
                HttpResponse<String> response = scrape(server, Duration.ofSeconds(HttpEndpoints.MAX_REQUEST_SECONDS
                        + 20));
                assertEquals(200, response.statusCode());
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
            }
        }
    }
}
