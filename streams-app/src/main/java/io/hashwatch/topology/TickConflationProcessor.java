package io.hashwatch.topology;

import io.hashwatch.config.EconomicsSettings.ReferencePriceSettings;
import io.hashwatch.config.ProcessingErrorHandler;
import io.hashwatch.metrics.EconomicsMetrics;
import io.hashwatch.model.Json;
import io.hashwatch.model.PriceTick;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * A combiner on the source partition, before the repartition by pair: the reference price of a minute only uses
 * each exchange's last trade in it ({@link MinuteTrades#with}), so only that needs to cross the shuffle. Per
 * (exchange, pair, minute) this keeps the latest tick (replaced when the new one is not older) and forwards it,
 * keyed by pair: at once at the first tick, then at most once per update interval of event time while newer ticks
 * arrive, and its pending value when the minute closes (its end plus the grace period) or, in wall-clock time, when
 * the feeds fall silent. Ticks of closed minutes are counted and dropped here.
 *
 * <p>Event time is the largest trade time accepted, not Kafka's stream time: the {@code prices} records carry their
 * receive time, the trade time is only in the value. That clock is derivable from the store: the tick that set it
 * is the latest of its exchange-minute, whose minute cannot have closed. Pending values go out, in trade-time order,
 * before the tick that made them due, so downstream (whose stream time is the trade times forwarded) sees a final
 * value before anything that would make it late. A tick within an interval of its minute's close goes at once.
 *
 * <p>The store holds the latest tick of each open exchange-minute (the exactly-once state: cached, so a commit logs
 * each one once); what was forwarded when is in memory only, so after a restart every stored tick is pending again,
 * which is harmless: downstream keeps the not-older trade.
 */
final class TickConflationProcessor implements Processor<String, ValidTick, String, PriceTick> {
    static final String NAME = "price-conflation";
    static final String EXCHANGE_LAST_TICKS_STORE = "exchange-last-ticks";
    private static final long NEVER = Long.MIN_VALUE;
    /** How often the wall clock looks for silent feeds. */
    static final Duration SILENCE_CHECK = Duration.ofSeconds(1);

    private final ReferencePriceSettings settings;
    private final EconomicsMetrics metrics;
    private ProcessorContext<String, PriceTick> context;
    /** Key: UTF-8 of {@link #storeKey}; value: the tick's JSON as it came in. */
    private KeyValueStore<byte[], byte[]> store;
    /** The store's entries, mirrored with their forwarding state: a handful (exchanges x open minutes). */
    private final Map<SlotKey, Slot> slots = new HashMap<>();
    /** The largest trade time accepted: this stage's event time. */
    private long clock;
    /** The earliest event time at which a slot becomes due or closes: below it, a tick looks at its own slot only. */
    private long nextCheck;
    private long clockAtLastSilenceCheck;

    private record SlotKey(String exchange, String pair, long minute) {
    }

    /** One exchange-minute: its latest tick and when (event time) it was last forwarded. */
    private static final class Slot {
        final SlotKey key;
        final byte[] storeKey;
        final long closesAt;
        PriceTick latest;
        long forwardedAt = NEVER;
        boolean pending;

        Slot(SlotKey key, byte[] storeKey, long closesAt) {
            this.key = key;
            this.storeKey = storeKey;
            this.closesAt = closesAt;
        }
    }

