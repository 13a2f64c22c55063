package io.hashwatch.dashboards;

import static io.hashwatch.dashboards.Grafana.axisRight;
import static io.hashwatch.dashboards.Grafana.color;
import static io.hashwatch.dashboards.Grafana.dashed;
import static io.hashwatch.dashboards.Grafana.fillBelowTo;
import static io.hashwatch.dashboards.Grafana.fillOpacity;
import static io.hashwatch.dashboards.Grafana.hiddenFromLegend;
import static io.hashwatch.dashboards.Grafana.json;
import static io.hashwatch.dashboards.Grafana.lineWidth;
import static io.hashwatch.dashboards.Grafana.stat;
import static io.hashwatch.dashboards.Grafana.timeseries;
import static io.hashwatch.dashboards.Grafana.unit;

import io.hashwatch.dashboards.Grafana.Dashboard;
import io.hashwatch.dashboards.Grafana.Panel;
import io.hashwatch.metrics.MetricCatalog;

/**
 * The Network dashboard: tip, hashrate with its 95% band, difficulty and the next adjustment, block intervals.
 * Written to grafana/dashboards/network.json ({@code DashboardsGeneratedTest}).
 */
final class NetworkDashboard {
    static final String FILE = "network.json";

    private NetworkDashboard() {
    }

