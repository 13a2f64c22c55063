package io.hashwatch.metrics;

import static io.hashwatch.metrics.MetricCatalog.BLOCK_ANOMALIES;
import static io.hashwatch.metrics.MetricCatalog.FEE_SHARE;
import static io.hashwatch.metrics.MetricCatalog.UNKNOWN_TAG_BLOCKS;
import static io.hashwatch.metrics.MetricCatalog.POOLS_EMPTY_BLOCKS;
import static io.hashwatch.metrics.MetricCatalog.POOLS_HHI;
import static io.hashwatch.metrics.MetricCatalog.POOLS_NAKAMOTO;
import static io.hashwatch.metrics.MetricCatalog.POOLS_TOP_SHARE;
import static io.hashwatch.metrics.MetricCatalog.POOLS_UNATTRIBUTED;
import static io.hashwatch.metrics.MetricCatalog.POOLS_UNKNOWN_SHARE;
import static io.hashwatch.metrics.MetricCatalog.POOLS_WINDOW_BLOCKS;
import static io.hashwatch.metrics.MetricCatalog.POOL_BLOCKS;
import static io.hashwatch.metrics.MetricCatalog.POOL_BLOCKS_ATTRIBUTED;
import static io.hashwatch.metrics.MetricCatalog.POOL_DROUGHT_BLOCKS;
import static io.hashwatch.metrics.MetricCatalog.POOL_DROUGHT_PROBABILITY;
import static io.hashwatch.metrics.MetricCatalog.POOL_DROUGHT_SHARE;
import static io.hashwatch.metrics.MetricCatalog.POOL_EMPTY_BLOCKS;
import static io.hashwatch.metrics.MetricCatalog.POOL_HASHRATE;
import static io.hashwatch.metrics.MetricCatalog.POOL_LUCK;
import static io.hashwatch.metrics.MetricCatalog.POOL_SHARE;

import io.hashwatch.metrics.MetricCatalog.Metric;
import io.hashwatch.model.PoolBlockRecord;
import io.hashwatch.model.PoolWindowsRecord;
import io.hashwatch.model.PoolWindowsRecord.PoolDrought;
import io.hashwatch.model.PoolWindowsRecord.PoolShare;
import io.hashwatch.model.PoolWindowsRecord.PoolWindow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pools' metrics. The {@code pool} label is bounded: the {@link #TOP_POOLS} pools with the most blocks of the
 * 7d window (ties: the lower list id), the same set in every window, plus {@code other} for the rest together; a
 * pool that leaves the top has its series removed, so a network has at most {@code TOP_POOLS + 1} series per window
 * and metric.
 */
public final class PoolMetrics {
    public static final int TOP_POOLS = 15;
    /** The most unknown coinbase tags with a series. */
    static final int MAX_TAG_SERIES = 10;
    public static final String OTHER = "other";
    /** Window labels of the 144, 1008 and 4320-block windows, as the hashrate gauges name theirs. */
    public static final List<String> WINDOW_LABELS = List.of("1d", "7d", "30d");
    private static final int SEVEN_DAYS = 1;

    private final MeterRegistry registry;
    private final Map<String, NetworkPools> networks = new ConcurrentHashMap<>();

    public PoolMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The label of a window of {@code blocks} blocks. */
    public static String windowLabel(int blocks) {
        return switch (blocks) {
            case 144 -> "1d";
            case 1008 -> "7d";
            case 4320 -> "30d";
            default -> throw new IllegalArgumentException("no window of " + blocks + " blocks");
        };
    }

    /** A block connected to the best chain. */
    public void block(String network, PoolBlockRecord record) {
        networks.computeIfAbsent(network, this::register).attributions.get(record.attribution()).increment();
    }

