package io.hashwatch.source.price.history;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.source.price.CoinbaseParser;
import java.net.URI;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Coinbase Exchange daily candles: {@code GET /products/BTC-USD/candles?granularity=86400&start=ISO&end=ISO},
 * reply {@code [[time, low, high, open, close, volume], ...]} newest first, at most 300 candles a request (a range
 * of more is rejected, not cut).
 *
 * <p>Pages span 300 days, {@code start} to {@code start + 299 days}; whether {@code end} is inclusive is not
 * documented, so each page starts on the previous page's last day (the day is then fetched twice, not missed) and
 * the last page ends the day after the last wanted day.
 */
public final class CoinbaseHistory extends RestHistory {
    public static final String ID = CoinbaseParser.EXCHANGE;
    public static final URI BASE_URL = URI.create("https://api.exchange.coinbase.com");
    /** The most candles Coinbase returns for one request. */
    public static final int MAX_CANDLES = 300;

    public CoinbaseHistory(URI baseUrl, HistorySettings settings, Clock clock) {
        super(ID, baseUrl, settings, clock);
    }

    public CoinbaseHistory() {
        this(BASE_URL, HistorySettings.defaults(), Clock.systemUTC());
    }

    @Override
    void fetchInto(LocalDate from, LocalDate to, TreeMap<LocalDate, DailyBar> days) throws HistoryException {
        LocalDate start = from;
        while (!start.isAfter(to)) {
            LocalDate end = start.plusDays(MAX_CANDLES - 1);
            if (end.isAfter(to.plusDays(1))) {
                end = to.plusDays(1);
            }
            URI uri = uri("/products/BTC-USD/candles?granularity=86400&start=" + start + "T00:00:00Z&end=" + end
                    + "T00:00:00Z");
            for (DailyBar bar : http.get(uri, body -> daily(parse(body)))) {
                days.put(bar.day(), bar);
            }
            start = end;
            if (end.isAfter(to)) {
                break;
            }
        }
    }

    /** The candles of a reply, in reply order. */
    static List<Candle> parse(String body) throws HistoryException {
        JsonNode root = HistoryHttp.json(body);
        if (root.isObject() && root.has("message")) {
            throw new HistoryException("error reply: " + root.get("message").asText());
        }
        if (!root.isArray()) {
            throw new HistoryException("malformed reply: expected an array of candles" + HistoryHttp.snippet(body));
        }
        List<Candle> out = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            JsonNode row = root.get(i);
            if (!row.isArray() || row.size() < 5) {
                throw new HistoryException("malformed reply: candle " + i
                        + " is not [time, low, high, open, close, volume]: " + row);
            }
            String at = "candle " + i + " ";
            out.add(new Candle(HistoryHttp.seconds(row.get(0), at + "time"),
                    HistoryHttp.decimal(row.get(3), at + "open"), HistoryHttp.decimal(row.get(2), at + "high"),
                    HistoryHttp.decimal(row.get(1), at + "low"), HistoryHttp.decimal(row.get(4), at + "close")));
        }
        return out;
    }
}
