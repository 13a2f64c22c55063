package io.hashwatch.topology;

import io.hashwatch.model.ReferencePrice;
import io.hashwatch.model.Topics;
import org.apache.kafka.common.serialization.Deserializer;

/** A reference price read back from its topic by the economics processor. */
record PriceUpdate(ReferencePrice price) implements EconomicsEvent {
    /** Reads the {@code reference-prices} topic; a null value stays null, as the plain deserializer leaves it. */
    static Deserializer<PriceUpdate> deserializer() {
        Deserializer<ReferencePrice> prices = Topics.REFERENCE_PRICES.valueSerde().deserializer();
        return (topic, data) -> {
            ReferencePrice price = prices.deserialize(topic, data);
            return price == null ? null : new PriceUpdate(price);
        };
    }
}
