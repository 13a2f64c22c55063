package io.hashwatch.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.hashwatch.bitcoin.Network;
import io.hashwatch.config.CostProfile;
import io.hashwatch.config.EconomicsSettings;
import io.hashwatch.economics.MiningEconomics;
import io.hashwatch.model.BlockRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.Topics;
import io.hashwatch.pools.PoolList;
import io.hashwatch.topology.StoreViews;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of the streams role, served beside {@code /metrics} on its port: mempool.space's mining endpoints
 * under {@code /api/}, hashwatch's own under {@code /api/v1/hashwatch/} (docs/api.md). Requests run on the API's
 * own small pool with a bounded queue, never on the metrics server's threads: a flood of API requests gets 503s and
 * Prometheus still scrapes. Only GET and HEAD are served, bodies are refused, errors are JSON
 * ({@code {"error": ...}}), never a stack trace. Paths outside {@code /api/} are the live page's ({@link Page}), which
 * reads only this API.
 * <p>Each network's state is on one instance (its stores are partitioned by network): an instance that does not
 * hold a network forwards the request to the one that does ({@code application.server}), once.
 */
public final class Api extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(Api.class);
    /** Marks a forwarded request, so that it is never forwarded again (two instances disagreeing mid-rebalance). */
    static final String FORWARDED_HEADER = "X-Hashwatch-Forwarded";
    static final String PREFIX = "/api/";
    static final String EVENTS_PATH = "/api/v1/events";
    /**
     * Where another instance reads this one's part of a store it does not hold (a request's chain and pools may be
     * on different instances): its records as JSON (snake_case), never forwarded again.
     */
    static final String INTERNAL_POOL_BLOCKS = "/api/internal/pool-blocks";
    static final String INTERNAL_MINER_DAYS = "/api/internal/miner-days";
    /**
     * Request threads of the API, and requests that may wait for one (beyond, 503): a few hundred clients at once
     * wait rather than fail, and the wait stays bounded. /metrics has threads of its own.
     */
    public static final int THREADS = 4;
    public static final int QUEUE = 256;
    /** Longest path or query the API reads. */
    static final int MAX_TARGET_CHARS = 512;
    /** Answers kept per path for their tip: the same request at the same tip is not computed again. */
    static final int CACHE_ENTRIES = 256;
    /**
     * How old a cached answer may be and still be given at a newer tip, while one thread recomputes it: during a
     * backfill the tip moves every millisecond, and the request threads answer rather than recompute.
     */
    static final long RECENT_NANOS = 1_000_000_000L;
    /**
     * How old a cached answer is before a request at a newer tip has it recomputed (then on the refresh thread): a
     * backfill's tip moved under every recomputation, and the refresh thread recomputed the same paths back to back
     * (7.5% of the CPU in the API bench, on cores the request threads share).
     */
    static final long REFRESH_NANOS = 200_000_000L;

    /** mempool.space's JSON: camelCase field names, as its API. */
    static final ObjectMapper MEMPOOL_JSON = JsonMapper.builder().build();

    private final StateStores stores;
    private final Map<String, Object> economicsSettings;
    private final EconomicsSettings economics;
    private final MempoolResources mempool;
    private final HashwatchResources hashwatch;
    private final ThreadPoolExecutor pool;
    /** Recomputes cached answers at a newer tip, one at a time, off the request threads. */
    private final ThreadPoolExecutor refresher;
    private final HttpClient forwarder;
    private final Map<String, CachedAnswer> cache = new ConcurrentHashMap<>();
    /** Paths being computed at a new tip, by one request each. */
    private final java.util.Set<String> computing = ConcurrentHashMap.newKeySet();
    private volatile Events events;

    /** An answer: status, type, body, and the tip it is as of (null for none). */
    record Answer(int status, String contentType, byte[] body, BlockRecord asOf, int retryAfterSeconds) {
        static Answer json(Object value, BlockRecord asOf) {
            try {
                return new Answer(200, "application/json", MEMPOOL_JSON.writeValueAsBytes(value), asOf, 0);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        static Answer text(String value, BlockRecord asOf) {
            return new Answer(200, "text/plain; charset=utf-8", value.getBytes(StandardCharsets.UTF_8), asOf, 0);
        }

        static Answer error(int status, String message, int retryAfterSeconds) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("error", message);
            m.put("status", status);
            try {
                return new Answer(status, "application/json", MEMPOOL_JSON.writeValueAsBytes(m), null,
                        retryAfterSeconds);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** An answer, the version of the stores it was computed from (the chain's tip, the pools' tip), and when. */
    private record CachedAnswer(String version, Answer answer, long computedNanos) {
    }

    /**
     * @param self     this instance's {@code application.server} (host:port other instances reach its API at), null
     *                 when it runs alone
     * @param pools     the list blocks are attributed by (names, slugs, links)
     * @param economics the cost profiles and the lease rate the economics are figured with: the per-block records
     *                  leave them out, the economics resource states them
     * @param registry  where the sources' gauges are read for {@code status}
     */
    public Api(HostInfo self, PoolList pools, EconomicsSettings economics, MeterRegistry registry) {
        this.economicsSettings = settings(economics);
        this.economics = economics;
        this.stores = new StateStores(self);
        this.mempool = new MempoolResources(stores, pools);
        this.hashwatch = new HashwatchResources(stores, mempool, registry);
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                r -> {
                    Thread t = new Thread(r, "hashwatch-api-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        this.refresher = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(CACHE_ENTRIES),
                r -> {
                    Thread t = new Thread(r, "hashwatch-api-refresh");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        this.forwarder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    /**
     * Starts the live events of {@code /api/v1/events}, read from the output topics with these client settings.
     *
     * @param kafka bootstrap servers and any further client settings (TLS, SASL)
     */
    public void startEvents(Map<String, Object> kafka) {
        Events e = new Events(kafka);
        e.start();
        events = e;
    }

    /** The streams app whose stores are read: until attached, every request answers 503. */
    public void attach(KafkaStreams streams) {
        stores.attach(streams);
    }

    @Override
    protected void doStop() throws Exception {
        Events e = events;
        if (e != null) {
            e.close();
        }
        pool.shutdownNow();
        refresher.shutdownNow();
        super.doStop();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (!path.startsWith(PREFIX)) {
            return Page.handle(path, request, response, callback);
        }
        Answer refused = refuse(request);
        if (refused != null) {
            send(request, response, callback, refused);
            return true;
        }
        if (path.equals(EVENTS_PATH) && "GET".equals(request.getMethod())) {
            Events e = events;
            if (e == null) {
                send(request, response, callback, Answer.error(503, "the event stream is starting", 1));
            } else if (!e.open(response, callback, request.getHeaders().get("Last-Event-ID"))) {
                send(request, response, callback, Answer.error(503, "too many event streams", 5));
            }
            return true;
        }
        String query = request.getHttpURI().getQuery();
        boolean forwarded = request.getHeaders().get(FORWARDED_HEADER) != null;
        try {
            pool.execute(() -> send(request, response, callback, answer(path, query, forwarded)));
        } catch (RejectedExecutionException e) {
            send(request, response, callback, Answer.error(503, "busy: try again", 1));
        }
        return true;
    }

    /** Methods and bodies the API does not take, and targets too long to be one of its paths. */
    private static Answer refuse(Request request) {
        String method = request.getMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            return Answer.error(405, "only GET and HEAD", 0);
        }
        if (request.getLength() > 0 || request.getHeaders().get(HttpHeader.TRANSFER_ENCODING) != null) {
            return Answer.error(400, "a request body is not accepted", 0);
        }
        String target = request.getHttpURI().getPathQuery();
        if (target != null && target.length() > MAX_TARGET_CHARS) {
            return Answer.error(400, "target longer than " + MAX_TARGET_CHARS + " characters", 0);
        }
        return null;
    }

    private void send(Request request, Response response, Callback callback, Answer a) {
        response.setStatus(a.status());
        var headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, a.contentType());
        headers.put(HttpHeader.CONTENT_LENGTH, a.body().length);
        headers.put(HttpHeader.CACHE_CONTROL, "no-cache");
        headers.put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        if (a.status() == 405) {
            headers.put(HttpHeader.ALLOW, "GET, HEAD");
        }
        if (a.retryAfterSeconds() > 0) {
            headers.put(HttpHeader.RETRY_AFTER, a.retryAfterSeconds());
        }
        if (a.asOf() != null) {
            headers.put("X-Hashwatch-Height", a.asOf().height());
            headers.put("X-Hashwatch-Time", a.asOf().time());
        }
        boolean head = "HEAD".equals(request.getMethod());
        response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(a.body()), callback);
    }

    /** Whether a path reads the pools' store (and so its answer changes with the pools sub-topology's tip). */
    static boolean readsPools(String path) {
        return path.contains("/pool");
    }

    /**
     * Routes a GET: answers here, or forwards to the instance that holds the network's chain (every answer is as of
     * its tip); the pools' and the days' stores are read wherever they are ({@link StateStores#poolBlocks}).
     */
    Answer answer(String path, String rawQuery, boolean forwarded) {
        try {
            Map<String, String> query = query(rawQuery);
            String network = query.getOrDefault("network", Network.MAINNET.id());
            if (Network.byName(network).isEmpty()) {
                throw ApiException.badRequest("unknown network '" + clip(network) + "'");
            }
            List<String> parts = Arrays.asList(path.substring(PREFIX.length()).split("/", -1));
            if (parts.equals(List.of("v1", "hashwatch", "status"))) {
                return Answer.json(hashwatch.status(Arrays.stream(Network.values()).map(Network::id).toList()),
                        null);
            }
            if (parts.get(0).equals("internal")) {
                return internal(path, query, network);
            }
            if (!forwarded) {
                Optional<HostInfo> owner = stores.holder(network, StoreViews.BEST_CHAIN);
                if (owner.isPresent()) {
                    return forward(owner.get(), path, rawQuery);
                }
            }
            BlockRecord tip = mempool.tip(network);
            Answer live = live(parts, query, tip);
            if (live != null) {
                return live;
            }
            if (parts.get(0).equals("blocks")) {
                return route(parts, query, tip); // the tip itself: nothing to compute or cache
            }
            String cacheKey = path + "?" + (rawQuery == null ? "" : rawQuery);
            String version = version(path, network, tip);
            CachedAnswer cached = cache.get(cacheKey);
            if (cached != null && cached.version().equals(version)) {
                return cached.answer();
            }
            long age = cached == null ? Long.MAX_VALUE : System.nanoTime() - cached.computedNanos();
            if (age < RECENT_NANOS) {
                // The tip moves faster than an answer ages (a backfill): the answer computed less than a second ago
                // (its X-Hashwatch-Height says at which tip), recomputed off the request threads at most every
                // REFRESH_NANOS.
                if (age >= REFRESH_NANOS) {
                    refreshLater(cacheKey, path, parts, query, network);
                }
                return cached.answer();
            }
            // One request recomputes a path at a new tip; meanwhile the others get the answer of the tip before.
            boolean refreshing = computing.add(cacheKey);
            if (!refreshing && cached != null) {
                return cached.answer();
            }
            try {
                return computeAndCache(cacheKey, path, parts, query, tip, version);
            } finally {
                if (refreshing) {
                    computing.remove(cacheKey);
                }
            }
        } catch (ApiException e) {
            return Answer.error(e.status(), e.getMessage(), e.retryAfterSeconds());
        } catch (InvalidStateStoreException e) {
            return Answer.error(503, "a store is restoring or moving: try again", ApiException.RETRY_AFTER_SECONDS);
        } catch (RuntimeException e) {
            if (stopping()) {
                // Stores close under a read while the app stops (a store's iterator, a closed RocksDB): not a fault
                // of the request, and another instance, or this one restarted, answers it.
                return Answer.error(503, "this instance is stopping: try again", ApiException.RETRY_AFTER_SECONDS);
            }
            log.warn("API request {} failed", clip(path), e);
            return Answer.error(500, "internal error", 0);
        }
    }

    private boolean stopping() {
        try {
            KafkaStreams.State state = stores.streams().state();
            return state == KafkaStreams.State.PENDING_SHUTDOWN || state == KafkaStreams.State.NOT_RUNNING
                    || state == KafkaStreams.State.PENDING_ERROR || state == KafkaStreams.State.ERROR;
        } catch (ApiException e) {
            return true;
        }
    }

    /**
     * What an answer is a function of: the chain's tip and, for the pools' paths, the pools sub-topology's tip, which
     * follows the chain's (and restores after it on a new owner).
     */
    private String version(String path, String network, BlockRecord tip) {
        if (!readsPools(path)) {
            return tip.hash();
        }
        return tip.hash() + "/" + stores.lastPoolBlock(network).map(b -> b.height() + ":" + b.hash()).orElse("-");
    }

    private Answer computeAndCache(String cacheKey, String path, List<String> parts, Map<String, String> query,
                                  BlockRecord tip, String version) {
        Answer a = route(parts, query, tip);
        // The miner days change between the chain's tips (a sub-topology behind it, the open day), and nothing is
        // cached while a store may still be restoring or moving.
        if (!path.endsWith("/miner-days") && stores.streams().state() == KafkaStreams.State.RUNNING) {
            if (cache.size() >= CACHE_ENTRIES) {
                cache.clear();
            }
            cache.put(cacheKey, new CachedAnswer(version, a, System.nanoTime()));
        }
        return a;
    }

    /** Recomputes a path at the tip of then on the refresh thread, unless it is being computed already. */
    private void refreshLater(String cacheKey, String path, List<String> parts, Map<String, String> query,
                              String network) {
        if (!computing.add(cacheKey)) {
            return;
        }
        try {
            refresher.execute(() -> {
                try {
                    BlockRecord tip = mempool.tip(network);
                    computeAndCache(cacheKey, path, parts, query, tip, version(path, network, tip));
                } catch (RuntimeException e) {
                    // A store moving or restoring: the next request computes the path itself.
                    log.debug("refresh of {} failed: {}", clip(path), e.toString());
                } finally {
                    computing.remove(cacheKey);
                }
            });
        } catch (RejectedExecutionException e) {
            computing.remove(cacheKey);
        }
    }

    /**
     * An internal read ({@link #INTERNAL_POOL_BLOCKS}, {@link #INTERNAL_MINER_DAYS}) of this instance's part of a
     * store: 503 when it does not hold it (the group moved it), so that the reader retries rather than reads nothing.
     */
    private Answer internal(String path, Map<String, String> query, String network) {
        String store = path.equals(INTERNAL_POOL_BLOCKS) ? StoreViews.POOL_BLOCKS
                : path.equals(INTERNAL_MINER_DAYS) ? StoreViews.MINER_DAYS : null;
        if (store == null) {
            throw ApiException.notFound("no such resource (see docs/api.md)");
        }
        if (stores.holder(network, store).isPresent()) {
            throw ApiException.unavailable("this instance does not hold " + network + "'s " + store
                    + " (rebalancing)");
        }
        Object records;
        if (store.equals(StoreViews.POOL_BLOCKS) && query.containsKey("last")) {
            records = StoreViews.lastPoolBlock(stores.store(store), network).stream().toList();
        } else if (store.equals(StoreViews.POOL_BLOCKS)) {
            records = StoreViews.poolBlocks(stores.store(store), network, parseLong(query.get("from"), "from"),
                    parseLong(query.get("to"), "to"));
        } else {
            records = StoreViews.minerDays(stores.store(store), network,
                    HashwatchResources.date(query.get("from"), "from"), HashwatchResources.date(query.get("to"), "to"));
        }
        return new Answer(200, "application/json", Json.write(records), null, 0);
    }

    /**
     * The resources that change without the tip (a price update, an alert): read from the event reader's latest
     * records, never cached.
     */
    private Answer live(List<String> p, Map<String, String> query, BlockRecord tip) {
        if (p.size() != 3 || !p.get(0).equals("v1") || !p.get(1).equals("hashwatch")
                || !List.of("hashprice", "economics", "alerts", "pool-shares").contains(p.get(2))) {
            return null;
        }
        Events e = events;
        if (e == null) {
            throw ApiException.unavailable("the event reader is starting");
        }
        Map<String, Object> asOf = HashwatchResources.asOf(tip);
        if (p.get(2).equals("alerts")) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("as_of", asOf);
            m.put("alerts", e.latest().alerts());
            return ownJson(m, tip);
        }
        if (p.get(2).equals("hashprice")) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("as_of", asOf);
            m.put("hashprice", e.latest().economics(tip.network(), Long.MAX_VALUE).get("hashprice"));
            return ownJson(m, tip);
        }
        if (p.get(2).equals("pool-shares")) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("as_of", asOf);
            m.put("pools", e.latest().poolWindows(tip.network()));
            m.put("tip", e.latest().pools(tip.network()));
            return ownJson(m, tip);
        }
        long from = query.containsKey("from") ? parseLong(query.get("from"), "from") : tip.height() - 1007;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("as_of", asOf);
        m.putAll(e.latest().economics(tip.network(), from));
        m.computeIfPresent("economics", (k, v) -> HashwatchResources.withProfilesAfterHalving((JsonNode) v,
                economics));
        m.put("settings", economicsSettings);
        return ownJson(m, tip);
    }

    /** What the economics are figured with, under the economics settings' names (docs/configuration.md). */
    private static Map<String, Object> settings(EconomicsSettings economics) {
        Map<String, Object> profiles = new LinkedHashMap<>();
        for (CostProfile p : economics.profiles()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("efficiency_joules_per_th", p.efficiencyJoulesPerTh());
            m.put("power_price_usd_per_kwh", p.powerPriceUsdPerKwh());
            m.put("electricity_share", p.electricityShare());
            m.put("overhead_usd_per_ph_day", p.overheadUsdPerPhDay());
            m.put("energy_cost_usd_per_ph_day", p.energyCostUsdPerPhDay());
            m.put("all_in_cost_usd_per_ph_day", p.allInCostUsdPerPhDay());
            profiles.put(p.name(), m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ai_hpc_lease_usd_per_kw_month", economics.aiHpcLeaseUsdPerKwMonth());
        m.put("hosting_revenue_usd_per_mw_day", MiningEconomics.hostingUsdPerMwDay(
                economics.aiHpcLeaseUsdPerKwMonth()));
        m.put("profiles", profiles);
        return Collections.unmodifiableMap(m);
    }

    private Answer route(List<String> p, Map<String, String> query, BlockRecord tip) {
        int n = p.size();
        if (p.equals(List.of("blocks", "tip", "height"))) {
            return Answer.text(Long.toString(tip.height()), tip);
        }
        if (p.equals(List.of("blocks", "tip", "hash"))) {
            return Answer.text(tip.hash(), tip);
        }
        if (n < 2 || !p.get(0).equals("v1")) {
            throw ApiException.notFound("no such resource (see docs/api.md)");
        }
        if (n == 2 && p.get(1).equals("difficulty-adjustment")) {
            return Answer.json(mempool.difficultyAdjustment(tip), tip);
        }
        if (p.get(1).equals("mining") && n >= 3) {
            String what = p.get(2);
            if (what.equals("hashrate") && n <= 4) {
                return Answer.json(mempool.hashrate(tip, n == 4 ? Interval.parse(p.get(3)) : Interval.ALL), tip);
            }
            if (what.equals("difficulty-adjustments") && n <= 4) {
                return Answer.json(mempool.difficultyAdjustments(tip,
                        n == 4 ? Interval.parse(p.get(3)) : Interval.ALL), tip);
            }
            if (what.equals("pools") && n <= 4) {
                return Answer.json(mempool.pools(tip, n == 4 ? Interval.parse(p.get(3)) : Interval.W1), tip);
            }
            if (what.equals("pool") && n == 4) {
                return Answer.json(mempool.pool(tip, p.get(3)), tip);
            }
            if (what.equals("pool") && (n == 5 || n == 6) && p.get(4).equals("blocks")) {
                Long before = n == 6 ? parseLong(p.get(5), "height") : null;
                return Answer.json(mempool.poolBlocks(tip, p.get(3), before), tip);
            }
            if (what.equals("reward-stats") && n == 4) {
                return Answer.json(mempool.rewardStats(tip, p.get(3)), tip);
            }
        }
        if (p.get(1).equals("hashwatch") && n == 3) {
            switch (p.get(2)) {
                case "hashrate":
                    return ownJson(hashwatch.hashrate(tip, query), tip);
                case "miner-days":
                    return ownJson(hashwatch.minerDays(tip, query), tip);
                case "pools":
                    return ownJson(hashwatch.pools(tip), tip);
                case "difficulty":
                    return ownJson(hashwatch.difficulty(tip), tip);
                default:
                    break;
            }
        }
        throw ApiException.notFound("no such resource (see docs/api.md)");
    }

    /** hashwatch's resources carry the topics' records, in the topics' JSON (snake_case). */
    private static Answer ownJson(Object value, BlockRecord tip) {
        return new Answer(200, "application/json", Json.write(value), tip, 0);
    }

    private Answer forward(HostInfo owner, String path, String rawQuery) {
        URI uri = URI.create("http://" + owner.host() + ":" + owner.port() + path
                + (rawQuery == null ? "" : "?" + rawQuery));
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header(FORWARDED_HEADER, "1").GET().build();
        try {
            HttpResponse<byte[]> r = forwarder.send(req, HttpResponse.BodyHandlers.ofByteArray());
            int retry = r.headers().firstValue("Retry-After").map(Api::parseIntOrZero).orElse(0);
            Long height = r.headers().firstValue("X-Hashwatch-Height").map(Long::parseLong).orElse(null);
            Long time = r.headers().firstValue("X-Hashwatch-Time").map(Long::parseLong).orElse(null);
            BlockRecord asOf = height == null || time == null ? null
                    : new BlockRecord(null, height, null, null, time, null, 0, 0, 0, null, null, null, null);
            return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse("application/json"),
                    r.body(), asOf, retry);
        } catch (IOException e) {
            throw ApiException.unavailable("the owner " + owner.host() + ":" + owner.port()
                    + " does not answer (failing over)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted");
        }
    }

    private static int parseIntOrZero(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static Map<String, String> query(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return m;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                m.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("malformed query");
            }
        }
        return m;
    }

    static long parseLong(String s, String name) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be an integer, not '" + clip(s) + "'");
        }
    }

    static int parseInt(String s, String name) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be an integer, not '" + clip(s) + "'");
        }
    }

    /** A client's text in a message, bounded and printable. */
    static String clip(String s) {
        String t = s == null ? "" : s.replaceAll("[^\\x20-\\x7e]", "?");
        return t.length() > 40 ? t.substring(0, 40) + "..." : t;
    }
}
