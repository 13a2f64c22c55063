package io.hashwatch.source.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.model.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A Bitcoin Core node on a local port, for the RPC client: JSON-RPC 1.0 over HTTP with basic auth, replies in the
 * layouts of the real samples ({@link Samples}) filled from a {@link FakeChain}, errors as Core sends them (HTTP 500
 * with an {@code error} object; 404 for an unknown method). A test switches failure modes at any time, stops and
 * restarts it on the same port (an outage), or overrides any reply.
 */
final class FakeBitcoind implements AutoCloseable {
    enum Mode { OK, HTTP_503, GARBAGE, WARMUP, SLOW, WRONG_ID }

    volatile FakeChain chain;
    volatile Mode mode = Mode.OK;
    /** getblockstats: "ok", "pruned" (Core's "Can't read block from disk"), "missing" (method not found). */
    volatile String stats = "ok";
    /** A JSON-RPC front-end without batches: an array is refused with an error object. */
    volatile boolean noBatches;
    /** Whether REST is on ({@code -rest}). */
    volatile boolean rest;
    volatile String user;
    volatile String password;
    /** Replies by method name, before anything else (null: none). */
    volatile Function<String, JsonNode> override;
    final List<String> calls = new CopyOnWriteArrayList<>();
    /** JSON-RPC batch requests answered. */
    final AtomicInteger batches = new AtomicInteger();
    private final ObjectNode infoTemplate = Samples.blockchainInfoTemplate();
    private final ObjectNode statsTemplate = Samples.blockStatsTemplate();
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-bitcoind");
        t.setDaemon(true);
        return t;
    });
    private HttpServer server;
    private int port;

    static {
        // Without it the JDK server's separate header and body writes meet the client's delayed ACK: 40 ms a reply.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    FakeBitcoind(FakeChain chain) throws IOException {
        this.chain = chain;
        start(0);
    }

    private synchronized void start(int p) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), p), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
        port = server.getAddress().getPort();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /** An outage: nothing listens on the port until {@link #restart()}. */
    synchronized void stop() {
        server.stop(0);
    }

    synchronized void restart() throws IOException {
        start(port);
    }

    List<String> calls(String method) {
        return calls.stream().filter(method::equals).toList();
    }

    /** A reply of the fake: status, body, extra headers. */
    record Answer(int status, String body, Map<String, String> headers) {
        Answer(int status, String body) {
            this(status, body, Map.of());
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] in = ex.getRequestBody().readAllBytes();
            Answer a = answer(ex.getRequestURI().toString(), ex.getRequestHeaders().getFirst("Authorization"), in);
            a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            send(ex, a.status(), a.body());
        }
    }

    /** What the node answers to a request (also used by {@link RawHttpServer}'s connection behaviours). */
    Answer answer(String target, String authorization, byte[] in) throws IOException {
        {
            if (user != null) {
                String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                        .getBytes(StandardCharsets.UTF_8));
                if (!expected.equals(authorization)) {
                    return new Answer(401, "", Map.of("WWW-Authenticate", "Basic realm=\"jsonrpc\""));
                }
            }
            if (target != null && target.startsWith("/rest/")) {
                return rest(target);
            }
            if (mode == Mode.HTTP_503) {
                return new Answer(503, "Service Unavailable", Map.of("Retry-After", "1"));
            }
            if (mode == Mode.GARBAGE) {
                return new Answer(200, "<html><body>502 Bad Gateway</body></html>");
            }
            JsonNode parsed = Json.MAPPER.readTree(in);
            if (parsed.isArray() && noBatches) {
                return new Answer(400, "{\"result\":null,\"error\":{\"code\":-32600,\"message\":"
                        + "\"Invalid Request object\"},\"id\":null}");
            }
            if (parsed.isArray()) {
                // A JSON-RPC batch: one reply array, HTTP 200 whatever the single calls gave.
                StringBuilder out = new StringBuilder("[");
                for (JsonNode req : parsed) {
                    if (out.length() > 1) {
                        out.append(',');
                    }
                    out.append(single(req).body());
                }
                batches.incrementAndGet();
                return new Answer(200, out.append(']').toString());
            }
            return single(parsed);
        }
    }

    private Answer single(JsonNode req) throws IOException {
        try {
            String method = req.path("method").asText();
            JsonNode id = req.get("id");
            JsonNode params = req.path("params");
            calls.add(method);
            switch (mode) {
                case HTTP_503:
                    return new Answer(503, "Service Unavailable", Map.of("Retry-After", "1"));
                case GARBAGE:
                    return new Answer(200, "<html><body>502 Bad Gateway</body></html>");
                case WARMUP:
                    return error(id, 500, -28, "Loading block index...");
                case SLOW:
                    sleep(1_500);
                    break;
                default:
                    break;
            }
            Function<String, JsonNode> o = override;
            JsonNode overridden = o == null ? null : o.apply(method);
            if (overridden != null) {
                return result(id, overridden);
            }
            FakeChain c = chain;
            switch (method) {
                case "getblockchaininfo": {
                    ObjectNode r = infoTemplate.deepCopy();
                    r.put("chain", c.chainName);
                    r.put("blocks", c.tip());
                    r.put("headers", c.tip());
                    r.put("bestblockhash", c.tipHash());
                    r.put("initialblockdownload", false);
                    r.put("pruned", "pruned".equals(stats));
                    return result(id, r);
                }
                case "getblockhash": {
                    BlockHeader h = c.at(params.path(0).asLong(-1));
                    if (h == null) {
                        return error(id, 500, -8, "Block height out of range");
                    } else {
                        return result(id, Json.MAPPER.getNodeFactory().textNode(h.hash()));
                    }
                }
                case "getblockheader": {
                    BlockHeader h = c.byHash(params.path(0).asText());
                    if (h == null) {
                        return error(id, 500, -5, "Block not found");
                    } else if (params.path(1).asBoolean(true)) {
                        return error(id, 500, -1, "this fake serves raw headers only");
                    } else {
                        return result(id, Json.MAPPER.getNodeFactory().textNode(h.hex()));
                    }
                }
                case "getblockstats": {
                    if ("missing".equals(stats)) {
                        return error(id, 404, -32601, "Method not found");
                    }
                    if ("pruned".equals(stats)) {
                        return error(id, 500, -1, "Can't read block from disk");
                    }
                    String hash = params.path(0).asText();
                    BlockHeader h = c.byHash(hash);
                    if (h == null) {
                        return error(id, 500, -5, "Block not found");
                    }
                    long height = c.heightOf(hash);
                    ObjectNode full = statsTemplate.deepCopy();
                    full.put("blockhash", hash).put("height", height).put("time", h.time())
                            .put("totalfee", FakeChain.fees(height)).put("txs", FakeChain.txs(height));
                    JsonNode wanted = params.get(1);
                    if (wanted != null && wanted.isArray()) {
                        // Core returns only the stats asked for.
                        ObjectNode only = Json.MAPPER.createObjectNode();
                        for (JsonNode w : wanted) {
                            only.set(w.asText(), full.get(w.asText()));
                        }
                        full = only;
                    }
                    return result(id, full);
                }
                case "getblock": {
                    if ("pruned".equals(stats)) {
                        return error(id, 500, -1, "Block not available (pruned data)");
                    }
                    String hash = params.path(0).asText();
                    Long height = c.heightOf(hash);
                    if (height == null) {
                        return error(id, 500, -5, "Block not found");
                    }
                    if (params.path(1).asInt(1) != 1) {
                        return error(id, 500, -1, "this fake serves verbosity 1 only");
                    }
                    int n = FakeChain.txs(height);
                    StringBuilder b = new StringBuilder(100 + n * 67);
                    b.append("{\"hash\":\"").append(hash).append("\",\"height\":").append(height)
                            .append(",\"nTx\":").append(n).append(",\"tx\":[\"")
                            .append(FakeChain.coinbaseTxid(height)).append('"');
                    char[] txid = (String.format("%016x", height) + "0".repeat(48)).toCharArray();
                    for (int i = 1; i < n; i++) {
                        for (int d = 0, v = i; d < 8; d++, v >>>= 4) {
                            txid[63 - d] = Character.forDigit(v & 0xf, 16);
                        }
                        b.append(",\"").append(txid).append('"');
                    }
                    b.append("]}");
                    return resultRaw(id, b.toString());
                }
                case "getrawtransaction": {
                    String txid = params.path(0).asText();
                    Long height = c.heightOf(params.path(2).asText());
                    if (height == null || !FakeChain.coinbaseTxid(height).equals(txid)) {
                        return error(id, 500, -5, "No such transaction found in the provided block.");
                    }
                    return result(id, Json.MAPPER.getNodeFactory().textNode(FakeChain.coinbaseHex(height)));
                }
                default:
                    return error(id, 404, -32601, "Method not found");
            }
        } catch (RuntimeException e) {
            return new Answer(500, "fake failed: " + e);
        }
    }

    /**
     * Core's REST {@code /rest/headers/<hash>.bin?count=N} (at most 2000) when {@link #rest} is on; 404 otherwise
     * (Core without {@code -rest}). Binary bodies travel as ISO-8859-1 strings, byte for byte.
     */
    private Answer rest(String target) {
        calls.add("rest");
        if (!rest) {
            return new Answer(404, "Not Found");
        }
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("/rest/headers/([0-9a-f]{64})\\.bin\\?count=(\\d+)").matcher(target);
        if (!m.matches()) {
            return new Answer(400, "Invalid URI format");
        }
        int count = Integer.parseInt(m.group(2));
        if (count < 1 || count > 2000) {
            return new Answer(400, "Header count is invalid or out of acceptable range (1-2000)");
        }
        FakeChain c = chain;
        Long height = c.heightOf(m.group(1));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        if (height != null) {
            for (long h = height; h < height + count; h++) {
                BlockHeader b = c.at(h);
                if (b == null) {
                    break;
                }
                out.writeBytes(b.raw());
            }
        }
        return new Answer(200, new String(out.toByteArray(), StandardCharsets.ISO_8859_1),
                Map.of("Content-Type", "application/octet-stream"));
    }

    private Answer resultRaw(JsonNode id, String resultJson) {
        String idJson = mode == Mode.WRONG_ID ? "\"other\"" : String.valueOf(id);
        return new Answer(200, "{\"result\":" + resultJson + ",\"error\":null,\"id\":" + idJson + "}");
    }

    private Answer result(JsonNode id, JsonNode result) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.set("result", result);
        r.putNull("error");
        r.set("id", mode == Mode.WRONG_ID ? Json.MAPPER.getNodeFactory().textNode("other") : id);
        return new Answer(200, r.toString());
    }

    private Answer error(JsonNode id, int status, int code, String message) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.putNull("result");
        r.putObject("error").put("code", code).put("message", message);
        r.set("id", id);
        return new Answer(status, r.toString());
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        boolean binary = "application/octet-stream".equals(ex.getResponseHeaders().getFirst("Content-Type"));
        byte[] b = body.getBytes(binary ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        if (!binary) {
            ex.getResponseHeaders().add("Content-Type", "application/json");
        }
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (RuntimeException ignored) {
            // already stopped
        }
        executor.shutdownNow();
    }
}
