package io.hashwatch.dashboards;

import static io.hashwatch.dashboards.Grafana.axisRight;
import static io.hashwatch.dashboards.Grafana.color;
import static io.hashwatch.dashboards.Grafana.dashed;
import static io.hashwatch.dashboards.Grafana.lineWidth;
import static io.hashwatch.dashboards.Grafana.stat;
import static io.hashwatch.dashboards.Grafana.stateTimeline;
import static io.hashwatch.dashboards.Grafana.timeseries;
import static io.hashwatch.dashboards.Grafana.unit;

import io.hashwatch.dashboards.Grafana.Dashboard;
import io.hashwatch.metrics.MetricCatalog;

/**
 * The Pipeline health dashboard: sources, Kafka Streams, consumer lag, dead letters, alerts.
 * Written to grafana/dashboards/pipeline.json ({@code DashboardsGeneratedTest}).
 */
final class PipelineDashboard {
    static final String FILE = "pipeline.json";
    /** A process or source: 1 up, 0 down. */
    private static final String[] UP_DOWN = {
            "1", "UP", "green",
            "0", "DOWN", "red"};
    /** Kafka Streams' client states, as KafkaStreamsMetrics numbers them. */
    private static final String[] STREAMS_STATES = {
            "0", "CREATED", "blue",
            "1", "REBALANCING", "yellow",
            "2", "RUNNING", "green",
            "3", "PENDING_SHUTDOWN", "orange",
            "4", "NOT_RUNNING", "red",
            "5", "PENDING_ERROR", "red",
            "6", "ERROR", "dark-red"};
    /** Whether a header source gives block fees. */
    private static final String[] FEES = {
            "1", "fees", "green",
            "0", "no fees", "orange"};
    /** A stream thread's states, as Kafka Streams numbers them. */
    private static final String[] THREAD_STATES = {
            "0", "CREATED", "blue",
            "1", "STARTING", "blue",
            "2", "PARTITIONS_REVOKED", "yellow",
            "3", "PARTITIONS_ASSIGNED", "yellow",
            "4", "RUNNING", "green",
            "5", "PENDING_SHUTDOWN", "orange",
            "6", "DEAD", "red"};

    private PipelineDashboard() {
    }

