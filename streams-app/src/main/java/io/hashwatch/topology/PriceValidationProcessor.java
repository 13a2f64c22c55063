package io.hashwatch.topology;

import io.hashwatch.config.EconomicsSettings.ReferencePriceSettings;
import io.hashwatch.metrics.EconomicsMetrics;
import io.hashwatch.model.Json;
import io.hashwatch.model.PriceTick;
import io.hashwatch.model.RejectReason;
import io.hashwatch.model.Topics;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses price ticks and keeps only sane ones: a tick goes on keyed by its pair with its trade time as timestamp,
 * or to the dead-letter topic with the reason.
 */
final class PriceValidationProcessor implements Processor<String, byte[], String, Routed> {
    private static final Logger log = LoggerFactory.getLogger(PriceValidationProcessor.class);

    private final ReferencePriceSettings settings;
    private final EconomicsMetrics metrics;
    private ProcessorContext<String, Routed> context;

    PriceValidationProcessor(ReferencePriceSettings settings, EconomicsMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
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
        metrics.tickAccepted(tick.exchange());
        context.forward(new Record<>(tick.pair(), Routed.onward(tick), tick.tradeTimeMs()));
    }

    private void reject(Record<String, byte[]> record, RejectReason reason, String detail) {
        metrics.priceRejected(reason);
        log.warn("rejected price tick ({}): {}", reason.label(), detail);
        context.forward(DeadLetters.record(record, Topics.PRICES, reason, detail));
    }
}
