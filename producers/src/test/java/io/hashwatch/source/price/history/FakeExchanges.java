package io.hashwatch.source.price.history;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * One local HTTP server (127.0.0.1, random port) playing the three exchanges' daily OHLC endpoints over one set of
 * days, each in its documented reply format and with its documented limits:
 * <ul>
 *   <li>Coinbase {@code /products/BTC-USD/candles}: HTTP 400 without a User-Agent; candles from {@code start} to
 *   {@code end} (both inclusive),
 *   newest first, numbers; a range of more than 300 candles is rejected with HTTP 400 and a {@code message};</li>
 *   <li>Bitstamp {@code /api/v2/ohlc/btcusd/}: {@code limit} (1..1000, else HTTP 400 with {@code errors}) bars from
 *   {@code start} on, oldest first, strings;</li>
 *   <li>Kraken {@code /0/public/OHLC}: the 720 most recent entries at most, whatever {@code since} says, the last
 *   one the current day's unfinished bar, strings; {@code last} the newest committed bar's time.</li>
 * </ul>
 * The day {@link #today} is the unfinished one: it is served when asked for, as the exchanges do, with its
 * partial values. A test can queue replies that go out instead of the real one (429s, 5xx, malformed bodies).
 */
final class FakeExchanges implements AutoCloseable {
    static final String COINBASE = "/products/BTC-USD/candles";
    static final String BITSTAMP = "/api/v2/ohlc/btcusd/";
    static final String KRAKEN = "/0/public/OHLC";

    /** A day's prices as the exchange writes them (decimal text). */
    record Ohlc(String open, String high, String low, String close) {
    }

    /** A reply to send instead of the computed one. */
    record Canned(int status, String body, Map<String, String> headers) {
    }

    /** One request as received. */
    record Request(String path, Map<String, String> query, String userAgent) {
    }

    private final HttpServer server;
    private final TreeMap<LocalDate, Ohlc> days;
    private final LocalDate today;
    private final Map<String, Deque<Canned>> canned = new ConcurrentHashMap<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());

    FakeExchanges(NavigableMap<LocalDate, Ohlc> days, LocalDate today) throws IOException {
        this.days = new TreeMap<>(days.headMap(today, true));
        this.today = today;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "fake-exchanges");
            t.setDaemon(true);
            return t;
        }));
        server.createContext(COINBASE, ex -> handle(ex, COINBASE));
        server.createContext(BITSTAMP, ex -> handle(ex, BITSTAMP));
        server.createContext(KRAKEN, ex -> handle(ex, KRAKEN));
        server.start();
    }

    /** Synthetic days {@code first..last}: open, high, low, close distinct and exact to the cent. */
    static TreeMap<LocalDate, Ohlc> synthetic(LocalDate first, LocalDate last) {
        TreeMap<LocalDate, Ohlc> out = new TreeMap<>();
        int i = 0;
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1), i++) {
            long base = 20_000 + i * 7L;
            out.put(d, new Ohlc(base + ".10", (base + 500) + ".20", (base - 500) + ".30", (base + 3) + ".41"));
        }
        return out;
    }

    /** The days of a {@code date,open,high,low,close,volume} CSV, values as written. */
    static TreeMap<LocalDate, Ohlc> csv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (!lines.get(0).startsWith("date,open,high,low,close")) {
            throw new IllegalArgumentException(file + ": unexpected header " + lines.get(0));
        }
        TreeMap<LocalDate, Ohlc> out = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            out.put(LocalDate.parse(f[0]), new Ohlc(f[1], f[2], f[3], f[4]));
        }
        return out;
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    Map<String, URI> baseUrls() {
        return Map.of(CoinbaseHistory.ID, baseUrl(), BitstampHistory.ID, baseUrl(), KrakenHistory.ID, baseUrl());
    }

    /** Sends {@code reply} instead of the computed one for the next request to {@code path}. */
    void queue(String path, int status, String body, Map<String, String> headers) {
        canned.computeIfAbsent(path, k -> new ArrayDeque<>()).add(new Canned(status, body, headers));
    }

    /** The requests to {@code path}, in order. */
    List<Request> requests(String path) {
        synchronized (requests) {
            return requests.stream().filter(r -> r.path().equals(path)).toList();
        }
    }

    private void handle(HttpExchange ex, String path) throws IOException {
        try (ex) {
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            requests.add(new Request(path, q, ex.getRequestHeaders().getFirst("User-Agent")));
            Deque<Canned> queue = canned.get(path);
            Canned c = queue == null ? null : queue.poll();
            if (c == null) {
                c = switch (path) {
                    case COINBASE -> coinbase(q, ex.getRequestHeaders().getFirst("User-Agent"));
                    case BITSTAMP -> bitstamp(q);
                    default -> kraken(q);
                };
            }
            c.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            ex.getResponseHeaders().add("Content-Type", "application/json");
            byte[] b = c.body().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(c.status(), b.length == 0 ? -1 : b.length);
            if (b.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(b);
                }
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            throw e;
        }
    }

    private static Canned ok(String body) {
        return new Canned(200, body, Map.of());
    }

    private static Canned bad(String body) {
        return new Canned(400, body, Map.of());
    }

    private static long seconds(LocalDate d) {
        return d.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    }

    private static LocalDate day(long seconds) {
        return LocalDate.ofInstant(Instant.ofEpochSecond(seconds), ZoneOffset.UTC);
    }

    private Canned coinbase(Map<String, String> q, String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            // Coinbase's reply to a request without one (ccxt/ccxt issue 848, restclient.el issue 202).
            return bad("{\"message\":\"User-Agent header is required.\"}");
        }
        if (!"86400".equals(q.get("granularity"))) {
            return bad("{\"message\":\"Unsupported granularity\"}");
        }
        Instant start = Instant.parse(q.get("start"));
        Instant end = Instant.parse(q.get("end"));
        long count = (end.getEpochSecond() - start.getEpochSecond()) / 86_400 + 1;
        if (count > 300) {
            return bad("{\"message\":\"granularity too small for the requested time range. Count of aggregations"
                    + " requested exceeds 300\"}");
        }
        StringBuilder sb = new StringBuilder("[");
        for (Map.Entry<LocalDate, Ohlc> e : days.subMap(day(start.getEpochSecond()), true,
                day(end.getEpochSecond()), true).descendingMap().entrySet()) {
            Ohlc o = e.getValue();
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('[').append(seconds(e.getKey())).append(',').append(o.low()).append(',').append(o.high())
                    .append(',').append(o.open()).append(',').append(o.close()).append(",123.45678901]");
        }
        return ok(sb.append(']').toString());
    }

    private Canned bitstamp(Map<String, String> q) {
        int limit = Integer.parseInt(q.getOrDefault("limit", "0"));
        if (!"86400".equals(q.get("step")) || limit < 1 || limit > 1000) {
            return bad("{\"code\":\"400.002\",\"errors\":[{\"field\":\"limit\",\"message\":\"Must be between 1 and"
                    + " 1000.\",\"code\":\"invalid_value\"}]}");
        }
        LocalDate start = day(Long.parseLong(q.get("start")));
        StringBuilder sb = new StringBuilder("{\"data\":{\"pair\":\"BTC/USD\",\"ohlc\":[");
        int n = 0;
        for (Map.Entry<LocalDate, Ohlc> e : days.tailMap(start, true).entrySet()) {
            if (n++ == limit) {
                break;
            }
            Ohlc o = e.getValue();
            if (n > 1) {
                sb.append(',');
            }
            sb.append("{\"timestamp\":\"").append(seconds(e.getKey())).append("\",\"open\":\"").append(o.open())
                    .append("\",\"high\":\"").append(o.high()).append("\",\"low\":\"").append(o.low())
                    .append("\",\"close\":\"").append(o.close()).append("\",\"volume\":\"12.34567890\"}");
        }
        return ok(sb.append("]}}").toString());
    }

    private Canned kraken(Map<String, String> q) {
        if (!"XBTUSD".equals(q.get("pair")) || !"1440".equals(q.get("interval"))) {
            return ok("{\"error\":[\"EQuery:Unknown asset pair\"]}");
        }
        long since = Long.parseLong(q.getOrDefault("since", "0"));
        List<Map.Entry<LocalDate, Ohlc>> all = new ArrayList<>(days.entrySet());
        List<Map.Entry<LocalDate, Ohlc>> recent = all.subList(Math.max(0, all.size() - 720), all.size());
        StringBuilder sb = new StringBuilder("{\"error\":[],\"result\":{\"XXBTZUSD\":[");
        int n = 0;
        long last = 0;
        for (Map.Entry<LocalDate, Ohlc> e : recent) {
            long t = seconds(e.getKey());
            // The bar holding since and later ones (CCXT's recording shows the bar containing since).
            if (t + 86_400 <= since) {
                continue;
            }
            Ohlc o = e.getValue();
            if (n++ > 0) {
                sb.append(',');
            }
            sb.append('[').append(t).append(",\"").append(o.open()).append("\",\"").append(o.high()).append("\",\"")
                    .append(o.low()).append("\",\"").append(o.close()).append("\",\"").append(o.close())
                    .append("\",\"1.00000000\",42]");
            if (e.getKey().isBefore(today)) {
                last = t;
            }
        }
        return ok(sb.append("],\"last\":").append(last).append("}}").toString());
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) {
            return out;
        }
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            String k = eq < 0 ? kv : kv.substring(0, eq);
            String v = eq < 0 ? "" : kv.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