    /** The windows ending at the tip, as published (once a commit interval). */
    public void windows(String network, PoolWindowsRecord record) {
        NetworkPools n = networks.computeIfAbsent(network, this::register);
        List<PoolWindow> windows = record.windows();
        Set<String> top = new LinkedHashSet<>();
        for (PoolShare p : windows.get(SEVEN_DAYS).pools()) {
            if (top.size() == TOP_POOLS || p.blocks() == 0) {
                break;
            }
            top.add(p.slug());
        }
        for (int w = 0; w < windows.size(); w++) {
            PoolWindow window = windows.get(w);
            String label = windowLabel(window.windowBlocks());
            Values c = n.concentration.get(label);
            c.set(0, window.topShare());
            c.set(1, window.hhi());
            c.set(2, window.nakamotoCoefficient() == null ? null : window.nakamotoCoefficient().doubleValue());
            c.set(3, window.unknownShare());
            c.set(4, (double) window.unattributedBlocks());
            c.set(5, (double) window.emptyBlocks());
            c.set(6, (double) window.withCoinbase());
            Map<String, double[]> values = new HashMap<>();
            double[] other = {0, 0, 0, Double.NaN, 0};
            boolean anyOther = false;
            for (PoolShare p : window.pools()) {
                double[] v = {p.blocks(), p.share(), p.hashrateHps() == null ? Double.NaN : p.hashrateHps(),
                        p.luck() == null ? Double.NaN : p.luck(), p.emptyBlocks()};
                if (top.contains(p.slug())) {
                    values.put(p.slug(), v);
                } else if (p.blocks() > 0) {
                    anyOther = true;
                    for (int i : new int[]{0, 1, 2, 4}) {
                        other[i] += v[i];
                    }
                }
            }
            for (String slug : top) {
                values.putIfAbsent(slug, new double[]{0, 0, 0, Double.NaN, 0});
            }
            if (anyOther || !values.isEmpty()) {
                values.put(OTHER, other); // luck of "other" has no meaning: NaN
            }
            n.update(label, values);
        }
        n.droughts(record.droughts());
    }

    /**
     * A block's anomaly. Counters are made on first use: the {@code pool} label takes at most the list's slugs
     * (about 170) and a pool without anomalies has none.
     */
    public void anomaly(String network, String kind, String pool) {
        BLOCK_ANOMALIES.counter().tag("network", network).tag("kind", kind).tag("pool", pool).register(registry)
                .increment();
    }

    /** The 144- and 4,320-block fee shares (null: too few blocks with known fees). */
    public void feeShares(String network, Double day, Double month) {
        NetworkPools n = networks.computeIfAbsent(network, this::register);
        n.feeShares.set(0, day);
        n.feeShares.set(1, month);
    }

    /** Tags of unknown blocks seen in 3 or more blocks of the last day: the 10 most frequent get a series. */
    public void unknownTags(String network, Map<String, Integer> frequent) {
        NetworkPools n = networks.computeIfAbsent(network, this::register);
        Map<String, Integer> top = new HashMap<>();
        frequent.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(MAX_TAG_SERIES)
                .forEach(en -> top.put(en.getKey(), en.getValue()));
        for (String gone : new HashSet<>(n.tagCounts.keySet())) {
            if (!top.containsKey(gone)) {
                n.tagCounts.remove(gone);
                registry.remove(n.tagGauges.remove(gone));
            }
        }
        top.forEach((tag, count) -> n.tagCounts.computeIfAbsent(tag, t -> {
            Values v = new Values(1);
            n.tagGauges.put(t, UNKNOWN_TAG_BLOCKS.gauge(v, x -> x.values[0]).tag("network", network).tag("tag", t)
                    .strongReference(true).register(registry));
            return v;
        }).values[0] = count);
    }

    /**
     * The network's task left this instance (or the app stops): its gauges go (another instance serves them from
     * its next block); its counters stay, each instance counting its own work.
     */
    public void release(String network) {
        NetworkPools n = networks.remove(network);
        if (n != null) {
            n.concentrationGauges.forEach(registry::remove);
            n.gauges.values().forEach(byPool -> byPool.values().forEach(g -> g.forEach(registry::remove)));
            n.droughtGauges.values().forEach(g -> g.forEach(registry::remove));
            n.tagGauges.values().forEach(registry::remove);
        }
    }

    private NetworkPools register(String network) {
        NetworkPools n = new NetworkPools(network);
        for (String result : List.of("attributed", "unknown", "unattributed")) {
            n.attributions.put(result, POOL_BLOCKS_ATTRIBUTED.counter().tag("network", network)
                    .tag("result", result).register(registry));
        }
        Metric[] concentration = {POOLS_TOP_SHARE, POOLS_HHI, POOLS_NAKAMOTO, POOLS_UNKNOWN_SHARE, POOLS_UNATTRIBUTED,
                POOLS_EMPTY_BLOCKS, POOLS_WINDOW_BLOCKS};
        for (int i = 0; i < 2; i++) {
            int k = i;
            n.concentrationGauges.add(FEE_SHARE.gauge(n.feeShares, x -> x.values[k]).tag("network", network)
                    .tag("window", k == 0 ? "1d" : "30d").strongReference(true).register(registry));
        }
        for (String window : WINDOW_LABELS) {
            Values v = new Values(concentration.length);
            n.concentration.put(window, v);
            for (int i = 0; i < concentration.length; i++) {
                int k = i;
                n.concentrationGauges.add(concentration[i].gauge(v, x -> x.values[k]).tag("network", network)
                        .tag("window", window).strongReference(true).register(registry));
            }
        }
        return n;
    }

