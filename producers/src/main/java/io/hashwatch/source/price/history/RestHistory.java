package io.hashwatch.source.price.history;

import java.net.URI;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/** What the three REST clients share: the base URL, the HTTP side, the clock that says which days are over. */
abstract class RestHistory implements DailyHistory {
    protected final String id;
    protected final URI base;
    protected final HistoryHttp http;
    protected final Clock clock;

    RestHistory(String id, URI base, HistorySettings settings, Clock clock) {
        this.id = Objects.requireNonNull(id, "id");
        this.base = Objects.requireNonNull(base, "base");
        this.clock = Objects.requireNonNull(clock, "clock");
        String scheme = base.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException(id + ": base URL must be http:// or https://, got " + base);
        }
        this.http = new HistoryHttp(id, settings);
    }

    @Override
    public final String id() {
        return id;
    }

    /** The last day that is over by the clock: yesterday (UTC). */
    LocalDate lastCompleteDay() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(1);
    }

    @Override
    public final List<DailyBar> fetch(LocalDate fromInclusive, LocalDate toInclusive) throws HistoryException {
        Objects.requireNonNull(fromInclusive, "fromInclusive");
        Objects.requireNonNull(toInclusive, "toInclusive");
        LocalDate last = lastCompleteDay();
        LocalDate to = toInclusive.isAfter(last) ? last : toInclusive;
        if (fromInclusive.isAfter(to)) {
            return List.of();
        }
        TreeMap<LocalDate, DailyBar> days = new TreeMap<>();
        fetchInto(fromInclusive, to, days);
        return new ArrayList<>(days.subMap(fromInclusive, true, to, true).values());
    }

    /**
     * Fetches the days {@code from..to} (both complete) into {@code days}; bars outside the range may be added, they
     * are cut off after. A day given twice (overlapping pages) keeps the later bar.
     */
    abstract void fetchInto(LocalDate from, LocalDate to, TreeMap<LocalDate, DailyBar> days) throws HistoryException;

    /** The candles as days, refusing any that is not a daily bar. */
    static List<DailyBar> daily(List<Candle> candles) throws HistoryException {
        List<DailyBar> out = new ArrayList<>(candles.size());
        for (Candle c : candles) {
            out.add(c.daily());
        }
        return out;
    }

    /** {@code base} + {@code pathAndQuery}, without a doubled slash. */
    URI uri(String pathAndQuery) {
        String b = base.toString();
        if (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        return URI.create(b + pathAndQuery);
    }

    /** Requests sent so far, retries included (for tests). */
    long requests() {
        return http.requests();
    }

    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return id + " " + base;
    }
}
