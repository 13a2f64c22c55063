package io.hashwatch.metrics;

import static io.hashwatch.metrics.MetricCatalog.BREAKEVEN_EFFICIENCY;
import static io.hashwatch.metrics.MetricCatalog.DIFFICULTY_RIBBON;
import static io.hashwatch.metrics.MetricCatalog.DIFFICULTY_RIBBON_COMPRESSION;
import static io.hashwatch.metrics.MetricCatalog.HALVING_BLOCKS;
import static io.hashwatch.metrics.MetricCatalog.HALVING_NEXT_SUBSIDY;
import static io.hashwatch.metrics.MetricCatalog.HALVING_TIMESTAMP;
import static io.hashwatch.metrics.MetricCatalog.HASH_RIBBON;
import static io.hashwatch.metrics.MetricCatalog.HASH_RIBBON_BUY;
import static io.hashwatch.metrics.MetricCatalog.HASH_RIBBON_CAPITULATION;
import static io.hashwatch.metrics.MetricCatalog.HASH_RIBBON_OSCILLATOR;
import static io.hashwatch.metrics.MetricCatalog.MINER_DAY_BLOCKS;
import static io.hashwatch.metrics.MetricCatalog.MINER_DAY_FEE_SHARE;
import static io.hashwatch.metrics.MetricCatalog.MINER_DAY_HASHPRICE;
import static io.hashwatch.metrics.MetricCatalog.MINER_DAY_HASHRATE;
import static io.hashwatch.metrics.MetricCatalog.MINER_DAY_ISSUANCE;
import static io.hashwatch.metrics.MetricCatalog.MINER_DAY_REVENUE;
import static io.hashwatch.metrics.MetricCatalog.MINER_DAY_TIMESTAMP;
import static io.hashwatch.metrics.MetricCatalog.MINER_SIGNALS;
import static io.hashwatch.metrics.MetricCatalog.PROFILES_UNDER_WATER;
import static io.hashwatch.metrics.MetricCatalog.PROFILE_DAYS_UNDER_WATER;
import static io.hashwatch.metrics.MetricCatalog.PUELL_MULTIPLE;

import io.hashwatch.config.CostProfile;
import io.hashwatch.config.EconomicsSettings;
import io.hashwatch.model.MinerDayRecord;
import io.hashwatch.stress.DayIndicators;
import io.hashwatch.stress.DayTotals;
import io.hashwatch.stress.FleetDay;
import io.hashwatch.stress.Signals;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gauges of mainnet's latest final miner-stress day, and the count of events by signal. Labels: {@code window} (the
 * fixed SMA windows), {@code power_price} and {@code profile} (from the settings, at most 20 each), {@code signal}
 * (the seven events).
 */
public final class MinerStressMetrics {
    private static final List<String> SIGNALS = List.of(Signals.CAPITULATION_STARTED, Signals.RECOVERY,
            Signals.BUY_SIGNAL, Signals.PUELL_BELOW, Signals.PUELL_ABOVE, Signals.UNDER_WATER, Signals.HALVING_SOON);

    private final Map<String, Double> values = new ConcurrentHashMap<>();
    private final Map<String, Counter> signals = new LinkedHashMap<>();
    /** Exported by the instance that owns mainnet's task, from its first day (see {@link OwnedGauges}). */
    private final java.util.List<java.util.function.Consumer<OwnedGauges>> gauges = new java.util.ArrayList<>();
    private final OwnedGauges owned;

