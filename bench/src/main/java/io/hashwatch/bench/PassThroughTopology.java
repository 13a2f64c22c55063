package io.hashwatch.bench;

import io.hashwatch.model.Json;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The benchmark's ceiling: the least a Kafka Streams app can do per record and still be a stateful app: parse the
 * JSON value, one RocksDB put (logged to a changelog, as every hashwatch store is), emit the record unchanged.
 */
final class PassThroughTopology {
    static final String APPLICATION_ID = "bench-passthrough";
    static final String OUTPUT = "bench-passthrough-out";
    static final String STORE = "passthrough-store";

    private PassThroughTopology() {
    }

    static Topology build(String input, String output, Class<?> valueType) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                Serdes.ByteArray()));
        builder.stream(input, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("passthrough-source"))
                .process(() -> new Processor<String, byte[], String, byte[]>() {
                    private ProcessorContext<String, byte[]> context;
                    private KeyValueStore<String, byte[]> store;

                    @Override
                    public void init(ProcessorContext<String, byte[]> context) {
                        this.context = context;
                        this.store = context.getStateStore(STORE);
                    }

                    @Override
                    public void process(Record<String, byte[]> record) {
                        Json.read(record.value(), valueType);
                        long offset = context.recordMetadata().map(m -> m.offset()).orElse(-1L);
                        store.put(record.key() + ":" + offset, record.value());
                        context.forward(record);
                    }
                }, Named.as("passthrough"), STORE)
                .to(output, Produced.with(Serdes.String(), Serdes.ByteArray()).withName("passthrough-sink"));
        return builder.build();
    }
}
