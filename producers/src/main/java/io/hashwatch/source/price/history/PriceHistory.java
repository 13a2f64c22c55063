package io.hashwatch.source.price.history;

import io.hashwatch.model.PriceTick;
import io.hashwatch.source.price.ExchangeFeed;
import java.net.URI;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Daily BTC-USD history of several exchanges as price ticks, for a first start: each complete day D of each
 * exchange becomes one tick at D+1 00:00:00 UTC with the day's close (as {@code PriceCsvSource} turns a daily CSV
 * bar into a tick), the exchange's id as its source, size and trade id null. An exchange that fails is logged and
 * left out; only when every asked exchange fails is it an error.
 */
public final class PriceHistory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PriceHistory.class);

    /** The exchanges with a history client, by the live feeds' ids. */
    public static final List<String> EXCHANGES = List.of(CoinbaseHistory.ID, KrakenHistory.ID, BitstampHistory.ID);

    /** Ticks in time order (then by exchange), and why each failed exchange failed. */
    public record Outcome(List<PriceTick> ticks, Map<String, String> failures) {
        public Outcome {
            ticks = List.copyOf(ticks);
            failures = Map.copyOf(failures);
        }
    }

    private final Map<String, DailyHistory> sources;
    private final Clock clock;

    /** Over given clients, by their ids (tests, or another set of exchanges). */
    public PriceHistory(List<? extends DailyHistory> sources, Clock clock) {
        Map<String, DailyHistory> m = new LinkedHashMap<>();
        for (DailyHistory s : sources) {
            if (m.put(s.id(), s) != null) {
                throw new IllegalArgumentException("two history sources with the id " + s.id());
            }
        }
        this.sources = m;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The three exchanges at their public URLs. */
    public static PriceHistory create(HistorySettings settings) {
        return create(Map.of(), settings, Clock.systemUTC());
    }

    /**
     * The three exchanges, at {@code baseUrls} where given (by id, e.g. {@code coinbase -> http://127.0.0.1:8080}),
     * else at their public URLs.
     */
    public static PriceHistory create(Map<String, URI> baseUrls, HistorySettings settings, Clock clock) {
        for (String id : baseUrls.keySet()) {
            known(id);
        }
        List<DailyHistory> list = new ArrayList<>();
        for (String id : EXCHANGES) {
            list.add(client(id, baseUrls.get(id), settings, clock));
        }
        return new PriceHistory(list, clock);
    }

    /** The history client of an exchange by id, at {@code baseUrl} or (null) its public URL. */
    public static DailyHistory client(String id, URI baseUrl, HistorySettings settings, Clock clock) {
        switch (known(id)) {
            case CoinbaseHistory.ID:
                return new CoinbaseHistory(baseUrl == null ? CoinbaseHistory.BASE_URL : baseUrl, settings, clock);
            case KrakenHistory.ID:
                return new KrakenHistory(baseUrl == null ? KrakenHistory.BASE_URL : baseUrl, settings, clock);
            default:
                return new BitstampHistory(baseUrl == null ? BitstampHistory.BASE_URL : baseUrl, settings, clock);
        }
    }

    private static String known(String id) {
        if (!EXCHANGES.contains(id)) {
            throw new IllegalArgumentException("no daily history for exchange '" + id + "': use "
                    + String.join(", ", EXCHANGES));
        }
        return id;
    }

    /**
     * The ticks of the complete days {@code from..to} of the given exchanges, in time order.
     *
     * @throws HistoryException every exchange failed (the message has each one's reason)
     */
    public List<PriceTick> fetch(List<String> exchangeIds, LocalDate from, LocalDate to) throws HistoryException {
        Outcome o = collect(exchangeIds, from, to);
        if (!exchangeIds.isEmpty() && o.failures().size() == exchangeIds.size()) {
            StringBuilder why = new StringBuilder("no daily price history: every exchange failed");
            for (String id : exchangeIds) {
                why.append("; ").append(o.failures().get(id));
            }
            throw new HistoryException(why.toString());
        }
        return o.ticks();
    }

    /** {@link #fetch}, keeping the failures instead of throwing when all failed. */
    public Outcome collect(List<String> exchangeIds, LocalDate from, LocalDate to) {
        for (String id : exchangeIds) {
            if (!sources.containsKey(id)) {
                throw new IllegalArgumentException("no daily history for exchange '" + id + "': have "
                        + String.join(", ", sources.keySet()));
            }
        }
        List<PriceTick> ticks = new ArrayList<>();
        Map<String, String> failures = new LinkedHashMap<>();
        for (String id : exchangeIds) {
            DailyHistory source = sources.get(id);
            try {
                List<DailyBar> bars = source.fetch(from, to);
                long received = clock.millis();
                for (DailyBar b : bars) {
                    ticks.add(tick(id, b, received));
                }
                if (bars.isEmpty()) {
                    log.info("{}: no daily bars from {} to {}", id, from, to);
                } else {
                    log.info("{}: {} daily bars from {} to {}", id, bars.size(), bars.get(0).day(),
                            bars.get(bars.size() - 1).day());
                }
            } catch (HistoryException e) {
                failures.put(id, e.getMessage());
                log.warn("daily price history of {} not available, going on without it: {}", id, e.getMessage());
            }
        }
        ticks.sort(Comparator.comparingLong(PriceTick::tradeTimeMs).thenComparing(PriceTick::exchange));
        return new Outcome(ticks, failures);
    }

    /** A day's tick: at the bar's close (the next midnight), the close as price. */
    public static PriceTick tick(String exchange, DailyBar bar, long receiveTimeMs) {
        return new PriceTick(exchange, ExchangeFeed.BTC_USD, bar.close().doubleValue(), null, bar.closeTimeMs(),
                receiveTimeMs, null);
    }

    @Override
    public void close() {
        sources.values().forEach(DailyHistory::close);
    }
}
