package io.hashwatch.source.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hashwatch.model.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One session with an Electrum server: JSON-RPC 2.0 over a socket (TLS or plain), one JSON message a line, as the
 * Electrum protocol 1.4 has it. Requests carry increasing ids; a reader thread matches replies to them (a batch's
 * replies by id too: servers may answer a batch in any order) and hands notifications (no id, a method) to a
 * listener. {@link #open} negotiates the protocol with {@code server.version}.
 *
 * <p>Every failure is a {@link SourceException}: no connection or a closed socket {@code connect}, no reply within
 * the timeout {@code timeout} (the session is then closed: a late reply could not be matched to anything useful), a
 * line that is not JSON-RPC {@code malformed}, an error object {@code rpc_error}, or {@code throttled} when its
 * message says the server limits this session's cost. A failed session stays failed: the caller opens another.
 */
final class ElectrumConnection implements AutoCloseable {
    static final String CLIENT_NAME = "hashwatch";
    static final String PROTOCOL = "1.4";
    /** Longest line read: 2,016 headers are 322,560 hex characters; a large coinbase is far less. */
    static final int MAX_LINE = 4 * 1024 * 1024;

    /** A reply of a batch: its result, or the server's error object. */
    record Reply(JsonNode result, JsonNode error) {
        boolean ok() {
            return error == null;
        }

        String errorMessage() {
            return error == null ? null : error.path("message").asText(error.toString());
        }
    }

    private final ElectrumServer server;
    private final Duration timeout;
    private final SSLContext tls;
    private final Consumer<JsonNode> notifications;
    private final Duration spacing;
    private final Runnable onFailure;
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Object writeLock = new Object();
    private Socket socket;
    private OutputStream out;
    private Thread reader;
    private volatile SourceException failure;
    private volatile String serverSoftware;
    private long lastSendNanos;

    /**
     * @param tls           the TLS context for {@code ssl://} servers (the JDK default, or a test's)
     * @param notifications receives each notification's message (called on the reader thread)
     * @param spacing       least time between the starts of two requests (politeness: servers meter sessions)
     * @param onFailure     called once when the session fails or is closed (a followed server gone quiet must be
     *                      replaced at once: no tip would be pushed any more)
     */
    ElectrumConnection(ElectrumServer server, Duration timeout, SSLContext tls, Consumer<JsonNode> notifications,
                       Duration spacing, Runnable onFailure) {
        this.server = server;
        this.timeout = timeout;
        this.tls = tls;
        this.notifications = notifications;
        this.spacing = spacing;
        this.onFailure = onFailure;
    }

    ElectrumServer server() {
        return server;
    }

    /** What {@code server.version} said the server runs, e.g. "ElectrumX 1.16.0". */
    String serverSoftware() {
        return serverSoftware;
    }

    boolean isOpen() {
        return failure == null && socket != null && !socket.isClosed();
    }

    /** Connects, starts the reader and negotiates protocol {@value #PROTOCOL}. */
    ElectrumConnection open() throws SourceException {
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        try {
            Socket plain = new Socket();
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(server.host(), server.port()), ms);
            if (server.tls()) {
                SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, server.host(), server.port(),
                        true);
                SSLParameters params = s.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
                s.setSSLParameters(params);
                s.setSoTimeout(ms);
                s.startHandshake();
                s.setSoTimeout(0);
                socket = s;
            } else {
                socket = plain;
            }
            out = socket.getOutputStream();
        } catch (SocketTimeoutException e) {
            close();
            throw new SourceException(SourceException.Kind.TIMEOUT, server + ": no connection within "
                    + timeout.toMillis() + " ms", e);
        } catch (SSLException e) {
            close();
            throw new SourceException(SourceException.Kind.CONNECT, server + ": TLS handshake failed: "
                    + e.getMessage(), e);
        } catch (IOException e) {
            close();
            throw new SourceException(SourceException.Kind.CONNECT, server + ": cannot connect: " + e.getMessage(), e);
        }
        BufferedReader in;
        try {
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8), 65536);
        } catch (IOException e) {
            close();
            throw new SourceException(SourceException.Kind.CONNECT, server + ": " + e.getMessage(), e);
        }
        reader = new Thread(() -> readLoop(in), "hashwatch-electrum-" + server.host());
        reader.setDaemon(true);
        reader.start();
        JsonNode version = call("server.version", CLIENT_NAME, PROTOCOL);
        if (!version.isArray() || version.size() < 2 || !PROTOCOL.equals(version.get(1).asText())) {
            fail(new SourceException(SourceException.Kind.MALFORMED, server + ": server.version answered " + cut(
                    version.toString()) + ", not protocol " + PROTOCOL));
            throw failure;
        }
        serverSoftware = version.get(0).asText();
        return this;
    }

    /** One request; its result, or a {@link SourceException} for an error object or a failed session. */
    JsonNode call(String method, Object... params) throws SourceException {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        send(Json.write(request(id, method, params)));
        Reply r = toReply(await(List.of(reply), method).get(0), method);
        if (!r.ok()) {
            throw errorObject(method, r);
        }
        return r.result();
    }

    /**
     * One batch (one line, a JSON array) of calls to {@code method}, one per parameter list; the replies in the
     * same order, each a result or an error object. The session failing fails the batch.
     */
    List<Reply> batch(String method, List<List<Object>> paramsList) throws SourceException {
        if (paramsList.isEmpty()) {
            return List.of();
        }
        ArrayNode body = Json.MAPPER.createArrayNode();
        List<CompletableFuture<JsonNode>> replies = new ArrayList<>(paramsList.size());
        for (List<Object> params : paramsList) {
            long id = ids.incrementAndGet();
            CompletableFuture<JsonNode> reply = new CompletableFuture<>();
            pending.put(id, reply);
            replies.add(reply);
            body.add(request(id, method, params.toArray()));
        }
        send(Json.write(body));
        List<Reply> out = new ArrayList<>(replies.size());
        for (JsonNode n : await(replies, method + " (batch of " + paramsList.size() + ")")) {
            out.add(toReply(n, method));
        }
        return out;
    }

    /** A throttling or other error object as an exception of its kind. */
    SourceException errorObject(String method, Reply r) {
        String message = cut(r.errorMessage());
        String lower = message.toLowerCase(Locale.ROOT);
        boolean throttled = lower.contains("excessive") || lower.contains("rate limit") || lower.contains("too many")
                || lower.contains("server busy") || lower.contains("cost");
        return new SourceException(throttled ? SourceException.Kind.THROTTLED : SourceException.Kind.RPC_ERROR,
                server + ": " + method + " answered an error: " + message);
    }

    private static ObjectNode request(long id, String method, Object[] params) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("jsonrpc", "2.0");
        body.put("method", method);
        ArrayNode p = body.putArray("params");
        for (Object o : params) {
            p.add(Json.MAPPER.valueToTree(o));
        }
        body.put("id", id);
        return body;
    }

    private void send(byte[] json) throws SourceException {
        SourceException f = failure;
        if (f != null) {
            throw f;
        }
        synchronized (writeLock) {
            long wait = spacing.toNanos() - (System.nanoTime() - lastSendNanos);
            if (lastSendNanos != 0 && wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SourceException(SourceException.Kind.CONNECT, server + ": interrupted");
                }
            }
            lastSendNanos = System.nanoTime();
            try {
                out.write(json);
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                fail(new SourceException(SourceException.Kind.CONNECT, server + ": the connection broke: "
                        + e.getMessage(), e));
                throw failure;
            }
        }
    }

    private List<JsonNode> await(List<CompletableFuture<JsonNode>> replies, String what) throws SourceException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<JsonNode> out = new ArrayList<>(replies.size());
        for (CompletableFuture<JsonNode> r : replies) {
            try {
                out.add(r.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                fail(new SourceException(SourceException.Kind.TIMEOUT, server + ": no reply to " + what + " within "
                        + timeout.toMillis() + " ms"));
                throw failure;
            } catch (ExecutionException e) {
                throw e.getCause() instanceof SourceException s ? s
                        : new SourceException(SourceException.Kind.INTERNAL, e.getCause().toString(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SourceException(SourceException.Kind.CONNECT, server + ": interrupted");
            }
        }
        return out;
    }

    private Reply toReply(JsonNode message, String method) throws SourceException {
        JsonNode error = message.get("error");
        if (error != null && !error.isNull()) {
            return new Reply(null, error);
        }
        if (!message.has("result")) {
            fail(new SourceException(SourceException.Kind.MALFORMED, server + ": a reply to " + method
                    + " without result or error: " + cut(message.toString())));
            throw failure;
        }
        return new Reply(message.get("result"), null);
    }

    private void readLoop(BufferedReader in) {
        try {
            StringBuilder line = new StringBuilder();
            while (true) {
                line.setLength(0);
                int c;
                while ((c = in.read()) != -1 && c != '\n') {
                    if (line.length() >= MAX_LINE) {
                        fail(new SourceException(SourceException.Kind.MALFORMED, server + ": a line longer than "
                                + MAX_LINE + " characters"));
                        return;
                    }
                    line.append((char) c);
                }
                if (c == -1) {
                    fail(new SourceException(SourceException.Kind.CONNECT, server + ": the server closed the"
                            + " connection"));
                    return;
                }
                if (line.toString().isBlank()) {
                    continue;
                }
                JsonNode message;
                try {
                    message = Json.MAPPER.readTree(line.toString());
                } catch (IOException e) {
                    fail(new SourceException(SourceException.Kind.MALFORMED, server + ": a line that is not JSON: "
                            + cut(line.toString())));
                    return;
                }
                if (message.isArray()) {
                    for (JsonNode m : message) {
                        if (!dispatch(m)) {
                            return;
                        }
                    }
                } else if (!dispatch(message)) {
                    return;
                }
            }
        } catch (IOException e) {
            fail(new SourceException(SourceException.Kind.CONNECT, server + ": the connection broke: "
                    + e.getMessage(), e));
        }
    }

    /** Routes one message; false (and the session failed) when it is not JSON-RPC. */
    private boolean dispatch(JsonNode m) {
        if (!m.isObject()) {
            fail(new SourceException(SourceException.Kind.MALFORMED, server + ": a message that is not an object: "
                    + cut(m.toString())));
            return false;
        }
        JsonNode id = m.get("id");
        if (id != null && !id.isNull()) {
            CompletableFuture<JsonNode> f = id.canConvertToLong() ? pending.remove(id.asLong()) : null;
            if (f == null) {
                fail(new SourceException(SourceException.Kind.MALFORMED, server + ": a reply to no request (id "
                        + cut(id.toString()) + ")"));
                return false;
            }
            f.complete(m);
            return true;
        }
        if (m.hasNonNull("method")) {
            notifications.accept(m);
            return true;
        }
        fail(new SourceException(SourceException.Kind.MALFORMED, server + ": a message without id or method: "
                + cut(m.toString())));
        return false;
    }

    /** Records the session's first failure, fails every waiting request with it, and closes the socket. */
    private void fail(SourceException e) {
        boolean first;
        synchronized (this) {
            first = failure == null;
            if (first) {
                failure = e;
            }
        }
        for (Long id : List.copyOf(pending.keySet())) {
            CompletableFuture<JsonNode> f = pending.remove(id);
            if (f != null) {
                f.completeExceptionally(failure);
            }
        }
        closeSocket();
        if (first) {
            onFailure.run();
        }
    }

    private void closeSocket() {
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() {
        if (failure == null) {
            fail(new SourceException(SourceException.Kind.CONNECT, server + ": session closed"));
        }
        closeSocket();
    }

    static String cut(String s) {
        return s == null ? "null" : s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    @Override
    public String toString() {
        return "ElectrumConnection[" + server + "]";
    }
}
