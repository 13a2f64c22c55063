package io.hashwatch.topology;

import io.hashwatch.config.EconomicsSettings.ReferencePriceSettings;
import io.hashwatch.metrics.EconomicsMetrics;
import io.hashwatch.model.Json;
import io.hashwatch.model.PriceTick;
import io.hashwatch.model.RejectReason;
import io.hashwatch.model.Topics;
import java.util.function.LongSupplier;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses price ticks and keeps only sane ones: a tick goes on to the {@link TickConflationProcessor} ({@link ValidTick},
 * with the JSON it was read from) keyed by its pair with its trade time as timestamp, or to the dead-letter sink
 * with the reason. A trade time at or beyond the clock plus the grace period is rejected:
 * the reference price works in event time, and one tick from further ahead (a producer writing microseconds for
 * milliseconds, a skewed exchange clock) would move its event time far enough to close the current minute and make
 * every real tick late. Up to there it cannot: a minute closes only at its end plus the grace period.
 */
final class PriceValidationProcessor implements Processor<String, byte[], String, Object> {
    static final String NAME = "price-validation";
    static final TopicSink<byte[]> DEAD_LETTERS = new TopicSink<>("price-dead-letters-sink", Topics.DEAD_LETTERS);

    private static final Logger log = LoggerFactory.getLogger(PriceValidationProcessor.class);
    /**
     * The exchange name is kept in state, outputs and a metric label: a longer one is malformed, and so is one with a
     * lone UTF-16 surrogate (JSON can escape one, U+D800 alone; as a key of the minute's state Jackson writes it but
     * cannot read it back, which would break the reference price for good).
     */
    static final int MAX_EXCHANGE_CHARS = 64;

    private final ReferencePriceSettings settings;
    private final EconomicsMetrics metrics;
    private final LongSupplier nowSeconds;
    private ProcessorContext<String, Object> context;

    PriceValidationProcessor(ReferencePriceSettings settings, EconomicsMetrics metrics, LongSupplier nowSeconds) {
        this.settings = settings;
        this.metrics = metrics;
        this.nowSeconds = nowSeconds;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        PriceTick tick;
        try {
            tick = Json.read(record.value(), PriceTick.class);
            if (tick.exchange() == null || tick.exchange().isBlank() || tick.pair() == null) {
                throw new IllegalArgumentException("exchange and pair are required");
            }
            if (tick.exchange().length() > MAX_EXCHANGE_CHARS) {
                throw new IllegalArgumentException("exchange name of " + tick.exchange().length()
                        + " characters; at most " + MAX_EXCHANGE_CHARS);
            }
            if (hasLoneSurrogate(tick.exchange())) {
                throw new IllegalArgumentException("exchange name with a lone surrogate is not text");
            }
            if (tick.tradeTimeMs() <= 0) {
                throw new IllegalArgumentException("trade_time_ms " + tick.tradeTimeMs() + " is not a time");
            }
        } catch (SerializationException | IllegalArgumentException e) {
            reject(record, RejectReason.MALFORMED, e.getMessage());
            return;
        }
        if (!settings.pair().equals(tick.pair())) {
            reject(record, RejectReason.UNKNOWN_PAIR, "pair " + tick.pair() + " is not " + settings.pair());
            return;
        }
        double p = tick.price();
        if (Double.isNaN(p) || p < settings.minUsd() || p > settings.maxUsd()) {
            reject(record, RejectReason.PRICE_OUT_OF_RANGE, "price " + p + " from " + tick.exchange()
                    + " is outside [" + settings.minUsd() + ", " + settings.maxUsd() + "]");
            return;
        }
        long now = nowSeconds.getAsLong();
        if (tick.tradeTimeMs() >= (now + settings.graceSeconds()) * 1000) {
            reject(record, RejectReason.TIME_TOO_NEW, "trade_time_ms " + tick.tradeTimeMs() + " from "
                    + tick.exchange() + " is not before the clock (" + now + " s) plus the grace period ("
                    + settings.graceSeconds() + " s)");
            return;
        }
        metrics.tickAccepted(tick.exchange());
        context.forward(new Record<>(tick.pair(), new ValidTick(tick, record.value()), tick.tradeTimeMs()),
                TickConflationProcessor.NAME);
    }

    /** Whether a UTF-16 surrogate stands without its pair (a plain loop: this runs for every tick). */
    static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private void reject(Record<String, byte[]> record, RejectReason reason, String detail) {
        metrics.priceRejected(reason);
        log.warn("rejected price tick ({}): {}", reason.label(), DeadLetters.bounded(detail));
        DEAD_LETTERS.forward(context, DeadLetters.record(record, Topics.PRICES, reason, detail));
    }
}
