package io.hashwatch.metrics;

import static io.hashwatch.metrics.MetricCatalog.ALL_IN_COST;
import static io.hashwatch.metrics.MetricCatalog.BREAKEVEN_POWER_PRICE;
import static io.hashwatch.metrics.MetricCatalog.COST_GAP;
import static io.hashwatch.metrics.MetricCatalog.EFFICIENCY;
import static io.hashwatch.metrics.MetricCatalog.ENERGY_COST;
import static io.hashwatch.metrics.MetricCatalog.HASHPRICE_BTC;
import static io.hashwatch.metrics.MetricCatalog.HASHPRICE_FEES_INCLUDED;
import static io.hashwatch.metrics.MetricCatalog.HASHPRICE_USD;
import static io.hashwatch.metrics.MetricCatalog.HASHVALUE;
import static io.hashwatch.metrics.MetricCatalog.HOSTING_REVENUE;
import static io.hashwatch.metrics.MetricCatalog.MARGIN;
import static io.hashwatch.metrics.MetricCatalog.MINING_REVENUE;
import static io.hashwatch.metrics.MetricCatalog.NETWORK_COST_MODEL;
import static io.hashwatch.metrics.MetricCatalog.POWER_OPPORTUNITY_SPREAD;
import static io.hashwatch.metrics.MetricCatalog.POWER_PRICE;
import static io.hashwatch.metrics.MetricCatalog.PRICES_ACCEPTED;
import static io.hashwatch.metrics.MetricCatalog.PRICES_LATE_DROPPED;
import static io.hashwatch.metrics.MetricCatalog.PRICES_REJECTED;
import static io.hashwatch.metrics.MetricCatalog.REFERENCE_PRICE;
import static io.hashwatch.metrics.MetricCatalog.REFERENCE_PRICE_OUTLIERS;
import static io.hashwatch.metrics.MetricCatalog.REFERENCE_PRICE_SOURCES;
import static io.hashwatch.metrics.MetricCatalog.REFERENCE_PRICE_TIMESTAMP;
import static io.hashwatch.metrics.MetricCatalog.REFERENCE_PRICE_UNAVAILABLE;

