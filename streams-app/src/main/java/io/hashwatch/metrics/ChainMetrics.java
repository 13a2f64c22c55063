package io.hashwatch.metrics;

import io.hashwatch.bitcoin.Network;
import io.hashwatch.model.BlockRecord;
import io.hashwatch.model.DifficultyRecord;
import io.hashwatch.model.HashrateRecord;
import io.hashwatch.model.RejectReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The chain pipeline's metrics. Labels are bounded: {@code network} (a handful), {@code reason} (the reject
 * reasons), {@code window} (four hashrate windows), {@code verification} (full, partial).
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
            rejected.put(reason, Counter.builder("hashwatch_headers_rejected")
                    .description("Header records sent to the dead-letter topic, by reason")
                    .tag("reason", reason.label())
                    .register(registry));
        }
        // Register every known network up front so dashboards see zeros rather than gaps.
        for (Network n : Network.values()) {
            gauges(n.id());
        }
    }

    public ChainMetrics(MeterRegistry registry) {
        this(registry, () -> System.currentTimeMillis() / 1000);
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

    /** The latest connected block of a network and what was derived from it. */
    public void tip(BlockRecord block, HashrateRecord hashrate, DifficultyRecord difficulty) {
        NetworkGauges g = gauges(block.network());
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
        g.duplicates = Counter.builder("hashwatch_headers_duplicate")
                .description("Header records already known, ignored").tag("network", network).register(registry);
        g.reorgs = Counter.builder("hashwatch_reorgs")
                .description("Switches of the best chain to a branch with more work").tag("network", network)
                .register(registry);
        g.reorgDepth = DistributionSummary.builder("hashwatch_reorg_depth_blocks")
                .description("Blocks disconnected by each reorganization").tag("network", network)
                .register(registry);
        gauge("hashwatch_tip_height", "Height of the best chain's tip", network, g, x -> x.tipHeight);
        gauge("hashwatch_tip_timestamp_seconds", "Header timestamp of the tip", network, g, x -> x.tipTime);
        gauge("hashwatch_tip_age_seconds", "Wall-clock seconds since the tip's header timestamp", network, g,
                x -> x.tipTime > 0 ? wallClockSeconds.getAsLong() - x.tipTime : Double.NaN);
        gauge("hashwatch_difficulty", "Difficulty of the tip's bits", network, g, x -> x.difficulty);
        hashrate(network, "1d", g, x -> x.hashrate1d, x -> x.hashrate1dLower, x -> x.hashrate1dUpper);
        hashrate(network, "3d", g, x -> x.hashrate3d, null, null);
        hashrate(network, "7d", g, x -> x.hashrate7d, x -> x.hashrate7dLower, x -> x.hashrate7dUpper);
        hashrate(network, "epoch", g, x -> x.hashrateEpoch, null, null);
        gauge("hashwatch_difficulty_projected_change_ratio", "Projected next difficulty adjustment (0.05 = +5%)",
                network, g, x -> x.projectedChange);
        gauge("hashwatch_difficulty_epoch_progress_ratio", "Share of the current epoch's 2016 blocks mined",
                network, g, x -> x.progress);
        gauge("hashwatch_difficulty_blocks_remaining", "Blocks until the next retarget", network, g,
                x -> x.blocksRemaining);
        gauge("hashwatch_difficulty_projected_retarget_timestamp_seconds", "When the next retarget is expected",
                network, g, x -> x.projectedRetargetTime);
        return g;
    }

    private Counter verifiedCounter(String network, String verification) {
        return Counter.builder("hashwatch_headers_verified")
                .description("Headers accepted into a chain; partial when history was missing for some rules")
                .tag("network", network).tag("verification", verification).register(registry);
    }

    private void hashrate(String network, String window, NetworkGauges g,
                          java.util.function.ToDoubleFunction<NetworkGauges> value,
                          java.util.function.ToDoubleFunction<NetworkGauges> lower,
                          java.util.function.ToDoubleFunction<NetworkGauges> upper) {
        Gauge.builder("hashwatch_hashrate_hashes_per_second", g, value)
                .description("Network hashrate, Bitcoin Core's getnetworkhashps over the window")
                .tag("network", network).tag("window", window).strongReference(true).register(registry);
        if (lower != null) {
            Gauge.builder("hashwatch_hashrate_lower95_hashes_per_second", g, lower)
                    .description("Lower bound of the 95% interval of the hashrate")
                    .tag("network", network).tag("window", window).strongReference(true).register(registry);
            Gauge.builder("hashwatch_hashrate_upper95_hashes_per_second", g, upper)
                    .description("Upper bound of the 95% interval of the hashrate")
                    .tag("network", network).tag("window", window).strongReference(true).register(registry);
        }
    }

    private void gauge(String name, String description, String network, NetworkGauges g,
                       java.util.function.ToDoubleFunction<NetworkGauges> f) {
        Gauge.builder(name, g, f).description(description).tag("network", network).strongReference(true)
                .register(registry);
    }

    /** Latest values per network; written by the one stream thread that owns the network's partition. */
    private static final class NetworkGauges {
        Counter verifiedFull;
        Counter verifiedPartial;
        Counter duplicates;
        Counter reorgs;
        DistributionSummary reorgDepth;
        volatile double tipHeight = Double.NaN;
        volatile double tipTime = Double.NaN;
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
        volatile double blocksRemaining = Double.NaN;
        volatile double projectedRetargetTime = Double.NaN;
    }
}
