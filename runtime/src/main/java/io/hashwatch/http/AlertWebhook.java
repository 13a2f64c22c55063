package io.hashwatch.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.http.HttpEndpoints.Reply;
import io.hashwatch.model.AlertRecord;
import io.hashwatch.model.Json;
import io.hashwatch.metrics.MetricCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Function;
import java.util.function.UnaryOperator;
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

    private final HttpEndpoints server;
    private final Function<List<AlertRecord>, Boolean> publish;
    private final LongSupplier clockMs;
    private final Counter received;
    private final Counter invalid;
    private final Counter failed;
    private final Counter unauthorized;
    /** {@code Bearer TOKEN}, or null when notifications need none. */
    private final byte[] token;

    public AlertWebhook(InetSocketAddress address, Function<List<AlertRecord>, Boolean> publish,
                        MeterRegistry registry, LongSupplier clockMs) throws IOException {
        this(address, publish, registry, clockMs, HttpEndpoints.Settings.DEFAULTS);
    }

    /**
     * @param publish publishes the records and returns whether all were acknowledged
     */
    public AlertWebhook(InetSocketAddress address, Function<List<AlertRecord>, Boolean> publish,
                        MeterRegistry registry, LongSupplier clockMs, HttpEndpoints.Settings settings)
            throws IOException {
        this(address, publish, registry, clockMs, settings, null);
    }

    /**
     * @param token the bearer token a notification must carry ({@code Authorization: Bearer TOKEN}, what
     *              Alertmanager's {@code http_config.authorization.credentials_file} sends), null for none;
     *              without it a notification gets 401 and nothing is published
     */
    public AlertWebhook(InetSocketAddress address, Function<List<AlertRecord>, Boolean> publish,
                        MeterRegistry registry, LongSupplier clockMs, HttpEndpoints.Settings settings, String token)
            throws IOException {
        this.token = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        this.unauthorized = notifications("unauthorized", registry);
        this.publish = publish;
        this.clockMs = clockMs;
        this.received = notifications("published", registry);
        this.invalid = notifications("invalid", registry);
        this.failed = notifications("publish_failed", registry);
        server = HttpEndpoints.start(address, "hashwatch-alert-webhook", Map.of("/alerts", new HttpEndpoints.Endpoint() {
            @Override
            public Reply handle(String method, InputStream body) throws IOException {
                return handle(method, name -> null, body);
            }

            @Override
            public Reply handle(String method, UnaryOperator<String> header, InputStream body) throws IOException {
                if (!authorized(header.apply("Authorization"))) {
                    unauthorized.increment();
                    return Reply.text(401, "a bearer token is required (--alerts-token-file)\n");
                }
                return AlertWebhook.this.handle(method, body);
            }
        }), settings);
        log.info("Alertmanager webhook on http://{}:{}/alerts", address().getHostString(), address().getPort());
    }

    private static Counter notifications(String outcome, MeterRegistry registry) {
        return MetricCatalog.ALERT_NOTIFICATIONS.counter().tag("outcome", outcome).register(registry);
    }

    public InetSocketAddress address() {
        return server.address();
    }

    /** Compares in constant time, so that the answer's timing tells nothing of the token. */
    private boolean authorized(String authorization) {
        return token == null || authorization != null
                && MessageDigest.isEqual(token, authorization.trim().getBytes(StandardCharsets.UTF_8));
    }

    private Reply handle(String method, InputStream in) throws IOException {
        if (!"POST".equals(method)) {
            return Reply.text(405, "POST an Alertmanager webhook notification\n");
        }
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            invalid.increment();
            return Reply.text(413, "notification larger than " + MAX_BODY_BYTES + " bytes\n");
        }
        List<AlertRecord> alerts;
        try {
            alerts = parse(body, clockMs.getAsLong());
        } catch (IllegalArgumentException e) {
            invalid.increment();
            log.warn("invalid Alertmanager notification: {}", e.getMessage());
            return Reply.text(400, e.getMessage() + "\n");
        }
        if (!publish.apply(alerts)) {
            failed.increment();
            return Reply.text(503, "could not publish to Kafka; retry\n");
        }
        received.increment();
        return Reply.text(200, "published " + alerts.size() + " alerts\n");
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
        server.close();
    }
}
