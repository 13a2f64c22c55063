package io.hashwatch.dashboards;

import static io.hashwatch.dashboards.Grafana.axisRight;
import static io.hashwatch.dashboards.Grafana.json;
import static io.hashwatch.dashboards.Grafana.prop;
import static io.hashwatch.dashboards.Grafana.stat;
import static io.hashwatch.dashboards.Grafana.table;
import static io.hashwatch.dashboards.Grafana.timeseries;
import static io.hashwatch.dashboards.Grafana.unit;

import io.hashwatch.dashboards.Grafana.Dashboard;
import io.hashwatch.metrics.MetricCatalog;

/**
 * The Pools dashboard: blocks, shares, luck and droughts of the mining pools, concentration.
 * Written to grafana/dashboards/pools.json ({@code DashboardsGeneratedTest}).
 */
final class PoolsDashboard {
    static final String FILE = "pools.json";

    private PoolsDashboard() {
    }

    static Dashboard dashboard() {
        return new Dashboard("hashwatch-pools", "hashwatch / Pools",
                "Who mines the blocks: the pools' ranking, shares and estimated hashrate, concentration and the"
                        + " unknown share, from the pools topic's attribution (mempool/mining-pools list).")
                .tags("hashwatch", "bitcoin", "pools")
                .from("now-30d")
                .variable("network", "Network", MetricCatalog.POOLS_WINDOW_BLOCKS, "network", "mainnet")
                .variable("window", "Window", MetricCatalog.POOLS_WINDOW_BLOCKS, "window", "7d")
                .row("Concentration now (last 1,008 blocks)")
                .panel(stat("Largest pool's share", 4, 4)
                        .description("Share of the last 1,008 blocks with a coinbase mined by the largest pool."
                                + " PoolShareHigh warns above 40%, critical above 50%.")
                        .instant("hashwatch_pools_top_share_ratio{network=\"$network\",window=\"7d\"}", "__auto")
                        .unit("percentunit")
                        .decimals(1))
                .panel(stat("Nakamoto coefficient", 4, 4)
                        .description("Fewest pools holding more than half of the last 1,008 blocks."
                                + " PoolsNakamotoCoefficientLow at 2 or below.")
                        .instant("hashwatch_pools_nakamoto_coefficient{network=\"$network\",window=\"7d\"}", "__auto")
                        .unit("none")
                        .decimals(0))
                .panel(stat("HHI", 4, 4)
                        .description("Herfindahl-Hirschman index of the pools' shares of the last 1,008 blocks"
                                + " (0..1; 0.25 is four equal pools).")
                        .instant("hashwatch_pools_hhi_ratio{network=\"$network\",window=\"7d\"}", "__auto")
                        .unit("none")
                        .decimals(3))
                .panel(stat("Unknown share", 4, 4)
                        .description("Blocks with a coinbase that no pool of the list matches. PoolsUnknownShareHigh"
                                + " above 10%: the list is stale.")
                        .instant("hashwatch_pools_unknown_share_ratio{network=\"$network\",window=\"7d\"}", "__auto")
                        .unit("percentunit")
                        .decimals(1))
                .panel(stat("Empty blocks (7d)", 4, 4)
                        .description("Coinbase-only blocks of the last 1,008, where the source gave tx counts.")
                        .instant("hashwatch_pools_empty_blocks{network=\"$network\",window=\"7d\"}", "__auto")
                        .unit("none")
                        .decimals(0))
                .panel(stat("Blocks without coinbase (7d)", 4, 4)
                        .description("Blocks of the last 1,008 the source gave no coinbase for: unattributed, left"
                                + " out of every share.")
                        .instant("hashwatch_pools_unattributed_blocks{network=\"$network\",window=\"7d\"}", "__auto")
                        .unit("none")
                        .decimals(0))
                .row("Ranking")
                .panel(table("Pools over the $window window", 24, 10)
                        .description("The top 15 pools of the 7-day window and the rest as other: blocks, share of"
                                + " the blocks with a coinbase, estimated hashrate (share x the window's network"
                                + " hashrate) and luck (blocks / blocks expected from the share of the next longer"
                                + " window; empty for 30d and other), and its empty blocks (the coinbase alone, where"
                                + " the source gave tx counts).")
                        .tableQuery("hashwatch_pool_blocks{network=\"$network\",window=\"$window\"}", "__auto")
                        .tableQuery("hashwatch_pool_share_ratio{network=\"$network\",window=\"$window\"}", "__auto")
                        .tableQuery(
                                "hashwatch_pool_hashrate_hashes_per_second{network=\"$network\",window=\"$window\"}",
                                "__auto")
                        .tableQuery("hashwatch_pool_luck_ratio{network=\"$network\",window=\"$window\"}", "__auto")
                        .tableQuery("hashwatch_pool_empty_blocks{network=\"$network\",window=\"$window\"}", "__auto")
                        .option("sortBy", json("[{'displayName': 'blocks', 'desc': true}]"))
                        .override("share", unit("percentunit"), prop("decimals", 1))
                        .override("estimated hashrate", unit("Hs"))
                        .override("luck", unit("percentunit"), prop("decimals", 0))
                        .override("blocks", prop("decimals", 0))
                        .override("empty blocks", prop("decimals", 0))
                        .transformations("[{'id': 'merge', 'options': {}}, {'id': 'organize', 'options':"
                                + " {'excludeByName': {'Time': true, 'job': true, 'instance': true, 'component':"
                                + " true, 'network': true, 'window': true}, 'renameByName': {'Value #A': 'blocks',"
                                + " 'Value #B': 'share', 'Value #C': 'estimated hashrate', 'Value #D': 'luck',"
                                + " 'Value #E': 'empty blocks'}}}]"))
                .row("Over time")
                .panel(timeseries("Pool shares (last 1,008 blocks)", 12, 8)
                        .description("Each top pool's share of the last 1,008 blocks with a coinbase, stacked with"
                                + " other. PoolShareShift: a doubling or halving within a week.")
                        .query("hashwatch_pool_share_ratio{network=\"$network\",window=\"7d\"}", "{{pool}}")
                        .legendTable()
                        .unit("percentunit")
                        .custom("fillOpacity", 30)
                        .custom("stacking.mode", "normal"))
                .panel(timeseries("Estimated pool hashrate (last 1,008 blocks)", 12, 8)
                        .description("Share x the 7-day network hashrate (Bitcoin Core's getnetworkhashps 1008).")
                        .query("hashwatch_pool_hashrate_hashes_per_second{network=\"$network\",window=\"7d\"}",
                                "{{pool}}")
                        .legendTable()
                        .unit("Hs")
                        .custom("fillOpacity", 30)
                        .custom("stacking.mode", "normal"))
                .panel(timeseries("Concentration", 12, 8)
                        .description("The largest pool's share and the HHI per window, against the PoolShareHigh"
                                + " thresholds.")
                        .query("hashwatch_pools_top_share_ratio{network=\"$network\"}", "top share {{window}}")
                        .query("hashwatch_pools_hhi_ratio{network=\"$network\"}", "HHI {{window}}")
                        .query("hashwatch:threshold_pool_share_warning_ratio:value", "warning share")
                        .query("hashwatch:threshold_pool_share_critical_ratio:value", "critical share")
                        .legendTable()
                        .unit("percentunit"))
                .panel(timeseries("Nakamoto coefficient and unknown share", 12, 8)
                        .description("The fewest pools with more than half of the blocks (left), and the share of"
                                + " blocks no pool matches (right axis) per window.")
                        .query("hashwatch_pools_nakamoto_coefficient{network=\"$network\"}", "Nakamoto {{window}}")
                        .query("hashwatch_pools_unknown_share_ratio{network=\"$network\"}", "unknown {{window}}")
                        .legendTable()
                        .unit("none")
                        .overrideMatching("unknown.*", unit("percentunit"), axisRight()))
                .panel(timeseries("Blocks attributed", 24, 7)
                        .description("Blocks connected to the best chain per hour, by attribution: a pool of the"
                                + " list, unknown, no coinbase from the source.")
                        .query(
                                "sum by (result) (increase(hashwatch_pool_attributions_total{network=\"$network\"}[1h]))",
                                "{{result}}")
                        .legendTable()
                        .unit("none")
                        .custom("fillOpacity", 30)
                        .custom("stacking.mode", "normal"))
                .row("Droughts (pools with 2% or more of the last 1,008 blocks)")
                .panel(timeseries("Blocks since each pool's last block", 12, 8)
                        .query("max without (instance) (hashwatch_pool_drought_blocks{network=\"$network\"})",
                                "{{pool}}")
                        .unit("short"))
                .panel(timeseries("Odds of each pool's drought", 12, 8)
                        .description("(1 - share)^blocks at the pool's 7d share; PoolSilent fires below 0.001 for a"
                                + " pool of 5% or more.")
                        .query(
                                "max without (instance) (hashwatch_pool_drought_probability_ratio{network=\"$network\"})",
                                "{{pool}}")
                        .unit("percentunit")
                        .custom("scaleDistribution", json("{'type': 'log', 'log': 10}")))
                .row("Block anomalies")
                .panel(timeseries("Block anomalies by pool and kind (last 24 h)", 24, 8)
                        .description("Best-chain blocks with an anomaly over the last 24 hours (the block-anomalies"
                                + " topic names each block): empty, before_parent, at_mtp_floor, ahead_of_arrival,"
                                + " fee_shock, unknown_tag. EmptyBlocks, BlockTimestampAnomaly, BlocksBeforeParentHigh,"
                                + " FeeShock and UnknownCoinbaseTag alert on them.")
                        .query("sum by (pool, kind) (increase(hashwatch_block_anomalies_total{network=\"$network\"}"
                                + "[24h]))", "{{pool}} {{kind}}")
                        .legendTable()
                        .unit("short")
                        .decimals(0));

    }
}
