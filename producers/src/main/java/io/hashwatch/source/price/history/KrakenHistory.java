package io.hashwatch.source.price.history;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.source.price.KrakenParser;
import java.net.URI;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kraken daily OHLC: {@code GET /0/public/OHLC?pair=XBTUSD&interval=1440&since=UNIX}, reply
 * {@code {"error":[],"result":{"XXBTZUSD":[[time,"open","high","low","close","vwap","volume",count],...],"last":N}}}.
 * The last entry is always the current, unfinished bar and is dropped. Kraken returns at most the 720 most recent
 * entries whatever {@code since} says: days older than that are simply absent. {@code last} is followed forward
 * while it is before the wanted range's end (it never is with Kraken as documented; the loop is bounded).
 * Kraken reports overload in an HTTP 200 ({@code EService:Unavailable}, {@code EService:Busy},
 * {@code EGeneral:Too many requests}, {@code EAPI:Rate limit exceeded}): retried like a 429.
 */
public final class KrakenHistory extends RestHistory {
    private static final Logger log = LoggerFactory.getLogger(KrakenHistory.class);

    public static final String ID = KrakenParser.EXCHANGE;
    public static final URI BASE_URL = URI.create("https://api.kraken.com");
    /** The most entries (the unfinished one included) Kraken returns. */
    public static final int MAX_ENTRIES = 720;
    private static final int MAX_PAGES = 8;

    public KrakenHistory(URI baseUrl, HistorySettings settings, Clock clock) {
        super(ID, baseUrl, settings, clock);
    }

    public KrakenHistory() {
        this(BASE_URL, HistorySettings.defaults(), Clock.systemUTC());
    }

    /** One reply: the committed bars (the unfinished last one dropped) and {@code last}. */
    record Page(List<Candle> committed, long last) {
    }

    @Override
    void fetchInto(LocalDate from, LocalDate to, TreeMap<LocalDate, DailyBar> days) throws HistoryException {
        // since is exclusive in Kraken's words ("entries since"); one second before the first day's start keeps it.
        long since = Candle.epochSecond(from) - 1;
        long endSecond = Candle.epochSecond(to);
        for (int page = 0; page < MAX_PAGES; page++) {
            Page p = http.get(uri("/0/public/OHLC?pair=XBTUSD&interval=1440&since=" + since), body -> {
                Page reply = parse(body);
                daily(reply.committed());
                return reply;
            });
            long newest = Long.MIN_VALUE;
            for (Candle c : p.committed()) {
                DailyBar bar = c.daily();
                days.put(bar.day(), bar);
                newest = Math.max(newest, c.openTime());
            }
            if (newest == Long.MIN_VALUE || newest >= endSecond || p.last() <= since) {
                break;
            }
            since = p.last();
        }
        if (!days.isEmpty() && days.firstKey().isAfter(from)) {
            log.info("kraken: daily bars start at {} (Kraken serves the {} most recent only); {} to {} absent",
                    days.firstKey(), MAX_ENTRIES, from, days.firstKey().minusDays(1));
        }
    }

    /** A reply's committed bars, in reply order, and its {@code last}. */
    static Page parse(String body) throws HistoryException, HistoryHttp.Busy {
        JsonNode root = HistoryHttp.json(body);
        JsonNode errors = root.path("error");
        if (errors.isArray() && errors.size() > 0) {
            List<String> list = new ArrayList<>();
            errors.forEach(e -> list.add(e.asText()));
            String joined = String.join(", ", list);
            for (String e : list) {
                if (e.startsWith("EService:") || e.contains("Too many requests") || e.contains("Rate limit")) {
                    throw new HistoryHttp.Busy("error " + joined);
                }
            }
            throw new HistoryException("error reply: " + joined);
        }
        JsonNode result = root.path("result");
        if (!result.isObject()) {
            throw new HistoryException("malformed reply: no result object" + HistoryHttp.snippet(body));
        }
        JsonNode rows = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = result.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            // The pair's key is Kraken's internal name (XXBTZUSD) or, with assetVersion=1, BTC/USD: take the array.
            if (!"last".equals(e.getKey()) && e.getValue().isArray()) {
                if (rows != null) {
                    throw new HistoryException("malformed reply: more than one pair in result");
                }
                rows = e.getValue();
            }
        }
        if (rows == null) {
            throw new HistoryException("malformed reply: no bar array in result" + HistoryHttp.snippet(body));
        }
        long last = HistoryHttp.seconds(result.get("last"), "last");
        List<Candle> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size() - 1; i++) {
            JsonNode row = rows.get(i);
            if (!row.isArray() || row.size() < 5) {
                throw new HistoryException("malformed reply: entry " + i
                        + " is not [time, open, high, low, close, vwap, volume, count]: " + row);
            }
            String at = "entry " + i + " ";
            out.add(new Candle(HistoryHttp.seconds(row.get(0), at + "time"),
                    HistoryHttp.decimal(row.get(1), at + "open"), HistoryHttp.decimal(row.get(2), at + "high"),
                    HistoryHttp.decimal(row.get(3), at + "low"), HistoryHttp.decimal(row.get(4), at + "close")));
        }
        return new Page(out, last);
    }
}
