package io.hashwatch.source.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hashwatch.http.HttpEndpoints;
import io.hashwatch.model.AlertRecord;
import io.hashwatch.model.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Alertmanager-compatible webhook receiver ({@code POST /alerts}, webhook payload version 4) that publishes every
 * alert of every notification as an {@link AlertRecord}. It answers 200 only once the records are acknowledged, so
 * Alertmanager retries what could not be published; a repeated notification has the same record keys, so the
 * compacted {@code alerts} topic keeps each alert transition once.
 */
public final class AlertWebhook implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AlertWebhook.class);
    /** Alertmanager notifications are small; anything larger is refused before it is read whole. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    private final HttpServer server;
    private final Function<List<AlertRecord>, Boolean> publish;
    private final LongSupplier clockMs;
    private final Counter received;
    private final Counter invalid;
    private final Counter failed;

    /**
     * @param publish publishes the records and returns whether all were acknowledged
     */
    public AlertWebhook(InetSocketAddress address, Function<List<AlertRecord>, Boolean> publish,
                        MeterRegistry registry, LongSupplier clockMs) throws IOException {
        this.publish = publish;
        this.clockMs = clockMs;
        this.received = Counter.builder("hashwatch_alert_notifications").tag("outcome", "published")
                .description("Alertmanager notifications received on the webhook, by outcome").register(registry);
        this.invalid = Counter.builder("hashwatch_alert_notifications").tag("outcome", "invalid")
                .description("Alertmanager notifications received on the webhook, by outcome").register(registry);
        this.failed = Counter.builder("hashwatch_alert_notifications").tag("outcome", "publish_failed")
                .description("Alertmanager notifications received on the webhook, by outcome").register(registry);
        server = HttpEndpoints.create(address, "hashwatch-alert-webhook");
        server.createContext("/alerts", this::handle);
        server.start();
        log.info("Alertmanager webhook on http://{}:{}/alerts", address().getHostString(), address().getPort());
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                respond(exchange, 405, "POST an Alertmanager webhook notification\n");
                return;
            }
            byte[] body = readLimited(exchange.getRequestBody());
            if (body == null) {
                invalid.increment();
                respond(exchange, 413, "notification larger than " + MAX_BODY_BYTES + " bytes\n");
                return;
            }
            List<AlertRecord> alerts;
            try {
                alerts = parse(body, clockMs.getAsLong());
            } catch (IllegalArgumentException e) {
                invalid.increment();
                log.warn("invalid Alertmanager notification: {}", e.getMessage());
                respond(exchange, 400, e.getMessage() + "\n");
                return;
            }
            if (!publish.apply(alerts)) {
                failed.increment();
                respond(exchange, 503, "could not publish to Kafka; retry\n");
                return;
            }
            received.increment();
            respond(exchange, 200, "published " + alerts.size() + " alerts\n");
        }
    }

    private static byte[] readLimited(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        return bytes.length > MAX_BODY_BYTES ? null : bytes;
    }

    private static void respond(HttpExchange exchange, int status, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, b.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(b);
        }
    }

    /** The alerts of an Alertmanager webhook notification (version 4). */
    static List<AlertRecord> parse(byte[] body, long receivedAtMs) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject() || !root.path("alerts").isArray()) {
            throw new IllegalArgumentException("not an Alertmanager notification: no alerts array");
        }
        String version = root.path("version").asText("");
        if (!version.isEmpty() && !version.equals("4")) {
            throw new IllegalArgumentException("webhook payload version " + version + " (4 expected)");
        }
        String receiver = root.path("receiver").asText(null);
        List<AlertRecord> out = new ArrayList<>();
        for (JsonNode a : root.get("alerts")) {
            String status = text(a, "status");
            String fingerprint = text(a, "fingerprint");
            String startsAt = text(a, "startsAt");
            Map<String, String> labels = strings(a.path("labels"));
            out.add(new AlertRecord(status, fingerprint, labels.get("alertname"), labels.get("severity"), labels,
                    strings(a.path("annotations")), startsAt, a.path("endsAt").asText(null),
                    a.path("generatorURL").asText(null), receiver, receivedAtMs));
        }
        return out;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException("alert without " + field);
        }
        return v.asText();
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
