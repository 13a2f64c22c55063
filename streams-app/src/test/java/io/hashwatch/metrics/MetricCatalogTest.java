package io.hashwatch.metrics;

import io.hashwatch.config.EconomicsSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import io.hashwatch.model.BlockRecord;
import io.hashwatch.model.DifficultyRecord;
import io.hashwatch.model.HashpriceRecord;
import io.hashwatch.model.HashrateRecord;
import io.hashwatch.model.ReferencePrice;
import io.hashwatch.testing.CatalogMeters;
import org.junit.jupiter.api.Test;

/** Every streams-app meter is registered from the catalog, and every catalog entry of the streams app is registered. */
class MetricCatalogTest {
    /** A record of the type with zero and null components, but for a network and a pair (what the meters read). */
    private static <T extends Record> T blank(Class<T> type) throws ReflectiveOperationException {
        java.lang.reflect.RecordComponent[] components = type.getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            Class<?> c = components[i].getType();
            types[i] = c;
            String name = components[i].getName();
            args[i] = c == long.class ? (Object) 1L : c == int.class ? (Object) 1 : c == double.class ? (Object) 1.0
                    : c == boolean.class ? (Object) false : name.equals("network") ? "mainnet"
                    : name.equals("pair") ? "BTC-USD" : name.equals("day") ? "2020-01-01"
                    : c == java.util.List.class ? java.util.Collections.nCopies(8, 1.0)
                    : c == Map.class ? Map.of() : c.isRecord() ? blank(c.asSubclass(Record.class)) : null;
        }
        return type.getDeclaredConstructor(types).newInstance(args);
    }

    /** A block of a window with one pool: every pool meter is registered. */
    private static io.hashwatch.model.PoolBlockRecord poolBlock() {
        return new io.hashwatch.model.PoolBlockRecord("regtest", 1, "h", 1, "attributed", 1, "A", "a", "tag", "/a/",
                0L, "/a/", 1, true);
    }

    /** Windows with one pool: every pool meter is registered. */
    private static io.hashwatch.model.PoolWindowsRecord poolWindows() {
        java.util.List<io.hashwatch.model.PoolWindowsRecord.PoolWindow> windows = new java.util.ArrayList<>();
        for (int n : new int[]{144, 1008, 4320}) {
            windows.add(new io.hashwatch.model.PoolWindowsRecord.PoolWindow(n, 1, false, 1, 0, 0, 0.0, 1.0, "a",
                    1.0, 1.0, 1, 0, 0, java.util.List.of(new io.hashwatch.model.PoolWindowsRecord.PoolShare(1, "a",
                    "A", 1, 1.0, 1.0, null, 0, 0))));
        }
        return new io.hashwatch.model.PoolWindowsRecord("regtest", 1, "h", 1, "test", windows, java.util.List.of(
                new io.hashwatch.model.PoolWindowsRecord.PoolDrought(1, "a", 1.0, 1008, 0, 1.0)));
    }

    @Test
    void theRegisteredMetersAreTheCatalogs() throws ReflectiveOperationException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ChainMetrics chain = new ChainMetrics(registry, () -> 0L);
        EconomicsMetrics economics = new EconomicsMetrics(registry, EconomicsSettings.defaults());
        chain.verified("regtest", false);       // a network's meters, and the exchanges', come with their first use
        economics.tickAccepted("x");
        economics.tickTooLate("x");
        economics.outlierExcluded("x");
        // The gauges an owner exports with its task's first values.
        chain.tip(blank(BlockRecord.class), blank(HashrateRecord.class), blank(DifficultyRecord.class));
        economics.referencePrice(blank(ReferencePrice.class));
        economics.hashprice(blank(HashpriceRecord.class));
        economics.minerDay(blank(io.hashwatch.model.MinerDayRecord.class));
        PoolMetrics poolMetrics = new PoolMetrics(registry);
        poolMetrics.block("regtest", poolBlock());
        poolMetrics.windows("regtest", poolWindows());
        poolMetrics.anomaly("regtest", "empty", "a");
        poolMetrics.unknownTags("regtest", java.util.Map.of("/new pool/", 3));

        CatalogMeters.assertRegisteredAreTheCatalogs(registry, "streams-app");
    }
}