    static Dashboard dashboard() {
        return new Dashboard("hashwatch-pipeline", "hashwatch / Pipeline health",
                "hashwatch itself: processes, sources, records in and rejected, reorgs, Kafka Streams, lag, JVM.")
                .tags("hashwatch", "pipeline")
                .variable("network", "Network", MetricCatalog.TIP_HEIGHT, "network", "mainnet")
                .row("Status")
                .panel(stat("Processes", 6, 4)
                        .instant("up{job=\"hashwatch\"}", "{{component}}")
                        .option("colorMode", "background")
                        .unit("short")
                        .thresholds("red", 1, "green")
                        .states(UP_DOWN))
                .panel(stat("Kafka Streams", 6, 4)
                        .instant("kafka_stream_client_state", "{{instance}}")
                        .option("colorMode", "background")
                        .unit("short")
                        .states(STREAMS_STATES))
                .panel(stat("Alive stream threads", 4, 4)
                        .instant("kafka_stream_alive_stream_threads", "__auto")
                        .unit("short")
                        .decimals(0))
                .panel(stat("Failed stream threads", 4, 4)
                        .instant("kafka_stream_failed_stream_threads_total", "__auto")
                        .unit("short")
                        .decimals(0)
                        .thresholds("green", 1, "red"))
                .panel(stat("Alerts firing", 4, 4)
                        .instant("sum(ALERTS{alertstate=\"firing\"}) or vector(0)", "__auto")
                        .unit("short")
                        .decimals(0)
                        .thresholds("green", 1, "red"))
                .row("Sources")
                .panel(stateTimeline("Sources (exchange feeds and header sources)", 12, 7)
                        .description("SourceDown alerts after 5 min down.")
                        .query("hashwatch_source_up", "{{source}}")
                        .states(UP_DOWN))
                .panel(timeseries("Seconds since each source's last message", 12, 7)
                        .description("Since the last message of a feed, the last successful reply of a header"
                                + " source. SourceStale alerts above the threshold for 2 min.")
                        .query("source:hashwatch_source_staleness_seconds:value", "{{source}}")
                        .query("hashwatch:threshold_source_staleness_seconds:value", "stale threshold")
                        .unit("s")
                        .override("stale threshold", color("red"), dashed(), lineWidth(1)))
                .panel(timeseries("Exchange feeds: messages", 12, 7)
                        .query("sum by (source) (rate(hashwatch_source_messages_total[$__rate_interval]))",
                                "{{source}} messages/s")
                        .query("sum by (source) (rate(hashwatch_source_ticks_total[$__rate_interval]))",
                                "{{source}} ticks/s")
                        .unit("short"))
                .panel(timeseries("Exchange feeds: errors (per hour)", 12, 7)
                        .query("sum by (source) (increase(hashwatch_source_parse_failures_total[1h]))",
                                "{{source}} parse failures")
                        .query("sum by (source) (increase(hashwatch_source_reconnects_total[1h]))",
                                "{{source}} reconnects")
                        .query("sum by (source) (increase(hashwatch_source_gaps_total[1h]))",
                                "{{source}} sequence gaps")
                        .query("sum by (source) (increase(hashwatch_source_stale_total[1h]))", "{{source}} watchdog"
                                + " closes")
                        .query("sum by (source) (increase(hashwatch_source_exchange_errors_total[1h]))",
                                "{{source}} exchange errors")
                        .query("sum by (source) (increase(hashwatch_source_publish_failures_total[1h]))",
                                "{{source}} publish failures")
                        .unit("short"))
                .panel(timeseries("Header sources: tip reported and published", 12, 7)
                        .description("The height each header source reports, the last it published, and the tip"
                                + " hashwatch verified.")
                        .query("hashwatch_source_tip_height", "{{source}} tip")
                        .query("hashwatch_source_published_height", "{{source}} published")
                        .query("hashwatch_tip_height{network=\"$network\"}", "hashwatch tip ($network)")
                        .unit("short")
                        .decimals(0))
                .panel(timeseries("Header sources: headers and errors (per hour)", 12, 7)
                        .query("sum by (source) (increase(hashwatch_source_headers_total[1h]))", "{{source}} headers")
                        .query("sum by (source, kind) (increase(hashwatch_source_errors_total[1h]))",
                                "{{source}} {{kind}} errors")
                        .query("sum by (source) (increase(hashwatch_source_reorgs_total[1h]))",
                                "{{source}} reorgs seen")
                        .unit("short"))
                .panel(stateTimeline("Header sources: block fees available", 12, 7)
                        .query("hashwatch_source_fees_available", "{{source}}")
                        .states(FEES))
                .panel(timeseries("Reference price age and sources", 12, 7)
                        .query("job:hashwatch_reference_price_age_seconds:value", "age")
                        .query("hashwatch:threshold_reference_price_age_seconds:value", "stale threshold")
                        .query("hashwatch_reference_price_sources", "exchanges in the price")
                        .unit("s")
                        .override("stale threshold", color("red"), dashed(), lineWidth(1))
                        .override("exchanges in the price", axisRight(), unit("short")))
                .panel(timeseries("Minutes without a reference price (per hour)", 12, 7)
                        .query("sum(increase(hashwatch_reference_price_unavailable_total[1h]))",
                                "minutes without a price")
                        .query("sum by (exchange) (increase(hashwatch_reference_price_outliers_total[1h]))",
                                "{{exchange}} outliers")
                        .unit("short"))
                .row("Records")
                .panel(timeseries("Headers verified per minute", 12, 8)
                        .query("verification:hashwatch_headers_verified:rate5m{network=\"$network\"} * 60",
                                "{{verification}}")
                        .query("sum by (network)"
                                + " (rate(hashwatch_headers_duplicate_total{network=\"$network\"}[$__rate_interval]))"
                                + " * 60", "duplicates")
                        .unit("short"))
                .panel(timeseries("Headers rejected per minute, by reason", 12, 8)
                        .description("To the dead-letters topic; HeadersRejected alerts on any.")
                        .query("reason:hashwatch_headers_rejected:rate5m * 60", "{{reason}}")
                        .unit("short")
                        .custom("drawStyle", "bars")
                        .custom("lineInterpolation", "linear")
                        .custom("fillOpacity", 80)
                        .custom("stacking.mode", "normal"))
                .panel(timeseries("Price ticks per minute", 12, 8)
                        .query("exchange:hashwatch_prices_accepted:rate5m * 60", "{{exchange}} accepted")
                        .query("sum by (exchange) (rate(hashwatch_prices_late_dropped_total[$__rate_interval])) * 60",
                                "{{exchange}} late, dropped")
                        .unit("short"))
                .panel(timeseries("Price ticks rejected per minute, by reason", 12, 8)
                        .query("reason:hashwatch_prices_rejected:rate5m * 60", "{{reason}}")
                        .query("job:hashwatch_prices_rejected:ratio_rate15m", "share rejected (15 min)")
                        .unit("short")
                        .override("share rejected (15 min)", axisRight(), unit("percentunit")))
                .panel(timeseries("Reorganizations", 24, 7)
                        .query("sum by (network) (increase(hashwatch_reorgs_total[1h]))", "{{network}} reorgs per hour")
                        .query("max by (network) (hashwatch_reorg_depth_blocks_max)", "{{network}} deepest (recent)")
                        .query("hashwatch:threshold_reorg_depth_blocks:value", "DeepReorg threshold")
                        .unit("short")
                        .override("DeepReorg threshold", color("red"), dashed(), lineWidth(1)))
                .row("Kafka Streams")
                .panel(stateTimeline("Kafka Streams client state", 12, 6)
                        .query("kafka_stream_client_state", "{{instance}}")
                        .states(STREAMS_STATES))
                .panel(stateTimeline("Stream thread state", 12, 6)
                        .query("kafka_stream_thread_thread_state", "{{thread_id}}")
                        .states(THREAD_STATES))
                .panel(timeseries("Consumer lag by topic (records)", 12, 8)
                        .description("Stream threads' consumers, summed over partitions. KafkaConsumerLagGrowing"
                                + " alerts when over the threshold and growing for 15 min.")
                        .query("topic:kafka_consumer_fetch_manager_records_lag:sum", "{{topic}}")
                        .query("hashwatch:threshold_consumer_lag_records:value", "alert threshold")
                        .unit("short")
                        .override("alert threshold", color("red"), dashed(), lineWidth(1)))
                .panel(timeseries("Records processed and commit latency", 12, 8)
                        .query("sum by (instance) (kafka_stream_thread_process_rate)", "records processed/s")
                        .query("max by (instance) (kafka_stream_thread_commit_latency_avg)", "commit latency (ms)")
                        .unit("short")
                        .override("commit latency (ms)", axisRight(), unit("ms")))
                .row("Process")
                .panel(timeseries("CPU", 8, 7)
                        .query("process_cpu_usage{job=\"hashwatch\"}", "{{component}} process")
                        .query("system_cpu_usage{job=\"hashwatch\"}", "{{component}} system")
                        .unit("percentunit")
                        .min(0))
                .panel(timeseries("JVM memory", 8, 7)
                        .query("sum by (component, area) (jvm_memory_used_bytes{job=\"hashwatch\"})",
                                "{{component}} {{area}} used")
                        .query("sum by (component) (jvm_memory_max_bytes{job=\"hashwatch\",area=\"heap\"})",
                                "{{component}} heap max")
                        .unit("bytes"))
                .panel(timeseries("GC pauses and threads", 8, 7)
                        .query("sum by (component)"
                                + " (rate(jvm_gc_pause_seconds_sum{job=\"hashwatch\"}[$__rate_interval]))",
                                "{{component}} GC time share")
                        .query("jvm_threads_live_threads{job=\"hashwatch\"}", "{{component}} live threads")
                        .unit("percentunit")
                        .overrideMatching(".*live threads", axisRight(), unit("short")));

    }
}
