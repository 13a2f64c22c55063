package io.hashwatch.topology;

import io.hashwatch.model.ReferencePrice;
import io.hashwatch.model.Topics;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** A reference price read back from its topic by the economics processor. */
record PriceUpdate(ReferencePrice price) implements EconomicsEvent {
    /** The {@code reference-prices} topic's values as updates (the economics processor's source reads with it). */
    static Serde<PriceUpdate> serde() {
        Serializer<ReferencePrice> prices = Topics.REFERENCE_PRICES.valueSerde().serializer();
        return Serdes.serdeFrom((topic, update) -> prices.serialize(topic, update == null ? null : update.price()),
                deserializer());
    }

    /** Reads the {@code reference-prices} topic; a null value stays null, as the plain deserializer leaves it. */
    static Deserializer<PriceUpdate> deserializer() {
        Deserializer<ReferencePrice> prices = Topics.REFERENCE_PRICES.valueSerde().deserializer();
        return (topic, data) -> {
            ReferencePrice price = prices.deserialize(topic, data);
            return price == null ? null : new PriceUpdate(price);
        };
    }
}
