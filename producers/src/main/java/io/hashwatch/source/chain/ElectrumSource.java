package io.hashwatch.source.chain;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.bitcoin.Coinbase;
import io.hashwatch.bitcoin.CompactTarget;
import io.hashwatch.bitcoin.MerkleBranch;
import io.hashwatch.bitcoin.Network;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.RejectReason;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;

/**
 * Headers and proven coinbases from Electrum servers (ElectrumX, Fulcrum, electrs), protocol 1.4.
 *
 * <ul>
 *   <li>tip: {@code blockchain.headers.subscribe}, which also subscribes: each new tip the server pushes wakes the
 *   follower ({@link #onNewTip}), so tips arrive without polling, and the pushed header (checked as any) is that
 *   round's tip and header, unasked; network from the genesis header
 *   ({@code blockchain.block.header 0})</li>
 *   <li>headers: {@code blockchain.block.headers} in runs of up to {@value #MAX_HEADERS} (the protocol's most); each
 *   header must meet its own proof of work and link to the one before it</li>
 *   <li>coinbases, for the last {@link #coinbaseBlocks} blocks below the tip: {@code
 *   blockchain.transaction.id_from_pos(height, 0, true)} gives the coinbase's txid and merkle branch, which must
 *   lead to the header's merkle root; {@code blockchain.transaction.get} the transaction, which must hash to that
 *   txid (without its witness). Both batched. A coinbase that fails is dead-lettered
 *   ({@code coinbase_proof_failed}) and its header published without it; the lying server is left</li>
 *   <li>tx count: 1 exactly when the merkle root is the coinbase's txid (a coinbase-only block); else unknown, as
 *   are the block's fees (the protocol gives neither)</li>
 * </ul>
 *
 * <p>With several servers it follows the one whose tip is highest (the most work: every header is checked for its
 * proof of work, and a tip that does not link is walked back by the follower's reorg logic), asked when it connects
 * and every {@link #REPROBE_INTERVAL}; a server that fails (no connection, a stall past the request timeout, a closed
 * socket, a malformed reply, an error object, a throttling reply, a failed proof) is left for
 * {@link #COOLDOWN} and the next one is used; the follower's backoff spaces the retries.
 */
public final class ElectrumSource implements ChainSource {
    public static final String ID = "electrum";
    /** Headers a {@code blockchain.block.headers} call gives at most. */
    public static final int MAX_HEADERS = 2016;
    /** Coinbases proven before the tip is followed: the longest pools window, 30 days of blocks. */
    public static final int DEFAULT_COINBASE_BLOCKS = 4320;
    /** Calls in one batch (politeness: servers meter each session's cost). */
    static final int BATCH = 100;
    /**
     * The background fill of the older history's coinbases: one batch of {@link #BATCH} blocks (a header call and two
     * batches, 201 calls) this often, about 20 blocks a second: 400 days' remaining 53,280 coinbases in about 45
     * minutes, well below what the history's first 4,320 ask at once.
     */
    public static final Duration DEFAULT_FILL_SPACING = Duration.ofSeconds(5);
    static final Duration COOLDOWN = Duration.ofMinutes(5);
    static final Duration REPROBE_INTERVAL = Duration.ofMinutes(10);
    /** A server whose tip is this many blocks below another's is lagging: the other is followed. */
    static final int LAG_BLOCKS = 2;
    /**
     * Public servers operated by different people, known for certificates of public CAs (not reachable from the
     * build machine: not checked there); used when no header source is given (docs/configuration.md names them).
     */
    public static final List<String> DEFAULT_SERVERS = List.of("ssl://electrum.blockstream.info:50002",
            "ssl://electrum.emzy.de:50002", "ssl://fortress.qtornado.com:443", "ssl://electrum.bitaroo.net:50002");

    /** Where a coinbase that fails its proof goes (the dead-letters topic). */
    public interface Rejects {
        void reject(HeaderRecord record, RejectReason reason, String detail) throws SourceException;
    }

