package io.hashwatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.model.AlertRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.Topics;
import io.hashwatch.testing.TopicSchemas;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The webhook against notifications in Alertmanager's webhook format (version 4), posted over real HTTP. */
class AlertWebhookTest {
    /** A notification as Alertmanager 0.25 sends it: one firing and one resolved alert. */
    private static final String NOTIFICATION = """
            {"receiver":"hashwatch","status":"firing","alerts":[
             {"status":"firing","labels":{"alertname":"NoNewBlock","network":"mainnet","severity":"warning"},
              "annotations":{"summary":"No new mainnet block for 95 minutes"},
              "startsAt":"2026-11-21T05:00:00.000Z","endsAt":"0001-01-01T00:00:00Z",
              "generatorURL":"http://prometheus:9090/graph?g0.expr=x","fingerprint":"5c0b7e0f8a1d2c3b"},
             {"status":"resolved","labels":{"alertname":"SourceDown","source":"kraken","severity":"warning"},
              "annotations":{"summary":"kraken down"},
              "startsAt":"2026-11-21T04:00:00.000Z","endsAt":"2026-11-21T04:30:00.000Z",
              "generatorURL":"","fingerprint":"0a1b2c3d4e5f6071"}],
             "groupLabels":{"alertname":"NoNewBlock"},"commonLabels":{},"commonAnnotations":{},
             "externalURL":"http://alertmanager:9093","version":"4","groupKey":"{}:{alertname=\\"NoNewBlock\\"}",
             "truncatedAlerts":0}
            """;

    private final List<AlertRecord> published = new ArrayList<>();
    private final AtomicBoolean kafkaUp = new AtomicBoolean(true);
    private final HttpClient http = HttpClient.newHttpClient();
    private SimpleMeterRegistry registry;
    private AlertWebhook webhook;

    @BeforeEach
    void start() throws Exception {
        registry = new SimpleMeterRegistry();
        webhook = new AlertWebhook(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), alerts -> {
            if (!kafkaUp.get()) {
                return false;
            }
            published.addAll(alerts);
            return true;
        }, registry, () -> 1_763_700_000_000L);
    }

    @AfterEach
    void stop() {
        webhook.close();
    }

    private HttpResponse<String> post(byte[] body) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + webhook.address().getPort() + "/alerts");
        return http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withATokenOnlyNotificationsCarryingItArePublished() throws Exception {
        try (AlertWebhook guarded = new AlertWebhook(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                alerts -> published.addAll(alerts), registry, () -> 1L, HttpEndpoints.Settings.DEFAULTS,
                "s3cret-token")) {
            URI uri = URI.create("http://127.0.0.1:" + guarded.address().getPort() + "/alerts");
            HttpRequest.Builder post = HttpRequest.newBuilder(uri)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(NOTIFICATION.getBytes()));
            assertEquals(401, http.send(post.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(401, http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer wrong")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(NOTIFICATION.getBytes())).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(0, published.size(), "nothing published without the token");
            assertEquals(2.0, registry.get("hashwatch_alert_notifications").tag("outcome", "unauthorized")
                    .counter().count());
            // As Alertmanager sends it: http_config.authorization.credentials_file, type Bearer by default.
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(uri).header("Authorization",
                    "Bearer s3cret-token").POST(HttpRequest.BodyPublishers.ofByteArray(NOTIFICATION.getBytes()))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals(2, published.size());
        }
    }

    @Test
    void aClientStalledHalfwayThroughItsBodyDoesNotHoldUpTheNext() throws Exception {
        try (java.net.Socket stalled = new java.net.Socket("127.0.0.1", webhook.address().getPort())) {
            stalled.getOutputStream().write(("POST /alerts HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"ver")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            stalled.getOutputStream().flush();
            Thread.sleep(200); // the stalled body is being read before the next notification arrives
            URI uri = URI.create("http://127.0.0.1:" + webhook.address().getPort() + "/alerts");
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(java.time.Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(NOTIFICATION.getBytes())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(2, published.size());
        }
    }

    @Test
    void everyAlertOfANotificationIsPublishedWithAStableKey() throws Exception {
        HttpResponse<String> r = post(NOTIFICATION.getBytes());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(2, published.size());
        AlertRecord first = published.get(0);
        assertEquals("firing", first.status());
        assertEquals("NoNewBlock", first.alertname());
        assertEquals("warning", first.severity());
        assertEquals("mainnet", first.labels().get("network"));
        assertEquals("No new mainnet block for 95 minutes", first.annotations().get("summary"));
        assertEquals("hashwatch", first.receiver());
        assertEquals("5c0b7e0f8a1d2c3b:2026-11-21T05:00:00.000Z:firing", first.key());
        assertEquals("resolved", published.get(1).status());
        // As written to the alerts topic, each conforms to docs/schemas/alerts.schema.json.
        TopicSchemas schemas = TopicSchemas.ofRepository();
        for (AlertRecord a : published) {
            schemas.assertValid(Topics.ALERTS.name(), Json.MAPPER.readTree(Json.write(a)));
        }

        // Alertmanager sends the same notification again (repeat or retry): the same keys, so compaction dedups.
        post(NOTIFICATION.getBytes());
        assertEquals(published.get(0).key(), published.get(2).key());
        assertEquals(2.0, registry.get("hashwatch_alert_notifications").tag("outcome", "published").counter()
                .count());
    }

    @Test
    void badRequestsAreRefusedAndAKafkaFailureAsksForARetry() throws Exception {
        assertEquals(400, post("{not json".getBytes()).statusCode());
        assertEquals(400, post("{\"version\":\"4\"}".getBytes()).statusCode());
        assertEquals(400, post("{\"alerts\":[{\"status\":\"firing\"}]}".getBytes()).statusCode());
        assertEquals(413, post(new byte[AlertWebhook.MAX_BODY_BYTES + 1]).statusCode());
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + webhook.address().getPort() + "/alerts")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
        kafkaUp.set(false);
        assertEquals(503, post(NOTIFICATION.getBytes()).statusCode(), "Alertmanager retries a 5xx");
        assertTrue(published.isEmpty());
        assertEquals(4.0, registry.get("hashwatch_alert_notifications").tag("outcome", "invalid").counter().count());
        assertEquals(1.0, registry.get("hashwatch_alert_notifications").tag("outcome", "publish_failed").counter()
                .count());
    }
}
