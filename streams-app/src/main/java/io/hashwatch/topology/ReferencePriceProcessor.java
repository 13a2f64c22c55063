package io.hashwatch.topology;

import io.hashwatch.config.EconomicsSettings.ReferencePriceSettings;
import io.hashwatch.metrics.EconomicsMetrics;
import io.hashwatch.model.PriceTick;
import io.hashwatch.model.ReferencePrice;
import io.hashwatch.model.Topics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The one-minute reference price of a pair, in event time: the median of each exchange's last trade at the
 * minute's end (an exchange without a trade in the minute contributes its previous trade unless older than the
 * staleness bound), after leaving out trades more than the outlier bound away from the cross-exchange median
 * (from three exchanges on: the median of two is their mean, which cannot tell which one is off).
 * A tick updates its minute while the minute's end plus the grace period is ahead of stream time, and the
 * minute's record is emitted again; later ticks are counted and dropped.
 */
final class ReferencePriceProcessor implements Processor<String, Routed, String, Routed> {
    static final long MINUTE_MS = 60_000;

    private final ReferencePriceSettings settings;
    private final EconomicsMetrics metrics;
    private ProcessorContext<String, Routed> context;
    private KeyValueStore<String, MinuteTrades> minutes;

    ReferencePriceProcessor(ReferencePriceSettings settings, EconomicsMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
        this.minutes = context.getStateStore(HashwatchTopology.PRICE_MINUTES_STORE);
    }

    static String minuteKey(String pair, long minuteStartMs) {
        return pair + "/" + ChainIndex.zeroPadded(minuteStartMs, 15);
    }

    @Override
    public void process(Record<String, Routed> record) {
        PriceTick tick = (PriceTick) record.value().value();
        long minute = Math.floorDiv(tick.tradeTimeMs(), MINUTE_MS) * MINUTE_MS;
        long streamTime = context.currentStreamTimeMs();
        if (minute + MINUTE_MS + settings.graceSeconds() * 1000 <= streamTime) {
            metrics.tickTooLate(tick.exchange());
            return;
        }
        String key = minuteKey(tick.pair(), minute);
        MinuteTrades current = minutes.get(key);
        if (current == null) {
            current = MinuteTrades.empty();
            purgeBefore(tick.pair(), streamTime - retentionMs());
        }
        minutes.put(key, current.with(tick.exchange(), new MinuteTrades.Trade(tick.price(), tick.tradeTimeMs())));

        ReferencePrice price = reference(tick.pair(), minute);
        if (price == null) {
            metrics.noReferencePrice();
            return;
        }
        metrics.referencePrice(price);
        context.forward(new Record<>(Topics.blockKey(tick.pair(), minute), new Routed(Topics.REFERENCE_PRICES, price),
                minute));
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
        try (KeyValueIterator<String, MinuteTrades> it =
                     minutes.range(minuteKey(pair, Math.max(0, end - lookbackMs())), minuteKey(pair, minute))) {
            while (it.hasNext()) {
                KeyValue<String, MinuteTrades> kv = it.next();
                kv.value.trades().forEach((exchange, trade) -> last.merge(exchange, trade,
                        (a, b) -> b.tradeTimeMs() >= a.tradeTimeMs() ? b : a));
            }
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

    private void purgeBefore(String pair, long cutoffMs) {
        if (cutoffMs <= 0) {
            return;
        }
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, MinuteTrades> it = minutes.range(minuteKey(pair, 0), minuteKey(pair, cutoffMs))) {
            it.forEachRemaining(kv -> old.add(kv.key));
        }
        old.forEach(minutes::delete);
    }
}
