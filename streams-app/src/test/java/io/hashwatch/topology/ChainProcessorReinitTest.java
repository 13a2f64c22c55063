package io.hashwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hashwatch.metrics.ChainMetrics;
import io.hashwatch.model.BlockRecord;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.testing.RegtestChain;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * Kafka Streams re-uses a processor after closing it: "the framework may later re-use the processor by calling
 * {@code init()} again" ({@code Processor#init}). It does so when it closes a task dirty and revives it, e.g. under
 * exactly-once after a commit timed out (a broker outage): the stores are rolled back to the last commit and the
 * records after it are processed again, by the same processor instance. The chain processor must then derive from
 * the rolled-back stores, not from what it had cached before: otherwise the re-processed headers look known, are
 * skipped as duplicates, and their blocks never reach the output topics.
 *
 * <p>The processor is driven as Kafka Streams drives it, with Kafka's own {@link MockProcessorContext} and real
 * in-memory stores; the rollback is a fresh pair of stores holding what was committed.
 */
class ChainProcessorReinitTest {
    private static final long NOW = 1_400_000_000L;

    private static KeyValueStore<String, StoredBlock> store(String name, MockProcessorContext<String, Object> ctx) {
        KeyValueStore<String, StoredBlock> s = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                Serdes.String(), Json.serde(StoredBlock.class)).withLoggingDisabled().withCachingDisabled().build();
        s.init(ctx.getStateStoreContext(), s);
        ctx.addStateStore(s);
        return s;
    }

    /** A context with empty best-chain and side-branch stores. */
    private static MockProcessorContext<String, Object> context() {
        MockProcessorContext<String, Object> ctx = new MockProcessorContext<>();
        store(ChainProcessor.BEST_CHAIN_STORE, ctx);
        store(ChainProcessor.SIDE_BRANCH_STORE, ctx);
        return ctx;
    }

    private static void process(ChainProcessor p, List<HeaderRecord> records) {
        for (HeaderRecord r : records) {
            p.process(new Record<>(r.network(), Json.write(r), 0L));
        }
    }

    private static List<Long> blockHeights(MockProcessorContext<String, Object> ctx) {
        return ctx.forwarded().stream()
                .filter(f -> f.childName().equals(Optional.of(ChainProcessor.BLOCKS.name())))
                .map(f -> ((BlockRecord) f.record().value()).height()).toList();
    }

    @Test
    void reinitializedAfterARollbackDerivesTheReprocessedBlocksAgain() {
        RegtestChain chain = RegtestChain.fromGenesis(3);
        chain.extend(10);
        ChainMetrics metrics = new ChainMetrics(new SimpleMeterRegistry(), () -> NOW);

        // Committed: 0..4. Processed but not committed when the task was closed dirty: 5..8.
        MockProcessorContext<String, Object> committedState = context();
        ChainProcessor committer = new ChainProcessor(metrics, () -> NOW);
        committer.init(committedState);
        process(committer, chain.records(0, 4));

        MockProcessorContext<String, Object> first = context();
        ChainProcessor processor = new ChainProcessor(metrics, () -> NOW);
        processor.init(first);
        process(processor, chain.records(0, 8));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), blockHeights(first));
        processor.close();

        // Revived: the same instance, initialized again on the stores as of the last commit; 5..10 come again.
        processor.init(committedState);
        committedState.resetForwards();
        process(processor, chain.records(5, 10));
        assertEquals(List.of(5L, 6L, 7L, 8L, 9L, 10L), blockHeights(committedState),
                "the re-processed blocks are derived again, not skipped as known");
    }
}
