package io.hashwatch.metrics;

import static io.hashwatch.metrics.MetricCatalog.BLOCK_GAP;
import static io.hashwatch.metrics.MetricCatalog.BLOCK_GAP_PROBABILITY;
import static io.hashwatch.metrics.MetricCatalog.DIFFICULTY;
import static io.hashwatch.metrics.MetricCatalog.DIFFICULTY_BLOCKS_REMAINING;
import static io.hashwatch.metrics.MetricCatalog.DIFFICULTY_DECREASE_PROBABILITY;
import static io.hashwatch.metrics.MetricCatalog.DIFFICULTY_EPOCH_PROGRESS;
import static io.hashwatch.metrics.MetricCatalog.DIFFICULTY_FORECAST_CHANGE;
import static io.hashwatch.metrics.MetricCatalog.DIFFICULTY_PROJECTED_CHANGE;
import static io.hashwatch.metrics.MetricCatalog.DIFFICULTY_PROJECTED_RETARGET;
import static io.hashwatch.metrics.MetricCatalog.HASHRATE;
import static io.hashwatch.metrics.MetricCatalog.HASHRATE_LOWER95;
import static io.hashwatch.metrics.MetricCatalog.HASHRATE_UPPER95;
import static io.hashwatch.metrics.MetricCatalog.HEADERS_DUPLICATE;
import static io.hashwatch.metrics.MetricCatalog.HEADERS_REJECTED;
import static io.hashwatch.metrics.MetricCatalog.HEADERS_VERIFIED;
import static io.hashwatch.metrics.MetricCatalog.REORGS;
import static io.hashwatch.metrics.MetricCatalog.REORG_DEPTH;
import static io.hashwatch.metrics.MetricCatalog.TIP_AGE;
import static io.hashwatch.metrics.MetricCatalog.TIP_HEIGHT;
import static io.hashwatch.metrics.MetricCatalog.TIP_TIMESTAMP;

import io.hashwatch.bitcoin.BlockGaps;
import io.hashwatch.bitcoin.Network;
import io.hashwatch.metrics.MetricCatalog.Metric;
import io.hashwatch.model.BlockRecord;
import io.hashwatch.model.DifficultyRecord;
import io.hashwatch.model.HashrateRecord;
import io.hashwatch.model.RejectReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The chain pipeline's metrics. Labels are bounded: {@code network} (a handful), {@code reason} (the reject
 * reasons), {@code window} (four hashrate windows), {@code verification} (full, partial), {@code quantile} (five
 * quantiles of the difficulty forecast).
 *
 * <p>A network's meters are registered when its first header is accepted: a network the app is not fed has no
 * series (a mainnet run exposes no NaN gauges and zero counters for regtest). Its gauges are {@link OwnedGauges}:
 * only the instance that owns the network's task exports them.
 */