    private final List<ElectrumServer> servers;
    private final ChainSettings settings;
    private final int coinbaseBlocks;
    private final SSLContext tls;
    private final ChainSourceMetrics metrics;
    private final SourceLog log;
    private final Rejects rejects;
    private final LongSupplier clockMs;
    private final Map<ElectrumServer, Long> leftUntil = new HashMap<>();
    private volatile Runnable onNewTip = () -> { };
    private volatile ElectrumConnection current;
    private int next;
    private long lastProbeMs;
    private Network network;
    private volatile long tipHeight = -1;
    /** The header {@link #hashAt} fetched last: {@link #block} of the same hash needs no second request. */
    private BlockHeader lastAsked;
    private long lastAskedHeight = -1;
    private volatile Duration fillSpacing = DEFAULT_FILL_SPACING;
    /**
     * The tip the followed server pushed last, its header checked: the next round's tip and that height's header
     * without asking (a pushed tip then costs the two coinbase requests alone). Set on the session's reader thread,
     * which must never wait for the source's lock (a round holding it waits for that thread's replies).
     */
    private final java.util.concurrent.atomic.AtomicReference<Pushed> pushed =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** A pushed tip; {@code pending} until a round took it as its tip. */
    private record Pushed(ElectrumConnection from, long height, BlockHeader header, boolean pending) {
        Pushed taken() {
            return new Pushed(from, height, header, false);
        }
    }

    public ElectrumSource(List<ElectrumServer> servers, ChainSettings settings, int coinbaseBlocks, SSLContext tls,
                          ChainSourceMetrics metrics, SourceLog log, Rejects rejects) {
        this(servers, settings, coinbaseBlocks, tls, metrics, log, rejects, System::currentTimeMillis);
    }

