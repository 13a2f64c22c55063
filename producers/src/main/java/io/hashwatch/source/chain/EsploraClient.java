package io.hashwatch.source.chain;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.bitcoin.Coinbase;
import io.hashwatch.bitcoin.Network;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The Esplora REST API (Blockstream's electrs) and mempool.space's superset of it, at a configurable base URL
 * (default {@value #MEMPOOL_SPACE}).
 *
 * <ul>
 *   <li>network: the genesis hash, {@code /block-height/0} (mainnet, testnet4, signet, regtest; testnet3 is refused:
 *   the verifier does not implement its rules)</li>
 *   <li>tip: {@code /blocks/tip/height}, {@code /blocks/tip/hash}; hash at a height: {@code /block-height/:h}</li>
 *   <li>one block: mempool.space's {@code /v1/block/:hash} (header in {@code extras.header}, fees in
 *   {@code extras.totalFees}, the coinbase's outputs in {@code extras.reward}, {@code tx_count}); on plain Esplora
 *   (no {@code /v1}) {@code /block/:hash/header} and {@code /block/:hash} ({@code tx_count}), fees null; on both the
 *   coinbase transaction from {@code /block/:hash/txid/0} and {@code /tx/:txid/hex}</li>
 *   <li>backfill in bulk: {@code /v1/blocks/:h} (15 blocks with extras) or Esplora's {@code /blocks/:h} (10 blocks;
 *   the header is rebuilt from the block's fields and must hash to its id); mempool.space's {@code extras.reward}
 *   gives the claimed fees, {@code extras.coinbaseRaw} and {@code coinbaseAddresses} the coinbase's parts (the
 *   transaction itself is not fetched in bulk: two more requests a block)</li>
 * </ul>
 * Whether {@code /v1} exists is asked once, with the genesis block. HTTP 429 and 5xx are {@code http} errors carrying
 * the server's Retry-After, which the follower honours.
 */
public final class EsploraClient implements ChainSource {
    public static final String ID = "esplora";
    public static final String MEMPOOL_SPACE = "https://mempool.space/api";
    private static final HexFormat HEX = HexFormat.of();

    private final URI base;
    private final String where;
    private final HttpTransport http;
    private final ChainSourceMetrics metrics;
    private final SourceLog log;
    private Network network;
    private Boolean v1;
    private boolean feesMissingLogged;
    private boolean coinbaseMissingLogged;

    public EsploraClient(URI base, ChainSettings settings, ChainSourceMetrics metrics, SourceLog log) {
        this(base, settings, metrics, log, System::currentTimeMillis);
    }

    EsploraClient(URI base, ChainSettings settings, ChainSourceMetrics metrics, SourceLog log, LongSupplier clockMs) {
        this.base = Redact.withoutUserInfo(base);
        this.where = "esplora at " + Redact.uri(base);
        this.metrics = metrics;
        this.log = log;
        this.http = new HttpTransport(ID, settings, metrics, clockMs, List::of);
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
        Network net = network();
        long height = number(get("/blocks/tip/height"), "/blocks/tip/height");
        String hash = hash(get("/blocks/tip/hash"), "/blocks/tip/hash");
        return new Tip(net, height, hash, false);
    }

    /** The network, from the genesis block (asked once); also finds out whether /v1 exists. */
    private Network network() throws SourceException {
        if (network != null) {
            return network;
        }
        String genesis = hashAt(0);
        if (genesis == null) {
            throw new SourceException(SourceException.Kind.MALFORMED, where + ": /block-height/0 has no block");
        }
        Network net = KnownChains.byGenesis(genesis, where);
        String path = "/v1/block/" + genesis;
        HttpTransport.Reply r = send(path);
        if (r.status() == 404) {
            v1 = false;
            log.info(where + " has no /v1 API (plain Esplora): blocks are published without fees (null)");
            metrics.feesAvailable(false);
        } else if (r.ok()) {
            v1 = true;
            http.success();
        } else {
            throw http.httpError(r, "GET " + Redact.uri(HttpTransport.resolve(base, path)), null);
        }
        network = net;
        return net;
    }

    @Override
    public String hashAt(long height) throws SourceException {
        String path = "/block-height/" + height;
        HttpTransport.Reply r = send(path);
        if (r.status() == 404) {
            http.success();
            return null; // "Block not found": the chain is not that high
        }
        return hash(body(r, path), path);
    }

    @Override
    public Block block(long height, String hash) throws SourceException {
        if (Boolean.TRUE.equals(v1)) {
            String path = "/v1/block/" + hash;
            JsonNode b = json(get(path), path);
            Block block = parseBlock(b, path, true);
            if (!block.hash().equals(hash)) {
                throw new SourceException(SourceException.Kind.MALFORMED, where + ": " + path
                        + " describes block " + block.hash());
            }
            if (height >= 0 && block.height() != height) {
                throw new SourceException(SourceException.Kind.MALFORMED, where + ": " + path + " says height "
                        + block.height() + ", expected " + height);
            }
            return withCoinbase(block);
        }
        String path = "/block/" + hash + "/header";
        BlockHeader header = header(get(path), path);
        if (!header.hash().equals(hash)) {
            throw new SourceException(SourceException.Kind.MALFORMED, where + ": " + path
                    + " returned a header whose hash is " + header.hash());
        }
        JsonNode info = json(get("/block/" + hash), "/block/" + hash);
        Integer txs = info.path("tx_count").canConvertToInt() && info.path("tx_count").isIntegralNumber()
                ? info.get("tx_count").asInt() : null;
        return withCoinbase(new Block(height, header, null, txs));
    }

    /**
     * The block with its coinbase transaction: {@code /block/:hash/txid/0}, then {@code /tx/:txid/hex} (two requests
     * a block: for blocks one at a time, at the tip; a backfill in bulk goes without). A 404 or a reply that is not
     * hex leaves the coinbase out, logged once per change; a failing server fails the block.
     */
    private Block withCoinbase(Block b) throws SourceException {
        String txidPath = "/block/" + b.hash() + "/txid/0";
        HttpTransport.Reply r = send(txidPath);
        String txid = r.ok() ? r.body().trim() : null;
        String hex = null;
        if (txid != null && txid.matches("[0-9a-f]{64}")) {
            String txPath = "/tx/" + txid + "/hex";
            HttpTransport.Reply t = send(txPath);
            if (t.ok() && t.body().trim().matches("([0-9a-f]{2}){60,}")) {
                hex = t.body().trim();
            } else if (t.status() != 404 && !t.ok()) {
                throw http.httpError(t, "GET " + Redact.uri(HttpTransport.resolve(base, txPath)), null);
            }
        } else if (!r.ok() && r.status() != 404) {
            throw http.httpError(r, "GET " + Redact.uri(HttpTransport.resolve(base, txidPath)), null);
        }
        if (hex == null) {
            if (!coinbaseMissingLogged) {
                coinbaseMissingLogged = true;
                log.warn(where + ": no coinbase transaction for block " + b.height() + " " + b.hash() + " (HTTP "
                        + r.status() + "): published without it while this lasts");
            }
            return b;
        }
        http.success();
        if (coinbaseMissingLogged) {
            coinbaseMissingLogged = false;
            log.info(where + ": coinbase transactions available again (block " + b.height() + ")");
        }
        return new Block(b.height(), b.header(), b.feesSat(), b.txCount(), hex, b.rewardSat());
    }

    @Override
    public List<Block> blocksDownFrom(long height) throws SourceException {
        boolean extras = Boolean.TRUE.equals(v1);
        String path = (extras ? "/v1/blocks/" : "/blocks/") + height;
        JsonNode list = json(get(path), path);
        if (!list.isArray()) {
            throw new SourceException(SourceException.Kind.MALFORMED, where + ": " + path + " is not a JSON array");
        }
        if (list.isEmpty()) {
            // Asked only at or below the tip the server gave: it holds these blocks. A silent [] would leave the
            // follower up with nothing published.
            throw new SourceException(SourceException.Kind.MALFORMED, where + ": " + path + " answered [] (an empty"
                    + " page) for a height at or below its tip; retrying");
        }
        List<Block> out = new ArrayList<>();
        for (JsonNode b : list) {
            out.add(parseBlock(b, path, extras));
        }
        return out;
    }

    @Override
    public int batchSize() {
        return Boolean.TRUE.equals(v1) ? 15 : 10;
    }

    @Override
    public boolean feesAvailable() {
        return !Boolean.FALSE.equals(v1);
    }

    /**
     * A block object of the Esplora / mempool.space layout: the header from {@code extras.header} when there, else
     * rebuilt from version, previousblockhash, merkle_root, timestamp, bits and nonce; either way it must hash to
     * {@code id}.
     */
    private Block parseBlock(JsonNode b, String path, boolean extras) throws SourceException {
        if (!b.isObject()) {
            throw new SourceException(SourceException.Kind.MALFORMED, where + ": " + path + ": a block is not an"
                    + " object");
        }
        String id = hash(b.get("id"), path + " id");
        long height = number(b.get("height"), path + " height");
        JsonNode ex = b.get("extras");
        BlockHeader header;
        if (ex != null && ex.path("header").isTextual()) {
            header = header(ex.get("header").asText(), path + " extras.header");
        } else {
            header = rebuild(b, path);
        }
        if (!header.hash().equals(id)) {
            throw new SourceException(SourceException.Kind.MALFORMED, where + ": " + path + ": the header of block "
                    + id + " hashes to " + header.hash());
        }
        Integer txs = b.path("tx_count").isIntegralNumber() && b.get("tx_count").canConvertToInt()
                ? b.get("tx_count").asInt() : null;
        Long fees = null;
        if (extras) {
            JsonNode f = ex == null ? null : ex.get("totalFees");
            if (f != null && f.isIntegralNumber() && f.asLong() >= 0) {
                fees = f.asLong();
            } else if (!feesMissingLogged) {
                feesMissingLogged = true;
                log.warn(path + ": block " + id + " has no extras.totalFees: its fees are published as null");
            }
        }
        Long reward = null;
        if (extras && ex != null && ex.path("reward").isIntegralNumber() && ex.get("reward").canConvertToLong()
                && ex.get("reward").asLong() >= 0 && ex.get("reward").asLong() <= Coinbase.MAX_MONEY_SAT) {
            reward = ex.get("reward").asLong(); // the coinbase's outputs: what the miner claimed
        }
        return new Block(height, header, fees, txs, null, reward, extras ? coinbaseParts(ex) : null);
    }

    /**
     * mempool.space's {@code extras.coinbaseRaw} (the input script, hex) and {@code extras.coinbaseAddresses}; null
     * when the script is missing or not hex of a possible length; addresses that are not short printable text are
     * left out (they only ever name pools).
     */
    static ChainSource.CoinbaseParts coinbaseParts(JsonNode ex) {
        if (ex == null || !ex.path("coinbaseRaw").isTextual()) {
            return null;
        }
        String script = ex.get("coinbaseRaw").asText().toLowerCase(java.util.Locale.ROOT);
        if (script.length() < 4 || script.length() > HeaderRecord.MAX_SCRIPT_SIG_HEX || script.length() % 2 != 0
                || !script.matches("[0-9a-f]+")) {
            return null;
        }
        List<String> addresses = new ArrayList<>();
        for (JsonNode a : ex.path("coinbaseAddresses")) {
            String text = a.asText();
            if (a.isTextual() && !text.isEmpty() && text.length() <= HeaderRecord.MAX_ADDRESS_LENGTH
                    && text.matches("[0-9A-Za-z]+") && addresses.size() < HeaderRecord.MAX_PAYOUT_ADDRESSES) {
                addresses.add(text);
            }
        }
        return new ChainSource.CoinbaseParts(script, addresses);
    }

    private BlockHeader rebuild(JsonNode b, String path) throws SourceException {
        try {
            ByteBuffer buf = ByteBuffer.allocate(BlockHeader.SIZE).order(ByteOrder.LITTLE_ENDIAN);
            buf.putInt((int) field(b, "version"));
            buf.put(reverse(HEX.parseHex(hash(b.get("previousblockhash"), path + " previousblockhash"))));
            buf.put(reverse(HEX.parseHex(hash(b.get("merkle_root"), path + " merkle_root"))));
            buf.putInt((int) field(b, "timestamp"));
            buf.putInt((int) field(b, "bits"));
            buf.putInt((int) field(b, "nonce"));
            return BlockHeader.parse(buf.array());
        } catch (IllegalArgumentException e) {
            throw new SourceException(SourceException.Kind.MALFORMED, where + ": " + path + ": cannot rebuild a"
                    + " header: " + e.getMessage());
        }
    }

    private static long field(JsonNode b, String name) {
        JsonNode v = b.get(name);
        if (v == null || !v.isIntegralNumber() || v.asLong() < Integer.MIN_VALUE || v.asLong() > 0xffffffffL) {
            throw new IllegalArgumentException("no 32-bit integer '" + name + "'");
        }
        return v.asLong();
    }

    private static byte[] reverse(byte[] in) {
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = in[in.length - 1 - i];
        }
        return out;
    }

    private HttpTransport.Reply send(String path) throws SourceException {
        URI uri = HttpTransport.resolve(base, path);
        return http.send(HttpRequest.newBuilder(uri).header("Accept", "application/json, text/plain").GET(),
                "GET " + Redact.uri(uri));
    }

    private String get(String path) throws SourceException {
        return body(send(path), path);
    }

    private String body(HttpTransport.Reply r, String path) throws SourceException {
        if (!r.ok()) {
            String hint = r.status() == 429 ? "rate limited; backing off" : null;
            throw http.httpError(r, "GET " + Redact.uri(HttpTransport.resolve(base, path)), hint);
        }
        http.success();
        return r.body();
    }

    private JsonNode json(String body, String path) throws SourceException {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new SourceException(SourceException.Kind.MALFORMED, where + ": " + path + " is not JSON ("
                    + http.snippet(body) + ")");
        }
    }

    private long number(String text, String path) throws SourceException {
        String t = text == null ? "" : text.trim();
        if (!t.matches("\\d{1,12}")) {
            throw new SourceException(SourceException.Kind.MALFORMED, where + ": " + path + " is not a height ("
                    + http.snippet(t) + ")");
        }
        return Long.parseLong(t);
    }

    private long number(JsonNode v, String what) throws SourceException {
        if (v == null || !v.isIntegralNumber() || v.asLong() < 0) {
            throw new SourceException(SourceException.Kind.MALFORMED, where + ": " + what + " is not a height");
        }
        return v.asLong();
    }

    private String hash(String text, String path) throws SourceException {
        String t = text == null ? "" : text.trim();
        if (!t.matches("[0-9a-f]{64}")) {
            throw new SourceException(SourceException.Kind.MALFORMED, where + ": " + path
                    + " is not a 64-hex-digit block hash (" + http.snippet(t) + ")");
        }
        return t;
    }

    private String hash(JsonNode v, String what) throws SourceException {
        return hash(v == null || !v.isTextual() ? null : v.asText(), what);
    }

    private BlockHeader header(String text, String path) throws SourceException {
        String t = text == null ? "" : text.trim();
        if (!t.matches("[0-9a-fA-F]{160}")) {
            throw new SourceException(SourceException.Kind.MALFORMED, where + ": " + path
                    + " is not an 80-byte header in hex (" + http.snippet(t) + ")");
        }
        return BlockHeader.fromHex(t.toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "EsploraClient[" + where + "]";
    }
}
