package io.hashwatch.source.chain;

import com.fasterxml.jackson.databind.JsonNode;
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
    volatile String user;
    volatile String password;
    /** Replies by method name, before anything else (null: none). */
    volatile Function<String, JsonNode> override;
    final List<String> calls = new CopyOnWriteArrayList<>();
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

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] in = ex.getRequestBody().readAllBytes();
            if (user != null) {
                String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                        .getBytes(StandardCharsets.UTF_8));
                if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                    ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"jsonrpc\"");
                    send(ex, 401, "");
                    return;
                }
            }
            JsonNode req = Json.MAPPER.readTree(in);
            String method = req.path("method").asText();
            JsonNode id = req.get("id");
            JsonNode params = req.path("params");
            calls.add(method);
            switch (mode) {
                case HTTP_503:
                    ex.getResponseHeaders().add("Retry-After", "1");
                    send(ex, 503, "Service Unavailable");
                    return;
                case GARBAGE:
                    send(ex, 200, "<html><body>502 Bad Gateway</body></html>");
                    return;
                case WARMUP:
                    error(ex, id, 500, -28, "Loading block index...");
                    return;
                case SLOW:
                    sleep(1_500);
                    break;
                default:
                    break;
            }
            Function<String, JsonNode> o = override;
            JsonNode overridden = o == null ? null : o.apply(method);
            if (overridden != null) {
                result(ex, id, overridden);
                return;
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
                    result(ex, id, r);
                    return;
                }
                case "getblockhash": {
                    BlockHeader h = c.at(params.path(0).asLong(-1));
                    if (h == null) {
                        error(ex, id, 500, -8, "Block height out of range");
                    } else {
                        result(ex, id, Json.MAPPER.getNodeFactory().textNode(h.hash()));
                    }
                    return;
                }
                case "getblockheader": {
                    BlockHeader h = c.byHash(params.path(0).asText());
                    if (h == null) {
                        error(ex, id, 500, -5, "Block not found");
                    } else if (params.path(1).asBoolean(true)) {
                        error(ex, id, 500, -1, "this fake serves raw headers only");
                    } else {
                        result(ex, id, Json.MAPPER.getNodeFactory().textNode(h.hex()));
                    }
                    return;
                }
                case "getblockstats": {
                    if ("missing".equals(stats)) {
                        error(ex, id, 404, -32601, "Method not found");
                        return;
                    }
                    if ("pruned".equals(stats)) {
                        error(ex, id, 500, -1, "Can't read block from disk");
                        return;
                    }
                    String hash = params.path(0).asText();
                    BlockHeader h = c.byHash(hash);
                    if (h == null) {
                        error(ex, id, 500, -5, "Block not found");
                        return;
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
                    result(ex, id, full);
                    return;
                }
                default:
                    error(ex, id, 404, -32601, "Method not found");
            }
        } catch (RuntimeException e) {
            send(ex, 500, "fake failed: " + e);
        }
    }

    private void result(HttpExchange ex, JsonNode id, JsonNode result) throws IOException {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.set("result", result);
        r.putNull("error");
        r.set("id", mode == Mode.WRONG_ID ? Json.MAPPER.getNodeFactory().textNode("other") : id);
        send(ex, 200, r.toString());
    }

    private void error(HttpExchange ex, JsonNode id, int status, int code, String message) throws IOException {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.putNull("result");
        r.putObject("error").put("code", code).put("message", message);
        r.set("id", id);
        send(ex, status, r.toString());
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
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