    ElectrumSource(List<ElectrumServer> servers, ChainSettings settings, int coinbaseBlocks, SSLContext tls,
                   ChainSourceMetrics metrics, SourceLog log, Rejects rejects, LongSupplier clockMs) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("at least one Electrum server");
        }
        if (coinbaseBlocks < 0) {
            throw new IllegalArgumentException("coinbase blocks must be >= 0, got " + coinbaseBlocks);
        }
        this.servers = List.copyOf(servers);
        this.settings = settings;
        this.coinbaseBlocks = coinbaseBlocks;
        this.tls = tls;
        this.metrics = metrics;
        this.log = log;
        this.rejects = rejects;
        this.clockMs = clockMs;
    }

    /** Poll rarely: tips are pushed; the poll only checks that the session is alive. */
    public static ChainSettings settings() {
        return new ChainSettings(Duration.ofSeconds(60), ChainSettings.DEFAULT_BACKFILL_BLOCKS,
                ChainSettings.DEFAULT_REORG_DEPTH, Duration.ofSeconds(1), Duration.ofMinutes(2),
                Duration.ofSeconds(20), Duration.ofMillis(50));
    }

    /** Spaces the background fill's batches by {@code d} instead of {@link #DEFAULT_FILL_SPACING} (tests, benches). */
    public ElectrumSource fillSpacing(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("fill spacing must be >= 0, got " + d);
        }
        fillSpacing = d;
        return this;
    }

    /** What to run when a server pushes a new tip (the follower's wake-up); called on the session's thread. */
    public void onNewTip(Runnable r) {
        onNewTip = r;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String describe() {
        ElectrumConnection c = current;
        return c != null ? "electrum " + c.server() : servers.size() == 1 ? "electrum " + servers.get(0)
                : "electrum (" + servers.size() + " servers)";
    }

    @Override
    public synchronized Tip tip() throws SourceException {
        ElectrumConnection first = connection();
        long now = clockMs.getAsLong();
        if (servers.size() > 1 && now - lastProbeMs >= REPROBE_INTERVAL.toMillis()) {
            lastProbeMs = now;
            first = leaveIfLagging(first);
        }
        ElectrumConnection c = first;
        Pushed p = pushed.getAndUpdate(x -> x == null ? null : x.taken());
        if (p != null && p.pending() && p.from() == c) {
            tipHeight = p.height();
            return new Tip(network, p.height(), p.header().hash(), false);
        }
        long[] height = new long[1];
        BlockHeader h = guarded(c, () -> subscribe(c, height));
        return new Tip(network, height[0], h.hash(), false);
    }

    @Override
    public synchronized String hashAt(long height) throws SourceException {
        if (height < 0 || (tipHeight >= 0 && height > tipHeight)) {
            return null;
        }
        ElectrumConnection c = connection();
        Pushed p = pushed.get();
        BlockHeader h = p != null && p.from() == c && p.height() == height ? p.header()
                : guarded(c, () -> header(c, height));
        lastAsked = h;
        lastAskedHeight = height;
        return h.hash();
    }

    @Override
    public synchronized Block block(long height, String hash) throws SourceException {
        ElectrumConnection c = connection();
        return guarded(c, () -> {
            BlockHeader h = lastAskedHeight == height && lastAsked.hash().equals(hash) ? lastAsked
                    : header(c, height);
            if (!h.hash().equals(hash)) {
                throw new SourceException(SourceException.Kind.WRONG_CHAIN, c.server() + ": block " + height
                        + " is now " + h.hash() + ", not " + hash + " (its chain changed)");
            }
            long lowest = coinbaseBlocks == 0 ? Long.MAX_VALUE : Math.max(0, tipHeight - coinbaseBlocks + 1);
            return withCoinbases(c, height, List.of(h), lowest).get(0);
        });
    }

    @Override
    public synchronized List<Block> blocksUpFrom(long from, long to) throws SourceException {
        ElectrumConnection c = connection();
        return guarded(c, () -> {
            List<BlockHeader> headers = headers(c, from, (int) Math.min(MAX_HEADERS, to - from + 1));
            long lowest = coinbaseBlocks == 0 ? Long.MAX_VALUE : Math.max(0, tipHeight - coinbaseBlocks + 1);
            return withCoinbases(c, from, headers, lowest);
        });
    }

    /** Every block's coinbase, proven, a batch at a time: the history's older coinbases, in the background. */
    @Override
    public synchronized List<Block> coinbasesUpFrom(long from, long to) throws SourceException {
        ElectrumConnection c = connection();
        return guarded(c, () -> withCoinbases(c, from, headers(c, from, (int) Math.min(BATCH, to - from + 1)),
                from));
    }

    @Override
    public boolean fillsCoinbases() {
        return coinbaseBlocks > 0;
    }

    @Override
    public Duration fillSpacing() {
        return fillSpacing;
    }

    /** Headers {@code from..from + count - 1} (or fewer, the server's chain ending), each checked and linked. */
    private List<BlockHeader> headers(ElectrumConnection c, long from, int count) throws SourceException {
        JsonNode r = c.call("blockchain.block.headers", from, count);
        metrics.success(clockMs.getAsLong());
        String hex = r.path("hex").asText("");
        int got = r.path("count").asInt(-1);
        if (got < 0 || hex.length() != got * BlockHeader.SIZE * 2 || got > count) {
            throw new SourceException(SourceException.Kind.MALFORMED, c.server() + ": blockchain.block.headers "
                    + from + " " + count + " answered count " + got + " with " + hex.length()
                    + " hex characters");
        }
        if (got == 0) {
            // An empty page below the tip the server announced: an error to retry, not the end of the chain.
            throw new SourceException(SourceException.Kind.MALFORMED, c.server() + ": no headers from height "
                    + from + " though its tip is " + tipHeight);
        }
        List<BlockHeader> headers = new ArrayList<>(got);
        for (int i = 0; i < got; i++) {
            BlockHeader h = parse(c, hex.substring(i * 160, (i + 1) * 160), from + i);
            if (!headers.isEmpty() && !h.prevHash().equals(headers.get(i - 1).hash())) {
                throw new SourceException(SourceException.Kind.MALFORMED, c.server() + ": header " + (from + i)
                        + " does not link to header " + (from + i - 1) + " of the same reply");
            }
            headers.add(h);
        }
        return headers;
    }

    @Override
    public boolean hasRangeCall() {
        return true;
    }

    @Override
    public boolean feesAvailable() {
        return false;
    }

    @Override
    public ChainSourceMetrics metrics() {
        return metrics;
    }

    /** The server followed now (null before the first connection or after a failure). */
    synchronized ElectrumServer following() {
        return current == null ? null : current.server();
    }

    @Override
    public synchronized void close() {
        ElectrumConnection c = current;
        current = null; // first: closing it must not ask for another round
        if (c != null) {
            c.close();
        }
    }

    // ---- coinbases

    /** The blocks of consecutive {@code headers} from {@code from}, with proven coinbases from {@code lowest} up. */
    private List<Block> withCoinbases(ElectrumConnection c, long from, List<BlockHeader> headers, long lowest)
            throws SourceException {
        List<Block> out = new ArrayList<>(headers.size());
        for (int i = 0; i < headers.size(); i++) {
            out.add(new Block(from + i, headers.get(i), null, null));
        }
        int first = (int) Math.max(0, Math.min(headers.size(), lowest - from));
        for (int start = first; start < headers.size(); start += BATCH) {
            int end = Math.min(headers.size(), start + BATCH);
            List<List<Object>> ask = new ArrayList<>(end - start);
            for (int i = start; i < end; i++) {
                ask.add(List.of(from + i, 0, true));
            }
            List<ElectrumConnection.Reply> ids = c.batch("blockchain.transaction.id_from_pos", ask);
            List<String> txids = new ArrayList<>(ids.size());
            List<List<Object>> txAsk = new ArrayList<>(ids.size());
            for (ElectrumConnection.Reply r : ids) {
                if (!r.ok()) {
                    throw c.errorObject("blockchain.transaction.id_from_pos", r);
                }
                String txid = r.result().path("tx_hash").asText(null);
                if (txid == null || !r.result().path("merkle").isArray()) {
                    throw new SourceException(SourceException.Kind.MALFORMED, c.server()
                            + ": id_from_pos answered without tx_hash and merkle: "
                            + ElectrumConnection.cut(r.result().toString()));
                }
                txids.add(txid);
                txAsk.add(List.of(txid, false));
            }
            List<ElectrumConnection.Reply> txs = c.batch("blockchain.transaction.get", txAsk);
            metrics.success(clockMs.getAsLong());
            String proofFailure = null;
            for (int i = start; i < end; i++) {
                ElectrumConnection.Reply idReply = ids.get(i - start);
                ElectrumConnection.Reply txReply = txs.get(i - start);
                if (!txReply.ok()) {
                    throw c.errorObject("blockchain.transaction.get", txReply);
                }
                Block b = out.get(i);
                String txid = txids.get(i - start);
                String raw = txReply.result().asText("");
                String problem = proofProblem(b.header(), txid, idReply.result().path("merkle"), raw);
                if (problem == null) {
                    Integer txCount = b.header().merkleRoot().equals(txid) ? 1 : null;
                    out.set(i, new Block(b.height(), b.header(), null, txCount, raw));
                } else {
                    proofFailure = c.server() + ": block " + b.height() + " " + b.hash() + ": " + problem;
                    metrics.error(SourceException.Kind.COINBASE_PROOF);
                    log.warn("coinbase proof failed (" + proofFailure + "): dead-lettered, the header is published"
                            + " without it, and the server is left");
                    rejects.reject(new HeaderRecord(network.id(), b.height(), b.header().hex(), null, null, ID,
                            clockMs.getAsLong(), raw.length() > HeaderRecord.MAX_COINBASE_HEX ? null : raw, null),
                            RejectReason.COINBASE_PROOF_FAILED, proofFailure);
                }
            }
            if (proofFailure != null) {
                leave(c, "a coinbase proof failed");
                onNewTip.run(); // the next round connects to another server, so that tips are pushed again
            }
        }
        return out;
    }

    /** Why the coinbase does not prove against the header, or null when it does. */
    static String proofProblem(BlockHeader header, String txid, JsonNode merkle, String raw) {
        List<String> branch = new ArrayList<>();
        merkle.forEach(n -> branch.add(n.asText()));
        String root;
        try {
            root = MerkleBranch.root(txid, branch, 0);
        } catch (IllegalArgumentException e) {
            return "the merkle branch is malformed: " + e.getMessage();
        }
        if (!root.equals(header.merkleRoot())) {
            return "the merkle branch of coinbase " + txid + " leads to " + root + ", not the header's merkle root "
                    + header.merkleRoot();
        }
        Coinbase cb;
        try {
            cb = Coinbase.parseHex(raw);
        } catch (IllegalArgumentException e) {
            return "transaction " + txid + " is not a coinbase: " + e.getMessage();
        }
        if (!cb.txid().equals(txid)) {
            return "the transaction hashes to " + cb.txid() + ", not to the proven txid " + txid;
        }
        return null;
    }

    // ---- headers

    private BlockHeader header(ElectrumConnection c, long height) throws SourceException {
        JsonNode r = c.call("blockchain.block.header", height);
        metrics.success(clockMs.getAsLong());
        return parse(c, r.asText(""), height);
    }

    /** A header that parses and meets the proof of work its bits state: a server cannot make one up cheaply. */
    private static BlockHeader parse(ElectrumConnection c, String hex, long height) throws SourceException {
        BlockHeader h;
        try {
            h = BlockHeader.fromHex(hex);
        } catch (IllegalArgumentException e) {
            throw new SourceException(SourceException.Kind.MALFORMED, c.server() + ": header " + height
                    + " does not parse: " + e.getMessage());
        }
        BigInteger target;
        try {
            target = CompactTarget.decode(h.bits());
        } catch (IllegalArgumentException e) {
            target = BigInteger.ZERO;
        }
        if (target.signum() <= 0 || h.hashValue().compareTo(target) > 0) {
            throw new SourceException(SourceException.Kind.MALFORMED, c.server() + ": header " + height + " "
                    + h.hash() + " does not meet the proof of work of its bits");
        }
        return h;
    }

    /** Subscribes (again) to new tips: the current tip's header, checked; its height in {@code height[0]}. */
    private BlockHeader subscribe(ElectrumConnection c, long[] height) throws SourceException {
        JsonNode r = c.call("blockchain.headers.subscribe");
        metrics.success(clockMs.getAsLong());
        long h = r.path("height").asLong(-1);
        if (h < 0) {
            throw new SourceException(SourceException.Kind.MALFORMED, c.server() + ": headers.subscribe answered"
                    + " without a height: " + ElectrumConnection.cut(r.toString()));
        }
        BlockHeader header = parse(c, r.path("hex").asText(""), h);
        height[0] = h;
        tipHeight = h;
        return header;
    }

    private void notified(ElectrumConnection from, JsonNode message) {
        if (!"blockchain.headers.subscribe".equals(message.path("method").asText())) {
            return;
        }
        if (from == current) {
            JsonNode tip = message.path("params").path(0);
            long height = tip.path("height").asLong(-1);
            try {
                if (height >= 0) {
                    pushed.set(new Pushed(from, height, parse(from, tip.path("hex").asText(""), height), true));
                    metrics.success(clockMs.getAsLong());
                }
            } catch (SourceException e) {
                pushed.set(null); // not a header: the round asks for the tip as it would without a push
            }
            onNewTip.run();
        }
    }

    // ---- servers

    private interface Call<T> {
        T run() throws SourceException;
    }

    /** Runs a call on the followed server; a failure leaves the server (the next call uses another). */
    private <T> T guarded(ElectrumConnection c, Call<T> call) throws SourceException {
        try {
            return call.run();
        } catch (SourceException e) {
            if (e.kind() != SourceException.Kind.WRONG_CHAIN && e.kind() != SourceException.Kind.KAFKA) {
                leave(c, e.getMessage());
            }
            throw e;
        }
    }

    private void leave(ElectrumConnection c, String why) {
        if (c == current) {
            current = null; // first: closing it must not wake the follower, which is already retrying
        }
        c.close();
        if (servers.size() > 1) {
            leftUntil.put(c.server(), clockMs.getAsLong() + COOLDOWN.toMillis());
            log.info("leaving " + c.server() + " (" + ElectrumConnection.cut(why) + ")");
        }
    }

    /** The followed server's session, connecting to the best available one when there is none. */
    private ElectrumConnection connection() throws SourceException {
        if (current != null && current.isOpen()) {
            return current;
        }
        if (current != null) {
            leave(current, "its session ended");
        }
        long now = clockMs.getAsLong();
        List<ElectrumServer> order = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            ElectrumServer s = servers.get((next + i) % servers.size());
            if (leftUntil.getOrDefault(s, 0L) <= now) {
                order.add(s);
            }
        }
        if (order.isEmpty()) {
            order.addAll(servers); // all were left recently: try them all again rather than none
            leftUntil.clear();
        }
        next = (next + 1) % servers.size();
        SourceException last = null;
        ElectrumConnection best = null;
        long bestHeight = -1;
        for (ElectrumServer s : order) {
            ElectrumConnection c = null;
            try {
                c = open(s);
                long[] height = new long[1];
                subscribe(c, height);
                if (height[0] > bestHeight) {
                    if (best != null) {
                        best.close();
                    }
                    best = c;
                    bestHeight = height[0];
                } else {
                    c.close();
                }
            } catch (SourceException e) {
                if (c != null) {
                    c.close();
                }
                if (last != null) {
                    metrics.error(last.kind()); // the last one is counted by the follower when it is thrown
                }
                leftUntil.put(s, now + COOLDOWN.toMillis());
                log.warn("Electrum server " + s + " failed (" + e.kind().label() + "): " + e.getMessage());
                last = e;
            }
        }
        if (best == null) {
            throw last != null ? last : new SourceException(SourceException.Kind.CONNECT, "no Electrum server");
        }
        if (last != null) {
            metrics.error(last.kind());
        }
        lastProbeMs = now;
        current = best;
        tipHeight = bestHeight;
        if (network == null) {
            ElectrumConnection b = best;
            String genesis = guarded(b, () -> header(b, 0).hash());
            network = KnownChains.byGenesis(genesis, best.server().toString());
        }
        log.info("following Electrum server " + best.server() + " (" + best.serverSoftware() + ", tip "
                + bestHeight + ")");
        return best;
    }

    private ElectrumConnection open(ElectrumServer s) throws SourceException {
        ElectrumConnection[] self = new ElectrumConnection[1];
        self[0] = new ElectrumConnection(s, settings.requestTimeout(), tls, m -> notified(self[0], m),
                settings.requestSpacing(), () -> {
                    if (self[0] == current) {
                        onNewTip.run(); // a round at once: it connects to another server, which pushes tips again
                    }
                });
        return self[0].open();
    }

    /** Switches from {@code c} when another server's tip is {@link #LAG_BLOCKS} or more higher. */
    private ElectrumConnection leaveIfLagging(ElectrumConnection c) throws SourceException {
        long[] mine = new long[1];
        guarded(c, () -> subscribe(c, mine));
        for (ElectrumServer s : servers) {
            if (s.equals(c.server()) || leftUntil.getOrDefault(s, 0L) > clockMs.getAsLong()) {
                continue;
            }
            try (ElectrumConnection probe = open(s)) {
                long[] theirs = new long[1];
                subscribe(probe, theirs);
                tipHeight = mine[0];
                if (theirs[0] >= mine[0] + LAG_BLOCKS) {
                    log.info(c.server() + " is lagging (tip " + mine[0] + ", " + s + " has " + theirs[0] + ")");
                    leave(c, "lagging");
                    return connection();
                }
            } catch (SourceException e) {
                metrics.error(e.kind());
                leftUntil.put(s, clockMs.getAsLong() + COOLDOWN.toMillis());
            }
        }
        tipHeight = mine[0];
        return c;
    }

    @Override
    public String toString() {
        return "ElectrumSource" + servers;
    }
}
