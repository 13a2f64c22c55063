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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An Esplora / mempool.space API under {@code /api} on a local port, serving a {@link FakeChain}: tip height and
 * hash, hash by height, raw header, and blocks in the layouts of the real mempool.space samples ({@code /v1/block},
 * {@code /v1/blocks} with extras; {@code /block}, {@code /blocks} without). {@link #plain} turns it into a plain
 * Esplora (every {@code /v1} path 404). Real block objects (the websocket samples) can be served verbatim.
 */
final class FakeEsplora implements AutoCloseable {
    enum Mode { OK, RATE_LIMITED, HTTP_503, GARBAGE, SLOW }

    volatile FakeChain chain;
    volatile Mode mode = Mode.OK;
    volatile boolean plain;
    /** Whether /block/:hash/txid/0 answers (else 404: an index without the block's transactions). */
    volatile boolean coinbases = true;
    /** How many bulk pages ({@code /blocks/:h}) to answer with {@code []} before answering properly. */
    final java.util.concurrent.atomic.AtomicInteger emptyPages = new java.util.concurrent.atomic.AtomicInteger();
    private final Map<String, Long> coinbaseHeights = new ConcurrentHashMap<>();
    /** Seconds in the Retry-After of a 429 / 503. */
    volatile int retryAfterSeconds = 1;
    /** Block objects served verbatim by hash (v1 layout with extras), before any made from the template. */
    final Map<String, JsonNode> verbatim = new ConcurrentHashMap<>();
    /** Request paths with the time they came, ms since the epoch. */
    final List<String> paths = new CopyOnWriteArrayList<>();
    final List<Long> times = new CopyOnWriteArrayList<>();
    private final ObjectNode v1Template = Samples.blockV1Template();
    private final ObjectNode plainTemplate = Samples.blockTemplate();
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-esplora");
        t.setDaemon(true);
        return t;
    });
    private HttpServer server;
    private int port;

    static {
        // Without it the JDK server's separate header and body writes meet the client's delayed ACK: 40 ms a reply.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    FakeEsplora(FakeChain chain) throws IOException {
        this.chain = chain;
        start(0);
    }

    private synchronized void start(int p) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), p), 0);
        server.createContext("/api/", this::handle);
        server.setExecutor(executor);
        server.start();
        port = server.getAddress().getPort();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port + "/api");
    }

    synchronized void stop() {
        server.stop(0);
    }

    synchronized void restart() throws IOException {
        start(port);
    }

    long count(String prefix) {
        return paths.stream().filter(p -> p.startsWith(prefix)).count();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath().substring("/api".length());
            paths.add(path);
            times.add(System.currentTimeMillis());
            switch (mode) {
                case RATE_LIMITED:
                    ex.getResponseHeaders().add("Retry-After", String.valueOf(retryAfterSeconds));
                    send(ex, 429, "text/plain", "Too Many Requests");
                    return;
                case HTTP_503:
                    send(ex, 503, "text/plain", "Service Unavailable");
                    return;
                case GARBAGE:
                    send(ex, 200, "text/html", "<html>maintenance</html>");
                    return;
                case SLOW:
                    try {
                        Thread.sleep(1_500);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    break;
                default:
                    break;
            }
            boolean v1 = path.startsWith("/v1/");
            if (v1 && plain) {
                send(ex, 404, "text/plain", "Not Found");
                return;
            }
            String p = v1 ? path.substring(3) : path;
            String[] seg = p.substring(1).split("/");
            FakeChain c = chain;
            if (p.equals("/blocks/tip/height")) {
                send(ex, 200, "text/plain", String.valueOf(c.tip()));
            } else if (p.equals("/blocks/tip/hash")) {
                send(ex, 200, "text/plain", c.tipHash());
            } else if (seg.length == 2 && seg[0].equals("block-height")) {
                BlockHeader h = c.at(Long.parseLong(seg[1]));
                if (h == null) {
                    send(ex, 404, "text/plain", "Block not found");
                } else {
                    send(ex, 200, "text/plain", h.hash());
                }
            } else if (seg.length == 3 && seg[0].equals("block") && seg[2].equals("header") && !v1) {
                BlockHeader h = c.byHash(seg[1]);
                if (h == null) {
                    send(ex, 404, "text/plain", "Block not found");
                } else {
                    send(ex, 200, "text/plain", h.hex());
                }
            } else if (seg.length == 4 && seg[0].equals("block") && seg[2].equals("txid") && seg[3].equals("0")
                    && !v1) {
                Long height = c.heightOf(seg[1]);
                if (height == null || !coinbases) {
                    send(ex, 404, "text/plain", "Block not found");
                } else {
                    String txid = FakeChain.coinbaseTxid(height);
                    coinbaseHeights.put(txid, height);
                    send(ex, 200, "text/plain", txid);
                }
            } else if (seg.length == 3 && seg[0].equals("tx") && seg[2].equals("hex") && !v1) {
                Long height = coinbaseHeights.get(seg[1]);
                if (height == null) {
                    send(ex, 404, "text/plain", "Transaction not found");
                } else {
                    send(ex, 200, "text/plain", FakeChain.coinbaseHex(height));
                }
            } else if (seg.length == 2 && seg[0].equals("block")) {
                BlockHeader h = c.byHash(seg[1]);
                if (h == null) {
                    send(ex, 404, "text/plain", "Block not found");
                } else {
                    send(ex, 200, "application/json", block(c, h, v1).toString());
                }
            } else if (seg.length == 2 && seg[0].equals("blocks")) {
                long top = Math.min(Long.parseLong(seg[1]), c.tip());
                ArrayNode list = Json.MAPPER.createArrayNode();
                if (emptyPages.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    send(ex, 200, "application/json", "[]");
                    return;
                }
                for (long height = top; height > top - (v1 ? 15 : 10); height--) {
                    BlockHeader h = c.at(height);
                    if (h == null) {
                        break;
                    }
                    list.add(block(c, h, v1));
                }
                send(ex, 200, "application/json", list.toString());
            } else {
                send(ex, 404, "text/plain", "Not Found");
            }
        } catch (RuntimeException e) {
            send(ex, 500, "text/plain", "fake failed: " + e);
        }
    }

    /** A block object: verbatim if given, else the sample's layout with this block's values. */
    private JsonNode block(FakeChain c, BlockHeader h, boolean v1) {
        JsonNode fixed = verbatim.get(h.hash());
        if (fixed != null) {
            if (v1) {
                return fixed;
            }
            ObjectNode copy = fixed.deepCopy();
            copy.remove("extras");
            return copy;
        }
        long height = c.heightOf(h.hash());
        ObjectNode b = (v1 ? v1Template : plainTemplate).deepCopy();
        b.put("id", h.hash()).put("height", height).put("version", h.version()).put("timestamp", h.time())
                .put("bits", h.bits()).put("nonce", h.nonce()).put("merkle_root", h.merkleRoot())
                .put("tx_count", FakeChain.txs(height)).put("previousblockhash", h.prevHash());
        if (v1) {
            ObjectNode extras = (ObjectNode) b.get("extras");
            extras.put("totalFees", FakeChain.fees(height)).put("header", h.hex())
                    .put("reward", io.hashwatch.bitcoin.Subsidy.subsidySat(height) + FakeChain.fees(height))
                    .put("coinbaseRaw", io.hashwatch.bitcoin.Coinbase.parseHex(FakeChain.coinbaseHex(height))
                            .scriptSigHex());
        }
        return b;
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
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
