package io.hashwatch.source.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.bitcoin.Network;
import io.hashwatch.model.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Bitcoin Core's JSON-RPC: {@code getblockchaininfo} (tip, chain name), {@code getblockhash},
 * {@code getblockheader <hash> false} (the raw 80-byte header, checked against its hash) and
 * {@code getblockstats <hash> ["totalfee","txs"]} for fees and transaction count.
 *
 * <p>When {@code getblockstats} fails (a pruned node no longer has the block; an old node has no such call) the
 * block is published with fees and tx count null; this is logged once per change (unavailable, available again)
 * and shown by {@code hashwatch_source_fees_available}. Errors: HTTP 401/403 name the credentials problem, JSON-RPC
 * errors are {@code rpc_error} with Core's code and message (warm-up -28 included), replies not of the expected
 * layout {@code malformed}.
 */
public final class BitcoindClient implements ChainSource {
    public static final String ID = "bitcoind";
    private static final int RPC_METHOD_NOT_FOUND = -32601;
    private static final int RPC_INVALID_PARAMETER = -8;

    private final URI endpoint;
    private final String where;
    private final BitcoindAuth auth;
    private final HttpTransport http;
    private final ChainSourceMetrics metrics;
    private final SourceLog log;
    private final AtomicLong ids = new AtomicLong();
    /** getblockstats: null until tried, then whether the last call worked; false forever if the node lacks it. */
    private Boolean statsWorked;
    private boolean statsMissing;

    public BitcoindClient(URI url, BitcoindAuth auth, ChainSettings settings, ChainSourceMetrics metrics,
                          SourceLog log) {
        this(url, auth, settings, metrics, log, System::currentTimeMillis);
    }