    MinerStressMetrics(MeterRegistry registry, EconomicsSettings settings) {
        owned = new OwnedGauges(registry, o -> gauges.forEach(g -> g.accept(o)));
        register(registry, MINER_DAY_TIMESTAMP, "day", null, null);
        register(registry, MINER_DAY_BLOCKS, "blocks", null, null);
        register(registry, MINER_DAY_HASHRATE, "hashrate", null, null);
        register(registry, MINER_DAY_REVENUE, "revenue", null, null);
        register(registry, MINER_DAY_ISSUANCE, "issuance", null, null);
        register(registry, MINER_DAY_FEE_SHARE, "fee_share", null, null);
        register(registry, MINER_DAY_HASHPRICE, "hashprice", null, null);
        register(registry, HASH_RIBBON, "sma30", "window", "30");
        register(registry, HASH_RIBBON, "sma60", "window", "60");
        register(registry, HASH_RIBBON_OSCILLATOR, "oscillator", null, null);
        register(registry, HASH_RIBBON_CAPITULATION, "capitulation", null, null);
        register(registry, HASH_RIBBON_BUY, "buy", null, null);
        register(registry, PUELL_MULTIPLE, "puell", null, null);
        for (int w : DayIndicators.RIBBON_WINDOWS) {
            register(registry, DIFFICULTY_RIBBON, "ribbon" + w, "window", Integer.toString(w));
        }
        register(registry, DIFFICULTY_RIBBON_COMPRESSION, "compression", null, null);
        register(registry, HALVING_BLOCKS, "halving_blocks", null, null);
        register(registry, HALVING_TIMESTAMP, "halving_time", null, null);
        register(registry, HALVING_NEXT_SUBSIDY, "halving_subsidy", null, null);
        register(registry, PROFILES_UNDER_WATER, "under_water", null, null);
        for (CostProfile p : settings.profiles()) {
            String price = powerPriceLabel(p.powerPriceUsdPerKwh());
            if (!values.containsKey("breakeven:" + price)) {
                register(registry, BREAKEVEN_EFFICIENCY, "breakeven:" + price, "power_price", price);
            }
            register(registry, PROFILE_DAYS_UNDER_WATER, "days_under:" + p.name(), "profile", p.name());
        }
        for (String s : SIGNALS) {
            signals.put(s, MINER_SIGNALS.counter().tag("signal", s).register(registry));
        }
    }

    /** The label (and {@code breakeven_efficiency_joules_per_terahash} key) of a power price, as on the record. */
    public static String powerPriceLabel(double price) {
        return BigDecimal.valueOf(price).stripTrailingZeros().toPlainString();
    }

    private void register(MeterRegistry registry, MetricCatalog.Metric metric, String key, String tag, String value) {
        values.put(key, Double.NaN);
        gauges.add(o -> {
            var b = metric.gauge(values, v -> v.getOrDefault(key, Double.NaN));
            o.add(tag == null ? b : b.tag(tag, value));
        });
    }

    /** Mainnet's miner-stress task left this instance: its gauges go with it. */
    void release() {
        owned.withdraw();
    }

    void day(MinerDayRecord r) {
        owned.export();
        DayTotals t = r.totals();
        DayIndicators i = r.indicators();
        set("day", (double) LocalDate.parse(r.day()).atStartOfDay().toEpochSecond(ZoneOffset.UTC));
        set("blocks", (double) t.blocks());
        set("hashrate", t.hashrate());
        set("revenue", t.revenueUsd());
        set("issuance", t.subsidyUsd());
        set("fee_share", t.feeShare());
        set("hashprice", t.meanHashpriceUsdPerPhDay());
        set("sma30", i.hashrateSma30());
        set("sma60", i.hashrateSma60());
        set("oscillator", i.ribbonOscillator());
        set("capitulation", i.capitulation() == null ? null : i.capitulation() ? 1.0 : 0.0);
        set("buy", i.buySignal() ? 1.0 : 0.0);
        set("puell", i.puellMultiple());
        for (int k = 0; k < DayIndicators.RIBBON_WINDOWS.size(); k++) {
            set("ribbon" + DayIndicators.RIBBON_WINDOWS.get(k), i.difficultyRibbon().get(k));
        }
        set("compression", i.ribbonCompression());
        set("halving_blocks", (double) r.halving().blocksLeft());
        set("halving_time", r.halving().estimatedTime() == null ? null : r.halving().estimatedTime().doubleValue());
        set("halving_subsidy", r.halving().nextSubsidySat() / 1e8);
        FleetDay f = r.fleets();
        set("under_water", f.profilesUnderWater() == null ? null : f.profilesUnderWater().doubleValue());
        f.breakevenEfficiencyJoulesPerTh().forEach((price, v) -> set("breakeven:" + price, v));
        f.profiles().forEach((name, p) -> set("days_under:" + name, (double) p.daysUnderWater()));
    }

    void signal(String signal) {
        Counter c = signals.get(signal);
        if (c != null) {
            c.increment();
        }
    }

    private void set(String key, Double v) {
        if (values.containsKey(key)) {
            values.put(key, v == null ? Double.NaN : v);
        }
    }
}