public final class ChainMetrics {
    private final MeterRegistry registry;
    private final LongSupplier wallClockSeconds;
    private final Map<String, NetworkGauges> networks = new ConcurrentHashMap<>();
    private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);

    public ChainMetrics(MeterRegistry registry, LongSupplier wallClockSeconds) {
        this.registry = registry;
        this.wallClockSeconds = wallClockSeconds;
        for (RejectReason reason : RejectReason.values()) {
            if (!reason.appliesToHeaders()) {
                continue;
            }
            rejected.put(reason, HEADERS_REJECTED.counter().tag("reason", reason.label()).register(registry));
        }
    }

    public ChainMetrics(MeterRegistry registry) {
        this(registry, () -> System.currentTimeMillis() / 1000);
    }

    /** The registry these meters are in (the pools' metrics join it when no other is given). */
    public MeterRegistry registry() {
        return registry;
    }

    public void rejected(RejectReason reason) {
        rejected.get(reason).increment();
    }

    public void duplicate(String network) {
        gauges(network).duplicates.increment();
    }

    public void verified(String network, boolean partial) {
        NetworkGauges g = gauges(network);
        (partial ? g.verifiedPartial : g.verifiedFull).increment();
    }

    public void reorg(String network, int depth) {
        NetworkGauges g = gauges(network);
        g.reorgs.increment();
        g.reorgDepth.record(depth);
    }

    /**
     * Stops exporting a network's gauges: its task moved to another instance (or this one stops). Its counters
     * stay, each instance counting its own work; the gauges come back with the network's next {@link #tip}.
     */
    public void release(String network) {
        NetworkGauges g = networks.get(network);
        if (g != null) {
            g.gauges.withdraw();
        }
    }

    /** Whether this instance exports the network's gauges (it owns the network's task). */
    public boolean exports(String network) {
        NetworkGauges g = networks.get(network);
        return g != null && g.gauges.exported();
    }

    /** The latest connected block of a network and what was derived from it. */
    public void tip(BlockRecord block, HashrateRecord hashrate, DifficultyRecord difficulty) {
        NetworkGauges g = gauges(block.network());
        g.gauges.export();
        g.parentTime = block.height() == g.tipHeight + 1 ? g.tipTime : Double.NaN;
        g.arrival = wallClockSeconds.getAsLong();
        g.tipHeight = block.height();
        g.tipTime = block.time();
        g.difficulty = block.difficulty();
        g.hashrate1d = orNaN(hashrate.hashrate1dHps());
        g.hashrate3d = orNaN(hashrate.hashrate3dHps());
        g.hashrate7d = orNaN(hashrate.hashrate7dHps());
        g.hashrateEpoch = orNaN(hashrate.hashrateEpochHps());
        g.hashrate7dLower = orNaN(hashrate.hashrate7dLowerHps());
        g.hashrate7dUpper = orNaN(hashrate.hashrate7dUpperHps());
        g.hashrate1dLower = orNaN(hashrate.hashrate1dLowerHps());
        g.hashrate1dUpper = orNaN(hashrate.hashrate1dUpperHps());
        g.projectedChange = orNaN(difficulty.projectedChange());
        g.progress = difficulty.progress();
        g.forecastP05 = orNaN(difficulty.forecastChangeP05());
        g.forecastP10 = orNaN(difficulty.forecastChangeP10());
        g.forecastP50 = orNaN(difficulty.forecastChangeP50());
        g.forecastP90 = orNaN(difficulty.forecastChangeP90());
        g.forecastP95 = orNaN(difficulty.forecastChangeP95());
        g.decreaseProbability = orNaN(difficulty.forecastProbabilityDecrease());
        g.blocksRemaining = difficulty.blocksRemaining();
        g.projectedRetargetTime = difficulty.projectedRetargetTime() == null ? Double.NaN
                : difficulty.projectedRetargetTime();
    }

    private static double orNaN(Double v) {
        return v == null ? Double.NaN : v;
    }

    private NetworkGauges gauges(String network) {
        return networks.computeIfAbsent(network, this::register);
    }

    private NetworkGauges register(String network) {
        NetworkGauges g = new NetworkGauges();
        g.verifiedFull = verifiedCounter(network, "full");
        g.verifiedPartial = verifiedCounter(network, "partial");
        g.duplicates = HEADERS_DUPLICATE.counter().tag("network", network).register(registry);
        g.reorgs = REORGS.counter().tag("network", network).register(registry);
        g.reorgDepth = REORG_DEPTH.summary().tag("network", network).register(registry);
        g.gauges = new OwnedGauges(registry, o -> {
            gauge(o, TIP_HEIGHT, network, g, x -> x.tipHeight);
            gauge(o, TIP_TIMESTAMP, network, g, x -> x.tipTime);
            gauge(o, TIP_AGE, network, g, x -> x.tipTime > 0 ? wallClockSeconds.getAsLong() - x.tipTime : Double.NaN);
            gauge(o, DIFFICULTY, network, g, x -> x.difficulty);
            gauge(o, BLOCK_GAP, network, g, this::gap);
            gauge(o, BLOCK_GAP_PROBABILITY, network, g,
                    x -> BlockGaps.networkGapProbability(gap(x), x.difficulty, x.hashrate7d));
            hashrate(o, network, "1d", g, x -> x.hashrate1d, x -> x.hashrate1dLower, x -> x.hashrate1dUpper);
            hashrate(o, network, "3d", g, x -> x.hashrate3d, null, null);
            hashrate(o, network, "7d", g, x -> x.hashrate7d, x -> x.hashrate7dLower, x -> x.hashrate7dUpper);
            hashrate(o, network, "epoch", g, x -> x.hashrateEpoch, null, null);
            gauge(o, DIFFICULTY_PROJECTED_CHANGE, network, g, x -> x.projectedChange);
            forecast(o, network, "0.05", g, x -> x.forecastP05);
            forecast(o, network, "0.1", g, x -> x.forecastP10);
            forecast(o, network, "0.5", g, x -> x.forecastP50);
            forecast(o, network, "0.9", g, x -> x.forecastP90);
            forecast(o, network, "0.95", g, x -> x.forecastP95);
            gauge(o, DIFFICULTY_DECREASE_PROBABILITY, network, g, x -> x.decreaseProbability);
            gauge(o, DIFFICULTY_EPOCH_PROGRESS, network, g, x -> x.progress);
            gauge(o, DIFFICULTY_BLOCKS_REMAINING, network, g, x -> x.blocksRemaining);
            gauge(o, DIFFICULTY_PROJECTED_RETARGET, network, g, x -> x.projectedRetargetTime);
        });
        return g;
    }

    /**
     * The current gap. Live (the tip arrived within the 2 h a header's time may be ahead or behind): seconds since
     * it arrived, which a miner's clock does not skew. Replaying (the tip was old when it arrived): the interval the
     * tip closed, in the headers' own time, since the wall clock says nothing about a replayed chain.
     */
    private double gap(NetworkGauges x) {
        if (Double.isNaN(x.tipTime)) {
            return Double.NaN;
        }
        boolean live = x.arrival - x.tipTime <= Network.MAX_FUTURE_BLOCK_TIME_SECONDS;
        return live ? wallClockSeconds.getAsLong() - x.arrival : x.tipTime - x.parentTime;
    }

    private Counter verifiedCounter(String network, String verification) {
        return HEADERS_VERIFIED.counter().tag("network", network).tag("verification", verification)
                .register(registry);
    }

    private static void hashrate(OwnedGauges o, String network, String window, NetworkGauges g,
                                 ToDoubleFunction<NetworkGauges> value, ToDoubleFunction<NetworkGauges> lower,
                                 ToDoubleFunction<NetworkGauges> upper) {
        windowGauge(o, HASHRATE, network, window, g, value);
        if (lower != null) {
            windowGauge(o, HASHRATE_LOWER95, network, window, g, lower);
            windowGauge(o, HASHRATE_UPPER95, network, window, g, upper);
        }
    }

    private static void forecast(OwnedGauges o, String network, String quantile, NetworkGauges g,
                                 ToDoubleFunction<NetworkGauges> f) {
        o.add(DIFFICULTY_FORECAST_CHANGE.gauge(g, f).tag("network", network).tag("quantile", quantile));
    }

    private static void windowGauge(OwnedGauges o, Metric metric, String network, String window, NetworkGauges g,
                                    ToDoubleFunction<NetworkGauges> f) {
        o.add(metric.gauge(g, f).tag("network", network).tag("window", window));
    }

    private static void gauge(OwnedGauges o, Metric metric, String network, NetworkGauges g,
                              ToDoubleFunction<NetworkGauges> f) {
        o.add(metric.gauge(g, f).tag("network", network));
    }

    /** Latest values per network; written by the one stream thread that owns the network's partition. */
    private static final class NetworkGauges {
        Counter verifiedFull;
        Counter verifiedPartial;
        Counter duplicates;
        Counter reorgs;
        DistributionSummary reorgDepth;
        OwnedGauges gauges;
        volatile double tipHeight = Double.NaN;
        volatile double tipTime = Double.NaN;
        /** The previous tip's time when this tip extends it, else NaN; and when this tip arrived (wall clock). */
        volatile double parentTime = Double.NaN;
        volatile double arrival = Double.NaN;
        volatile double difficulty = Double.NaN;
        volatile double hashrate1d = Double.NaN;
        volatile double hashrate3d = Double.NaN;
        volatile double hashrate7d = Double.NaN;
        volatile double hashrateEpoch = Double.NaN;
        volatile double hashrate7dLower = Double.NaN;
        volatile double hashrate7dUpper = Double.NaN;
        volatile double hashrate1dLower = Double.NaN;
        volatile double hashrate1dUpper = Double.NaN;
        volatile double projectedChange = Double.NaN;
        volatile double progress = Double.NaN;
        volatile double forecastP05 = Double.NaN;
        volatile double forecastP10 = Double.NaN;
        volatile double forecastP50 = Double.NaN;
        volatile double forecastP90 = Double.NaN;
        volatile double forecastP95 = Double.NaN;
        volatile double decreaseProbability = Double.NaN;
        volatile double blocksRemaining = Double.NaN;
        volatile double projectedRetargetTime = Double.NaN;
    }
}
