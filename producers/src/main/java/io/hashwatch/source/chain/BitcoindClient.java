package io.hashwatch.source.chain;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.bitcoin.Network;
import io.hashwatch.model.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    /** Coinbases: null until tried, then whether the last blocks had theirs. */
    private Boolean coinbasesWorked;
    /** Whether the node takes JSON-RPC batches (false after it answered one with an error object). */
    private boolean batches = true;
    /** REST: null until tried, then whether {@code -rest} is on. */
    private Boolean rest;
    private final URI restBase;
    /** Headers per REST request (Core's limit). */
    static final int REST_RANGE = 2000;
    /** Blocks per round of JSON-RPC batches. */
    static final int RPC_RANGE = 2000;
    /**
     * getblock replies list every txid (67 bytes each; a full block up to ~1 MB): a batch asks for blocks of about
     * this many txids in all (~1.3 MB), by the tx counts of getblockstats, or for {@value #GETBLOCK_GROUP} blocks.
     */
    static final long TXIDS_PER_BATCH = 20_000;
    static final int GETBLOCK_GROUP = 4;

    public BitcoindClient(URI url, BitcoindAuth auth, ChainSettings settings, ChainSourceMetrics metrics,
                          SourceLog log) {
        this(url, auth, settings, metrics, log, System::currentTimeMillis);
    }

    BitcoindClient(URI url, BitcoindAuth auth, ChainSettings settings, ChainSourceMetrics metrics, SourceLog log,
                   LongSupplier clockMs) {
        this.endpoint = Redact.withoutUserInfo(url);
        URI root = this.endpoint.resolve("/");
        this.restBase = URI.create(root.toString().replaceAll("/$", ""));
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
    public List<ChainTip> chainTips() throws SourceException {
        JsonNode r = call("getchaintips");
        if (!r.isArray()) {
            throw malformed("getchaintips", "not an array", r);
        }
        List<ChainTip> out = new ArrayList<>(r.size());
        for (JsonNode t : r) {
            long branch = integer(t, "branchlen", "getchaintips");
            if (branch < 0 || branch > Integer.MAX_VALUE) {
                throw malformed("getchaintips", "branchlen " + branch + " out of range", t);
            }
            out.add(new ChainTip(integer(t, "height", "getchaintips"), hash(t.get("hash"), "getchaintips.hash"),
                    (int) branch, text(t, "status", "getchaintips")));
        }
        return out;
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
        BlockHeader header = rawHeader(r, hash);
        return details(height, List.of(header)).get(0);
    }

    private BlockHeader rawHeader(JsonNode r, String hash) throws SourceException {
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
        return header;
    }

    @Override
    public boolean hasRangeCall() {
        return true;
    }

    /**
     * Blocks {@code from..} in bulk: the headers from REST ({@code /rest/headers/<hash>.bin?count=2000}, one request
     * for up to {@value #REST_RANGE}) when the node has {@code -rest}, else from two JSON-RPC batches
     * ({@code getblockhash}, {@code getblockheader}, {@value #RPC_RANGE} at a time); then fees, tx counts and
     * coinbases in batches ({@link #details}).
     */
    @Override
    public List<Block> blocksUpFrom(long from, long to) throws SourceException {
        List<BlockHeader> headers = null;
        if (!Boolean.FALSE.equals(rest)) {
            headers = restHeaders(from, (int) Math.min(to - from + 1, REST_RANGE));
        }
        if (headers == null) {
            headers = rpcHeaders(from, (int) Math.min(to - from + 1, RPC_RANGE));
        }
        if (headers.size() > RPC_RANGE) {
            headers = headers.subList(0, RPC_RANGE); // the details of one round stay within a reply's size
        }
        return headers.isEmpty() ? List.of() : details(from, headers);
    }

    private List<BlockHeader> rpcHeaders(long from, int n) throws SourceException {
        List<Object[]> heights = new ArrayList<>(n);
        for (long h = from; h < from + n; h++) {
            heights.add(new Object[] {h});
        }
        List<String> hashes = new ArrayList<>(n);
        for (Object r : batch("getblockhash", heights)) {
            if (r instanceof SourceException e) {
                if (e.rpcCode() != null && e.rpcCode() == RPC_INVALID_PARAMETER) {
                    break; // above the node's tip
                }
                throw e;
            }
            hashes.add(hash((JsonNode) r, "getblockhash " + (from + hashes.size())));
        }
        List<Object[]> asks = new ArrayList<>(hashes.size());
        for (String h : hashes) {
            asks.add(new Object[] {h, false});
        }
        List<Object> replies = batch("getblockheader", asks);
        List<BlockHeader> out = new ArrayList<>(hashes.size());
        for (int i = 0; i < replies.size(); i++) {
            if (replies.get(i) instanceof SourceException e) {
                throw e;
            }
            out.add(rawHeader((JsonNode) replies.get(i), hashes.get(i)));
        }
        return out;
    }

    /** Up to {@code n} headers from {@code from} by REST; null when REST is off (then not tried again). */
    private List<BlockHeader> restHeaders(long from, int n) throws SourceException {
        String start = hashAt(from);
        if (start == null) {
            return List.of();
        }
        URI uri = HttpTransport.resolve(restBase, "/rest/headers/" + start + ".bin?count=" + n);
        String what = "GET " + Redact.uri(uri);
        HttpTransport.Reply r = http.sendBytes(HttpRequest.newBuilder(uri).GET(), what);
        if (!r.ok()) {
            if (rest == null) {
                log.info(where + ": REST is not available (HTTP " + r.status() + "): headers come by JSON-RPC batches"
                        + " (start bitcoind with -rest for up to " + REST_RANGE + " headers a request)");
                rest = false;
                return null;
            }
            throw http.httpError(r, what, null);
        }
        byte[] body = r.bytes();
        if (body.length == 0 || body.length % BlockHeader.SIZE != 0 || body.length / BlockHeader.SIZE > n) {
            throw new SourceException(SourceException.Kind.MALFORMED, what + ": " + body.length
                    + " bytes is not up to " + n + " headers of 80 bytes");
        }
        List<BlockHeader> out = new ArrayList<>(body.length / BlockHeader.SIZE);
        for (int at = 0; at < body.length; at += BlockHeader.SIZE) {
            BlockHeader h = BlockHeader.parse(Arrays.copyOfRange(body, at, at + BlockHeader.SIZE));
            if (out.isEmpty() ? !h.hash().equals(start) : !h.prevHash().equals(out.get(out.size() - 1).hash())) {
                throw new SourceException(SourceException.Kind.MALFORMED, what + ": header " + out.size()
                        + " does not follow the one before it");
            }
            out.add(h);
        }
        if (rest == null) {
            log.info(where + ": REST is on: headers come " + REST_RANGE + " a request");
            rest = true;
        }
        http.success();
        return out;
    }

    /**
     * Fees and tx counts ({@code getblockstats}) and coinbases ({@code getblock <hash> 1} for the coinbase txid,
     * then {@code getrawtransaction <txid> false <hash>}, which needs no -txindex while the node keeps the block)
     * for consecutive headers from {@code from}, in JSON-RPC batches. What the node cannot give (a pruned block, an
     * old node) is null, logged once per change; only a failure of the node itself throws.
     */
    private List<Block> details(long from, List<BlockHeader> headers) throws SourceException {
        int n = headers.size();
        Long[] fees = new Long[n];
        Integer[] txs = new Integer[n];
        String[] coinbases = new String[n];
        if (!statsMissing) {
            List<Object[]> asks = new ArrayList<>(n);
            for (BlockHeader h : headers) {
                asks.add(new Object[] {h.hash(), new String[] {"totalfee", "txs"}});
            }
            List<Object> replies = batch("getblockstats", asks);
            SourceException failed = null;
            for (int i = 0; i < n; i++) {
                try {
                    if (replies.get(i) instanceof SourceException e) {
                        throw e;
                    }
                    JsonNode st = (JsonNode) replies.get(i);
                    long f = integer(st, "totalfee", "getblockstats");
                    int t = Math.toIntExact(integer(st, "txs", "getblockstats"));
                    if (f < 0 || t < 1) {
                        throw malformed("getblockstats", "totalfee " + f + ", txs " + t, null);
                    }
                    fees[i] = f;
                    txs[i] = t;
                } catch (SourceException e) {
                    if (e.kind() == SourceException.Kind.MALFORMED) {
                        metrics.error(SourceException.Kind.MALFORMED);
                    }
                    if (e.rpcCode() != null && e.rpcCode() == RPC_METHOD_NOT_FOUND) {
                        statsMissing = true;
                    }
                    failed = failed == null ? e : failed;
                    statsState(false, from + i, e);
                }
            }
            if (failed == null) {
                statsState(true, from + n - 1, null);
            }
        }
        List<Object[]> asks = new ArrayList<>(n);
        for (BlockHeader h : headers) {
            asks.add(new Object[] {h.hash(), 1});
        }
        String[] txids = new String[n];
        for (int g = 0, end; g < n; g = end) {
            // As many blocks a batch as make about TXIDS_PER_BATCH txids (known from the stats), else a few.
            end = g + 1;
            long listed = txs[g] == null ? TXIDS_PER_BATCH / GETBLOCK_GROUP : txs[g];
            while (end < n && end - g < RPC_RANGE) {
                long more = txs[end] == null ? TXIDS_PER_BATCH / GETBLOCK_GROUP : txs[end];
                if (listed + more > TXIDS_PER_BATCH) {
                    break;
                }
                listed += more;
                end++;
            }
            List<Object> replies = batch("getblock", asks.subList(g, end), true);
            for (int j = 0; j < replies.size(); j++) {
                Object r = replies.get(j);
                JsonNode tx = r instanceof JsonNode b ? b.path("tx").path(0) : null;
                if (tx != null && tx.isTextual() && tx.asText().matches("[0-9a-f]{64}")) {
                    txids[g + j] = tx.asText();
                } else {
                    coinbaseState(false, from + g + j, r instanceof SourceException e ? e.getMessage()
                            : "getblock has no txid list");
                }
            }
        }
        List<Object[]> raws = new ArrayList<>();
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (txids[i] != null) {
                raws.add(new Object[] {txids[i], false, headers.get(i).hash()});
                at.add(i);
            }
        }
        List<Object> replies = batch("getrawtransaction", raws);
        boolean all = raws.size() == n;
        for (int k = 0; k < replies.size(); k++) {
            Object r = replies.get(k);
            int i = at.get(k);
            if (r instanceof JsonNode t && t.isTextual() && t.asText().matches("([0-9a-f]{2})+")) {
                coinbases[i] = t.asText();
            } else {
                all = false;
                coinbaseState(false, from + i, r instanceof SourceException e ? e.getMessage()
                        : "getrawtransaction did not return hex");
            }
        }
        if (all) {
            coinbaseState(true, from + n - 1, null);
        }
        List<Block> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Block(from + i, headers.get(i), fees[i], txs[i], coinbases[i]));
        }
        return out;
    }

    private void statsState(boolean works, long height, SourceException e) {
        if (works) {
            if (!Boolean.TRUE.equals(statsWorked)) {
                if (statsWorked != null) {
                    log.info("getblockstats works again (at height " + height + "): fees and tx counts are"
                            + " published again");
                }
                statsWorked = true;
                metrics.feesAvailable(true);
            }
            return;
        }
        if (!Boolean.FALSE.equals(statsWorked)) {
            log.warn("getblockstats failed at height " + height + " (" + e.getMessage() + "): fees and tx"
                    + " counts are published as null" + (statsMissing ? " (this node has no getblockstats)"
                    : " while it fails (a pruned node has no stats for blocks it no longer keeps)"));
            statsWorked = false;
            metrics.feesAvailable(false);
        }
    }

    private void coinbaseState(boolean works, long height, String why) {
        if (works) {
            if (Boolean.FALSE.equals(coinbasesWorked)) {
                log.info("coinbases available again (at height " + height + ")");
            }
            coinbasesWorked = true;
            return;
        }
        if (!Boolean.FALSE.equals(coinbasesWorked)) {
            log.warn("no coinbase for block " + height + " (" + why + "): headers are published without coinbase"
                    + " while this lasts (a pruned node no longer has the block)");
            coinbasesWorked = false;
        }
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
        HttpTransport.Reply reply = exchange(body.toString(), what);
        JsonNode node;
        try {
            node = reply.bytes().length == 0 ? null : Json.MAPPER.readTree(reply.bytes());
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

    /** The calls of a batch sent one by one: each result, or its RPC or format error. */
    private List<Object> oneByOne(String method, List<Object[]> params) throws SourceException {
        List<Object> out = new ArrayList<>(params.size());
        for (Object[] ps : params) {
            try {
                out.add(call(method, ps));
            } catch (SourceException e) {
                if (e.kind() != SourceException.Kind.RPC_ERROR && e.kind() != SourceException.Kind.MALFORMED) {
                    throw e;
                }
                out.add(e);
            }
        }
        return out;
    }

    /** Posts a body; a refused cookie is read again once (bitcoind writes a new one at each start). */
    private HttpTransport.Reply exchange(String body, String what) throws SourceException {
        HttpTransport.Reply reply = post(body, what);
        if (reply.status() == 401 && auth.hasCookie()) {
            auth.reload(); // bitcoind writes a new cookie at each start
            reply = post(body, what);
        }
        if (reply.status() == 401) {
            throw http.httpError(reply, what, "bitcoind refused the credentials (" + auth.describe() + "): give"
                    + " http://USER:PASSWORD@host:port, " + BitcoindAuth.USER_ENV + "/" + BitcoindAuth.PASSWORD_ENV
                    + " or --bitcoind-cookie DATADIR/.cookie");
        }
        if (reply.status() == 403) {
            throw http.httpError(reply, what, "bitcoind refused this client's address: allow it with rpcallowip");
        }
        return reply;
    }

    /**
     * One JSON-RPC batch (one round trip for many calls of a method): in request order, each call's result
     * ({@link JsonNode}) or its error ({@link SourceException} of kind {@code rpc_error} or {@code malformed}).
     * Only a failure of the whole exchange throws.
     */
    List<Object> batch(String method, List<Object[]> params) throws SourceException {
        return batch(method, params, false);
    }

    /**
     * {@link #batch(String, List)}; with {@code firstTxOnly} each result's {@code tx} array is cut to its first
     * element while the reply is read (getblock lists every txid: thousands a block, of which only the coinbase's
     * is wanted).
     */
    List<Object> batch(String method, List<Object[]> params, boolean firstTxOnly) throws SourceException {
        if (params.isEmpty()) {
            return List.of();
        }
        if (!batches) {
            return oneByOne(method, params);
        }
        ArrayNode body = Json.MAPPER.createArrayNode();
        List<String> idList = new ArrayList<>(params.size());
        for (Object[] ps : params) {
            ObjectNode one = body.addObject();
            one.put("jsonrpc", "1.0");
            String id = "hashwatch-" + ids.incrementAndGet();
            idList.add(id);
            one.put("id", id);
            one.put("method", method);
            ArrayNode p = one.putArray("params");
            for (Object o : ps) {
                p.add(Json.MAPPER.valueToTree(o));
            }
        }
        String what = where + ": " + method + " (batch of " + params.size() + ")";
        HttpTransport.Reply reply = exchange(body.toString(), what);
        JsonNode node;
        try {
            node = reply.bytes().length == 0 ? null : firstTxOnly && reply.ok() ? firstTxOnly(reply.bytes())
                    : Json.MAPPER.readTree(reply.bytes());
        } catch (IOException e) {
            node = null;
        }
        if (node == null || !node.isArray()) {
            if (node != null && node.isObject() && node.path("error").isObject()) {
                // A JSON-RPC server (a proxy, a front-end) without batches: one call at a time from now on.
                JsonNode error = node.get("error");
                log.warn(where + " does not take JSON-RPC batches (RPC error " + error.path("code").asInt(0) + ": "
                        + http.snippet(error.path("message").asText()) + "): sending calls one at a time");
                batches = false;
                return oneByOne(method, params);
            }
            if (!reply.ok()) {
                throw http.httpError(reply, what, null);
            }
            throw new SourceException(SourceException.Kind.MALFORMED, what + ": reply is not a JSON-RPC batch ("
                    + http.snippet(reply.body()) + ")");
        }
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode r : node) {
            if (r.isObject() && r.path("id").isTextual()) {
                byId.put(r.get("id").asText(), r);
            }
        }
        List<Object> out = new ArrayList<>(params.size());
        for (int i = 0; i < params.size(); i++) {
            JsonNode r = byId.get(idList.get(i));
            String call = where + ": " + method + " " + Arrays.toString(params.get(i));
            if (r == null) {
                throw new SourceException(SourceException.Kind.MALFORMED, what + ": no reply for request "
                        + idList.get(i));
            }
            JsonNode error = r.get("error");
            if (error != null && !error.isNull()) {
                int code = error.path("code").isInt() ? error.get("code").asInt() : 0;
                out.add(SourceException.rpc(code, call + ": RPC error " + code + ": "
                        + http.snippet(error.path("message").asText(error.toString()))));
            } else if (r.get("result") == null || r.get("result").isNull()) {
                out.add(new SourceException(SourceException.Kind.MALFORMED, call + ": reply has no result"));
            } else {
                out.add(r.get("result"));
            }
        }
        http.success();
        return out;
    }

    /**
     * A batch reply read as a tree, except that within each {@code result} the {@code tx} array keeps only its first
     * element (the rest is skipped by the streaming parser, never built).
     */
    /** Reads one value from a parser in the middle of a reply (the mapper's trailing-token check would refuse it). */
    private static final ObjectReader TREE = Json.MAPPER.readerFor(JsonNode.class)
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static JsonNode firstTxOnly(byte[] body) throws IOException {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                return Json.MAPPER.readTree(body);
            }
            ArrayNode out = Json.MAPPER.createArrayNode();
            while (p.nextToken() == JsonToken.START_OBJECT) {
                ObjectNode one = out.addObject();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken t = p.nextToken();
                    if (name.equals("result") && t == JsonToken.START_OBJECT) {
                        ObjectNode result = one.putObject("result");
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String field = p.currentName();
                            JsonToken v = p.nextToken();
                            if (field.equals("tx") && v == JsonToken.START_ARRAY) {
                                ArrayNode tx = result.putArray("tx");
                                if (p.nextToken() == JsonToken.VALUE_STRING) {
                                    tx.add(p.getText());
                                    p.skipChildren();
                                    while (p.nextToken() != JsonToken.END_ARRAY) {
                                        p.skipChildren();
                                    }
                                } else if (p.currentToken() != JsonToken.END_ARRAY) {
                                    tx.add(TREE.<JsonNode>readValue(p));
                                    while (p.nextToken() != JsonToken.END_ARRAY) {
                                        p.skipChildren();
                                    }
                                }
                            } else if (v.isStructStart()) {
                                p.skipChildren();
                            } else {
                                result.set(field, TREE.<JsonNode>readValue(p));
                            }
                        }
                    } else {
                        one.set(name, TREE.<JsonNode>readValue(p));
                    }
                }
            }
            return out;
        }
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