    /** A fixed set of gauge values. */
    private static final class Values {
        final double[] values;

        Values(int n) {
            values = new double[n];
            java.util.Arrays.fill(values, Double.NaN);
        }

        void set(int i, Double v) {
            values[i] = v == null ? Double.NaN : v;
        }
    }

    /** One network's meters; written by the stream thread that owns the network's partition. */
    private final class NetworkPools {
        final String network;
        final Map<String, Counter> attributions = new HashMap<>();
        final Map<String, Values> concentration = new HashMap<>();
        final List<Gauge> concentrationGauges = new ArrayList<>();
        /** Per window label, per pool label: its values (blocks, share, hashrate, luck, empty) and their gauges. */
        final Map<String, Map<String, Values>> pools = new HashMap<>();
        final Map<String, Map<String, List<Gauge>>> gauges = new HashMap<>();

        final Map<String, Values> tagCounts = new HashMap<>();
        final Map<String, Gauge> tagGauges = new HashMap<>();
        final Values feeShares = new Values(2);
        /** Per pool in a drought entry: blocks since its last, the probability, the share used; and its gauges. */
        final Map<String, Values> droughts = new HashMap<>();
        final Map<String, List<Gauge>> droughtGauges = new HashMap<>();

        NetworkPools(String network) {
            this.network = network;
        }

        void droughts(List<PoolDrought> current) {
            if (droughts.size() > current.size() || !current.stream().allMatch(d -> droughts.containsKey(d.slug()))) {
                Set<String> now = new HashSet<>();
                current.forEach(d -> now.add(d.slug()));
                for (String gone : new HashSet<>(droughts.keySet())) {
                    if (!now.contains(gone)) {
                        droughts.remove(gone);
                        droughtGauges.remove(gone).forEach(registry::remove);
                    }
                }
            }
            for (PoolDrought d : current) {
                Values held = droughts.computeIfAbsent(d.slug(), pool -> {
                    Values x = new Values(3);
                    List<Gauge> g = new ArrayList<>();
                    Metric[] metrics = {POOL_DROUGHT_BLOCKS, POOL_DROUGHT_PROBABILITY, POOL_DROUGHT_SHARE};
                    for (int i = 0; i < metrics.length; i++) {
                        int k = i;
                        g.add(metrics[i].gauge(x, y -> y.values[k]).tag("network", network).tag("pool", pool)
                                .strongReference(true).register(registry));
                    }
                    droughtGauges.put(pool, g);
                    return x;
                });
                held.values[0] = d.blocksSinceLast();
                held.values[1] = d.probability();
                held.values[2] = d.share();
            }
        }

        void update(String window, Map<String, double[]> values) {
            Map<String, Values> current = pools.computeIfAbsent(window, w -> new HashMap<>());
            Map<String, List<Gauge>> meters = gauges.computeIfAbsent(window, w -> new HashMap<>());
            for (String gone : new HashSet<>(current.keySet())) {
                if (!values.containsKey(gone)) {
                    current.remove(gone);
                    meters.remove(gone).forEach(registry::remove);
                }
            }
            values.forEach((pool, v) -> {
                Values held = current.computeIfAbsent(pool, p -> {
                    Metric[] metrics = {POOL_BLOCKS, POOL_SHARE, POOL_HASHRATE, POOL_LUCK, POOL_EMPTY_BLOCKS};
                    Values x = new Values(metrics.length);
                    List<Gauge> g = new ArrayList<>();
                    for (int i = 0; i < metrics.length; i++) {
                        int k = i;
                        g.add(metrics[i].gauge(x, y -> y.values[k]).tag("network", network).tag("window", window)
                                .tag("pool", pool).strongReference(true).register(registry));
                    }
                    meters.put(pool, g);
                    return x;
                });
                System.arraycopy(v, 0, held.values, 0, v.length);
            });
        }
    }
}
