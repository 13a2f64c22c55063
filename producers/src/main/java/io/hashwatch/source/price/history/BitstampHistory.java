package io.hashwatch.source.price.history;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.source.price.BitstampParser;
import java.net.URI;
import java.time.Clock;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Bitstamp daily OHLC: {@code GET /api/v2/ohlc/btcusd/?step=86400&limit=N&start=UNIX}, reply
 * {@code {"data":{"pair":"BTC/USD","ohlc":[{"timestamp":"...","open":"...",...}]}}} with every value a string,
 * oldest first, at most 1000 bars a request. Pages go forward from the day after the last bar returned.
 */
public final class BitstampHistory extends RestHistory {
    public static final String ID = BitstampParser.EXCHANGE;
    public static final URI BASE_URL = URI.create("https://www.bitstamp.net");
    /** The largest {@code limit} Bitstamp takes. */
    public static final int MAX_LIMIT = 1000;

    public BitstampHistory(URI baseUrl, HistorySettings settings, Clock clock) {
        super(ID, baseUrl, settings, clock);
    }

    public BitstampHistory() {
        this(BASE_URL, HistorySettings.defaults(), Clock.systemUTC());
    }

    @Override
    void fetchInto(LocalDate from, LocalDate to, TreeMap<LocalDate, DailyBar> days) throws HistoryException {
        LocalDate start = from;
        while (!start.isAfter(to)) {
            long wanted = ChronoUnit.DAYS.between(start, to) + 1;
            int limit = (int) Math.min(MAX_LIMIT, wanted);
            URI uri = uri("/api/v2/ohlc/btcusd/?step=86400&limit=" + limit + "&start=" + Candle.epochSecond(start));
            LocalDate newest = null;
            for (DailyBar bar : http.get(uri, body -> daily(parse(body)))) {
                days.put(bar.day(), bar);
                if (newest == null || bar.day().isAfter(newest)) {
                    newest = bar.day();
                }
            }
            // Nothing from start on, or no progress: the exchange has no more.
            if (newest == null || newest.isBefore(start)) {
                break;
            }
            start = newest.plusDays(1);
        }
    }

    /** The bars of a reply, in reply order. */
    static List<Candle> parse(String body) throws HistoryException {
        JsonNode root = HistoryHttp.json(body);
        if (root.has("errors") || "error".equals(root.path("status").asText(null))) {
            throw new HistoryException("error reply" + HistoryHttp.snippet(body));
        }
        JsonNode ohlc = root.path("data").path("ohlc");
        if (!ohlc.isArray()) {
            throw new HistoryException("malformed reply: no data.ohlc array" + HistoryHttp.snippet(body));
        }
        List<Candle> out = new ArrayList<>(ohlc.size());
        for (int i = 0; i < ohlc.size(); i++) {
            JsonNode row = ohlc.get(i);
            String at = "bar " + i + " ";
            out.add(new Candle(HistoryHttp.seconds(row.get("timestamp"), at + "timestamp"),
                    HistoryHttp.decimal(row.get("open"), at + "open"),
                    HistoryHttp.decimal(row.get("high"), at + "high"),
                    HistoryHttp.decimal(row.get("low"), at + "low"),
                    HistoryHttp.decimal(row.get("close"), at + "close")));
        }
        return out;
    }
}
