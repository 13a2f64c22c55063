package io.hashwatch.source.chain;

import io.hashwatch.source.Failures;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The HTTP side of the header sources: one JDK {@link HttpClient}, a hard cap on each request (connect, reply and
 * body), a least spacing between requests, and every failure turned into a {@link SourceException} of a kind.
 * Nothing here logs; messages name the request by a redacted URL and never carry credentials.
 *
 * <p>A request that fails because the server closed the connection (an HTTP/1.0 server closing after each reply, a
 * proxy, Core dropping an idle keep-alive connection after {@code -rpcservertimeout}, the JDK client reusing a pooled
 * connection the server has just closed) is sent again at once on another connection, up to
 * {@value #CLOSED_CONNECTION_ATTEMPTS} times, before it counts as a failure: only repeated failures reach the
 * follower's backoff. Plain-HTTP requests go as HTTP/1.1 without the h2c upgrade.
 */
final class HttpTransport implements AutoCloseable {
    /** Replies longer than this are refused as malformed (the largest expected: a JSON-RPC batch of four getblock txid lists, a few MB). */
    static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    record Reply(int status, byte[] bytes, HttpHeaders headers) {
        /** The body as UTF-8 text. */
        String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final HttpClient client;
    private final ExecutorService executor;
    private final Duration requestTimeout;
    private final long spacingNanos;
    private final ChainSourceMetrics metrics;
    private final LongSupplier clockMs;
    private final Supplier<? extends Collection<String>> secrets;
    private long lastRequestNanos = Long.MIN_VALUE;
    private final java.util.concurrent.atomic.AtomicLong reconnects = new java.util.concurrent.atomic.AtomicLong();

    HttpTransport(String name, ChainSettings settings, ChainSourceMetrics metrics, LongSupplier clockMs,
                  Supplier<? extends Collection<String>> secrets) {
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "hashwatch-" + name + "-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder().executor(executor).connectTimeout(settings.requestTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        this.requestTimeout = settings.requestTimeout();
        this.spacingNanos = settings.requestSpacing().toNanos();
        this.metrics = metrics;
        this.clockMs = clockMs;
        this.secrets = secrets;
    }

    /**
     * Sends a request and returns whatever status came back; only transport failures throw.
     *
     * @param what the request for messages, e.g. "GET https://mempool.space/api/blocks/tip/height"
     */
    Reply send(HttpRequest.Builder request, String what) throws SourceException {
        HttpRequest built = request.timeout(requestTimeout).build();
        if ("http".equalsIgnoreCase(built.uri().getScheme())) {
            // Plain HTTP: no h2c upgrade headers (Core's libevent and many proxies know nothing of them).
            built = HttpRequest.newBuilder(built, (n, v) -> true).version(HttpClient.Version.HTTP_1_1).build();
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return sendOnce(built, what);
            } catch (ClosedConnection e) {
                // The server closed the (pooled) connection: the failed one is out of the pool, the next attempt
                // takes another or opens one. Every request of the sources is idempotent (reads only).
                reconnects.incrementAndGet();
                if (attempt >= CLOSED_CONNECTION_ATTEMPTS) {
                    throw failure(what, e.getCause());
                }
            }
        }
    }

    /** {@link #send}, for a binary reply (the same Reply: {@link Reply#bytes()}). */
    Reply sendBytes(HttpRequest.Builder request, String what) throws SourceException {
        return send(request, what);
    }

    /** How many times a request is sent at once when the server closed the connection under it. */
    static final int CLOSED_CONNECTION_ATTEMPTS = 4;

    /** Requests sent again because the server had closed the connection (for tests and the bench). */
    long reconnects() {
        return reconnects.get();
    }

    /** A transport failure that means the server closed the connection: safe and cheap to send again. */
    private static final class ClosedConnection extends Exception {
        private static final long serialVersionUID = 1L;

        ClosedConnection(Throwable cause) {
            super(cause);
        }
    }

    /** Whether a failure is the server having closed the connection (not a refused or timed-out one). */
    static boolean closedByServer(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpTimeoutException) {
                return false;
            }
            if (t instanceof java.io.EOFException || t instanceof java.nio.channels.ClosedChannelException) {
                return true;
            }
            String m = t.getMessage();
            if (m != null && (m.contains("EOF reached") || m.contains("received no bytes")
                    || m.contains("Connection reset") || m.contains("connection closed")
                    || m.contains("Broken pipe") || m.contains("closed locally"))) {
                return true;
            }
        }
        return false;
    }

    private Reply sendOnce(HttpRequest built, String what) throws SourceException, ClosedConnection {
        space();
        HttpResponse.BodyHandler<byte[]> handler = info -> {
            long length = info.headers().firstValueAsLong("content-length").orElse(-1);
            return length > MAX_BODY_BYTES ? HttpResponse.BodySubscribers.replacing(null)
                    : HttpResponse.BodySubscribers.ofByteArray();
        };
        CompletableFuture<HttpResponse<byte[]>> future = client.sendAsync(built, handler);
        HttpResponse<byte[]> response;
        try {
            response = future.get(requestTimeout.toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw timeout(what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new SourceException(SourceException.Kind.CONNECT, what + ": interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (closedByServer(cause)) {
                throw new ClosedConnection(cause);
            }
            throw failure(what, cause);
        }
        byte[] body = response.body();
        if (body == null) {
            throw new SourceException(SourceException.Kind.MALFORMED, what + ": reply larger than "
                    + MAX_BODY_BYTES + " bytes (HTTP " + response.statusCode() + ")");
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new SourceException(SourceException.Kind.MALFORMED, what + ": reply of " + body.length
                    + " bytes is larger than " + MAX_BODY_BYTES);
        }
        return new Reply(response.statusCode(), body, response.headers());
    }

    /** Counts a reply that was as expected: the last-success time of the source. */
    void success() {
        metrics.success(clockMs.getAsLong());
    }

    private synchronized void space() throws SourceException {
        if (spacingNanos <= 0) {
            return;
        }
        long now = System.nanoTime();
        if (lastRequestNanos != Long.MIN_VALUE) {
            long wait = lastRequestNanos + spacingNanos - now;
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SourceException(SourceException.Kind.CONNECT, "interrupted");
                }
                now = System.nanoTime();
            }
        }
        lastRequestNanos = now;
    }

    private SourceException timeout(String what) {
        return new SourceException(SourceException.Kind.TIMEOUT, what + ": no reply within "
                + requestTimeout.toMillis() + " ms (request timeout)");
    }

    private SourceException failure(String what, Throwable e) {
        if (e instanceof HttpConnectTimeoutException) {
            return new SourceException(SourceException.Kind.TIMEOUT, what + ": connect timed out after "
                    + requestTimeout.toMillis() + " ms");
        }
        if (e instanceof HttpTimeoutException) {
            return timeout(what);
        }
        String detail = Redact.scrub(Failures.describe(e), secrets.get());
        if (e instanceof ConnectException || hasCause(e, UnresolvedAddressException.class)) {
            return new SourceException(SourceException.Kind.CONNECT, what + ": cannot connect (" + detail + ")");
        }
        if (e instanceof IOException) {
            return new SourceException(SourceException.Kind.CONNECT, what + ": connection failed (" + detail + ")");
        }
        return new SourceException(SourceException.Kind.CONNECT, what + ": request failed (" + detail + ")");
    }

    /** An HTTP status that is not what the caller expected, with the server's Retry-After when it sent one. */
    SourceException httpError(Reply r, String what, String hint) {
        long retryAfter = retryAfterMillis(r.headers(), clockMs.getAsLong());
        String snippet = snippet(r.body());
        return new SourceException(SourceException.Kind.HTTP, what + ": HTTP " + r.status()
                + (snippet.isEmpty() ? "" : " (" + snippet + ")")
                + (retryAfter >= 0 ? ", Retry-After " + (retryAfter + 999) / 1000 + " s" : "")
                + (hint == null ? "" : ": " + hint), retryAfter, null);
    }

    /** The first 160 characters of a body, on one line, without control characters or secrets. */
    String snippet(String body) {
        if (body == null) {
            return "";
        }
        // Scrubbed before it is cut: a secret across the cut would otherwise leave its first characters behind.
        String s = Redact.scrub(body.replaceAll("[\\p{Cntrl}]+", " ").trim(), secrets.get());
        if (s.length() > 160) {
            s = s.substring(0, 160) + "...";
        }
        return s;
    }

    /** Retry-After as delay-seconds or an HTTP date, in ms from now; -1 when absent or unreadable. */
    static long retryAfterMillis(HttpHeaders headers, long nowMs) {
        String v = headers.firstValue("retry-after").orElse(null);
        if (v == null || v.isBlank()) {
            return -1;
        }
        v = v.trim();
        try {
            long s = Long.parseLong(v);
            return s < 0 ? -1 : Math.min(s, Long.MAX_VALUE / 1000) * 1000;
        } catch (NumberFormatException e) {
            // an HTTP date
        }
        try {
            long at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
            return Math.max(0, at - nowMs);
        } catch (DateTimeParseException e) {
            return -1;
        }
    }

    static URI resolve(URI base, String path) {
        String b = base.toString();
        if (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        return URI.create(b + path);
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