import io.hashwatch.config.CostProfile;
import io.hashwatch.config.EconomicsSettings;
import io.hashwatch.economics.MiningEconomics;
import io.hashwatch.model.EconomicsRecord;
import io.hashwatch.model.HashpriceRecord;
import io.hashwatch.model.MinerDayRecord;
import io.hashwatch.model.ReferencePrice;
import io.hashwatch.model.RejectReason;
import io.hashwatch.metrics.MetricCatalog.Metric;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Price and economics metrics. Labels: {@code profile} (the configured cost profiles, at most 20),
 * {@code exchange} (the few configured sources), {@code reason}.
 *
 * <p>The exchange names come from the input, so the label is bounded here: the first
 * {@value #MAX_EXCHANGE_LABELS} names seen are label values, any later one is counted as {@value #OTHER_EXCHANGE}.
 */
public final class EconomicsMetrics {
    public static final int MAX_EXCHANGE_LABELS = 20;
    public static final String OTHER_EXCHANGE = "other";

    private final MeterRegistry registry;
    private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);
    private final Map<String, Counter> accepted = new ConcurrentHashMap<>();
    private final Map<String, Counter> late = new ConcurrentHashMap<>();
    private final Map<String, Counter> outliers = new ConcurrentHashMap<>();
    private final Set<String> exchangeLabels = ConcurrentHashMap.newKeySet();
    private final Counter noPrice;
    private final Map<String, ProfileGauges> profiles = new HashMap<>();
    private final Latest latest = new Latest();
    private final OwnedGauges referencePriceGauges;
    private final OwnedGauges hashpriceGauges;
    private final MinerStressMetrics stress;

    public EconomicsMetrics(MeterRegistry registry, EconomicsSettings settings) {
        this.registry = registry;
        for (RejectReason reason : RejectReason.values()) {
            if (reason.appliesToPrices()) {
                rejected.put(reason, PRICES_REJECTED.counter().tag("reason", reason.label()).register(registry));
            }
        }
        noPrice = REFERENCE_PRICE_UNAVAILABLE.counter().register(registry);
        // Each group is exported by the instance that owns the task setting it: the reference price's (the price
        // partition's), and mainnet's economics (its chain partition's).
        referencePriceGauges = new OwnedGauges(registry, o -> {
            gauge(o, REFERENCE_PRICE, l -> l.price);
            gauge(o, REFERENCE_PRICE_SOURCES, l -> l.sources);
            gauge(o, REFERENCE_PRICE_TIMESTAMP, l -> l.priceTime);
        });
        stress = new MinerStressMetrics(registry, settings);
        for (CostProfile p : settings.profiles()) {
            profiles.put(p.name(), new ProfileGauges(p));
        }
        hashpriceGauges = new OwnedGauges(registry, o -> {
            gauge(o, HASHPRICE_BTC, l -> l.hashBtc);
            gauge(o, HASHPRICE_USD, l -> l.hashUsd);
            gauge(o, HASHVALUE, l -> l.hashvalue);
            gauge(o, HASHPRICE_FEES_INCLUDED, l -> l.feesIncluded);
            gauge(o, NETWORK_COST_MODEL, l -> l.modelPrice);
            gauge(o, MetricCatalog.NETWORK_COST_MODEL_REFIT, l -> l.modelRefit);
            o.add(MetricCatalog.DIFFICULTY_MULTIPLE.gauge(latest, l -> l.multiple).tag("model", "2022"));
            o.add(MetricCatalog.DIFFICULTY_MULTIPLE.gauge(latest, l -> l.multipleRefit).tag("model", "refit"));
            profiles.values().forEach(g -> g.register(o));
        });
        // Settings, the same on every instance: always exported.
        for (CostProfile p : settings.profiles()) {
            POWER_PRICE.gauge(p, CostProfile::powerPriceUsdPerKwh).tag("profile", p.name()).strongReference(true)
                    .register(registry);
            EFFICIENCY.gauge(p, CostProfile::efficiencyJoulesPerTh).tag("profile", p.name()).strongReference(true)
                    .register(registry);
        }
        HOSTING_REVENUE.gauge(settings, s -> MiningEconomics.hostingUsdPerMwDay(s.aiHpcLeaseUsdPerKwMonth()))
                .strongReference(true).register(registry);
    }

    private void gauge(OwnedGauges o, Metric metric, ToDoubleFunction<Latest> f) {
        o.add(metric.gauge(latest, f));
    }

    /** The reference price task left this instance: its gauges go with it. */
    public void releaseReferencePrice() {
        referencePriceGauges.withdraw();
    }

    /** Mainnet's economics task left this instance: the hashprice and profile gauges go with it. */
    public void releaseEconomics() {
        hashpriceGauges.withdraw();
    }

    public boolean exportsEconomics() {
        return hashpriceGauges.exported();
    }

    public void priceRejected(RejectReason reason) {
        rejected.get(reason).increment();
    }

    public void tickAccepted(String exchange) {
        counter(accepted, PRICES_ACCEPTED, exchange).increment();
    }

    public void tickTooLate(String exchange) {
        counter(late, PRICES_LATE_DROPPED, exchange).increment();
    }

    public void outlierExcluded(String exchange) {
        counter(outliers, REFERENCE_PRICE_OUTLIERS, exchange).increment();
    }

    public void noReferencePrice() {
        noPrice.increment();
    }

    private Counter counter(Map<String, Counter> map, Metric metric, String exchange) {
        return map.computeIfAbsent(exchangeLabel(exchange), e -> metric.counter().tag("exchange", e)
                .register(registry));
    }

    private String exchangeLabel(String exchange) {
        if (exchangeLabels.contains(exchange)) {
            return exchange;
        }
        if (exchangeLabels.size() < MAX_EXCHANGE_LABELS) {
            exchangeLabels.add(exchange);
            return exchange;
        }
        return OTHER_EXCHANGE;
    }

    public void referencePrice(ReferencePrice p) {
        referencePriceGauges.export();
        latest.price = p.price();
        latest.sources = p.sources();
        latest.priceTime = p.minuteStartMs() / 1000.0;
    }

    public void hashprice(HashpriceRecord h) {
        if (!"mainnet".equals(h.network())) {
            return;
        }
        hashpriceGauges.export();
        latest.hashBtc = h.hashpriceBtcPerPhDay();
        latest.hashUsd = h.hashpriceUsdPerPhDay() == null ? Double.NaN : h.hashpriceUsdPerPhDay();
        latest.hashvalue = h.hashvalueSatsPerThDay();
        latest.feesIncluded = h.feesIncluded() ? 1 : 0;
        latest.modelPrice = h.networkCostModelUsd();
        latest.modelRefit = nan(h.networkCostModelRefitUsd());
        latest.multiple = nan(h.difficultyMultiple());
        latest.multipleRefit = nan(h.difficultyMultipleRefit());
    }

    /** A final day of the miner-stress series: mainnet's set the gauges. */
    public void minerDay(MinerDayRecord day) {
        if ("mainnet".equals(day.network())) {
            stress.day(day);
        }
    }

    /** Mainnet's miner-stress task left this instance: its gauges go with it. */
    public void releaseMinerStress() {
        stress.release();
    }

    /** A new miner-stress event. */
    public void minerSignal(String signal) {
        stress.signal(signal);
    }

    public void economics(EconomicsRecord record) {
        if (!"mainnet".equals(record.network())) {
            return;
        }
        hashpriceGauges.export();
        record.profiles().forEach(this::profile);
    }

    private void profile(String name, EconomicsRecord.ProfileEconomics e) {
        ProfileGauges g = profiles.get(name);
        if (g == null) {
            return;
        }
        g.energyCost = e.energyCostPerBtcUsd();
        g.allInCost = e.allInCostPerBtcUsd();
        g.gap = nan(e.gap());
        g.margin = nan(e.marginUsdPerPhDay());
        g.breakeven = nan(e.breakevenPowerPriceUsdPerKwh());
        g.revenuePerMw = nan(e.miningRevenueUsdPerMwDay());
        g.spread = nan(e.powerOpportunitySpreadUsdPerMwDay());
    }

    private static double nan(Double v) {
        return v == null ? Double.NaN : v;
    }

    private static final class Latest {
        volatile double price = Double.NaN;
        volatile double sources = Double.NaN;
        volatile double priceTime = Double.NaN;
        volatile double hashBtc = Double.NaN;
        volatile double hashUsd = Double.NaN;
        volatile double hashvalue = Double.NaN;
        volatile double feesIncluded = Double.NaN;
        volatile double modelPrice = Double.NaN;
        volatile double modelRefit = Double.NaN;
        volatile double multiple = Double.NaN;
        volatile double multipleRefit = Double.NaN;
    }

    private static final class ProfileGauges {
        volatile double energyCost = Double.NaN;
        volatile double allInCost = Double.NaN;
        volatile double gap = Double.NaN;
        volatile double margin = Double.NaN;
        volatile double breakeven = Double.NaN;
        volatile double revenuePerMw = Double.NaN;
        volatile double spread = Double.NaN;

        private final String profile;

        ProfileGauges(CostProfile p) {
            profile = p.name();
        }

        void register(OwnedGauges o) {
            g(o, ENERGY_COST, x -> x.energyCost);
            g(o, ALL_IN_COST, x -> x.allInCost);
            g(o, COST_GAP, x -> x.gap);
            g(o, MARGIN, x -> x.margin);
            g(o, BREAKEVEN_POWER_PRICE, x -> x.breakeven);
            g(o, MINING_REVENUE, x -> x.revenuePerMw);
            g(o, POWER_OPPORTUNITY_SPREAD, x -> x.spread);
        }

        private void g(OwnedGauges o, Metric metric, ToDoubleFunction<ProfileGauges> f) {
            o.add(metric.gauge(this, f).tag("profile", profile));
        }
    }
}