    BitcoindClient(URI url, BitcoindAuth auth, ChainSettings settings, ChainSourceMetrics metrics, SourceLog log,
                   LongSupplier clockMs) {
        this.endpoint = Redact.withoutUserInfo(url);
        this.where = "bitcoind at " + Redact.uri(url);
        this.auth = auth;
        this.metrics = metrics;
        this.log = log;
        this.http = new HttpTransport(ID, settings, metrics, clockMs, auth::secrets);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String describe() {
        return where;
    }

    @Override
    public ChainSourceMetrics metrics() {
        return metrics;
    }

    @Override
    public Tip tip() throws SourceException {
        JsonNode r = call("getblockchaininfo");
        if (!r.isObject()) {
            throw malformed("getblockchaininfo", "not an object", r);
        }
        Network network = KnownChains.byCoreChainName(text(r, "chain", "getblockchaininfo"), where);
        long blocks = integer(r, "blocks", "getblockchaininfo");
        String best = hash(r.get("bestblockhash"), "getblockchaininfo.bestblockhash");
        boolean ibd = r.path("initialblockdownload").asBoolean(false);
        return new Tip(network, blocks, best, ibd);
    }

    @Override
    public String hashAt(long height) throws SourceException {
        try {
            return hash(call("getblockhash", height), "getblockhash " + height);
        } catch (SourceException e) {
            if (e.rpcCode() != null && e.rpcCode() == RPC_INVALID_PARAMETER) {
                return null; // "Block height out of range": the chain is not that high (any more)
            }
            throw e;
        }
    }

    @Override
    public Block block(long height, String hash) throws SourceException {
        JsonNode r = call("getblockheader", hash, false);
        if (!r.isTextual()) {
            throw malformed("getblockheader " + hash + " false", "not a hex string", r);
        }
        BlockHeader header;
        try {
            header = BlockHeader.fromHex(r.asText());
        } catch (IllegalArgumentException e) {
            throw malformed("getblockheader " + hash + " false", e.getMessage(), null);
        }
        if (!header.hash().equals(hash)) {
            throw new SourceException(SourceException.Kind.MALFORMED, where + ": getblockheader " + hash
                    + " returned a header whose hash is " + header.hash());
        }
        Long fees = null;
        Integer txs = null;
        if (!statsMissing) {
            try {
                JsonNode s = call("getblockstats", hash, new String[] {"totalfee", "txs"});
                fees = integer(s, "totalfee", "getblockstats");
                txs = Math.toIntExact(integer(s, "txs", "getblockstats"));
                if (fees < 0 || txs < 1) {
                    throw malformed("getblockstats", "totalfee " + fees + ", txs " + txs, null);
                }
                if (!Boolean.TRUE.equals(statsWorked)) {
                    if (statsWorked != null) {
                        log.info("getblockstats works again (from height " + height + "): fees and tx counts are"
                                + " published again");
                    }
                    statsWorked = true;
                    metrics.feesAvailable(true);
                }
            } catch (SourceException e) {
                if (e.kind() != SourceException.Kind.RPC_ERROR && e.kind() != SourceException.Kind.MALFORMED) {
                    throw e; // the node is unreachable: the whole block fails, retried later
                }
                if (e.kind() == SourceException.Kind.MALFORMED) {
                    metrics.error(SourceException.Kind.MALFORMED);
                }
                fees = null;
                txs = null;
                if (e.rpcCode() != null && e.rpcCode() == RPC_METHOD_NOT_FOUND) {
                    statsMissing = true;
                }
                if (!Boolean.FALSE.equals(statsWorked)) {
                    log.warn("getblockstats failed at height " + height + " (" + e.getMessage() + "): fees and tx"
                            + " counts are published as null" + (statsMissing ? " (this node has no getblockstats)"
                            : " while it fails (a pruned node has no stats for blocks it no longer keeps)"));
                    statsWorked = false;
                    metrics.feesAvailable(false);
                }
            }
        }
        return new Block(height, header, fees, txs);
    }

    /** Requests sent again at once because the node had closed the connection. */
    long reconnects() {
        return http.reconnects();
    }

    @Override
    public boolean feesAvailable() {
        return !Boolean.FALSE.equals(statsWorked);
    }

    /** One JSON-RPC call; the result, or a SourceException saying what went wrong. */
    JsonNode call(String method, Object... params) throws SourceException {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("jsonrpc", "1.0");
        String id = "hashwatch-" + ids.incrementAndGet();
        body.put("id", id);
        body.put("method", method);
        ArrayNode p = body.putArray("params");
        for (Object o : params) {
            p.add(Json.MAPPER.valueToTree(o));
        }
        String what = where + ": " + method;
        HttpTransport.Reply reply = post(body.toString(), what);
        if (reply.status() == 401 && auth.hasCookie()) {
            auth.reload(); // bitcoind writes a new cookie at each start
            reply = post(body.toString(), what);
        }
        if (reply.status() == 401) {
            throw http.httpError(reply, what, "bitcoind refused the credentials (" + auth.describe() + "): give"
                    + " http://USER:PASSWORD@host:port, " + BitcoindAuth.USER_ENV + "/" + BitcoindAuth.PASSWORD_ENV
                    + " or --bitcoind-cookie DATADIR/.cookie");
        }
        if (reply.status() == 403) {
            throw http.httpError(reply, what, "bitcoind refused this client's address: allow it with rpcallowip");
        }
        JsonNode node;
        try {
            node = reply.body().isBlank() ? null : Json.MAPPER.readTree(reply.body());
        } catch (IOException e) {
            node = null;
        }
        if (node == null || !node.isObject()) {
            if (!reply.ok()) {
                throw http.httpError(reply, what, null);
            }
            throw new SourceException(SourceException.Kind.MALFORMED, what + ": reply is not a JSON-RPC object ("
                    + http.snippet(reply.body()) + ")");
        }
        JsonNode error = node.get("error");
        if (error != null && !error.isNull()) {
            int code = error.path("code").isInt() ? error.get("code").asInt() : 0;
            String message = http.snippet(error.path("message").asText(error.toString()));
            String hint = code == -28 ? " (bitcoind is starting up; waiting)" : "";
            throw SourceException.rpc(code, what + ": RPC error " + code + ": " + message + hint);
        }
        if (!reply.ok()) {
            throw http.httpError(reply, what, null);
        }
        JsonNode idNode = node.get("id");
        if (idNode != null && !idNode.isNull() && !id.equals(idNode.asText())) {
            throw new SourceException(SourceException.Kind.MALFORMED, what + ": reply id " + idNode
                    + " does not match request id " + id);
        }
        JsonNode result = node.get("result");
        if (result == null || result.isNull()) {
            throw new SourceException(SourceException.Kind.MALFORMED, what + ": reply has no result ("
                    + http.snippet(reply.body()) + ")");
        }
        http.success();
        return result;
    }

    private HttpTransport.Reply post(String body, String what) throws SourceException {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        String authorization = auth.header();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b, what);
    }

    private SourceException malformed(String call, String detail, JsonNode node) {
        return new SourceException(SourceException.Kind.MALFORMED, where + ": " + call + " reply is not as expected: "
                + detail + (node == null ? "" : " (" + http.snippet(node.toString()) + ")"));
    }

    private String text(JsonNode r, String field, String call) throws SourceException {
        JsonNode v = r.get(field);
        if (v == null || !v.isTextual()) {
            throw malformed(call, "no string field '" + field + "'", r);
        }
        return v.asText();
    }

    private long integer(JsonNode r, String field, String call) throws SourceException {
        JsonNode v = r.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw malformed(call, "no integer field '" + field + "'", r);
        }
        return v.asLong();
    }

    private String hash(JsonNode v, String call) throws SourceException {
        if (v == null || !v.isTextual() || !v.asText().matches("[0-9a-f]{64}")) {
            throw malformed(call, "not a 64-hex-digit block hash", v);
        }
        return v.asText();
    }

    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "BitcoindClient[" + where + ", " + auth.describe() + "]";
    }
}
