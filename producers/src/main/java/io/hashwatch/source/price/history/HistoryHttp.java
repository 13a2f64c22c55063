package io.hashwatch.source.price.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.hashwatch.source.Failures;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of one exchange's history client: the JDK client, a User-Agent, a cap on each request, a least
 * spacing between requests, and bounded retries with exponential backoff (at least the server's Retry-After) on
 * HTTP 429, 5xx, transport failures and replies the exchange marks as "busy". Every failure is a
 * {@link HistoryException} naming the exchange, the URL and why.
 */
final class HistoryHttp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HistoryHttp.class);

    /** Replies longer than this are refused (1000 Bitstamp bars are about 150 kB). */
    static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

    /**
     * Floats as BigDecimal, exactly as written: a close of 9300.95 stays 9300.95, not the double nearest to it, and
     * 35757.10 keeps its scale like the string prices of Kraken and Bitstamp do.
     */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Reads a 2xx body; may say the reply is a "try again later" one. */
    @FunctionalInterface
    interface BodyParser<T> {
        T parse(String body) throws HistoryException, Busy;
    }

    /** A reply that is the exchange's way of saying "later" (Kraken's EService:Unavailable in an HTTP 200). */
    static final class Busy extends Exception {
        private static final long serialVersionUID = 1L;

        Busy(String reason) {
            super(reason);
        }
    }

    private final String exchange;
    private final HistorySettings settings;
    private final ExecutorService executor;
    private final HttpClient client;
    private final AtomicLong requests = new AtomicLong();
    private long lastRequestNanos = Long.MIN_VALUE;

    HistoryHttp(String exchange, HistorySettings settings) {
        this.exchange = exchange;
        this.settings = settings;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "hashwatch-history-" + exchange + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder().executor(executor).connectTimeout(settings.requestTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** Requests sent, retries included (for tests). */
    long requests() {
        return requests.get();
    }

    /** GETs {@code uri} until a 2xx reply parses, or fails after {@link HistorySettings#maxAttempts()} tries. */
    synchronized <T> T get(URI uri, BodyParser<T> parser) throws HistoryException {
        String what = exchange + ": GET " + uri;
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().timeout(settings.requestTimeout())
                .header("User-Agent", settings.userAgent()).header("Accept", "application/json");
        if ("http".equalsIgnoreCase(uri.getScheme())) {
            b.version(HttpClient.Version.HTTP_1_1);
        }
        HttpRequest request = b.build();
        String lastProblem = null;
        for (int attempt = 1; ; attempt++) {
            long retryAfterMs = -1;
            try {
                HttpResponse<byte[]> r = send(request, what);
                String body = new String(r.body(), StandardCharsets.UTF_8);
                int status = r.statusCode();
                if (status >= 200 && status < 300) {
                    try {
                        return parser.parse(body);
                    } catch (Busy e) {
                        lastProblem = e.getMessage();
                    } catch (HistoryException e) {
                        throw new HistoryException(what + ": " + e.getMessage(), e);
                    }
                } else if (status == 429 || status >= 500) {
                    lastProblem = "HTTP " + status + snippet(body);
                    retryAfterMs = retryAfterMillis(r.headers().firstValue("retry-after").orElse(null));
                } else {
                    throw new HistoryException(what + ": HTTP " + status + snippet(body));
                }
            } catch (Transport e) {
                lastProblem = e.getMessage();
            }
            if (attempt >= settings.maxAttempts()) {
                throw new HistoryException(what + ": " + lastProblem + " (gave up after " + attempt
                        + (attempt == 1 ? " try)" : " tries)"));
            }
            long backoff = settings.backoffBase().toMillis() << Math.min(attempt - 1, 20);
            long wait = Math.min(Math.max(backoff, retryAfterMs), settings.backoffMax().toMillis());
            log.info("{}: {}, try {} of {} in {} ms", what, lastProblem, attempt + 1, settings.maxAttempts(), wait);
            sleep(wait, what);
        }
    }

    /** A transport failure (refused, reset, timed out): worth another try. */
    private static final class Transport extends Exception {
        private static final long serialVersionUID = 1L;

        Transport(String message) {
            super(message);
        }
    }

    private HttpResponse<byte[]> send(HttpRequest request, String what) throws Transport, HistoryException {
        space(what);
        requests.incrementAndGet();
        CompletableFuture<HttpResponse<byte[]>> future = client.sendAsync(request,
                HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> r;
        try {
            // The request timeout covers the reply's headers only; this caps the body too.
            r = future.get(settings.requestTimeout().toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new Transport("no reply within " + settings.requestTimeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new HistoryException(what + ": interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof HttpTimeoutException) {
                throw new Transport("no reply within " + settings.requestTimeout().toMillis() + " ms");
            }
            throw new Transport("request failed (" + Failures.describe(cause) + ")");
        }
        if (r.body().length > MAX_BODY_BYTES) {
            throw new HistoryException(what + ": reply of " + r.body().length + " bytes is larger than "
                    + MAX_BODY_BYTES);
        }
        return r;
    }

    private void space(String what) throws HistoryException {
        long spacing = settings.spacing().toNanos();
        long now = System.nanoTime();
        if (spacing > 0 && lastRequestNanos != Long.MIN_VALUE) {
            long wait = lastRequestNanos + spacing - now;
            if (wait > 0) {
                sleep(TimeUnit.NANOSECONDS.toMillis(wait) + 1, what);
                now = System.nanoTime();
            }
        }
        lastRequestNanos = now;
    }

    private static void sleep(long ms, String what) throws HistoryException {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HistoryException(what + ": interrupted");
        }
    }

    /** Retry-After as delay-seconds, in ms; -1 when absent or not a number (an HTTP date is ignored). */
    static long retryAfterMillis(String v) {
        if (v == null || v.isBlank()) {
            return -1;
        }
        try {
            long s = Long.parseLong(v.trim());
            return s < 0 ? -1 : Math.min(s, 86_400) * 1000;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** " (first 160 characters of the body)", on one line; empty for an empty body. */
    static String snippet(String body) {
        if (body == null) {
            return "";
        }
        String s = body.replaceAll("\\p{Cntrl}+", " ").trim();
        if (s.isEmpty()) {
            return "";
        }
        return " (" + (s.length() > 160 ? s.substring(0, 160) + "..." : s) + ")";
    }

    /** The body as JSON, or a "not JSON" error with its start. */
    static JsonNode json(String body) throws HistoryException {
        try {
            JsonNode n = MAPPER.readTree(body);
            if (n == null || n.isMissingNode()) {
                throw new HistoryException("malformed reply: empty body");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new HistoryException("malformed reply: not JSON" + snippet(body));
        }
    }

    /** A price field: a JSON number, or a string holding one (Kraken and Bitstamp send strings). */
    static BigDecimal decimal(JsonNode n, String field) throws HistoryException {
        if (n != null && n.isNumber()) {
            return n.decimalValue();
        }
        if (n != null && n.isTextual()) {
            try {
                return new BigDecimal(n.textValue().trim());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new HistoryException("malformed reply: " + field + " is not a number: " + n);
    }

    /** A Unix-seconds field: an integral JSON number or a string of digits. */
    static long seconds(JsonNode n, String field) throws HistoryException {
        if (n != null && n.isIntegralNumber() && n.canConvertToLong()) {
            return n.longValue();
        }
        if (n != null && n.isTextual()) {
            try {
                return Long.parseLong(n.textValue().trim());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new HistoryException("malformed reply: " + field + " is not a Unix time in seconds: " + n);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
