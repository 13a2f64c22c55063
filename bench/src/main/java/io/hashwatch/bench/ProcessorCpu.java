package io.hashwatch.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.ProcessorWrapper;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.WrappedFixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.WrappedProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Where the stream threads' CPU goes, per processor: a {@link ProcessorWrapper} (KIP-1112, {@code
 * processor.wrapper.class}) that charges each processor node the thread CPU time of its {@code process} calls, less
 * that of the processors it forwards to. A node's figure includes its sinks (serializing and sending its output
 * records) and its stores; polling, deserializing the input and committing are the stream thread's own, outside any
 * node. Reading the thread's CPU clock costs about a microsecond a call, charged to the caller: the bench prints the
 * run with the wrapper apart from the one without.
 */
public final class ProcessorCpu implements ProcessorWrapper {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Map<String, LongAdder> NANOS = new ConcurrentHashMap<>();
    private static final Map<String, LongAdder> CALLS = new ConcurrentHashMap<>();
    /** CPU time of the calls nested in the current one (its children's), per thread. */
    private static final ThreadLocal<long[]> NESTED = ThreadLocal.withInitial(() -> new long[1]);

    /** CPU nanoseconds and calls by processor name, since the last {@link #reset()}. */
    static Map<String, long[]> snapshot() {
        Map<String, long[]> out = new TreeMap<>();
        NANOS.forEach((name, n) -> out.put(name, new long[] {n.sum(), CALLS.get(name).sum()}));
        return out;
    }

    static void reset() {
        NANOS.clear();
        CALLS.clear();
    }

    private static <T> T timed(String name, ThrowingCall<T> call) {
        long[] nested = NESTED.get();
        long outer = nested[0];
        nested[0] = 0;
        long t0 = THREADS.getCurrentThreadCpuTime();
        try {
            return call.run();
        } finally {
            long total = THREADS.getCurrentThreadCpuTime() - t0;
            NANOS.computeIfAbsent(name, n -> new LongAdder()).add(total - nested[0]);
            CALLS.computeIfAbsent(name, n -> new LongAdder()).increment();
            nested[0] = outer + total;
        }
    }

    @FunctionalInterface
    private interface ThrowingCall<T> {
        T run();
    }

    @Override
    public <KIn, VIn, KOut, VOut> WrappedProcessorSupplier<KIn, VIn, KOut, VOut> wrapProcessorSupplier(
            String name, ProcessorSupplier<KIn, VIn, KOut, VOut> supplier) {
        return new WrappedProcessorSupplier<>() {
            @Override
            public Processor<KIn, VIn, KOut, VOut> get() {
                Processor<KIn, VIn, KOut, VOut> p = supplier.get();
                return new Processor<>() {
                    @Override
                    public void init(ProcessorContext<KOut, VOut> context) {
                        p.init(context);
                    }

                    @Override
                    public void process(Record<KIn, VIn> record) {
                        timed(name, () -> {
                            p.process(record);
                            return null;
                        });
                    }

                    @Override
                    public void close() {
                        p.close();
                    }
                };
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return supplier.stores();
            }
        };
    }

    @Override
    public <KIn, VIn, VOut> WrappedFixedKeyProcessorSupplier<KIn, VIn, VOut> wrapFixedKeyProcessorSupplier(
            String name, FixedKeyProcessorSupplier<KIn, VIn, VOut> supplier) {
        return new WrappedFixedKeyProcessorSupplier<>() {
            @Override
            public FixedKeyProcessor<KIn, VIn, VOut> get() {
                FixedKeyProcessor<KIn, VIn, VOut> p = supplier.get();
                return new FixedKeyProcessor<>() {
                    @Override
                    public void init(FixedKeyProcessorContext<KIn, VOut> context) {
                        p.init(context);
                    }

                    @Override
                    public void process(FixedKeyRecord<KIn, VIn> record) {
                        timed(name, () -> {
                            p.process(record);
                            return null;
                        });
                    }

                    @Override
                    public void close() {
                        p.close();
                    }
                };
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return supplier.stores();
            }
        };
    }
}
