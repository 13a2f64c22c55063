package io.hashwatch.metrics;

import io.hashwatch.config.CostProfile;
import io.hashwatch.config.EconomicsSettings;
import io.hashwatch.model.EconomicsRecord;
import io.hashwatch.model.HashpriceRecord;
import io.hashwatch.model.ReferencePrice;
import io.hashwatch.model.RejectReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
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

    public EconomicsMetrics(MeterRegistry registry, EconomicsSettings settings) {
        this.registry = registry;
        for (RejectReason reason : RejectReason.values()) {
            if (reason.appliesToPrices()) {
                rejected.put(reason, Counter.builder("hashwatch_prices_rejected")
                        .description("Price ticks sent to the dead-letter topic, by reason")
                        .tag("reason", reason.label()).register(registry));
            }
        }
        noPrice = Counter.builder("hashwatch_reference_price_unavailable")
                .description("Minutes updated without a reference price: every exchange stale or in disagreement")
                .register(registry);
        gauge("hashwatch_reference_price_usd", "Latest one-minute reference BTC-USD price", l -> l.price);
        gauge("hashwatch_reference_price_sources", "Exchanges that made the latest reference price",
                l -> l.sources);
        gauge("hashwatch_reference_price_timestamp_seconds", "Start of the latest reference price's minute",
                l -> l.priceTime);
        gauge("hashwatch_hashprice_btc_per_ph_day", "Expected BTC per PH/s per day at the tip", l -> l.hashBtc);
        gauge("hashwatch_hashprice_usd_per_ph_day", "Expected USD per PH/s per day at the tip", l -> l.hashUsd);
        gauge("hashwatch_hashvalue_sats_per_th_day", "Expected satoshis per TH/s per day at the tip",
                l -> l.hashvalue);
        gauge("hashwatch_hashprice_fees_included", "1 when the hashprice includes fees, 0 when subsidy-only",
                l -> l.feesIncluded);
        gauge("hashwatch_network_cost_model_usd", "Difficulty-regression model price of one BTC",
                l -> l.modelPrice);
        for (CostProfile p : settings.profiles()) {
            profiles.put(p.name(), new ProfileGauges(p));
        }
        Gauge.builder("hashwatch_hosting_revenue_usd_per_mw_day", () -> settings.aiHpcLeaseUsdPerKwMonth() * 1000 / 30.4)
                .description("AI/HPC colocation lease revenue per MW per day").register(registry);
    }

    private void gauge(String name, String description, ToDoubleFunction<Latest> f) {
        Gauge.builder(name, latest, f).description(description).strongReference(true).register(registry);
    }

    public void priceRejected(RejectReason reason) {
        rejected.get(reason).increment();
    }

    public void tickAccepted(String exchange) {
        counter(accepted, "hashwatch_prices_accepted", "Price ticks accepted", exchange).increment();
    }

    public void tickTooLate(String exchange) {
        counter(late, "hashwatch_prices_late_dropped", "Ticks later than the grace period, dropped", exchange)
                .increment();
    }

    public void outlierExcluded(String exchange) {
        counter(outliers, "hashwatch_reference_price_outliers", "Exchange quotes left out of a minute's price as "
                + "outliers", exchange).increment();
    }

    public void noReferencePrice() {
        noPrice.increment();
    }

    private Counter counter(Map<String, Counter> map, String name, String description, String exchange) {
        return map.computeIfAbsent(exchangeLabel(exchange), e -> Counter.builder(name).description(description)
                .tag("exchange", e).register(registry));
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
        latest.price = p.price();
        latest.sources = p.sources();
        latest.priceTime = p.minuteStartMs() / 1000.0;
    }

    public void hashprice(HashpriceRecord h) {
        if (!"mainnet".equals(h.network())) {
            return;
        }
        latest.hashBtc = h.hashpriceBtcPerPhDay();
        latest.hashUsd = h.hashpriceUsdPerPhDay() == null ? Double.NaN : h.hashpriceUsdPerPhDay();
        latest.hashvalue = h.hashvalueSatsPerThDay();
        latest.feesIncluded = h.feesIncluded() ? 1 : 0;
        latest.modelPrice = h.networkCostModelUsd();
    }

    public void economics(EconomicsRecord e) {
        ProfileGauges g = profiles.get(e.profile());
        if (g == null || !"mainnet".equals(e.network())) {
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
    }

    private final class ProfileGauges {
        volatile double energyCost = Double.NaN;
        volatile double allInCost = Double.NaN;
        volatile double gap = Double.NaN;
        volatile double margin = Double.NaN;
        volatile double breakeven = Double.NaN;
        volatile double revenuePerMw = Double.NaN;
        volatile double spread = Double.NaN;

        ProfileGauges(CostProfile p) {
            g("hashwatch_energy_cost_usd_per_btc", "Energy cost to produce one BTC", p, x -> x.energyCost);
            g("hashwatch_all_in_cost_usd_per_btc", "All-in cost to produce one BTC", p, x -> x.allInCost);
            g("hashwatch_cost_gap_ratio", "(price - all-in cost) / all-in cost", p, x -> x.gap);
            g("hashwatch_margin_usd_per_ph_day", "USD hashprice minus all-in cost per PH/s per day", p, x -> x.margin);
            g("hashwatch_breakeven_power_price_usd_per_kwh", "Power price at which mining revenue equals energy cost",
                    p, x -> x.breakeven);
            g("hashwatch_mining_revenue_usd_per_mw_day", "Mining revenue of one MW of this fleet per day", p,
                    x -> x.revenuePerMw);
            g("hashwatch_power_opportunity_spread_usd_per_mw_day", "Mining minus AI/HPC hosting revenue per MW per day",
                    p, x -> x.spread);
            Gauge.builder("hashwatch_power_price_usd_per_kwh", p, CostProfile::powerPriceUsdPerKwh)
                    .description("Contracted power price of the profile").tag("profile", p.name())
                    .strongReference(true).register(registry);
            Gauge.builder("hashwatch_efficiency_joules_per_terahash", p, CostProfile::efficiencyJoulesPerTh)
                    .description("Fleet efficiency of the profile").tag("profile", p.name())
                    .strongReference(true).register(registry);
        }

        private void g(String name, String description, CostProfile p, ToDoubleFunction<ProfileGauges> f) {
            Gauge.builder(name, this, f).description(description).tag("profile", p.name()).strongReference(true)
                    .register(registry);
        }
    }
}