    static Dashboard dashboard() {
        return new Dashboard("hashwatch-network", "hashwatch / Network",
                "The Bitcoin network as hashwatch derives it from verified headers: tip, hashrate with its 95% band,"
                        + " difficulty and the next adjustment, block intervals.")
                .tags("hashwatch", "bitcoin")
                .variable("network", "Network", MetricCatalog.TIP_HEIGHT, "network", "mainnet")
                .annotation("Difficulty adjustments", "network:hashwatch_difficulty:change_ratio5m{network=\"$network"
                        + "\"} != 0", "5m", "Difficulty adjustment",
                        "network", "retarget of {{network}}", "orange")
                .panel(historyBackfill())
                .row("Tip")
                .panel(stat("Tip height", 4, 4)
                        .instant("hashwatch_tip_height{network=\"$network\"}", "__auto")
                        .unit("short")
                        .decimals(0))
                .panel(stat("Tip age", 4, 4)
                        .description("Seconds since the tip's header time. NoNewBlock alerts at 90 min (warning) and"
                                + " 120 min (critical).")
                        .instant("hashwatch_tip_age_seconds{network=\"$network\"}", "__auto")
                        .unit("dtdurations"))
                .panel(stat("Difficulty", 4, 4)
                        .instant("hashwatch_difficulty{network=\"$network\"}", "__auto")
                        .unit("short")
                        .decimals(2))
                .panel(stat("Hashrate 7d", 4, 4)
                        .instant("hashwatch_hashrate_hashes_per_second{network=\"$network\",window=\"7d\"}", "__auto")
                        .unit("Hs"))
                .panel(stat("Projected adjustment", 4, 4)
                        .instant("hashwatch_difficulty_projected_change_ratio{network=\"$network\"}", "__auto")
                        .unit("percentunit")
                        .decimals(2))
                .panel(stat("Next retarget", 4, 4)
                        .instant("hashwatch_difficulty_projected_retarget_timestamp_seconds{network=\"$network\"} *"
                                + " 1000", "__auto")
                        .unit("dateTimeFromNow"))
                .row("Hashrate")
                .panel(timeseries("Hashrate (Bitcoin Core's getnetworkhashps) with 95% intervals", 24, 10)
                        .description("1, 3, 7 days and the current epoch. Bands: 95% intervals of the 1-day and"
                                + " 7-day values (block discovery is Poisson). HashrateCapitulation compares 7d with"
                                + " its 30-day high.")
                        .query("hashwatch_hashrate_hashes_per_second{network=\"$network\"}", "{{window}}")
                        .query("hashwatch_hashrate_lower95_hashes_per_second{network=\"$network\",window=\"7d\"}",
                                "7d lower 95%")
                        .query("hashwatch_hashrate_upper95_hashes_per_second{network=\"$network\",window=\"7d\"}",
                                "7d upper 95%")
                        .query("hashwatch_hashrate_lower95_hashes_per_second{network=\"$network\",window=\"1d\"}",
                                "1d lower 95%")
                        .query("hashwatch_hashrate_upper95_hashes_per_second{network=\"$network\",window=\"1d\"}",
                                "1d upper 95%")
                        .query("network:hashwatch_hashrate_7d_hashes_per_second:max30d{network=\"$network\"}",
                                "7d, 30-day high")
                        .unit("Hs")
                        .override("7d upper 95%",
                                fillBelowTo("7d lower 95%"),
                                fillOpacity(25),
                                lineWidth(0),
                                hiddenFromLegend(),
                                color("green"))
                        .override("7d lower 95%", lineWidth(0), color("green"))
                        .override("1d upper 95%",
                                fillBelowTo("1d lower 95%"),
                                fillOpacity(10),
                                lineWidth(0),
                                hiddenFromLegend(),
                                color("yellow"))
                        .override("1d lower 95%", lineWidth(0), color("yellow"))
                        .override("7d", color("green"), lineWidth(2))
                        .override("1d", color("yellow"))
                        .override("7d, 30-day high", color("purple"), dashed(), lineWidth(1)))
                .panel(timeseries("7-day hashrate below its 30-day high", 12, 7)
                        .query("network:hashwatch_hashrate_7d_drawdown:ratio{network=\"$network\"}", "drawdown")
                        .query("hashwatch:threshold_hashrate_drawdown_ratio:value", "alert threshold")
                        .unit("percentunit")
                        .min(0)
                        .override("alert threshold", color("red"), dashed(), lineWidth(1)))
                .panel(timeseries("Expected block interval from the 7-day hashrate", 12, 7)
                        .description("Above 600 s: the hashrate is below what the current difficulty was set for.")
                        .query("network:hashwatch_block_interval_seconds:expected7d{network=\"$network\"}",
                                "difficulty x 2^32 / hashrate 7d")
                        .query("vector(600)", "target 600 s")
                        .unit("s")
                        .override("target 600 s", color("green"), dashed(), lineWidth(1)))
                .row("Difficulty")
                .panel(timeseries("Difficulty (adjustments annotated)", 12, 8)
                        .description("Orange marks: retargets (network:hashwatch_difficulty:change_ratio5m != 0).")
                        .query("hashwatch_difficulty{network=\"$network\"}", "difficulty")
                        .unit("short"))
                .panel(timeseries("Epoch progress", 12, 8)
                        .query("hashwatch_difficulty_epoch_progress_ratio{network=\"$network\"}", "progress")
                        .query("hashwatch_difficulty_blocks_remaining{network=\"$network\"}", "blocks remaining")
                        .unit("percentunit")
                        .min(0)
                        .override("blocks remaining", axisRight(), unit("short")))
                .panel(timeseries("Projected next adjustment", 12, 8)
                        .description("mempool.space's method, in event time. DifficultyAdjustmentLarge alerts beyond"
                                + " the bounds.")
                        .query("hashwatch_difficulty_projected_change_ratio{network=\"$network\"}", "projected change")
                        .query("hashwatch:threshold_difficulty_projected_change_ratio:value", "+bound")
                        .query("-hashwatch:threshold_difficulty_projected_change_ratio:value", "-bound")
                        .unit("percentunit")
                        .override("+bound", color("orange"), dashed(), lineWidth(1))
                        .override("-bound", color("orange"), dashed(), lineWidth(1)))
                .panel(timeseries("Next retarget expected at", 12, 8)
                        .query("hashwatch_difficulty_projected_retarget_timestamp_seconds{network=\"$network\"} * 1000",
                                "expected retarget")
                        .unit("dateTimeAsIso"))
                .row("Blocks")
                .panel(timeseries("Mean block interval", 12, 8)
                        .query("network:hashwatch_block_interval_seconds:mean1h{network=\"$network\"}", "1 h")
                        .query("network:hashwatch_block_interval_seconds:mean6h{network=\"$network\"}", "6 h")
                        .query("network:hashwatch_block_interval_seconds:mean24h{network=\"$network\"}", "24 h")
                        .query("vector(600)", "target 600 s")
                        .unit("s")
                        .override("target 600 s", color("green"), dashed(), lineWidth(1)))
                .panel(timeseries("Time since the last block", 12, 8)
                        .description("A sawtooth: each peak is one block interval. P(no block in t) = exp(-t/600).")
                        .query("hashwatch_tip_age_seconds{network=\"$network\"}", "tip age")
                        .query("hashwatch:threshold_tip_age_warning_seconds:value", "warning (90 min)")
                        .query("hashwatch:threshold_tip_age_critical_seconds:value", "critical (120 min)")
                        .unit("s")
                        .override("warning (90 min)", color("orange"), dashed(), lineWidth(1))
                        .override("critical (120 min)", color("red"), dashed(), lineWidth(1)))
                .panel(timeseries("Blocks per hour", 12, 8)
                        .query("network:hashwatch_tip_height:delta1h{network=\"$network\"}", "blocks in the last hour")
                        .query("vector(6)", "expected 6")
                        .unit("short")
                        .decimals(0)
                        .override("expected 6", color("green"), dashed(), lineWidth(1)))
                .panel(timeseries("Headers verified", 12, 8)
                        .description("Headers accepted per minute; partial = history was missing for some rules.")
                        .query("verification:hashwatch_headers_verified:rate5m{network=\"$network\"} * 60",
                                "{{verification}}")
                        .unit("short")
                        .custom("drawStyle", "bars")
                        .custom("lineInterpolation", "linear")
                        .custom("fillOpacity", 80)
                        .custom("stacking.mode", "normal"))
                .row("Next adjustment: forecast and gaps")
                .panel(timeseries("Next adjustment: forecast band", 12, 8)
                        .description("The next retarget's change as a distribution"
                                + " (docs/methods.md#difficulty-forecast): 5%, 50% and 95% quantiles beside the"
                                + " point projection. DifficultyDecreaseLikely / DifficultyIncreaseLikely read the"
                                + " 0.9 / 0.1 quantiles.")
                        .query("max without (instance)"
                                + " (hashwatch_difficulty_forecast_change_ratio{network=\"$network\",quantile=\"0.05"
                                + "\"})", "p05")
                        .query("max without (instance)"
                                + " (hashwatch_difficulty_forecast_change_ratio{network=\"$network\",quantile=\"0.5\""
                                + "})", "p50")
                        .query("max without (instance)"
                                + " (hashwatch_difficulty_forecast_change_ratio{network=\"$network\",quantile=\"0.95"
                                + "\"})", "p95")
                        .query("max without (instance)"
                                + " (hashwatch_difficulty_projected_change_ratio{network=\"$network\"})", "projected")
                        .unit("percentunit"))
                .panel(timeseries("P(next adjustment lowers the difficulty)", 12, 8)
                        .description("forecast_probability_decrease of the difficulty record.")
                        .query("max without (instance)"
                                + " (hashwatch_difficulty_decrease_probability_ratio{network=\"$network\"})",
                                "P(decrease)")
                        .unit("percentunit"))
                .panel(timeseries("Odds of the current gap without a block", 12, 8)
                        .description("exp(-gap / expected interval at the 7-day hashrate); NoBlockForLong fires"
                                + " below 0.001.")
                        .query("max without (instance) (hashwatch_block_gap_probability_ratio{network=\"$network\"})",
                                "P(gap at least this long)")
                        .unit("percentunit")
                        .custom("scaleDistribution", json("{'type': 'log', 'log': 10}")))
                .panel(timeseries("Stale blocks per day (Bitcoin Core sources)", 12, 8)
                        .description("Blocks of the new stale branches a Bitcoin Core source reported (getchaintips"
                                + " after each new tip) over the last 24 hours; the stale-branches topic has each"
                                + " branch with its depth and pool. StaleBranchDeep fires on a branch of 2 or more."
                                + " No series without a Bitcoin Core source.")
                        .query("sum without (instance) (source:hashwatch_source_stale_blocks:increase1d)",
                                "{{source}}")
                        .unit("short")
                        .decimals(0));

    }

    /** How much of the history is still filling: the charts of a first start cover only part of it. */
    static Panel historyBackfill() {
        return stat("History backfill", 24, 3)
                .description("Blocks of the first start's history (or a restart's gap) still being published"
                        + " by the header source. While it is above 0 the charts below cover only part of"
                        + " the history, and the yearly and 60-day indicators are not complete yet.")
                .instant("max(hashwatch_source_backfill_remaining_blocks)", "blocks left")
                .option("colorMode", "background")
                .option("textMode", "value")
                .option("justifyMode", "center")
                .unit("none")
                .noValue("no live header source")
                .thresholds("green", 1, "orange")
                .mappings("[{'type': 'value', 'options': {'0': {'text': 'history complete: following the"
                        + " tip', 'color': 'green'}}}, {'type': 'range', 'options': {'from': 1, 'to':"
                        + " 1000000000000.0, 'result': {'text': 'history still filling: ${__value.raw}"
                        + " blocks to go', 'color': 'orange'}}}]")
                .defaults("color", null);
    }
}