    TickConflationProcessor(ReferencePriceSettings settings, EconomicsMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    /**
     * The processor with its store, whose keys and values are bytes kept as they are (UTF-8 text; the tick's JSON as
     * it came in).
     */
    static ProcessorSupplier<String, ValidTick, String, PriceTick> supplier(ReferencePriceSettings settings,
                                                                            EconomicsMetrics metrics) {
        return new StatefulSupplier<>(() -> new TickConflationProcessor(settings, metrics), Set.of(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EXCHANGE_LAST_TICKS_STORE),
                        Serdes.ByteArray(), Serdes.ByteArray()).withCachingEnabled()));
    }

    @Override
    public void init(ProcessorContext<String, PriceTick> context) {
        this.context = context;
        this.store = context.getStateStore(EXCHANGE_LAST_TICKS_STORE);
        // Kafka Streams may re-init this instance on a rolled-back store: derive everything from the store again.
        slots.clear();
        clock = NEVER;
        clockAtLastSilenceCheck = NEVER;
        try (KeyValueIterator<byte[], byte[]> it = store.all()) {
            it.forEachRemaining(kv -> {
                PriceTick tick = Json.read(kv.value, PriceTick.class);
                Slot slot = slot(tick);
                slot.latest = tick;
                slot.pending = true;    // forwarded or not before the restart: unknown, so again
                clock = Math.max(clock, tick.tradeTimeMs());
            });
        }
        nextCheck = slots.isEmpty() ? Long.MAX_VALUE : NEVER;
        context.schedule(SILENCE_CHECK, PunctuationType.WALL_CLOCK_TIME,
                ProcessingErrorHandler.failingTheThreadOnTimeout(t -> forwardIfSilent()));
    }

    private static long minuteOf(long tradeTimeMs) {
        return Math.floorDiv(tradeTimeMs, ReferencePriceProcessor.MINUTE_MS) * ReferencePriceProcessor.MINUTE_MS;
    }

    private long closesAt(long minute) {
        return minute + ReferencePriceProcessor.MINUTE_MS + settings.graceSeconds() * 1000;
    }

    /** The tick's slot, created (not stored) when missing. */
    private Slot slot(PriceTick tick) {
        long minute = minuteOf(tick.tradeTimeMs());
        return slots.computeIfAbsent(new SlotKey(tick.exchange(), tick.pair(), minute),
                k -> new Slot(k, storeKey(k).getBytes(StandardCharsets.UTF_8), closesAt(minute)));
    }

    /** Minute first (fixed width), then lengths, so that any exchange and pair names make distinct keys. */
    private static String storeKey(SlotKey k) {
        return ChainIndex.zeroPadded(k.minute(), 15) + "/" + k.pair().length() + "/" + k.pair() + "/" + k.exchange();
    }

    @Override
    public void process(Record<String, ValidTick> record) {
        PriceTick tick = record.value().tick();
        long minute = minuteOf(tick.tradeTimeMs());
        if (closesAt(minute) <= clock) {      // (a tick never closes its own minute)
            metrics.tickTooLate(tick.exchange());
            return;
        }
        clock = Math.max(clock, tick.tradeTimeMs());
        Slot slot = slots.get(new SlotKey(tick.exchange(), tick.pair(), minute));
        if (slot == null) {
            slot = slot(tick);
            nextCheck = Math.min(nextCheck, slot.closesAt);
        }
        boolean changed = slot.latest == null || tick.tradeTimeMs() >= slot.latest.tradeTimeMs();
        if (changed) {
            slot.latest = tick;
            slot.pending = true;
            store.put(slot.storeKey, record.value().json());
        }
        if (clock >= nextCheck) {
            forwardDue(false);
        }
        if (slot.pending) {
            if (slot.forwardedAt == NEVER || clock - slot.forwardedAt >= settings.updateIntervalMs()
                    || clock + settings.updateIntervalMs() >= slot.closesAt) {
                forward(slot);
            } else {
                nextCheck = Math.min(nextCheck, slot.forwardedAt + settings.updateIntervalMs());
            }
        }
    }

    /**
     * Forwards the pending slots whose interval has passed or whose minute has closed (every pending one if
     * {@code all}), in trade-time order, and purges the closed ones.
     */
    private void forwardDue(boolean all) {
        List<Slot> due = new ArrayList<>();
        long next = Long.MAX_VALUE;
        for (Iterator<Slot> it = slots.values().iterator(); it.hasNext(); ) {
            Slot slot = it.next();
            boolean closed = slot.closesAt <= clock;
            if (slot.pending && (all || closed || slot.forwardedAt == NEVER
                    || clock - slot.forwardedAt >= settings.updateIntervalMs())) {
                due.add(slot);
            } else if (closed) {
                it.remove();
                store.delete(slot.storeKey);
            } else {
                next = Math.min(next, slot.pending
                        ? Math.min(slot.forwardedAt + settings.updateIntervalMs(), slot.closesAt) : slot.closesAt);
            }
        }
        due.sort(Comparator.comparingLong(s -> s.latest.tradeTimeMs()));
        for (Slot slot : due) {
            forward(slot);
            if (slot.closesAt <= clock) {
                slots.remove(slot.key);
                store.delete(slot.storeKey);
            } else {
                next = Math.min(next, slot.closesAt);
            }
        }
        nextCheck = next;
    }

    private void forward(Slot slot) {
        slot.pending = false;
        slot.forwardedAt = clock;
        PriceTick tick = slot.latest;
        context.forward(new Record<>(tick.pair(), tick, tick.tradeTimeMs()));
    }

    /** Event time stood still for a whole check: the feeds are silent, so what is pending goes now. */
    private void forwardIfSilent() {
        if (clock == clockAtLastSilenceCheck && slots.values().stream().anyMatch(s -> s.pending)) {
            forwardDue(true);
        }
        clockAtLastSilenceCheck = clock;
    }
}
