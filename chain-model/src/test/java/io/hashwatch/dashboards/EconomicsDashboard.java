package io.hashwatch.dashboards;

import static io.hashwatch.dashboards.Grafana.axisRight;
import static io.hashwatch.dashboards.Grafana.color;
import static io.hashwatch.dashboards.Grafana.dashed;
import static io.hashwatch.dashboards.Grafana.lineWidth;
import static io.hashwatch.dashboards.Grafana.stat;
import static io.hashwatch.dashboards.Grafana.table;
import static io.hashwatch.dashboards.Grafana.timeseries;
import static io.hashwatch.dashboards.Grafana.unit;

import io.hashwatch.dashboards.Grafana.Dashboard;
import io.hashwatch.metrics.MetricCatalog;

/**
 * The Mining economics dashboard: price, hashprice, costs and margins per cost profile.
 * Written to grafana/dashboards/economics.json ({@code DashboardsGeneratedTest}).
 */
final class EconomicsDashboard {
    static final String FILE = "economics.json";

    private EconomicsDashboard() {
    }

    static Dashboard dashboard() {
        return new Dashboard("hashwatch-economics", "hashwatch / Mining economics",
                "Price, hashprice and the economics of each configured cost profile (mainnet).")
                .tags("hashwatch", "bitcoin", "economics")
                .multiVariable("profile", "Cost profile", MetricCatalog.ALL_IN_COST, "profile")
                .variable("network", "Network", MetricCatalog.TIP_HEIGHT, "network", "mainnet")
                .panel(NetworkDashboard.historyBackfill())
                .row("Now")
                .panel(stat("BTC price (reference)", 4, 4)
                        .instant("hashwatch_reference_price_usd", "__auto")
                        .unit("currencyUSD")
                        .decimals(0))
                .panel(stat("Hashprice", 4, 4)
                        .description("Expected USD per PH/s per day at the tip.")
                        .instant("hashwatch_hashprice_usd_per_ph_day", "__auto")
                        .unit("currencyUSD")
                        .decimals(2))
                .panel(stat("Hashprice (BTC)", 4, 4)
                        .description("Expected BTC per PH/s per day at the tip.")
                        .instant("hashwatch_hashprice_btc_per_ph_day", "__auto")
                        .unit("short")
                        .decimals(6))
                .panel(stat("Hashvalue", 4, 4)
                        .description("Expected satoshis per TH/s per day.")
                        .instant("hashwatch_hashvalue_sats_per_th_day", "__auto")
                        .unit("short")
                        .decimals(1))
                .panel(stat("Exchanges in the price", 4, 4)
                        .instant("hashwatch_reference_price_sources", "__auto")
                        .unit("short")
                        .decimals(0))
                .panel(stat("AI/HPC lease", 4, 4)
                        .description("Colocation lease revenue per MW per day.")
                        .instant("hashwatch_hosting_revenue_usd_per_mw_day", "__auto")
                        .unit("currencyUSD")
                        .decimals(0))
                .row("Price and cost")
                .panel(timeseries("BTC price against the cost of producing one BTC", 24, 10)
                        .query("hashwatch_reference_price_usd", "price")
                        .query("hashwatch_all_in_cost_usd_per_btc{profile=~\"$profile\"}", "all-in cost {{profile}}")
                        .query("hashwatch_energy_cost_usd_per_btc{profile=~\"$profile\"}", "energy cost {{profile}}")
                        .query("hashwatch_network_cost_model_usd", "network cost model")
                        .unit("currencyUSD")
                        .override("price", lineWidth(3), color("text"))
                        .override("network cost model", color("purple"), dashed(), lineWidth(1)))
                .panel(timeseries("Gap: (price - all-in cost) / all-in cost", 12, 8)
                        .description("PriceBelowAllInCost alerts after 6 h below the threshold.")
                        .query("hashwatch_cost_gap_ratio{profile=~\"$profile\"}", "{{profile}}")
                        .query("hashwatch:threshold_cost_gap_ratio:value", "alert threshold")
                        .unit("percentunit")
                        .override("alert threshold", color("red"), dashed(), lineWidth(1)))
                .panel(timeseries("Margin per PH/s per day", 12, 8)
                        .query("hashwatch_margin_usd_per_ph_day{profile=~\"$profile\"}", "{{profile}}")
                        .unit("currencyUSD"))
                .panel(table("Current economics per profile", 24, 7)
                        .tableQuery("hashwatch_all_in_cost_usd_per_btc{profile=~\"$profile\"}", "__auto")
                        .tableQuery("hashwatch_energy_cost_usd_per_btc{profile=~\"$profile\"}", "__auto")
                        .tableQuery("hashwatch_cost_gap_ratio{profile=~\"$profile\"}", "__auto")
                        .tableQuery("hashwatch_breakeven_power_price_usd_per_kwh{profile=~\"$profile\"}", "__auto")
                        .tableQuery("hashwatch_power_price_usd_per_kwh{profile=~\"$profile\"}", "__auto")
                        .tableQuery("hashwatch_efficiency_joules_per_terahash{profile=~\"$profile\"}", "__auto")
                        .override("gap", unit("percentunit"))
                        .override("all-in cost USD/BTC", unit("currencyUSD"))
                        .override("energy cost USD/BTC", unit("currencyUSD"))
                        .transformations("[{'id': 'merge', 'options': {}}, {'id': 'organize', 'options':"
                                + " {'excludeByName': {'Time': true, 'job': true, 'instance': true, 'component':"
                                + " true}, 'renameByName': {'Value #A': 'all-in cost USD/BTC', 'Value #B': 'energy"
                                + " cost USD/BTC', 'Value #C': 'gap', 'Value #D': 'breakeven USD/kWh', 'Value #E':"
                                + " 'contracted USD/kWh', 'Value #F': 'J/TH'}}}]"))
                .row("Hashprice")
                .panel(timeseries("Hashprice (USD per PH/s per day)", 12, 8)
                        .query("hashwatch_hashprice_usd_per_ph_day", "hashprice")
                        .query("hashwatch:threshold_hashprice_usd_per_ph_day:value", "alert threshold")
                        .unit("currencyUSD")
                        .override("alert threshold", color("red"), dashed(), lineWidth(1)))
                .panel(timeseries("Hashprice in BTC and hashvalue", 12, 8)
                        .query("hashwatch_hashprice_btc_per_ph_day", "BTC per PH/s per day")
                        .query("hashwatch_hashvalue_sats_per_th_day", "sats per TH/s per day")
                        .unit("short")
                        .override("sats per TH/s per day", axisRight(), unit("short")))
                .row("Power")
                .panel(timeseries("Breakeven power price against the contracted price", 12, 8)
                        .description("BreakevenBelowPowerPrice alerts after 6 h with breakeven below contracted.")
                        .query("hashwatch_breakeven_power_price_usd_per_kwh{profile=~\"$profile\"}",
                                "breakeven {{profile}}")
                        .query("hashwatch_power_price_usd_per_kwh{profile=~\"$profile\"}", "contracted {{profile}}")
                        .unit("currencyUSD")
                        .decimals(3))
                .panel(timeseries("Mining revenue per MW against the AI/HPC lease", 12, 8)
                        .description("USD per MW per day. MiningRevenueBelowHostingLease alerts after a day below"
                                + " the lease.")
                        .query("hashwatch_mining_revenue_usd_per_mw_day{profile=~\"$profile\"}", "mining {{profile}}")
                        .query("hashwatch_hosting_revenue_usd_per_mw_day", "AI/HPC lease")
                        .unit("currencyUSD")
                        .override("AI/HPC lease", color("purple"), dashed(), lineWidth(1)))
                .panel(timeseries("Power opportunity spread (mining - lease, per MW per day)", 12, 8)
                        .query("hashwatch_power_opportunity_spread_usd_per_mw_day{profile=~\"$profile\"}",
                                "{{profile}}")
                        .unit("currencyUSD"))
                .panel(timeseries("Network context", 12, 8)
                        .query("hashwatch_hashrate_hashes_per_second{network=\"$network\",window=\"7d\"}",
                                "hashrate 7d")
                        .query("hashwatch_difficulty{network=\"$network\"}", "difficulty")
                        .unit("Hs")
                        .override("difficulty", axisRight(), unit("short")));

    }
}
