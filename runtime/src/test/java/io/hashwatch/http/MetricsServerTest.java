package io.hashwatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
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
