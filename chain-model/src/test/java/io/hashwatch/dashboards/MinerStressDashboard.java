package io.hashwatch.dashboards;

import static io.hashwatch.dashboards.Grafana.axisRight;
import static io.hashwatch.dashboards.Grafana.color;
import static io.hashwatch.dashboards.Grafana.dashed;
import static io.hashwatch.dashboards.Grafana.fillOpacity;
import static io.hashwatch.dashboards.Grafana.json;
import static io.hashwatch.dashboards.Grafana.lineWidth;
import static io.hashwatch.dashboards.Grafana.prop;
import static io.hashwatch.dashboards.Grafana.stat;
import static io.hashwatch.dashboards.Grafana.timeseries;
import static io.hashwatch.dashboards.Grafana.unit;

import io.hashwatch.dashboards.Grafana.Dashboard;
import io.hashwatch.metrics.MetricCatalog;

/**
 * The Miner stress dashboard: hash ribbons, Puell multiple, difficulty ribbon, fleets, halving.
 * Written to grafana/dashboards/miner-stress.json ({@code DashboardsGeneratedTest}).
 */
final class MinerStressDashboard {
    static final String FILE = "miner-stress.json";

    private MinerStressDashboard() {
    }

    static Dashboard dashboard() {
        return new Dashboard("hashwatch-miner-stress", "Miner stress",
                "Is this an orderly squeeze or a capitulation? Hash ribbons, Puell multiple, difficulty ribbon,"
                        + " revenue and fee share, fleet margins and breakeven efficiency, halving countdown, from"
                        + " hashwatch's miner-days series (latest final UTC day, mainnet).")
                .tags("hashwatch", "mining")
                .from("now-1y")
                .withoutLinks()
                .multiVariable("profile", "Cost profile", MetricCatalog.PROFILE_DAYS_UNDER_WATER, "profile")
                .builtInAnnotations()
                .row("Latest final day (mainnet, UTC)")
                .panel(stat("Day", 4, 4)
                        .description("UTC midnight starting the latest final day")
                        .instant("hashwatch_miner_day_timestamp_seconds * 1000", "__auto")
                        .unit("dateTimeAsIsoNoDateIfToday"))
                .panel(stat("Blocks", 4, 4)
                        .description("Blocks of the day")
                        .instant("hashwatch_miner_day_blocks", "__auto")
                        .unit("none")
                        .decimals(0))
                .panel(stat("Daily hashrate", 4, 4)
                        .description("Work of the day's blocks / 86,400 s")
                        .instant("hashwatch_miner_day_hashrate_hashes_per_second", "__auto")
                        .unit("H/s"))
                .panel(stat("Miner revenue", 4, 4)
                        .description("Subsidy and known fees of the day, each block at its own price")
                        .instant("hashwatch_miner_day_revenue_usd", "__auto")
                        .unit("currencyUSD")
                        .decimals(0))
                .panel(stat("Fee share", 4, 4)
                        .description("Fees / (subsidy + fees) of the day's blocks with known fees")
                        .instant("hashwatch_miner_day_fee_share_ratio", "__auto")
                        .unit("percentunit"))
                .panel(stat("Profiles under water", 4, 4)
                        .description("Configured cost profiles whose all-in cost exceeds the day's mean hashprice")
                        .instant("hashwatch_profiles_under_water", "__auto")
                        .unit("none")
                        .decimals(0)
                        .thresholds("green", 1, "red"))
                .row("Hash ribbons (C. Edwards)")
                .panel(timeseries("Hash ribbons with capitulation", 16, 8)
                        .description("SMA30 and SMA60 of the daily hashrate; shaded while SMA30 < SMA60"
                                + " (capitulation). Buy: Edwards' buy signal days.")
                        .query("hashwatch_hash_ribbon_hashes_per_second{window=\"30\"}", "SMA30")
                        .query("hashwatch_hash_ribbon_hashes_per_second{window=\"60\"}", "SMA60")
                        .query("hashwatch_hash_ribbon_capitulation", "capitulation")
                        .query("hashwatch_hash_ribbon_buy_signal", "buy")
                        .joined("off")
                        .unit("H/s")
                        .thresholds("green")
                        .override("capitulation",
                                prop("custom.drawStyle", "bars"),
                                fillOpacity(20),
                                lineWidth(0),
                                prop("custom.axisPlacement", "hidden"),
                                prop("min", 0),
                                prop("max", 1),
                                unit("none"),
                                color("red"))
                        .override("buy",
                                prop("custom.drawStyle", "bars"),
                                fillOpacity(20),
                                lineWidth(0),
                                prop("custom.axisPlacement", "hidden"),
                                prop("min", 0),
                                prop("max", 1),
                                unit("none"),
                                color("green")))
                .panel(timeseries("Ribbon oscillator", 8, 8)
                        .description("SMA30 / SMA60 - 1 of the daily hashrate: below 0 is capitulation")
                        .query("hashwatch_hash_ribbon_oscillator_ratio", "oscillator")
                        .joined("line")
                        .unit("percentunit")
                        .thresholds("red", 0, "green"))
                .row("Puell multiple and difficulty ribbon")
                .panel(timeseries("Puell multiple", 12, 8)
                        .description("Daily USD issuance (subsidy only) / its SMA365. Zones: < 0.5 stress, > 4"
                                + " exuberance (thresholds.yml).")
                        .query("hashwatch_puell_multiple_ratio", "Puell")
                        .query("hashwatch:threshold_puell_low_ratio:value", "stress (< 0.5)")
                        .query("hashwatch:threshold_puell_high_ratio:value", "exuberance (> 4)")
                        .joined("area")
                        .unit("none")
                        .thresholds("red", 0.5, "transparent", 4, "orange")
                        .override("stress (< 0.5)", dashed(), color("red"))
                        .override("exuberance (> 4)", dashed(), color("orange")))
                .panel(timeseries("Difficulty ribbon", 8, 8)
                        .description("SMAs of the daily mean difficulty over 9 .. 200 days (W. Woo)")
                        .query("hashwatch_difficulty_ribbon", "SMA{{window}}")
                        .joined("off")
                        .unit("short")
                        .thresholds("green"))
                .panel(timeseries("Ribbon compression", 4, 8)
                        .description("Standard deviation / mean of the eight SMAs; below 0.05 is called compressed")
                        .query("hashwatch_difficulty_ribbon_compression_ratio", "compression")
                        .joined("line")
                        .unit("percentunit")
                        .thresholds("orange", 0.05, "transparent"))
                .row("Revenue and fees")
                .panel(timeseries("Daily miner revenue", 12, 8)
                        .description("Subsidy (issuance) and subsidy + known fees of each final day, each block at"
                                + " its own price")
                        .query("hashwatch_miner_day_revenue_usd", "revenue")
                        .query("hashwatch_miner_day_issuance_usd", "issuance")
                        .joined("off")
                        .unit("currencyUSD")
                        .thresholds("green"))
                .panel(timeseries("Fee share and day hashprice", 12, 8)
                        .description("Fees / (subsidy + fees), and the mean USD hashprice of the day")
                        .query("hashwatch_miner_day_fee_share_ratio", "fee share")
                        .query("hashwatch_miner_day_hashprice_usd_per_ph_day", "hashprice USD/PH/day")
                        .joined("off")
                        .unit("percentunit")
                        .thresholds("green")
                        .override("hashprice USD/PH/day", unit("currencyUSD"), axisRight()))
                .row("Fleets")
                .panel(timeseries("Fleet margins", 8, 8)
                        .description("USD hashprice minus all-in cost per PH/s per day, by profile (below 0: under"
                                + " water)")
                        .query("hashwatch_margin_usd_per_ph_day{profile=~\"$profile\"}", "{{profile}}")
                        .joined("area")
                        .unit("currencyUSD")
                        .thresholds("red", 0, "transparent"))
                .panel(timeseries("Days under water", 8, 8)
                        .description("Consecutive final days of negative margin, by profile (FleetUnderWater from 3)")
                        .query("hashwatch_profile_days_under_water{profile=~\"$profile\"}", "{{profile}}")
                        .query("hashwatch:threshold_days_under_water:value", "alert")
                        .joined("off")
                        .unit("d")
                        .thresholds("green")
                        .override("alert", dashed(), color("red")))
                .panel(timeseries("Breakeven efficiency", 8, 8)
                        .description("Highest J/TH whose energy cost the day's hashprice covers, by power price"
                                + " (Luxor), against the profiles' efficiencies")
                        .query("hashwatch_breakeven_efficiency_joules_per_terahash", "breakeven at {{power_price}}"
                                + " $/kWh")
                        .query("hashwatch_efficiency_joules_per_terahash{profile=~\"$profile\"}", "{{profile}}")
                        .joined("off")
                        .unit("none")
                        .thresholds("green")
                        .custom("scaleDistribution", json("{'type': 'log', 'log': 10}")))
                .row("Halving and the cost model")
                .panel(stat("Blocks to halving", 4, 4)
                        .description("At the latest final day's highest block")
                        .instant("hashwatch_halving_blocks_remaining", "__auto")
                        .unit("none")
                        .decimals(0))
                .panel(stat("Estimated halving", 4, 4)
                        .description("At the current epoch's mean block interval")
                        .instant("hashwatch_halving_estimated_timestamp_seconds * 1000", "__auto")
                        .unit("dateTimeAsIso"))
                .panel(stat("Next subsidy", 4, 4)
                        .description("Block subsidy after the halving")
                        .instant("hashwatch_halving_next_subsidy_btc", "__auto")
                        .unit("none")
                        .decimals(4))
                .panel(timeseries("Difficulty multiple", 12, 8)
                        .description("Price / difficulty-regression model price, 2022 and refitted constants")
                        .query("hashwatch_difficulty_multiple_ratio", "{{model}}")
                        .joined("line")
                        .unit("none")
                        .thresholds("transparent", 1, "red"))
                .panel(timeseries("Model price and spot", 12, 4)
                        .description("The difficulty-regression model with both constants, and the reference price")
                        .query("hashwatch_network_cost_model_usd", "model (2022)")
                        .query("hashwatch_network_cost_model_refit_usd", "model (refit)")
                        .query("hashwatch_reference_price_usd", "spot")
                        .joined("off")
                        .unit("currencyUSD")
                        .thresholds("green"));

    }
}
