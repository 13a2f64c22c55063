package io.hashwatch.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Every hashwatch meter of every module, with its name, type, help text and label names: the one place any of them
 * is written. The modules register from here (the streams app's {@code ChainMetrics}, {@code EconomicsMetrics},
 * {@code PoolMetrics}; the producers' {@code SourceHealth}, {@code SourceMetrics}, {@code ChainSourceMetrics}; the
 * runtime's {@code AlertWebhook}), backfill's OpenMetrics history writes the gauges' history under the same names
 * and help, and docs/metrics.md's tables and prometheus/known-metrics.txt are generated from it
 * ({@code MetricFilesGeneratedTest} in this module's tests says how); the dashboards' queries may name only these
 * (and recording rules), {@code DashboardsGeneratedTest}. Names are as Prometheus shows them, less the suffixes
 * Micrometer adds by type ({@code _total} for counters; {@code _count}, {@code _sum} and {@code _max} for
 * summaries); the base unit is the name's suffix (Prometheus' convention), see {@link Metric#unit()}, and the
 * builders hand it to Micrometer as the meter's base unit.
 *
 * <p>To add a metric: one line under its section, {@code gauge|counter|summary(name, help, label names...)}, and
 * a panel in the tests' {@code io.hashwatch.dashboards}; then regenerate (docs/metrics.md, "Dashboards").
 * Each section is the metrics one module registers and one table of docs/metrics.md.
 */
public final class MetricCatalog {
    // Declared first: the sections and metrics below add themselves in the order they are written (static fields
    // initialize in textual order), each metric to the section declared last above it.
    private static final List<Metric> ALL = new ArrayList<>();
    private static Section current;

    /** A group of metrics: which module registers them, and which table of docs/metrics.md shows them. */
    public record Section(String id, String module) {
    }

    /**
     * A meter's name, help text, type and label names (the tag keys it is registered with, in order); its builders
     * start from the first three.
     */
    public record Metric(String name, String help, Meter.Type type, List<String> labels, Section section) {

        /** The base units hashwatch's names end with, longest first. */
        private static final List<String> UNITS = List.of("hashes_per_second", "joules_per_terahash",
                "usd_per_ph_day", "btc_per_ph_day", "sats_per_th_day", "usd_per_mw_day", "usd_per_kwh", "usd_per_btc",
                "seconds", "ratio", "blocks", "usd", "btc");

        public Metric {
            labels = List.copyOf(labels);
        }

        /** The base unit, read from the name's suffix; empty for a count or a dimensionless value. */
        public String unit() {
            for (String unit : UNITS) {
                if (name.endsWith("_" + unit)) {
                    return unit;
                }
            }
            return "";
        }

        /** The series names Prometheus shows for this meter (Micrometer's suffixes by type). */
        public List<String> prometheusNames() {
            return switch (type) {
                case COUNTER -> List.of(name + "_total");
                case DISTRIBUTION_SUMMARY -> List.of(name + "_count", name + "_sum", name + "_max");
                default -> List.of(name);
            };
        }

        public <T> Gauge.Builder<T> gauge(T state, ToDoubleFunction<T> value) {
            return Gauge.builder(name, state, value).description(help(Meter.Type.GAUGE)).baseUnit(baseUnit());
        }

        public Counter.Builder counter() {
            return Counter.builder(name).description(help(Meter.Type.COUNTER)).baseUnit(baseUnit());
        }

        public DistributionSummary.Builder summary() {
            return DistributionSummary.builder(name).description(help(Meter.Type.DISTRIBUTION_SUMMARY))
                    .baseUnit(baseUnit());
        }

        /**
         * The unit as Micrometer's base unit, for registries that show it. Prometheus' naming convention appends
         * the base unit only to a name that does not already end with it, and every unit here is the name's
         * suffix: the series keep their names (MetricCatalogScrapeTest).
         */
        private String baseUnit() {
            String unit = unit();
            return unit.isEmpty() ? null : unit;
        }

        private String help(Meter.Type as) {
            if (type != as) {
                throw new IllegalStateException(name + " is a " + type + " in the catalog, not a " + as);
            }
            return help;
        }
    }

    // ---- Chain (streams app): the best chain, hashrate and difficulty per network.
    public static final Section CHAIN = section("chain", "streams-app");
    public static final Metric HEADERS_REJECTED = counter("hashwatch_headers_rejected",
            "Header records sent to the dead-letter topic, by reason", "reason");
    public static final Metric HEADERS_VERIFIED = counter("hashwatch_headers_verified",
            "Headers accepted into a chain; partial when history was missing for some rules", "network",
            "verification");
    public static final Metric HEADERS_DUPLICATE = counter("hashwatch_headers_duplicate",
            "Header records already known, ignored", "network");
    public static final Metric REORGS = counter("hashwatch_reorgs",
            "Switches of the best chain to a branch with more work", "network");
    public static final Metric REORG_DEPTH = summary("hashwatch_reorg_depth_blocks",
            "Blocks disconnected by each reorganization", "network");
    public static final Metric TIP_HEIGHT = gauge("hashwatch_tip_height", "Height of the best chain's tip",
            "network");
    public static final Metric TIP_TIMESTAMP = gauge("hashwatch_tip_timestamp_seconds",
            "Header timestamp of the tip", "network");
    public static final Metric TIP_AGE = gauge("hashwatch_tip_age_seconds",
            "Wall-clock seconds since the tip's header timestamp", "network");
    public static final Metric DIFFICULTY = gauge("hashwatch_difficulty", "Difficulty of the tip's bits", "network");
    public static final Metric HASHRATE = gauge("hashwatch_hashrate_hashes_per_second",
            "Network hashrate, Bitcoin Core's getnetworkhashps over the window (1d, 3d, 7d, epoch)", "network",
            "window");
    public static final Metric HASHRATE_LOWER95 = gauge("hashwatch_hashrate_lower95_hashes_per_second",
            "Lower bound of the 95% interval of the hashrate (1d, 7d)", "network", "window");
    public static final Metric HASHRATE_UPPER95 = gauge("hashwatch_hashrate_upper95_hashes_per_second",
            "Upper bound of the 95% interval of the hashrate (1d, 7d)", "network", "window");
    public static final Metric DIFFICULTY_PROJECTED_CHANGE = gauge("hashwatch_difficulty_projected_change_ratio",
            "Projected next difficulty adjustment (0.05 = +5%)", "network");
    public static final Metric DIFFICULTY_FORECAST_CHANGE = gauge("hashwatch_difficulty_forecast_change_ratio",
            "Quantile of the next difficulty adjustment's distribution (0.05 = +5%), by quantile", "network",
            "quantile");
    public static final Metric DIFFICULTY_DECREASE_PROBABILITY = gauge(
            "hashwatch_difficulty_decrease_probability_ratio",
            "Probability that the next adjustment lowers the difficulty", "network");
    public static final Metric BLOCK_GAP = gauge("hashwatch_block_gap_seconds",
            "The network's current gap without a block: since the tip's arrival when live, the tip's own interval"
                    + " from its parent when replaying", "network");
    public static final Metric BLOCK_GAP_PROBABILITY = gauge("hashwatch_block_gap_probability_ratio",
            "Probability of a gap at least that long at the 7-day hashrate: exp(-gap / expected interval)",
            "network");
    public static final Metric DIFFICULTY_EPOCH_PROGRESS = gauge("hashwatch_difficulty_epoch_progress_ratio",
            "Share of the current epoch's 2016 blocks mined", "network");
    public static final Metric DIFFICULTY_BLOCKS_REMAINING = gauge("hashwatch_difficulty_blocks_remaining",
            "Blocks until the next retarget", "network");
    public static final Metric DIFFICULTY_PROJECTED_RETARGET = gauge(
            "hashwatch_difficulty_projected_retarget_timestamp_seconds", "When the next retarget is expected",
            "network");

    // ---- Prices (streams app): the ticks and the one-minute reference price.
    public static final Section PRICES = section("prices", "streams-app");
    public static final Metric PRICES_REJECTED = counter("hashwatch_prices_rejected",
            "Price ticks sent to the dead-letter topic, by reason", "reason");
    public static final Metric PRICES_ACCEPTED = counter("hashwatch_prices_accepted", "Price ticks accepted",
            "exchange");
    public static final Metric PRICES_LATE_DROPPED = counter("hashwatch_prices_late_dropped",
            "Ticks later than the grace period, dropped", "exchange");
    public static final Metric REFERENCE_PRICE_OUTLIERS = counter("hashwatch_reference_price_outliers",
            "Exchange quotes left out of a minute's price as outliers", "exchange");
    public static final Metric REFERENCE_PRICE_UNAVAILABLE = counter("hashwatch_reference_price_unavailable",
            "Minutes updated without a reference price: every exchange stale or in disagreement");
    public static final Metric REFERENCE_PRICE = gauge("hashwatch_reference_price_usd",
            "Latest one-minute reference BTC-USD price");
    public static final Metric REFERENCE_PRICE_SOURCES = gauge("hashwatch_reference_price_sources",
            "Exchanges that made the latest reference price");
    public static final Metric REFERENCE_PRICE_TIMESTAMP = gauge("hashwatch_reference_price_timestamp_seconds",
            "Start of the latest reference price's minute");

    // ---- Economics (streams app) of mainnet's tip, at the latest block or price.
    public static final Section ECONOMICS = section("economics", "streams-app");
    public static final Metric HASHPRICE_BTC = gauge("hashwatch_hashprice_btc_per_ph_day",
            "Expected BTC per PH/s per day at the tip");
    public static final Metric HASHPRICE_USD = gauge("hashwatch_hashprice_usd_per_ph_day",
            "Expected USD per PH/s per day at the tip");
    public static final Metric HASHVALUE = gauge("hashwatch_hashvalue_sats_per_th_day",
            "Expected satoshis per TH/s per day at the tip");
    public static final Metric HASHPRICE_FEES_INCLUDED = gauge("hashwatch_hashprice_fees_included",
            "1 when the hashprice includes fees, 0 when subsidy-only");
    public static final Metric NETWORK_COST_MODEL = gauge("hashwatch_network_cost_model_usd",
            "Difficulty-regression model price of one BTC");
    public static final Metric NETWORK_COST_MODEL_REFIT = gauge("hashwatch_network_cost_model_refit_usd",
            "Difficulty-regression model price of one BTC with the refitted constants");
    public static final Metric DIFFICULTY_MULTIPLE = gauge("hashwatch_difficulty_multiple_ratio",
            "Price / difficulty-regression model price, by model (2022 or refit)", "model");
    public static final Metric HOSTING_REVENUE = gauge("hashwatch_hosting_revenue_usd_per_mw_day",
            "AI/HPC colocation lease revenue per MW per day");
    public static final Metric ENERGY_COST = gauge("hashwatch_energy_cost_usd_per_btc",
            "Energy cost to produce one BTC", "profile");
    public static final Metric ALL_IN_COST = gauge("hashwatch_all_in_cost_usd_per_btc",
            "All-in cost to produce one BTC", "profile");
    public static final Metric COST_GAP = gauge("hashwatch_cost_gap_ratio", "(price - all-in cost) / all-in cost",
            "profile");
    public static final Metric MARGIN = gauge("hashwatch_margin_usd_per_ph_day",
            "USD hashprice minus all-in cost per PH/s per day", "profile");
    public static final Metric BREAKEVEN_POWER_PRICE = gauge("hashwatch_breakeven_power_price_usd_per_kwh",
            "Power price at which mining revenue equals energy cost", "profile");
    public static final Metric MINING_REVENUE = gauge("hashwatch_mining_revenue_usd_per_mw_day",
            "Mining revenue of one MW of this fleet per day", "profile");
    public static final Metric POWER_OPPORTUNITY_SPREAD = gauge("hashwatch_power_opportunity_spread_usd_per_mw_day",
            "Mining minus AI/HPC hosting revenue per MW per day", "profile");
    public static final Metric POWER_PRICE = gauge("hashwatch_power_price_usd_per_kwh",
            "Contracted power price of the profile", "profile");
    public static final Metric EFFICIENCY = gauge("hashwatch_efficiency_joules_per_terahash",
            "Fleet efficiency of the profile", "profile");

    // ---- Miner stress (streams app): the latest final UTC day of mainnet (miner-days).
    public static final Section MINER_STRESS = section("miner-stress", "streams-app");
    public static final Metric MINER_DAY_TIMESTAMP = gauge("hashwatch_miner_day_timestamp_seconds",
            "Start (UTC midnight) of the latest final day");
    public static final Metric MINER_DAY_BLOCKS = gauge("hashwatch_miner_day_blocks", "Blocks of the latest final day");
    public static final Metric MINER_DAY_HASHRATE = gauge("hashwatch_miner_day_hashrate_hashes_per_second",
            "Work of the day's blocks / 86,400 s");
    public static final Metric MINER_DAY_REVENUE = gauge("hashwatch_miner_day_revenue_usd",
            "Subsidy and known fees of the day, each block at its own price");
    public static final Metric MINER_DAY_ISSUANCE = gauge("hashwatch_miner_day_issuance_usd",
            "Subsidy of the day in USD, each block at its own price");
    public static final Metric MINER_DAY_FEE_SHARE = gauge("hashwatch_miner_day_fee_share_ratio",
            "Fees / (subsidy + fees) over the day's blocks with known fees");
    public static final Metric MINER_DAY_HASHPRICE = gauge("hashwatch_miner_day_hashprice_usd_per_ph_day",
            "Mean USD hashprice of the day's blocks");
    public static final Metric HASH_RIBBON = gauge("hashwatch_hash_ribbon_hashes_per_second",
            "Hash ribbons: SMA of the daily hashrate, by window (30, 60 days)", "window");
    public static final Metric HASH_RIBBON_OSCILLATOR = gauge("hashwatch_hash_ribbon_oscillator_ratio",
            "SMA30 / SMA60 of the daily hashrate - 1");
    public static final Metric HASH_RIBBON_CAPITULATION = gauge("hashwatch_hash_ribbon_capitulation",
            "1 while SMA30 < SMA60 of the daily hashrate, else 0");
    public static final Metric HASH_RIBBON_BUY = gauge("hashwatch_hash_ribbon_buy_signal",
            "1 on the day of the hash ribbons' buy signal, else 0");
    public static final Metric PUELL_MULTIPLE = gauge("hashwatch_puell_multiple_ratio",
            "Daily USD issuance / its SMA365");
    public static final Metric DIFFICULTY_RIBBON = gauge("hashwatch_difficulty_ribbon",
            "Difficulty ribbon: SMA of the daily mean difficulty, by window (9..200 days)", "window");
    public static final Metric DIFFICULTY_RIBBON_COMPRESSION = gauge("hashwatch_difficulty_ribbon_compression_ratio",
            "Standard deviation / mean of the difficulty ribbon's eight SMAs");
    public static final Metric HALVING_BLOCKS = gauge("hashwatch_halving_blocks_remaining",
            "Blocks to the next halving at the day's highest block");
    public static final Metric HALVING_TIMESTAMP = gauge("hashwatch_halving_estimated_timestamp_seconds",
            "Estimated time of the next halving, at the epoch's mean block interval");
    public static final Metric HALVING_NEXT_SUBSIDY = gauge("hashwatch_halving_next_subsidy_btc",
            "Block subsidy after the next halving");
    public static final Metric BREAKEVEN_EFFICIENCY = gauge("hashwatch_breakeven_efficiency_joules_per_terahash",
            "Highest J/TH whose energy cost the day's hashprice covers, by configured power price", "power_price");
    public static final Metric PROFILES_UNDER_WATER = gauge("hashwatch_profiles_under_water",
            "Configured cost profiles whose all-in cost exceeds the day's hashprice");
    public static final Metric PROFILE_DAYS_UNDER_WATER = gauge("hashwatch_profile_days_under_water",
            "Consecutive final days the profile's margin has been negative", "profile");
    public static final Metric MINER_SIGNALS = counter("hashwatch_miner_signals",
            "Miner-stress events published, by signal", "signal");

    // ---- Mining pools (streams app): window is 1d, 7d or 30d (144, 1008, 4320 blocks); pool is one of the top
    // pools by share of the 7d window, or "other".
    public static final Section POOLS = section("pools", "streams-app");
    public static final Metric POOL_BLOCKS_ATTRIBUTED = counter("hashwatch_pool_attributions",
            "Blocks connected to the best chain, by attribution result (attributed, unknown, unattributed)",
            "network", "result");
    public static final Metric POOL_BLOCKS = gauge("hashwatch_pool_blocks",
            "Blocks of the pool in the window", "network", "window", "pool");
    public static final Metric POOL_SHARE = gauge("hashwatch_pool_share_ratio",
            "Share of the window's blocks with a coinbase mined by the pool", "network", "window", "pool");
    public static final Metric POOL_HASHRATE = gauge("hashwatch_pool_hashrate_hashes_per_second",
            "Estimated hashrate of the pool: its share times the window's network hashrate", "network", "window",
            "pool");
    public static final Metric POOL_LUCK = gauge("hashwatch_pool_luck_ratio",
            "Blocks found over blocks expected from the pool's share of the next longer window (NaN for 30d and"
                    + " other)", "network", "window", "pool");
    public static final Metric POOL_EMPTY_BLOCKS = gauge("hashwatch_pool_empty_blocks",
            "The pool's blocks of the window with the coinbase alone, among those with a known tx count", "network",
            "window", "pool");
    public static final Metric BLOCK_ANOMALIES = counter("hashwatch_block_anomalies",
            "Best-chain blocks with an anomaly, by kind (empty, before_parent, at_mtp_floor, ahead_of_arrival,"
                    + " fee_shock, unknown_tag) and pool (a slug of the list, unknown or unattributed)", "network",
            "kind", "pool");
    public static final Metric FEE_SHARE = gauge("hashwatch_fee_share_ratio",
            "Fees / (subsidy + fees) over the window's blocks with known claimed fees (window 1d or 30d)", "network",
            "window");
    public static final Metric UNKNOWN_TAG_BLOCKS = gauge("hashwatch_pools_unknown_tag_blocks",
            "Unknown blocks of the last day carrying the coinbase tag (tags in 3 or more, at most 10)", "network",
            "tag");
    // Droughts: every pool with >= 2% of the 7d window, at most 50; no window label (always 7d).
    public static final Metric POOL_DROUGHT_BLOCKS = gauge("hashwatch_pool_drought_blocks",
            "Best-chain blocks since the pool's latest block", "network", "pool");
    public static final Metric POOL_DROUGHT_PROBABILITY = gauge("hashwatch_pool_drought_probability_ratio",
            "Probability of a gap at least that long at the pool's 7d share: (1 - share)^blocks", "network", "pool");
    public static final Metric POOL_DROUGHT_SHARE = gauge("hashwatch_pool_drought_share_ratio",
            "The 7d share the drought probability used", "network", "pool");
    public static final Metric POOLS_TOP_SHARE = gauge("hashwatch_pools_top_share_ratio",
            "Share of the window's blocks mined by its largest pool", "network", "window");
    public static final Metric POOLS_HHI = gauge("hashwatch_pools_hhi_ratio",
            "Herfindahl-Hirschman index of the pools' shares in the window (0..1)", "network", "window");
    public static final Metric POOLS_NAKAMOTO = gauge("hashwatch_pools_nakamoto_coefficient",
            "Fewest pools holding more than half of the window's blocks", "network", "window");
    public static final Metric POOLS_UNKNOWN_SHARE = gauge("hashwatch_pools_unknown_share_ratio",
            "Share of the window's blocks with a coinbase that no pool of the list matches", "network", "window");
    public static final Metric POOLS_UNATTRIBUTED = gauge("hashwatch_pools_unattributed_blocks",
            "Blocks of the window without a coinbase from the source", "network", "window");
    public static final Metric POOLS_WINDOW_BLOCKS = gauge("hashwatch_pools_window_blocks",
            "Blocks of the window with a coinbase: the denominator of the pools' shares", "network", "window");
    public static final Metric POOLS_EMPTY_BLOCKS = gauge("hashwatch_pools_empty_blocks",
            "Blocks of the window with the coinbase alone, among those with a known tx count", "network", "window");

    // ---- Every source (producers): header sources and price feeds alike, so one alert rule covers both.
    public static final Section SOURCES = section("sources", "producers");
    public static final Metric SOURCE_UP = gauge("hashwatch_source_up",
            "1 while the source is connected and receiving, else 0", "source");
    public static final Metric SOURCE_LAST_MESSAGE = gauge("hashwatch_source_last_message_timestamp_seconds",
            "Wall-clock time of the last message or successful reply from the source (NaN before the first)",
            "source");

    // ---- Header sources (producers): source is bitcoind or esplora.
    public static final Section HEADER_SOURCES = section("header-sources", "producers");
    public static final Metric SOURCE_ERRORS = counter("hashwatch_source_errors",
            "Failed exchanges with a header source, by kind", "source", "kind");
    public static final Metric SOURCE_HEADERS = counter("hashwatch_source_headers",
            "Block headers published from the source", "source");
    public static final Metric SOURCE_REORGS = counter("hashwatch_source_reorgs",
            "Reorganizations seen at the source: a published block left its best chain", "source");
    public static final Metric SOURCE_STALE_BLOCKS = counter("hashwatch_source_stale_blocks",
            "Blocks of stale branches the node reported (getchaintips) since following started", "source");
    public static final Metric SOURCE_STALE_BRANCH_DEPTH = summary("hashwatch_source_stale_branch_depth_blocks",
            "Depth of each new stale branch the node reported (getchaintips branchlen)", "source");
    public static final Metric SOURCE_TIP_HEIGHT = gauge("hashwatch_source_tip_height",
            "Tip height the source last reported", "source");
    public static final Metric SOURCE_PUBLISHED_HEIGHT = gauge("hashwatch_source_published_height",
            "Height of the last header published from the source", "source");
    public static final Metric SOURCE_FEES_AVAILABLE = gauge("hashwatch_source_fees_available",
            "1 while the source gives block fees, 0 when it cannot (fees published as null)", "source");
    public static final Metric SOURCE_BACKFILL_REMAINING = gauge("hashwatch_source_backfill_remaining_blocks",
            "Blocks of the current walk (first-start history, or a restart's gap) still to publish, and of the"
                    + " history's coinbases still to fill in the background (Electrum); 0 once both are done",
            "source");

    // ---- Price sources (producers): source is the exchange (coinbase, kraken, bitstamp).
    public static final Section PRICE_SOURCES = section("price-sources", "producers");
    public static final Metric SOURCE_MESSAGES = counter("hashwatch_source_messages", "Websocket messages received",
            "source");
    public static final Metric SOURCE_PARSE_FAILURES = counter("hashwatch_source_parse_failures",
            "Messages rejected as not of the expected layout", "source");
    public static final Metric SOURCE_RECONNECTS = counter("hashwatch_source_reconnects",
            "Connection attempts after the first", "source");
    public static final Metric SOURCE_GAPS = counter("hashwatch_source_gaps",
            "Gaps in the exchange's trade sequence (Coinbase)", "source");
    public static final Metric SOURCE_STALE = counter("hashwatch_source_stale",
            "Connections closed by the silence watchdog", "source");
    public static final Metric SOURCE_TICKS = counter("hashwatch_source_ticks", "Price ticks published", "source");
    public static final Metric SOURCE_EXCHANGE_ERRORS = counter("hashwatch_source_exchange_errors",
            "Error messages sent by the exchange", "source");
    public static final Metric SOURCE_PUBLISH_FAILURES = counter("hashwatch_source_publish_failures",
            "Price ticks the publisher refused", "source");

    // ---- Alert webhook (runtime, served by the streams role).
    public static final Section WEBHOOK = section("webhook", "runtime");
    public static final Metric ALERT_NOTIFICATIONS = counter("hashwatch_alert_notifications",
            "Alertmanager notifications received on the webhook, by outcome (published, invalid, publish_failed)",
            "outcome");

    private MetricCatalog() {
    }

    /** Every metric, in the order written here. */
    public static List<Metric> all() {
        return Collections.unmodifiableList(ALL);
    }

    /** The metrics of one module (what its own tests check it registers). */
    public static List<Metric> ofModule(String module) {
        return ALL.stream().filter(m -> m.section().module().equals(module)).toList();
    }

    private static Section section(String id, String module) {
        current = new Section(id, module);
        return current;
    }

    private static Metric add(String name, String help, Meter.Type type, String... labels) {
        Metric m = new Metric(name, help, type, List.of(labels), current);
        ALL.add(m);
        return m;
    }

    private static Metric gauge(String name, String help, String... labels) {
        return add(name, help, Meter.Type.GAUGE, labels);
    }

    private static Metric counter(String name, String help, String... labels) {
        return add(name, help, Meter.Type.COUNTER, labels);
    }

    private static Metric summary(String name, String help, String... labels) {
        return add(name, help, Meter.Type.DISTRIBUTION_SUMMARY, labels);
    }
}
