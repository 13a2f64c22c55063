package io.hashwatch.topology;

import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * A processor with the stores it owns: wherever it is added (DSL or Processor API), Kafka Streams adds those stores
 * and connects them, so the topology never spells a store name.
 */
record StatefulSupplier<KIn, VIn, KOut, VOut>(Supplier<Processor<KIn, VIn, KOut, VOut>> processors,
                                              Set<StoreBuilder<?>> stores)
        implements ProcessorSupplier<KIn, VIn, KOut, VOut> {

    @Override
    public Processor<KIn, VIn, KOut, VOut> get() {
        return processors.get();
    }
}
