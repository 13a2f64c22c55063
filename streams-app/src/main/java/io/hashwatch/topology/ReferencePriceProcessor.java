package io.hashwatch.topology;

import io.hashwatch.config.EconomicsSettings.ReferencePriceSettings;
import io.hashwatch.config.ProcessingErrorHandler;
import io.hashwatch.metrics.EconomicsMetrics;
import io.hashwatch.model.Json;
import io.hashwatch.model.PriceTick;
import io.hashwatch.model.ReferencePrice;
import io.hashwatch.model.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The one-minute reference price of a pair, in event time: the median of each exchange's last trade at the
 * minute's end (an exchange without a trade in the minute contributes its previous trade unless older than the
 * staleness bound), after leaving out trades more than the outlier bound away from the cross-exchange median
 * (from three exchanges on: the median of two is their mean, which cannot tell which one is off).
 * A tick updates its minute while the minute's end plus the grace period is ahead of stream time; later ticks are
 * counted and dropped. A minute's record is published at its first tick, then again at most once per update
 * interval of stream time while ticks change it, and once more with its final value: a punctuation in stream time
 * publishes what is pending when the interval has passed or the minute has closed, and one in wall-clock time
 * publishes it when the feeds fall silent. Per-tick records would cost a record downstream for every trade.
 *
 * <p>Its input is conflated by {@link TickConflationProcessor}: each exchange's latest tick of a minute, at most once
 * per update interval, which the same rules turn into the same prices. That stage already drops late ticks; the
 * check here only catches a tick delayed between source partitions whose event times have drifted apart.
 */
final class ReferencePriceProcessor implements Processor<String, PriceTick, String, ReferencePrice> {
    static final String NAME = "reference-price";
    static final String PRICE_MINUTES_STORE = "price-minutes";
    static final long MINUTE_MS = 60_000;
    /** The largest minute start a 15-digit key holds. */
    static final long MAX_MINUTE_MS = 999_999_999_999_999L;

    private final ReferencePriceSettings settings;
    private final EconomicsMetrics metrics;
    private ProcessorContext<String, ReferencePrice> context;
    private KeyValueStore<String, MinuteTrades> minutes;
    /**
     * The store's minutes of each pair, by minute start, mirrored in memory: every tick reads about a dozen of them,
     * and reading them from the store deserialized each one every time. Loaded from the store on first use after
     * {@link #init}, so a restored or rolled-back store is what the mirror holds.
     */
    private final Map<String, NavigableMap<Long, MinuteTrades>> mirror = new HashMap<>();
    /** Stream time of each open minute's last publication (in memory: after a restart every minute is pending). */
    private final Map<PairMinute, Long> published = new HashMap<>();
    /** Minutes changed since their last publication. */
    private final Set<PairMinute> pending = new LinkedHashSet<>();

    private record PairMinute(String pair, long minute) {
    }

    ReferencePriceProcessor(ReferencePriceSettings settings, EconomicsMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    /** The processor with its store, rewritten by every tick of a minute: cached, so a commit logs each key once. */
    static ProcessorSupplier<String, PriceTick, String, ReferencePrice> supplier(ReferencePriceSettings settings,
                                                                                 EconomicsMetrics metrics) {
        return new StatefulSupplier<>(() -> new ReferencePriceProcessor(settings, metrics), Set.of(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PRICE_MINUTES_STORE), Serdes.String(),
                        Json.serde(MinuteTrades.class)).withCachingEnabled()));
    }

    @Override
    public void init(ProcessorContext<String, ReferencePrice> context) {
        this.context = context;
        this.minutes = context.getStateStore(PRICE_MINUTES_STORE);
        mirror.clear();
        published.clear();
        pending.clear();
        context.schedule(Duration.ofSeconds(1), PunctuationType.STREAM_TIME,
                ProcessingErrorHandler.failingTheThreadOnTimeout(t -> publishPending(false)));
        context.schedule(Duration.ofMillis(Math.max(1000, settings.updateIntervalMs())),
                PunctuationType.WALL_CLOCK_TIME,
                ProcessingErrorHandler.failingTheThreadOnTimeout(t -> publishPending(true)));
    }

    /** The task closes (it moved to another instance, or the app stops): the reference price gauges go with it. */
    @Override
    public void close() {
        metrics.releaseReferencePrice();
    }

    private NavigableMap<Long, MinuteTrades> minutesOf(String pair) {
        return mirror.computeIfAbsent(pair, p -> {
            NavigableMap<Long, MinuteTrades> m = new TreeMap<>();
            try (KeyValueIterator<String, MinuteTrades> it =
                         minutes.range(minuteKey(p, 0), minuteKey(p, MAX_MINUTE_MS))) {
                it.forEachRemaining(kv -> m.put(Long.parseLong(kv.key.substring(p.length() + 1)), kv.value));
            }
            // What the store holds may not all have been published before a restart: publish it again.
            m.keySet().forEach(minute -> pending.add(new PairMinute(p, minute)));
            return m;
        });
    }

    static String minuteKey(String pair, long minuteStartMs) {
        return pair + "/" + ChainIndex.zeroPadded(minuteStartMs, 15);
    }

    @Override
    public void process(Record<String, PriceTick> record) {
        PriceTick tick = record.value();
        long minute = Math.floorDiv(tick.tradeTimeMs(), MINUTE_MS) * MINUTE_MS;
        long streamTime = context.currentStreamTimeMs();
        if (minute + MINUTE_MS + settings.graceSeconds() * 1000 <= streamTime) {
            metrics.tickTooLate(tick.exchange());
            return;
        }
        NavigableMap<Long, MinuteTrades> pairMinutes = minutesOf(tick.pair());
        publishClosed(streamTime);
        MinuteTrades current = pairMinutes.get(minute);
        if (current == null) {
            current = MinuteTrades.empty();
            purgeBefore(tick.pair(), pairMinutes, streamTime - retentionMs());
        }
        MinuteTrades updated = current.with(tick.exchange(), new MinuteTrades.Trade(tick.price(), tick.tradeTimeMs()));
        if (updated != current) {
            minutes.put(minuteKey(tick.pair(), minute), updated);
            pairMinutes.put(minute, updated);
        }
        PairMinute key = new PairMinute(tick.pair(), minute);
        Long last = published.get(key);
        if (last == null || streamTime - last >= settings.updateIntervalMs()) {
            publish(key, streamTime);
        } else {
            pending.add(key);
        }
    }

    private void publish(PairMinute key, long streamTime) {
        pending.remove(key);
        published.put(key, streamTime);
        ReferencePrice price = reference(key.pair(), key.minute());
        if (price == null) {
            metrics.noReferencePrice();
            return;
        }
        metrics.referencePrice(price);
        context.forward(TopicSink.stamped(new Record<>(Topics.blockKey(key.pair(), key.minute()), price,
                key.minute()), Topics.REFERENCE_PRICES));
    }

    /**
     * Publishes the pending minutes this stream time has closed, before the tick that closed them: downstream, which
     * takes records in time order, then has a minute's final price before any later minute's (daily history ticks
     * close the previous day's minute, whose second exchange would otherwise come after the next day).
     */
    private void publishClosed(long streamTime) {
        // Every tick comes here and the current minute is usually pending: copy the set only when one has closed.
        boolean anyClosed = false;
        for (PairMinute key : pending) {
            if (closed(key, streamTime)) {
                anyClosed = true;
                break;
            }
        }
        if (!anyClosed) {
            return;
        }
        for (PairMinute key : List.copyOf(pending)) {
            if (closed(key, streamTime)) {
                publish(key, streamTime);
            }
        }
    }

    /** Publishes pending minutes whose interval has passed or that have closed (all of them if {@code all}). */
    private void publishPending(boolean all) {
        long streamTime = context.currentStreamTimeMs();
        for (PairMinute key : List.copyOf(pending)) {
            Long last = published.get(key);
            if (all || last == null || streamTime - last >= settings.updateIntervalMs() || closed(key, streamTime)) {
                publish(key, streamTime);
            }
        }
        published.keySet().removeIf(key -> closed(key, streamTime) && !pending.contains(key));
    }

    private boolean closed(PairMinute key, long streamTime) {
        return key.minute() + MINUTE_MS + settings.graceSeconds() * 1000 <= streamTime;
    }

    /** Staleness is judged over twice its window, so that stale exchanges can be named. */
    private long lookbackMs() {
        return 2 * settings.staleAfterSeconds() * 1000 + MINUTE_MS;
    }

    private long retentionMs() {
        return lookbackMs() + settings.graceSeconds() * 1000 + 60 * MINUTE_MS;
    }

    private ReferencePrice reference(String pair, long minute) {
        long end = minute + MINUTE_MS;
        Map<String, MinuteTrades.Trade> last = new HashMap<>();
        for (MinuteTrades m : minutesOf(pair).subMap(Math.max(0, end - lookbackMs()), true, minute, true).values()) {
            m.trades().forEach((exchange, trade) -> last.merge(exchange, trade,
                    (a, b) -> b.tradeTimeMs() >= a.tradeTimeMs() ? b : a));
        }
        List<String> stale = new ArrayList<>();
        List<String> fresh = new ArrayList<>();
        for (Map.Entry<String, MinuteTrades.Trade> e : last.entrySet()) {
            (e.getValue().tradeTimeMs() < end - settings.staleAfterSeconds() * 1000 ? stale : fresh).add(e.getKey());
        }
        if (fresh.isEmpty()) {
            return null;
        }
        fresh.sort(null);
        stale.sort(null);
        double median = median(fresh.stream().mapToDouble(x -> last.get(x).price()).toArray());
        List<String> included = new ArrayList<>();
        List<String> outliers = new ArrayList<>();
        for (String exchange : fresh) {
            double p = last.get(exchange).price();
            // With two quotes the median is their mean and cannot tell which one is off: both stay.
            boolean outlier = fresh.size() >= 3 && Math.abs(p / median - 1) > settings.outlierBound();
            (outlier ? outliers : included).add(exchange);
        }
        if (included.isEmpty()) {
            return null;
        }
        double price = median(included.stream().mapToDouble(x -> last.get(x).price()).toArray());
        outliers.forEach(metrics::outlierExcluded);
        return new ReferencePrice(pair, minute, price, included.size(), included, outliers, stale);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private void purgeBefore(String pair, NavigableMap<Long, MinuteTrades> pairMinutes, long cutoffMs) {
        if (cutoffMs <= 0) {
            return;
        }
        NavigableMap<Long, MinuteTrades> old = pairMinutes.headMap(cutoffMs, true);
        old.keySet().forEach(m -> minutes.delete(minuteKey(pair, m)));
        old.clear();
    }
}
